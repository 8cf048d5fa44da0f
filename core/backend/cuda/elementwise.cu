#include "backend/cuda/cuda_check.h"
#include "backend/cuda/device_util.cuh"
#include "backend/cuda/elementwise.cuh"

namespace gradlab::cuda::ops {

namespace {
__global__ void fillKernel(float* x, int64_t n, float v) { GRADLAB_GRID_LOOP(i, n) x[i] = v; }
__global__ void axpyKernel(float a, const float* x, float* y, int64_t n) {
  GRADLAB_GRID_LOOP(i, n) y[i] += a * x[i];
}
__global__ void scaleKernel(float* x, float a, int64_t n) { GRADLAB_GRID_LOOP(i, n) x[i] *= a; }
__global__ void addSignKernel(float a, const float* x, float* y, int64_t n) {
  GRADLAB_GRID_LOOP(i, n) {
    const float v = x[i];
    y[i] += a * (v != v ? v : float((v > 0.f) - (v < 0.f)));  // sign(NaN) = NaN, as the cpu
  }
}
}  // namespace

void fill(float* x, int64_t n, float value, cudaStream_t s) {
  if (n <= 0) return;
  fillKernel<<<unsigned(blocksFor(n)), kThreads, 0, s>>>(x, n, value);
  CUDA_CHECK_LAUNCH();
}

void axpy(float a, const float* x, float* y, int64_t n, cudaStream_t s) {
  if (n <= 0) return;
  axpyKernel<<<unsigned(blocksFor(n)), kThreads, 0, s>>>(a, x, y, n);
  CUDA_CHECK_LAUNCH();
}

void scale(float* x, float a, int64_t n, cudaStream_t s) {
  if (n <= 0) return;
  scaleKernel<<<unsigned(blocksFor(n)), kThreads, 0, s>>>(x, a, n);
  CUDA_CHECK_LAUNCH();
}

void addSign(float a, const float* x, float* y, int64_t n, cudaStream_t s) {
  if (n <= 0) return;
  addSignKernel<<<unsigned(blocksFor(n)), kThreads, 0, s>>>(a, x, y, n);
  CUDA_CHECK_LAUNCH();
}

}  // namespace gradlab::cuda::ops
