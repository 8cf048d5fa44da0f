#pragma once
// Reductions over float32 device arrays (reduce.cu), accumulated in double like the cpu
// reference, in a fixed order (cuda_index.h, reducePlan): the same input gives the same bits.
//   sum Σx   sum_squares Σx²   sum_abs Σ|x|   max_abs max|x|   non_finite #{x not finite}
#include <cuda_runtime_api.h>

#include <cstdint>

namespace gradlab::cuda::ops {

enum class ReduceKind : int { Sum, SumSquares, SumAbs, MaxAbs, NonFinite };

// *result (device) ← the reduction of x[0, n). partials: kMaxReduceBlocks doubles of scratch.
void reduce(ReduceKind kind, const float* x, int64_t n, double* partials, double* result,
            cudaStream_t stream);

// Σ x² over several arrays at once (a global gradient norm): `count` arrays given by device
// tables of pointers and sizes; *result ← the sum. One pass-1 block per (array, chunk).
void sumSquaresMany(const float* const* arrays, const int64_t* sizes, int count, int64_t maxSize,
                    double* partials, int64_t partialCount, double* result, cudaStream_t stream);

// Second pass shared with the losses: *value ← float(Σ partials[0, count) / divisor), and
// *exact ← the same in double (either may be null).
void finishSum(const double* partials, int64_t count, double divisor, float* value, double* exact,
               cudaStream_t stream);

}  // namespace gradlab::cuda::ops
