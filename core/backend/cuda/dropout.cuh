#pragma once
// Dropout kernels (dropout.cu), formulas as in backend/cpu/cpu_dropout.cpp, with the
// counter-based numbers of backend/dropout_rng.h — so a mask drawn here is bit for bit the
// mask the cpu draws for the same seed and step:
//   mask[i] = [dropoutUniform(key, i) ≥ rate]
//   y = x ⊙ mask · scale,  dx (+)= dy ⊙ mask · scale,  scale = 1 / (1 − rate)
#include <cuda_runtime_api.h>

#include <cstdint>

namespace gradlab::cuda::ops {

void dropoutMask(uint64_t key, double rate, float* mask, int64_t n, cudaStream_t stream);
// out (+)= in ⊙ mask · scale
void dropoutApply(const float* in, const float* mask, float scale, float* out, int64_t n,
                  bool accumulate, cudaStream_t stream);

}  // namespace gradlab::cuda::ops
