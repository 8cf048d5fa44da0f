#pragma once
// Small kernels around cuDNN's batch normalisation (norm.cu). cuDNN saves 1/√(σ² + ε) where
// Gradlab's interface saves the biased batch variance σ² (backend.h), so the backend converts:
//   after the forward   σ² = 1 / invStd² − ε        (in place)
//   before the backward invStd = 1 / √(σ² + ε)
#include <cuda_runtime_api.h>

#include <cstdint>

namespace gradlab::cuda::ops {

void varianceFromInvStd(float* values, double eps, int64_t n, cudaStream_t stream);
void invStdFromVariance(const float* var, double eps, float* invStd, int64_t n,
                        cudaStream_t stream);

}  // namespace gradlab::cuda::ops
