// Batch normalisation on the cpu. x is [N, C] or [N, C, H, W]; channel c's m = N·S values
// (S = H·W, 1 for [N, C]) sit at x[n, c, s]. Sums are taken in double precision.
//   training   μ = (1/m) Σ x   σ² = (1/m) Σ (x − μ)²   x̂ = (x − μ)/√(σ² + ε)   y = γ·x̂ + β
//              running_mean ← (1 − momentum)·running_mean + momentum·μ
//              running_var  ← (1 − momentum)·running_var  + momentum·σ²·m/(m − 1)
//   inference  y = γ·(x − running_mean)/√(running_var + ε) + β
//   backward   ∂L/∂γ = Σ g·x̂   ∂L/∂β = Σ g   ∂L/∂x = γ/(m·√(σ² + ε)) · (m·g − Σ g − x̂·Σ g·x̂)
#include <cmath>

#include "backend/cpu/cpu_backend.h"

namespace gradlab::cpu {

namespace {

struct Layout {
  int64_t n, c, s;  // batch, channels, values per channel and sample
};

// The shapes were checked by Backend::batchNorm* (backend.cpp).
Layout layoutOf(const Tensor& x) {
  return {x.dim(0), x.dim(1), x.rank() == 4 ? x.dim(2) * x.dim(3) : 1};
}

}  // namespace

void CpuBackend::batchNormForwardTrainingImpl(const Tensor& x, const Tensor& gamma,
                                              const Tensor& beta, double momentum, double eps,
                                              Tensor& runningMean, Tensor& runningVar, Tensor& y,
                                              Tensor& saveMean, Tensor& saveVar) {
  const Layout l = layoutOf(x);
  const int64_t m = l.n * l.s;
  dispatch(x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* xp = ptr<T>(x);
    T* yp = ptr<T>(y);
    const T *gp = ptr<T>(gamma), *bp = ptr<T>(beta);
    T *rm = ptr<T>(runningMean), *rv = ptr<T>(runningVar);
    T *sm = ptr<T>(saveMean), *sv = ptr<T>(saveVar);
    for (int64_t c = 0; c < l.c; ++c) {
      double sum = 0;
      for (int64_t n = 0; n < l.n; ++n) {
        const T* v = xp + (n * l.c + c) * l.s;
        for (int64_t s = 0; s < l.s; ++s) sum += double(v[s]);
      }
      const double mean = sum / double(m);
      double sq = 0;
      for (int64_t n = 0; n < l.n; ++n) {
        const T* v = xp + (n * l.c + c) * l.s;
        for (int64_t s = 0; s < l.s; ++s) sq += (double(v[s]) - mean) * (double(v[s]) - mean);
      }
      const double var = sq / double(m);
      const double invStd = 1.0 / std::sqrt(var + eps);
      const double a = double(gp[c]) * invStd, b = double(bp[c]) - mean * a;  // y = a·x + b
      for (int64_t n = 0; n < l.n; ++n) {
        const T* v = xp + (n * l.c + c) * l.s;
        T* out = yp + (n * l.c + c) * l.s;
        for (int64_t s = 0; s < l.s; ++s) out[s] = T(a * double(v[s]) + b);
      }
      sm[c] = T(mean);
      sv[c] = T(var);
      rm[c] = T((1 - momentum) * double(rm[c]) + momentum * mean);
      rv[c] = T((1 - momentum) * double(rv[c]) + momentum * var * double(m) / double(m - 1));
    }
  });
}

void CpuBackend::batchNormForwardInferenceImpl(const Tensor& x, const Tensor& gamma,
                                               const Tensor& beta, const Tensor& runningMean,
                                               const Tensor& runningVar, double eps, Tensor& y) {
  const Layout l = layoutOf(x);
  dispatch(x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* xp = ptr<T>(x);
    T* yp = ptr<T>(y);
    const T *gp = ptr<T>(gamma), *bp = ptr<T>(beta);
    const T *rm = ptr<T>(runningMean), *rv = ptr<T>(runningVar);
    for (int64_t c = 0; c < l.c; ++c) {
      const double a = double(gp[c]) / std::sqrt(double(rv[c]) + eps);
      const double b = double(bp[c]) - double(rm[c]) * a;
      for (int64_t n = 0; n < l.n; ++n) {
        const T* v = xp + (n * l.c + c) * l.s;
        T* out = yp + (n * l.c + c) * l.s;
        for (int64_t s = 0; s < l.s; ++s) out[s] = T(a * double(v[s]) + b);
      }
    }
  });
}

void CpuBackend::batchNormBackwardImpl(const Tensor& x, const Tensor& dy, const Tensor& gamma,
                                       const Tensor& saveMean, const Tensor& saveVar, double eps,
                                       Tensor& dx, Tensor& dgamma, Tensor& dbeta, bool accumulate) {
  const Layout l = layoutOf(x);
  const bool wantDx = dx.defined();
  const double m = double(l.n * l.s);
  dispatch(x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T *xp = ptr<T>(x), *gyp = ptr<T>(dy);
    const T *gp = ptr<T>(gamma), *sm = ptr<T>(saveMean), *sv = ptr<T>(saveVar);
    T *dg = ptr<T>(dgamma), *db = ptr<T>(dbeta);
    T* dxp = wantDx ? ptr<T>(dx) : nullptr;
    for (int64_t c = 0; c < l.c; ++c) {
      const double mean = double(sm[c]), invStd = 1.0 / std::sqrt(double(sv[c]) + eps);
      double sumG = 0, sumGX = 0;  // Σ g, Σ g·x̂
      for (int64_t n = 0; n < l.n; ++n) {
        const T* v = xp + (n * l.c + c) * l.s;
        const T* g = gyp + (n * l.c + c) * l.s;
        for (int64_t s = 0; s < l.s; ++s) {
          sumG += double(g[s]);
          sumGX += double(g[s]) * (double(v[s]) - mean) * invStd;
        }
      }
      dg[c] = T(sumGX);
      db[c] = T(sumG);
      if (!wantDx) continue;
      const double k = double(gp[c]) * invStd / m;
      for (int64_t n = 0; n < l.n; ++n) {
        const T* v = xp + (n * l.c + c) * l.s;
        const T* g = gyp + (n * l.c + c) * l.s;
        T* out = dxp + (n * l.c + c) * l.s;
        for (int64_t s = 0; s < l.s; ++s) {
          const double xhat = (double(v[s]) - mean) * invStd;
          const T d = T(k * (m * double(g[s]) - sumG - xhat * sumGX));
          out[s] = accumulate ? out[s] + d : d;
        }
      }
    }
  });
}

}  // namespace gradlab::cpu
