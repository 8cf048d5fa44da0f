#include "backend/cuda/cuda_check.h"
#include "backend/cuda/device_util.cuh"
#include "backend/cuda/matrix.cuh"

namespace gradlab::cuda::ops {

namespace {
__global__ void addRowVectorKernel(float* y, const float* b, int64_t n, int64_t cols) {
  GRADLAB_GRID_LOOP(i, n) y[i] += b[i % cols];
}

// Block (kColTile × kRowLanes): column tileColumn(blockIdx.x, threadIdx.x), lane threadIdx.y.
__global__ void sumRowsKernel(const float* dy, int64_t rows, int64_t cols, float beta, float* db) {
  __shared__ float part[kRowLanes][kColTile];
  const int64_t c = tileColumn(blockIdx.x, threadIdx.x);
  float s = 0.f;
  if (c < cols)
    for (int64_t r = threadIdx.y; r < rows; r += kRowLanes) s += dy[r * cols + c];
  part[threadIdx.y][threadIdx.x] = s;
  __syncthreads();
  if (threadIdx.y == 0 && c < cols) {
    float total = 0.f;
    for (int l = 0; l < kRowLanes; ++l) total += part[l][threadIdx.x];
    db[c] = beta == 0.f ? total : beta * db[c] + total;
  }
}

__global__ void copyColumnsKernel(const float* src, int64_t srcCols, int64_t srcCol, float* dst,
                                  int64_t dstCols, int64_t dstCol, int64_t n, int64_t width,
                                  bool accumulate) {
  GRADLAB_GRID_LOOP(i, n) {
    const ColumnBlockIndex k = columnBlockIndex(i, width, srcCols, srcCol, dstCols, dstCol);
    if (accumulate)
      dst[k.dst] += src[k.src];
    else
      dst[k.dst] = src[k.src];
  }
}
}  // namespace

void addRowVector(float* y, const float* b, int64_t rows, int64_t cols, cudaStream_t s) {
  const int64_t n = rows * cols;
  if (n <= 0) return;
  addRowVectorKernel<<<unsigned(blocksFor(n)), kThreads, 0, s>>>(y, b, n, cols);
  CUDA_CHECK_LAUNCH();
}

void sumRows(const float* dy, int64_t rows, int64_t cols, float beta, float* db, cudaStream_t s) {
  if (cols <= 0) return;
  const dim3 block(kColTile, kRowLanes);
  sumRowsKernel<<<unsigned(columnTiles(cols)), block, 0, s>>>(dy, rows, cols, beta, db);
  CUDA_CHECK_LAUNCH();
}

void copyColumns(const float* src, int64_t srcCols, int64_t srcCol, float* dst, int64_t dstCols,
                 int64_t dstCol, int64_t rows, int64_t width, bool accumulate, cudaStream_t s) {
  const int64_t n = rows * width;
  if (n <= 0) return;
  copyColumnsKernel<<<unsigned(blocksFor(n)), kThreads, 0, s>>>(src, srcCols, srcCol, dst, dstCols,
                                                                dstCol, n, width, accumulate);
  CUDA_CHECK_LAUNCH();
}

}  // namespace gradlab::cuda::ops
