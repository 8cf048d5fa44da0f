#pragma once
// Device-side helpers shared by the kernels: grid-stride loops and deterministic block
// reductions. Included by .cu files only (the op headers, <op>.cuh, are plain C++).
#include <cuda_runtime.h>

#include "backend/cuda/cuda_index.h"

namespace gradlab::cuda {

// for (i : GRID_STRIDE(n)): every index in [0, n), spread over the whole grid.
#define GRADLAB_GRID_LOOP(i, n)                                             \
  for (int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; i < (n); \
       i += int64_t(blockDim.x) * gridDim.x)

struct SumOp {
  template <class T>
  __device__ T operator()(T a, T b) const {
    return a + b;
  }
};
struct MaxOp {
  template <class T>
  __device__ T operator()(T a, T b) const {
    return a > b ? a : b;
  }
};

// Reduces v over the block (blockDim.x a power of two ≤ 1024) in a fixed tree order and returns
// the result to every thread. `shared` holds blockDim.x values.
template <class T, class Op>
__device__ T blockReduce(T v, T* shared, Op op) {
  const unsigned t = threadIdx.x;
  shared[t] = v;
  __syncthreads();
  for (unsigned s = blockDim.x / 2; s > 0; s /= 2) {
    if (t < s) shared[t] = op(shared[t], shared[t + s]);
    __syncthreads();
  }
  const T out = shared[0];
  __syncthreads();  // shared may be reused by the caller
  return out;
}

}  // namespace gradlab::cuda
