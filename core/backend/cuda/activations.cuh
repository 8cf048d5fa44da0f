#pragma once
// Activation functions and their derivatives (activations.cu), formulas as in
// backend/cpu/cpu_activations.cpp:
//   identity z · sigmoid σ(z) · tanh · relu max(0, z) · leaky_relu (slope 0.01) · elu e^z − 1 ·
//   softmax per row (one block per row, cuda_index.h rowThreads), backward y ⊙ (dy − ⟨dy, y⟩).
#include <cuda_runtime_api.h>

#include <cstdint>

#include "backend/backend.h"

namespace gradlab::cuda::ops {

// y = f(z); z, y: rows × cols (softmax works per row; the rest element-wise).
void actForward(Act f, const float* z, float* y, int64_t rows, int64_t cols, cudaStream_t stream);
// dz (+)= f′(z) ⊙ dy.
void actBackward(Act f, const float* z, const float* y, const float* dy, float* dz, int64_t rows,
                 int64_t cols, bool accumulate, cudaStream_t stream);

}  // namespace gradlab::cuda::ops
