#pragma once
// Optimizer updates (optimizers.cu): one element-wise kernel per rule, torch.optim's formulas
// as in backend/cpu/cpu_optimizers.cpp. Step-dependent factors (Adam's bias corrections) are
// computed on the host in float exactly as the cpu backend does, and passed in.
#include <cuda_runtime_api.h>

#include <cstdint>

#include "backend/backend.h"

namespace gradlab::cuda::ops {

void optimizerUpdate(OptimKind kind, const OptimHyper& h, int64_t step, float* w, const float* g,
                     float* s1, float* s2, int64_t n, cudaStream_t stream);

}  // namespace gradlab::cuda::ops
