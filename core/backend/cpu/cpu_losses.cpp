// Losses, each the mean over the batch (PyTorch's reduction="mean"); n = number of elements
// for mse/bce/bce_logits, number of rows for cross_entropy. p = prediction, t = target.
//   mse            L = (1/n) Σ (p − t)²                          ∂L/∂p = 2(p − t)/n
//   bce            L = −(1/n) Σ t·log p + (1 − t)·log(1 − p)     ∂L/∂p = (p − t) / (p(1 − p)) / n
//                  (log clamped at −100 and p(1 − p) at 1e−12, as PyTorch's BCELoss)
//   bce_logits     L = (1/n) Σ max(z, 0) − z·t + log(1 + e^(−|z|))  ∂L/∂z = (σ(z) − t)/n
//   cross_entropy  L = −(1/B) Σᵢ log softmax(zᵢ)[tᵢ]             ∂L/∂zᵢ = (softmax(zᵢ) − onehot(tᵢ))/B
#include <cmath>

#include "backend/cpu/cpu_backend.h"

namespace gradlab::cpu {

namespace {
template <class T>
double meanLoss(LossKind kind, const Tensor& pred, const Tensor& target, Tensor* grad) {
  const T* p = ptr<T>(pred);
  const T* t = ptr<T>(target);
  T* g = grad ? ptr<T>(*grad) : nullptr;
  double total = 0;
  switch (kind) {
    case LossKind::Mse: {
      const int64_t n = pred.numel();
      for (int64_t i = 0; i < n; ++i) {
        const double d = double(p[i]) - double(t[i]);
        total += d * d;
        if (g) g[i] = T(2 * d / double(n));
      }
      return total / double(n);
    }
    case LossKind::Bce: {
      const int64_t n = pred.numel();
      for (int64_t i = 0; i < n; ++i) {
        const double pi = p[i], ti = t[i];
        const double lp = std::max(std::log(pi), -100.0);
        const double l1p = std::max(std::log(1 - pi), -100.0);
        total -= ti * lp + (1 - ti) * l1p;
        if (g) g[i] = T((pi - ti) / std::max(pi * (1 - pi), 1e-12) / double(n));
      }
      return total / double(n);
    }
    case LossKind::BceLogits: {
      const int64_t n = pred.numel();
      for (int64_t i = 0; i < n; ++i) {
        const double z = p[i], ti = t[i];
        total += std::max(z, 0.0) - z * ti + std::log1p(std::exp(-std::abs(z)));
        if (g) g[i] = T((1 / (1 + std::exp(-z)) - ti) / double(n));
      }
      return total / double(n);
    }
    case LossKind::CrossEntropy: {
      const int64_t rows = pred.rows(), k = pred.cols();
      for (int64_t r = 0; r < rows; ++r) {
        const T* z = p + r * k;
        const double cls = double(t[r]);
        if (!(cls >= 0 && cls < double(k)) || cls != std::floor(cls))
          throw Error("cross_entropy: target " + std::to_string(cls) + " in row " +
                      std::to_string(r) + " is not a class index in [0, " + std::to_string(k) +
                      ")");
        double mx = z[0];
        for (int64_t j = 1; j < k; ++j) mx = std::max(mx, double(z[j]));
        double sum = 0;
        for (int64_t j = 0; j < k; ++j) sum += std::exp(double(z[j]) - mx);
        const double logZ = mx + std::log(sum);
        total += logZ - double(z[int64_t(cls)]);
        if (g)
          for (int64_t j = 0; j < k; ++j)
            g[r * k + j] =
                T((std::exp(double(z[j]) - logZ) - (j == int64_t(cls) ? 1.0 : 0.0)) / double(rows));
      }
      return total / double(rows);
    }
  }
  return 0;
}
}  // namespace

void CpuBackend::lossImpl(LossKind kind, const Tensor& pred, const Tensor& target, Tensor& value,
                          Tensor* grad) {
  dispatch(pred.dtype(), [&](auto t) {
    using T = decltype(t);
    const double v = meanLoss<T>(kind, pred, target, grad);
    ptr<T>(value)[0] = T(v);
  });
}

}  // namespace gradlab::cpu
