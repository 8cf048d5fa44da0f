#include "backend/cuda/cuda_check.h"
#include "backend/cuda/device_util.cuh"
#include "backend/cuda/losses.cuh"
#include "backend/cuda/reduce.cuh"

namespace gradlab::cuda::ops {

namespace {
// std::max as the cpu uses it, (a < b) ? b : a: NaN in a stays NaN (fmax would drop it, and a
// diverged prediction would give a finite loss here where the cpu says NaN).
__device__ inline double cpuMax(double a, double b) { return a < b ? b : a; }

// Per element of mse, bce, bce_logits: the loss term, and the gradient (already divided by n).
__device__ double elementTerm(LossKind k, double p, double t, double n, float* g) {
  switch (k) {
    case LossKind::Mse: {
      const double d = p - t;
      if (g) *g = float(2 * d / n);
      return d * d;
    }
    case LossKind::Bce: {
      const double lp = cpuMax(log(p), -100.0), l1p = cpuMax(log(1 - p), -100.0);
      if (g) *g = float((p - t) / cpuMax(p * (1 - p), 1e-12) / n);
      return -(t * lp + (1 - t) * l1p);
    }
    case LossKind::BceLogits: {
      if (g) *g = float((1 / (1 + exp(-p)) - t) / n);
      return cpuMax(p, 0.0) - p * t + log1p(exp(-fabs(p)));
    }
    case LossKind::CrossEntropy: break;
  }
  return 0.0;
}

__global__ void elementLossKernel(LossKind k, const float* pred, const float* target, int64_t n,
                                  ReducePlan plan, float* grad, double* partials) {
  __shared__ double shared[kReduceThreads];
  const int64_t end = reduceEnd(plan, blockIdx.x, n);
  double acc = 0.0;
  for (int64_t i = reduceBegin(plan, blockIdx.x) + threadIdx.x; i < end; i += kReduceThreads)
    acc += elementTerm(k, pred[i], target[i], double(n), grad ? grad + i : nullptr);
  acc = blockReduce(acc, shared, SumOp{});
  if (threadIdx.x == 0) partials[blockIdx.x] = acc;
}

// One block per row: logZ = m + log Σ e^(z − m); term = logZ − z[t]; g = (e^(z − logZ) − [j = t]) /
// B.
__global__ void crossEntropyKernel(const float* pred, const float* target, int64_t rows,
                                   int64_t cols, float* grad, double* rowTerms,
                                   TargetError* error) {
  extern __shared__ double sharedD[];
  const int64_t r = blockIdx.x;
  const float* z = pred + r * cols;
  const float cls = target[r];
  const double cd = cls;  // compared in double, as the cpu does (exact beyond 2²⁴ classes)
  const bool valid = cd >= 0 && cd < double(cols) && cd == floor(cd);
  double m = -INFINITY;
  for (int64_t j = threadIdx.x; j < cols; j += blockDim.x) m = fmax(m, double(z[j]));
  m = blockReduce(m, sharedD, MaxOp{});
  double s = 0.0;
  for (int64_t j = threadIdx.x; j < cols; j += blockDim.x) s += exp(double(z[j]) - m);
  s = blockReduce(s, sharedD, SumOp{});
  const double logZ = m + log(s);
  const int64_t c = valid ? int64_t(cls) : -1;
  const double zc = valid ? double(z[c]) : 0.0;  // read before grad is written (grad may be pred)
  if (grad)
    for (int64_t j = threadIdx.x; j < cols; j += blockDim.x)
      grad[r * cols + j] = float((exp(double(z[j]) - logZ) - (j == c ? 1.0 : 0.0)) / double(rows));
  if (threadIdx.x == 0) {
    if (valid) {
      rowTerms[r] = logZ - zc;
    } else {
      rowTerms[r] = NAN;
      // Mapped host memory: one bad row claims the report and fills it, then raises the flag.
      if (error && atomicCAS(&error->claim, 0, 1) == 0) {
        error->row = int(r);
        error->classes = int(cols);
        error->value = cls;
        __threadfence_system();
        error->flag = 1;
      }
    }
  }
}
// Pass 1 of Σ rowTerms (the second pass is finishSum).
__global__ void sumDoublesKernel(const double* x, int64_t n, ReducePlan plan, double* partials) {
  __shared__ double shared[kReduceThreads];
  const int64_t end = reduceEnd(plan, blockIdx.x, n);
  double acc = 0.0;
  for (int64_t i = reduceBegin(plan, blockIdx.x) + threadIdx.x; i < end; i += kReduceThreads)
    acc += x[i];
  acc = blockReduce(acc, shared, SumOp{});
  if (threadIdx.x == 0) partials[blockIdx.x] = acc;
}
}  // namespace

void loss(LossKind k, const float* pred, const float* target, int64_t rows, int64_t cols,
          float* value, float* grad, double* partials, double* rowTerms, TargetError* error,
          cudaStream_t s) {
  if (k == LossKind::CrossEntropy) {
    if (rows > 0) {
      const int t = rowThreads(cols);
      crossEntropyKernel<<<unsigned(rows), t, size_t(t) * sizeof(double), s>>>(
          pred, target, rows, cols, grad, rowTerms, error);
      CUDA_CHECK_LAUNCH();
    }
    // mean over the rows of the row terms
    const ReducePlan plan = reducePlan(rows);
    sumDoublesKernel<<<unsigned(plan.blocks), kReduceThreads, 0, s>>>(rowTerms, rows, plan,
                                                                      partials);
    CUDA_CHECK_LAUNCH();
    finishSum(partials, plan.blocks, double(rows), value, nullptr, s);
    return;
  }
  const int64_t n = rows * cols;
  const ReducePlan plan = reducePlan(n);
  elementLossKernel<<<unsigned(plan.blocks), kReduceThreads, 0, s>>>(k, pred, target, n, plan, grad,
                                                                     partials);
  CUDA_CHECK_LAUNCH();
  finishSum(partials, plan.blocks, double(n), value, nullptr, s);
}

}  // namespace gradlab::cuda::ops
