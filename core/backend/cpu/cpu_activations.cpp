// Activation functions f and their derivatives f′, applied element-wise (softmax: per row).
//   identity   f(z) = z                         f′ = 1
//   sigmoid    f(z) = σ(z) = 1 / (1 + e^(−z))   f′ = σ(z)(1 − σ(z)) = y(1 − y)
//   tanh       f(z) = tanh z                    f′ = 1 − y²
//   relu       f(z) = max(0, z)                 f′ = [z > 0]
//   leaky_relu f(z) = z if z > 0 else 0.01 z    f′ = 1 or 0.01
//   elu        f(z) = z if z > 0 else e^z − 1   f′ = 1 or y + 1
//   softmax    yᵢ = e^(zᵢ) / Σⱼ e^(zⱼ)           dz = y ⊙ (dy − ⟨dy, y⟩)
#include "backend/cpu/cpu_backend.h"

namespace gradlab::cpu {

namespace {
constexpr double kLeakySlope = 0.01;

template <class T>
void forward(Act f, const Tensor& zt, Tensor& yt) {
  auto z = arr<T>(zt);
  auto y = arr<T>(yt);
  switch (f) {
    case Act::Identity: y = z; break;
    case Act::Sigmoid: y = z.logistic(); break;
    case Act::Tanh: y = z.tanh(); break;
    case Act::Relu: y = z.max(T(0)); break;
    case Act::LeakyRelu: y = (z > T(0)).select(z, T(kLeakySlope) * z); break;
    case Act::Elu: y = (z > T(0)).select(z, z.exp() - T(1)); break;
    case Act::Softmax: {
      auto Z = mat<T>(zt);
      auto Y = mat<T>(yt);
      for (int64_t r = 0; r < Z.rows(); ++r) {
        const T mx = Z.row(r).maxCoeff();
        Y.row(r) = (Z.row(r).array() - mx).exp().matrix();
        Y.row(r) /= Y.row(r).sum();
      }
      break;
    }
  }
}

template <class T>
void backward(Act f, const Tensor& zt, const Tensor& yt, const Tensor& dyt, Tensor& dzt,
              bool accumulate) {
  auto z = arr<T>(zt);
  auto y = arr<T>(yt);
  auto dy = arr<T>(dyt);
  auto dz = arr<T>(dzt);
  auto put = [&](const auto& expr) {
    if (accumulate)
      dz += expr;
    else
      dz = expr;
  };
  switch (f) {
    case Act::Identity: put(dy); break;
    case Act::Sigmoid: put(dy * y * (T(1) - y)); break;
    case Act::Tanh: put(dy * (T(1) - y.square())); break;
    case Act::Relu: put((z > T(0)).select(dy, T(0))); break;
    case Act::LeakyRelu: put((z > T(0)).select(dy, T(kLeakySlope) * dy)); break;
    case Act::Elu: put((z > T(0)).select(dy, dy * (y + T(1)))); break;
    case Act::Softmax: {
      auto Y = mat<T>(yt);
      auto DY = mat<T>(dyt);
      auto DZ = mat<T>(dzt);
      for (int64_t r = 0; r < Y.rows(); ++r) {
        const T dot = Y.row(r).dot(DY.row(r));
        auto g = (Y.row(r).array() * (DY.row(r).array() - dot)).matrix();
        if (accumulate)
          DZ.row(r) += g;
        else
          DZ.row(r) = g;
      }
      break;
    }
  }
}
}  // namespace

void CpuBackend::actForwardImpl(Act f, const Tensor& z, Tensor& y) {
  dispatch(z.dtype(), [&](auto t) { forward<decltype(t)>(f, z, y); });
}

void CpuBackend::actBackwardImpl(Act f, const Tensor& z, const Tensor& y, const Tensor& dy,
                                 Tensor& dz, bool accumulate) {
  dispatch(z.dtype(), [&](auto t) { backward<decltype(t)>(f, z, y, dy, dz, accumulate); });
}

}  // namespace gradlab::cpu
