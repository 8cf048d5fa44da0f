#pragma once
// Element-wise kernels on float32 device arrays (elementwise.cu). Formulas as in
// backend/cpu/cpu_backend.cpp:
//   fill     x ← v
//   axpy     y ← y + a·x
//   scale    x ← a·x
//   addSign  y ← y + a·sign(x)          (sign(0) = 0)
#include <cuda_runtime_api.h>

#include <cstdint>

namespace gradlab::cuda::ops {

void fill(float* x, int64_t n, float value, cudaStream_t stream);
void axpy(float a, const float* x, float* y, int64_t n, cudaStream_t stream);
void scale(float* x, float a, int64_t n, cudaStream_t stream);
void addSign(float a, const float* x, float* y, int64_t n, cudaStream_t stream);

}  // namespace gradlab::cuda::ops
