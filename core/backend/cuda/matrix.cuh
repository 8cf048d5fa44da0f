#pragma once
// Row/column kernels on row-major float32 matrices (matrix.cu); the products themselves are
// cuBLAS (cuda_backend.cpp). Formulas as in backend/cpu/cpu_backend.cpp:
//   addRowVector  y[i, :] += b                     (a bias on every row)
//   sumRows       db ← beta·db + Σᵢ dy[i, :]       (the bias gradient; deterministic order)
//   copyColumns   dst[r, dstCol + j] (+)= src[r, srcCol + j]   (concatenation and its backward)
#include <cuda_runtime_api.h>

#include <cstdint>

namespace gradlab::cuda::ops {

void addRowVector(float* y, const float* b, int64_t rows, int64_t cols, cudaStream_t stream);
void sumRows(const float* dy, int64_t rows, int64_t cols, float beta, float* db,
             cudaStream_t stream);
void copyColumns(const float* src, int64_t srcCols, int64_t srcCol, float* dst, int64_t dstCols,
                 int64_t dstCol, int64_t rows, int64_t width, bool accumulate, cudaStream_t stream);

}  // namespace gradlab::cuda::ops
