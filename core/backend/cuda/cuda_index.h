#pragma once
// Index arithmetic of the cuda kernels — launch shapes, tiling, gate indexing, reduction
// partitions, allocator size classes — as plain functions that compile with nvcc
// (callable from kernels) and with any C++ compiler (callable from host code and from
// tests/core/tst_cuda_index.cpp, which runs on machines without CUDA). Nothing here includes a
// CUDA header. Convolution and pooling windows are in backend/conv_geometry.h, the dropout
// numbers in backend/dropout_rng.h, both shared with the cpu backend.
//
// Example: copyColumns runs one thread per element of the block it copies; thread i finds its
// source and destination with columnBlockIndex():
//   rows 2, width 2, src 2×3 from column 1, dst 2×4 at column 2:
//   i = 3 -> r = 1, j = 1 -> src[1·3 + 1 + 1] = src[5], dst[1·4 + 2 + 1] = dst[7]
#include <cstddef>
#include <cstdint>

#if !defined(GRADLAB_HOST_DEVICE)
#if defined(__CUDACC__)
#define GRADLAB_HOST_DEVICE __host__ __device__
#else
#define GRADLAB_HOST_DEVICE
#endif
#endif

namespace gradlab::cuda {

// --- launch shapes --------------------------------------------------------------------------
constexpr int kThreads = 256;         // threads per block of element-wise kernels
constexpr int64_t kMaxBlocks = 4096;  // element-wise kernels loop (grid-stride) beyond this

GRADLAB_HOST_DEVICE inline int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

// Blocks for an element-wise kernel over n elements with `threads` threads per block: one
// element per thread up to kMaxBlocks blocks, then each thread strides by the grid size.
GRADLAB_HOST_DEVICE inline int64_t blocksFor(int64_t n, int64_t threads = kThreads) {
  const int64_t b = ceilDiv(n, threads);
  return b < 1 ? 1 : (b > kMaxBlocks ? kMaxBlocks : b);
}

// --- reductions -------------------------------------------------------------------------------
// A deterministic two-pass reduction: pass 1 gives block b the elements
// [b·chunk, min(n, (b+1)·chunk)) and writes one partial; pass 2 (one block) combines the
// partials in block order. Same n => same partition => same rounding, run after run.
constexpr int kReduceThreads = 256;
constexpr int64_t kMaxReduceBlocks = 512;
struct ReducePlan {
  int64_t blocks = 1;
  int64_t chunk = 0;  // elements per block, a multiple of kReduceThreads
};
GRADLAB_HOST_DEVICE inline ReducePlan reducePlan(int64_t n) {
  ReducePlan p;
  const int64_t perThread = 4;  // a few elements per thread before the block-wide tree
  int64_t blocks = ceilDiv(n, kReduceThreads * perThread);
  if (blocks < 1) blocks = 1;
  if (blocks > kMaxReduceBlocks) blocks = kMaxReduceBlocks;
  int64_t chunk = ceilDiv(n, blocks);
  chunk = ceilDiv(chunk, kReduceThreads) * kReduceThreads;
  if (chunk < kReduceThreads) chunk = kReduceThreads;
  p.chunk = chunk;
  p.blocks = n <= 0 ? 1 : ceilDiv(n, chunk);
  return p;
}
// [begin, end) of block b's elements.
GRADLAB_HOST_DEVICE inline int64_t reduceBegin(const ReducePlan& p, int64_t b) {
  return b * p.chunk;
}
GRADLAB_HOST_DEVICE inline int64_t reduceEnd(const ReducePlan& p, int64_t b, int64_t n) {
  const int64_t e = (b + 1) * p.chunk;
  return e < n ? e : n;
}

// --- column sums (sumRows) ------------------------------------------------------------------
// A block of kColTile × kRowLanes threads owns kColTile adjacent columns; lane y sums rows
// y, y + kRowLanes, ... of its column (adjacent threads read adjacent addresses), then the
// kRowLanes partial sums are added in lane order.
constexpr int kColTile = 32;
constexpr int kRowLanes = 8;
GRADLAB_HOST_DEVICE inline int64_t columnTiles(int64_t cols) { return ceilDiv(cols, kColTile); }
GRADLAB_HOST_DEVICE inline int64_t tileColumn(int64_t tile, int64_t lane) {
  return tile * kColTile + lane;
}

// --- rows of a matrix (softmax, cross-entropy) ----------------------------------------------
// One block per row; a row longer than the block is walked with a stride of the block size.
constexpr int kRowThreads = 128;
GRADLAB_HOST_DEVICE inline int rowThreads(int64_t cols) {
  int t = 32;
  while (t < kRowThreads && t < cols) t *= 2;
  return t;
}

// --- column blocks (copyColumns: concatenation and its backward) ----------------------------
struct ColumnBlockIndex {
  int64_t src = 0, dst = 0;
};
// Element i (row-major over rows × width) of the block: its source and destination offsets.
GRADLAB_HOST_DEVICE inline ColumnBlockIndex columnBlockIndex(int64_t i, int64_t width,
                                                             int64_t srcCols, int64_t srcCol,
                                                             int64_t dstCols, int64_t dstCol) {
  const int64_t r = i / width, j = i - r * width;
  return {r * srcCols + srcCol + j, r * dstCols + dstCol + j};
}

// --- broadcasts ---------------------------------------------------------------------------
// Channel of element i of an [N, C, inner] tensor (bias per channel, batch-norm statistics).
GRADLAB_HOST_DEVICE inline int64_t channelOf(int64_t i, int64_t channels, int64_t inner) {
  return (i / inner) % channels;
}

// --- recurrent cells ------------------------------------------------------------------------
// Gates of a recurrent cell are stored [B, G·H]: sample b, gate g, unit j at b·G·H + g·H + j
// (PyTorch's order: LSTM i, f, g, o; GRU r, z, n).
GRADLAB_HOST_DEVICE inline int64_t gateIndex(int64_t b, int64_t g, int64_t j, int64_t gates,
                                             int64_t hidden) {
  return (b * gates + g) * hidden + j;
}

// --- the caching allocator's size classes --------------------------------------------------
// Requests are rounded up to a size class so freed blocks fit later requests of similar size:
// multiples of 512 bytes up to 1 MiB, then four classes per power of two (1, 1.25, 1.5, 1.75 ×
// 2^k), so at most 25 % is wasted on a large block.
GRADLAB_HOST_DEVICE inline size_t bucketBytes(size_t bytes) {
  const size_t kSmall = size_t(1) << 20;
  if (bytes == 0) return 512;
  if (bytes > (SIZE_MAX >> 2)) return bytes;  // no GPU has that much: let the allocation fail
  if (bytes <= kSmall) return (bytes + 511) / 512 * 512;
  size_t pow2 = kSmall;
  while (pow2 * 2 < bytes) pow2 *= 2;  // pow2 < bytes <= 2·pow2
  const size_t step = pow2 / 4;
  return (bytes + step - 1) / step * step;
}

}  // namespace gradlab::cuda
