#include "backend/cuda/cuda_check.h"
#include "backend/cuda/device_util.cuh"
#include "backend/cuda/pooling.cuh"

namespace gradlab::cuda::ops {

namespace {
// Flat index (within the plane) of window (i, j)'s first maximum, as the cpu's argmaxOfWindow.
__device__ int64_t argmaxOfWindow(const float* plane, const Pool2dGeometry& g, int64_t i,
                                  int64_t j) {
  const int64_t h0 = i * g.strideH, v0 = j * g.strideW;
  int64_t best = h0 * g.inW + v0;
  float bestValue = plane[best];
  for (int64_t p = 0; p < g.windowH; ++p)
    for (int64_t q = 0; q < g.windowW; ++q) {
      const int64_t k = (h0 + p) * g.inW + v0 + q;
      const float v = plane[k];
      if (v > bestValue || (isnan(v) && !isnan(bestValue))) {
        bestValue = v;
        best = k;
      }
    }
  return best;
}

__global__ void maxPoolBackwardKernel(Pool2dGeometry g, int64_t planes, const float* x,
                                      const float* dy, float* dx, bool accumulate) {
  GRADLAB_GRID_LOOP(e, planes * g.inPlane()) {
    const int64_t plane = e / g.inPlane(), k = e % g.inPlane();
    const int64_t h = k / g.inW, v = k % g.inW;
    const float* xp = x + plane * g.inPlane();
    const float* dyp = dy + plane * g.outPlane();
    const int64_t i0 = firstWindowCovering(h, g.windowH, g.strideH, 0);
    const int64_t i1 = endWindowCovering(h, g.strideH, 0, g.outH);
    const int64_t j0 = firstWindowCovering(v, g.windowW, g.strideW, 0);
    const int64_t j1 = endWindowCovering(v, g.strideW, 0, g.outW);
    float acc = accumulate ? dx[e] : 0.f;
    for (int64_t i = i0; i < i1; ++i)
      for (int64_t j = j0; j < j1; ++j)
        if (argmaxOfWindow(xp, g, i, j) == k) acc += dyp[i * g.outW + j];
    dx[e] = acc;
  }
}
}  // namespace

void maxPoolBackward(const Pool2dGeometry& g, int64_t planes, const float* x, const float* dy,
                     float* dx, bool accumulate, cudaStream_t s) {
  const int64_t n = planes * g.inPlane();
  if (n <= 0) return;
  maxPoolBackwardKernel<<<unsigned(blocksFor(n)), kThreads, 0, s>>>(g, planes, x, dy, dx,
                                                                    accumulate);
  CUDA_CHECK_LAUNCH();
}

}  // namespace gradlab::cuda::ops
