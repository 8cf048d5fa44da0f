// Optimizer updates with torch.optim's rules (weight decay is added to g by the caller).
// w: parameter, g: gradient, s1/s2: state, t: step (from 1), η: learning rate.
//   sgd       w ← w − η g
//   momentum  b ← μ b + g;  w ← w − η b                             (Polyak 1964)
//   nesterov  b ← μ b + g;  w ← w − η (g + μ b)                      (Sutskever et al. 2013)
//   adagrad   s ← s + g²;   w ← w − η g / (√s + ε)                   (Duchi et al. 2011)
//   adadelta  s ← ρ s + (1−ρ) g²;  Δ = √(u + ε)/√(s + ε) · g;
//             u ← ρ u + (1−ρ) Δ²;  w ← w − η Δ                        (Zeiler 2012)
//   rmsprop   s ← α s + (1−α) g²;  w ← w − η g / (√s + ε)             (Hinton 2012)
//   adam      m ← β₁ m + (1−β₁) g;  v ← β₂ v + (1−β₂) g²;
//             w ← w − η/(1−β₁ᵗ) · m / (√v/√(1−β₂ᵗ) + ε)              (Kingma & Ba 2015)
#include <cmath>

#include "backend/cpu/cpu_backend.h"

namespace gradlab::cpu {

namespace {
template <class T>
void update(OptimKind kind, const OptimHyper& h, int64_t step, Tensor& wt, const Tensor& gt,
            Tensor& s1t, Tensor& s2t) {
  auto w = arr<T>(wt);
  auto g = arr<T>(gt);
  const T lr = T(h.lr), eps = T(h.eps);
  switch (kind) {
    case OptimKind::Sgd: w -= lr * g; break;
    case OptimKind::Momentum: {
      auto b = arr<T>(s1t);
      b = T(h.momentum) * b + g;
      w -= lr * b;
      break;
    }
    case OptimKind::Nesterov: {
      auto b = arr<T>(s1t);
      b = T(h.momentum) * b + g;
      w -= lr * (g + T(h.momentum) * b);
      break;
    }
    case OptimKind::Adagrad: {
      auto s = arr<T>(s1t);
      s += g.square();
      w -= lr * g / (s.sqrt() + eps);
      break;
    }
    case OptimKind::Adadelta: {
      auto s = arr<T>(s1t);
      auto u = arr<T>(s2t);
      const T rho = T(h.rho);
      s = rho * s + (T(1) - rho) * g.square();
      const int64_t n = w.size();
      for (int64_t i = 0; i < n; ++i) {
        const T delta = std::sqrt(u[i] + eps) / std::sqrt(s[i] + eps) * g[i];
        u[i] = rho * u[i] + (T(1) - rho) * delta * delta;
        w[i] -= lr * delta;
      }
      break;
    }
    case OptimKind::RmsProp: {
      auto s = arr<T>(s1t);
      const T a = T(h.rho);
      s = a * s + (T(1) - a) * g.square();
      w -= lr * g / (s.sqrt() + eps);
      break;
    }
    case OptimKind::Adam: {
      auto m = arr<T>(s1t);
      auto v = arr<T>(s2t);
      const T b1 = T(h.beta1), b2 = T(h.beta2);
      m = b1 * m + (T(1) - b1) * g;
      v = b2 * v + (T(1) - b2) * g.square();
      const T bc1 = T(1) - std::pow(b1, T(step));
      const T bc2 = T(1) - std::pow(b2, T(step));
      const T stepSize = lr / bc1;
      const T bc2Sqrt = std::sqrt(bc2);
      w -= stepSize * m / (v.sqrt() / bc2Sqrt + eps);
      break;
    }
  }
}
}  // namespace

void CpuBackend::optimizerUpdateImpl(OptimKind kind, const OptimHyper& h, int64_t step, Tensor& w,
                                     const Tensor& g, Tensor& s1, Tensor& s2) {
  dispatch(w.dtype(), [&](auto t) { update<decltype(t)>(kind, h, step, w, g, s1, s2); });
}

}  // namespace gradlab::cpu
