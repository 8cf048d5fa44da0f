#include "backend/cuda/activations.cuh"
#include "backend/cuda/cuda_check.h"
#include "backend/cuda/device_util.cuh"

namespace gradlab::cuda::ops {

namespace {
constexpr float kLeakySlope = 0.01f;

__device__ float forwardOne(Act f, float z) {
  switch (f) {
    case Act::Identity: return z;
    case Act::Sigmoid: return 1.f / (1.f + expf(-z));
    case Act::Tanh: return tanhf(z);
    case Act::Relu: return z < 0.f ? 0.f : z;  // max(0, z) as the cpu: NaN stays NaN
    case Act::LeakyRelu: return z > 0.f ? z : kLeakySlope * z;
    case Act::Elu: return z > 0.f ? z : expm1f(z);
    case Act::Softmax: break;  // per row, below
  }
  return z;
}

// f′(z)·dy from z or y, whichever the formula needs.
__device__ float backwardOne(Act f, float z, float y, float dy) {
  switch (f) {
    case Act::Identity: return dy;
    case Act::Sigmoid: return dy * y * (1.f - y);
    case Act::Tanh: return dy * (1.f - y * y);
    case Act::Relu: return z > 0.f ? dy : 0.f;
    case Act::LeakyRelu: return z > 0.f ? dy : kLeakySlope * dy;
    case Act::Elu: return z > 0.f ? dy : dy * (y + 1.f);
    case Act::Softmax: break;
  }
  return dy;
}

__global__ void forwardKernel(Act f, const float* z, float* y, int64_t n) {
  GRADLAB_GRID_LOOP(i, n) y[i] = forwardOne(f, z[i]);
}

__global__ void backwardKernel(Act f, const float* z, const float* y, const float* dy, float* dz,
                               int64_t n, bool accumulate) {
  GRADLAB_GRID_LOOP(i, n) {
    const float g = backwardOne(f, z[i], y[i], dy[i]);
    dz[i] = accumulate ? dz[i] + g : g;
  }
}

// One block per row: m = max z, s = Σ e^(z − m), y = e^(z − m) / s.
__global__ void softmaxForwardKernel(const float* z, float* y, int64_t cols) {
  extern __shared__ float shared[];
  const float* zr = z + int64_t(blockIdx.x) * cols;
  float* yr = y + int64_t(blockIdx.x) * cols;
  float m = -INFINITY;
  for (int64_t j = threadIdx.x; j < cols; j += blockDim.x) m = fmaxf(m, zr[j]);
  m = blockReduce(m, shared, MaxOp{});
  float s = 0.f;
  for (int64_t j = threadIdx.x; j < cols; j += blockDim.x) {
    const float e = expf(zr[j] - m);
    yr[j] = e;
    s += e;
  }
  s = blockReduce(s, shared, SumOp{});
  const float inv = 1.f / s;
  for (int64_t j = threadIdx.x; j < cols; j += blockDim.x) yr[j] *= inv;
}

// One block per row: dz = y ⊙ (dy − ⟨dy, y⟩).
__global__ void softmaxBackwardKernel(const float* y, const float* dy, float* dz, int64_t cols,
                                      bool accumulate) {
  extern __shared__ float shared[];
  const int64_t off = int64_t(blockIdx.x) * cols;
  float dot = 0.f;
  for (int64_t j = threadIdx.x; j < cols; j += blockDim.x) dot += y[off + j] * dy[off + j];
  dot = blockReduce(dot, shared, SumOp{});
  for (int64_t j = threadIdx.x; j < cols; j += blockDim.x) {
    const float g = y[off + j] * (dy[off + j] - dot);
    dz[off + j] = accumulate ? dz[off + j] + g : g;
  }
}
}  // namespace

void actForward(Act f, const float* z, float* y, int64_t rows, int64_t cols, cudaStream_t s) {
  const int64_t n = rows * cols;
  if (n <= 0) return;
  if (f == Act::Softmax) {
    const int t = rowThreads(cols);
    softmaxForwardKernel<<<unsigned(rows), t, size_t(t) * sizeof(float), s>>>(z, y, cols);
  } else if (f == Act::Identity) {
    if (z != y)
      CUDA_CHECK(cudaMemcpyAsync(y, z, size_t(n) * sizeof(float), cudaMemcpyDeviceToDevice, s));
    return;
  } else {
    forwardKernel<<<unsigned(blocksFor(n)), kThreads, 0, s>>>(f, z, y, n);
  }
  CUDA_CHECK_LAUNCH();
}

void actBackward(Act f, const float* z, const float* y, const float* dy, float* dz, int64_t rows,
                 int64_t cols, bool accumulate, cudaStream_t s) {
  const int64_t n = rows * cols;
  if (n <= 0) return;
  if (f == Act::Softmax) {
    const int t = rowThreads(cols);
    softmaxBackwardKernel<<<unsigned(rows), t, size_t(t) * sizeof(float), s>>>(y, dy, dz, cols,
                                                                               accumulate);
  } else {
    backwardKernel<<<unsigned(blocksFor(n)), kThreads, 0, s>>>(f, z, y, dy, dz, n, accumulate);
  }
  CUDA_CHECK_LAUNCH();
}

}  // namespace gradlab::cuda::ops
