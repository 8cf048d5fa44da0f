#include "backend/cuda/cuda_check.h"
#include "backend/cuda/device_util.cuh"
#include "backend/cuda/reduce.cuh"

namespace gradlab::cuda::ops {

namespace {
__device__ double term(ReduceKind k, float v) {
  const double d = v;
  switch (k) {
    case ReduceKind::Sum: return d;
    case ReduceKind::SumSquares: return d * d;
    case ReduceKind::SumAbs:
    case ReduceKind::MaxAbs: return fabs(d);
    case ReduceKind::NonFinite: return isfinite(v) ? 0.0 : 1.0;
  }
  return 0.0;
}

__device__ double combine(ReduceKind k, double a, double b) {
  return k == ReduceKind::MaxAbs ? fmax(a, b) : a + b;
}

// Pass 1: block b reduces its chunk [reduceBegin, reduceEnd) into partials[b].
__global__ void reducePass1(ReduceKind k, const float* x, int64_t n, ReducePlan plan,
                            double* partials) {
  __shared__ double shared[kReduceThreads];
  const int64_t end = reduceEnd(plan, blockIdx.x, n);
  double acc = 0.0;
  for (int64_t i = reduceBegin(plan, blockIdx.x) + threadIdx.x; i < end; i += kReduceThreads)
    acc = combine(k, acc, term(k, x[i]));
  if (k == ReduceKind::MaxAbs)
    acc = blockReduce(acc, shared, MaxOp{});
  else
    acc = blockReduce(acc, shared, SumOp{});
  if (threadIdx.x == 0) partials[blockIdx.x] = acc;
}

// Pass 2 (one block): combines the partials in order.
__global__ void reducePass2(ReduceKind k, const double* partials, int64_t count, double* result) {
  __shared__ double shared[kReduceThreads];
  double acc = 0.0;
  for (int64_t i = threadIdx.x; i < count; i += kReduceThreads) acc = combine(k, acc, partials[i]);
  if (k == ReduceKind::MaxAbs)
    acc = blockReduce(acc, shared, MaxOp{});
  else
    acc = blockReduce(acc, shared, SumOp{});
  if (threadIdx.x == 0) *result = acc;
}

// Multi-array sum of squares: block (a, c) takes chunk c of array a.
__global__ void sumSquaresManyPass1(const float* const* arrays, const int64_t* sizes, int64_t chunk,
                                    int64_t chunksPerArray, double* partials) {
  __shared__ double shared[kReduceThreads];
  const int64_t a = blockIdx.x / chunksPerArray, c = blockIdx.x % chunksPerArray;
  const int64_t n = sizes[a];
  const int64_t begin = c * chunk, end = begin + chunk < n ? begin + chunk : n;
  const float* x = arrays[a];
  double acc = 0.0;
  for (int64_t i = begin + threadIdx.x; i < end; i += kReduceThreads) {
    const double d = x[i];
    acc += d * d;
  }
  acc = blockReduce(acc, shared, SumOp{});
  if (threadIdx.x == 0) partials[blockIdx.x] = acc;
}

__global__ void finishSumKernel(const double* partials, int64_t count, double divisor, float* value,
                                double* exact) {
  __shared__ double shared[kReduceThreads];
  double acc = 0.0;
  for (int64_t i = threadIdx.x; i < count; i += kReduceThreads) acc += partials[i];
  acc = blockReduce(acc, shared, SumOp{});
  if (threadIdx.x == 0) {
    const double v = acc / divisor;
    if (value) *value = float(v);
    if (exact) *exact = v;
  }
}
}  // namespace

void reduce(ReduceKind k, const float* x, int64_t n, double* partials, double* result,
            cudaStream_t s) {
  const ReducePlan plan = reducePlan(n);
  reducePass1<<<unsigned(plan.blocks), kReduceThreads, 0, s>>>(k, x, n, plan, partials);
  CUDA_CHECK_LAUNCH();
  reducePass2<<<1, kReduceThreads, 0, s>>>(k, partials, plan.blocks, result);
  CUDA_CHECK_LAUNCH();
}

void sumSquaresMany(const float* const* arrays, const int64_t* sizes, int count, int64_t maxSize,
                    double* partials, int64_t partialCount, double* result, cudaStream_t s) {
  if (count <= 0) {
    finishSumKernel<<<1, kReduceThreads, 0, s>>>(partials, 0, 1.0, nullptr, result);
    CUDA_CHECK_LAUNCH();
    return;
  }
  // Chunks per array so that count × chunks fits the partials.
  int64_t chunksPerArray = partialCount / count;
  if (chunksPerArray < 1) chunksPerArray = 1;
  int64_t chunk = ceilDiv(maxSize < 1 ? 1 : maxSize, chunksPerArray);
  chunk = ceilDiv(chunk, kReduceThreads) * kReduceThreads;
  chunksPerArray = ceilDiv(maxSize < 1 ? 1 : maxSize, chunk);
  const int64_t blocks = chunksPerArray * count;
  sumSquaresManyPass1<<<unsigned(blocks), kReduceThreads, 0, s>>>(arrays, sizes, chunk,
                                                                  chunksPerArray, partials);
  CUDA_CHECK_LAUNCH();
  finishSumKernel<<<1, kReduceThreads, 0, s>>>(partials, blocks, 1.0, nullptr, result);
  CUDA_CHECK_LAUNCH();
}

void finishSum(const double* partials, int64_t count, double divisor, float* value, double* exact,
               cudaStream_t s) {
  finishSumKernel<<<1, kReduceThreads, 0, s>>>(partials, count, divisor, value, exact);
  CUDA_CHECK_LAUNCH();
}

}  // namespace gradlab::cuda::ops
