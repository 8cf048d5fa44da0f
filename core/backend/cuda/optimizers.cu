#include <cmath>

#include "backend/cuda/cuda_check.h"
#include "backend/cuda/device_util.cuh"
#include "backend/cuda/optimizers.cuh"

namespace gradlab::cuda::ops {

namespace {
// The rule's constants, in float as the cpu backend computes them for f32.
struct Coeffs {
  float lr, eps, momentum, rho, beta1, beta2;
  float stepSize;  // adam: lr / (1 − β₁ᵗ)
  float bc2Sqrt;   // adam: √(1 − β₂ᵗ)
};

__global__ void sgdKernel(Coeffs c, float* w, const float* g, int64_t n) {
  GRADLAB_GRID_LOOP(i, n) w[i] -= c.lr * g[i];
}

// momentum: b ← μ b + g; w ← w − η b.   nesterov: w ← w − η (g + μ b).
__global__ void momentumKernel(Coeffs c, bool nesterov, float* w, const float* g, float* b,
                               int64_t n) {
  GRADLAB_GRID_LOOP(i, n) {
    const float bi = c.momentum * b[i] + g[i];
    b[i] = bi;
    w[i] -= nesterov ? c.lr * (g[i] + c.momentum * bi) : c.lr * bi;
  }
}

// adagrad: s ← s + g²; w ← w − η g / (√s + ε)
__global__ void adagradKernel(Coeffs c, float* w, const float* g, float* s, int64_t n) {
  GRADLAB_GRID_LOOP(i, n) {
    const float si = s[i] + g[i] * g[i];
    s[i] = si;
    w[i] -= c.lr * g[i] / (sqrtf(si) + c.eps);
  }
}

// adadelta: s ← ρ s + (1−ρ) g²; Δ = √(u + ε)/√(s + ε) · g; u ← ρ u + (1−ρ) Δ²; w ← w − η Δ
__global__ void adadeltaKernel(Coeffs c, float* w, const float* g, float* s, float* u, int64_t n) {
  GRADLAB_GRID_LOOP(i, n) {
    const float gi = g[i];
    const float si = c.rho * s[i] + (1.f - c.rho) * gi * gi;
    s[i] = si;
    const float delta = sqrtf(u[i] + c.eps) / sqrtf(si + c.eps) * gi;
    u[i] = c.rho * u[i] + (1.f - c.rho) * delta * delta;
    w[i] -= c.lr * delta;
  }
}

// rmsprop: s ← α s + (1−α) g²; w ← w − η g / (√s + ε)
__global__ void rmspropKernel(Coeffs c, float* w, const float* g, float* s, int64_t n) {
  GRADLAB_GRID_LOOP(i, n) {
    const float gi = g[i];
    const float si = c.rho * s[i] + (1.f - c.rho) * gi * gi;
    s[i] = si;
    w[i] -= c.lr * gi / (sqrtf(si) + c.eps);
  }
}

// adam: m ← β₁ m + (1−β₁) g; v ← β₂ v + (1−β₂) g²; w ← w − η/(1−β₁ᵗ) · m / (√v/√(1−β₂ᵗ) + ε)
__global__ void adamKernel(Coeffs c, float* w, const float* g, float* m, float* v, int64_t n) {
  GRADLAB_GRID_LOOP(i, n) {
    const float gi = g[i];
    const float mi = c.beta1 * m[i] + (1.f - c.beta1) * gi;
    const float vi = c.beta2 * v[i] + (1.f - c.beta2) * gi * gi;
    m[i] = mi;
    v[i] = vi;
    w[i] -= c.stepSize * mi / (sqrtf(vi) / c.bc2Sqrt + c.eps);
  }
}
}  // namespace

void optimizerUpdate(OptimKind kind, const OptimHyper& h, int64_t step, float* w, const float* g,
                     float* s1, float* s2, int64_t n, cudaStream_t s) {
  if (n <= 0) return;
  Coeffs c{};
  c.lr = float(h.lr);
  c.eps = float(h.eps);
  c.momentum = float(h.momentum);
  c.rho = float(h.rho);
  c.beta1 = float(h.beta1);
  c.beta2 = float(h.beta2);
  if (kind == OptimKind::Adam) {
    const float bc1 = 1.f - std::pow(c.beta1, float(step));
    const float bc2 = 1.f - std::pow(c.beta2, float(step));
    c.stepSize = c.lr / bc1;
    c.bc2Sqrt = std::sqrt(bc2);
  }
  const unsigned blocks = unsigned(blocksFor(n));
  switch (kind) {
    case OptimKind::Sgd: sgdKernel<<<blocks, kThreads, 0, s>>>(c, w, g, n); break;
    case OptimKind::Momentum:
    case OptimKind::Nesterov:
      momentumKernel<<<blocks, kThreads, 0, s>>>(c, kind == OptimKind::Nesterov, w, g, s1, n);
      break;
    case OptimKind::Adagrad: adagradKernel<<<blocks, kThreads, 0, s>>>(c, w, g, s1, n); break;
    case OptimKind::Adadelta: adadeltaKernel<<<blocks, kThreads, 0, s>>>(c, w, g, s1, s2, n); break;
    case OptimKind::RmsProp: rmspropKernel<<<blocks, kThreads, 0, s>>>(c, w, g, s1, n); break;
    case OptimKind::Adam: adamKernel<<<blocks, kThreads, 0, s>>>(c, w, g, s1, s2, n); break;
  }
  CUDA_CHECK_LAUNCH();
}

}  // namespace gradlab::cuda::ops
