#pragma once
// Losses (losses.cu), each the mean over the batch, formulas as in backend/cpu/cpu_losses.cpp.
// The value is reduced on the device in a fixed order (no host round trip): Network::loss
// reads it once per step with readScalar(), the step's only synchronisation.
#include <cuda_runtime_api.h>

#include <cstdint>

#include "backend/backend.h"

namespace gradlab::cuda::ops {

// Where a kernel reports a bad cross-entropy target without stopping the stream: host memory
// the device writes into (mapped, zero-copy); the backend checks it at its next synchronisation.
struct TargetError {
  int flag;   // non-zero: a target was not a class index
  int claim;  // the first bad row's thread sets it (atomicCAS), so one row fills the rest
  int row;
  int classes;
  float value;
};

// value[0] ← mean loss; grad (may be null) ← ∂loss/∂pred. pred rows × cols; target rows × cols,
// or rows class indices for cross_entropy. partials: kMaxReduceBlocks doubles; rowTerms: rows
// doubles of scratch (cross_entropy only).
void loss(LossKind kind, const float* pred, const float* target, int64_t rows, int64_t cols,
          float* value, float* grad, double* partials, double* rowTerms, TargetError* error,
          cudaStream_t stream);

}  // namespace gradlab::cuda::ops
