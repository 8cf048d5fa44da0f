#include "backend/cuda/cuda_check.h"
#include "backend/cuda/device_util.cuh"
#include "backend/cuda/dropout.cuh"
#include "backend/dropout_rng.h"

namespace gradlab::cuda::ops {

namespace {
__global__ void maskKernel(uint64_t key, double rate, float* mask, int64_t n) {
  GRADLAB_GRID_LOOP(i, n) mask[i] = dropoutUniform(key, uint64_t(i)) >= rate ? 1.f : 0.f;
}

__global__ void applyKernel(const float* in, const float* mask, float scale, float* out, int64_t n,
                            bool accumulate) {
  GRADLAB_GRID_LOOP(i, n) {
    const float v = in[i] * mask[i] * scale;
    out[i] = accumulate ? out[i] + v : v;
  }
}
}  // namespace

void dropoutMask(uint64_t key, double rate, float* mask, int64_t n, cudaStream_t s) {
  if (n <= 0) return;
  maskKernel<<<unsigned(blocksFor(n)), kThreads, 0, s>>>(key, rate, mask, n);
  CUDA_CHECK_LAUNCH();
}

void dropoutApply(const float* in, const float* mask, float scale, float* out, int64_t n,
                  bool accumulate, cudaStream_t s) {
  if (n <= 0) return;
  applyKernel<<<unsigned(blocksFor(n)), kThreads, 0, s>>>(in, mask, scale, out, n, accumulate);
  CUDA_CHECK_LAUNCH();
}

}  // namespace gradlab::cuda::ops
