#include "backend/cuda/cuda_check.h"
#include "backend/cuda/device_util.cuh"
#include "backend/cuda/norm.cuh"

namespace gradlab::cuda::ops {

namespace {
__global__ void varianceKernel(float* v, double eps, int64_t n) {
  GRADLAB_GRID_LOOP(i, n) {
    const double inv = v[i];
    const double var = 1.0 / (inv * inv) - eps;  // rounding can take σ² = 0 below zero
    v[i] = float(var > 0.0 ? var : 0.0);
  }
}

__global__ void invStdKernel(const float* var, double eps, float* out, int64_t n) {
  GRADLAB_GRID_LOOP(i, n) out[i] = float(1.0 / sqrt(double(var[i]) + eps));
}
}  // namespace

void varianceFromInvStd(float* values, double eps, int64_t n, cudaStream_t s) {
  if (n <= 0) return;
  varianceKernel<<<unsigned(blocksFor(n)), kThreads, 0, s>>>(values, eps, n);
  CUDA_CHECK_LAUNCH();
}

void invStdFromVariance(const float* var, double eps, float* invStd, int64_t n, cudaStream_t s) {
  if (n <= 0) return;
  invStdKernel<<<unsigned(blocksFor(n)), kThreads, 0, s>>>(var, eps, invStd, n);
  CUDA_CHECK_LAUNCH();
}

}  // namespace gradlab::cuda::ops
