// Pooling on the cuda backend: cuDNN's pooling forward (max with NaN propagation, average) and
// average backward; the max backward is an own kernel (pooling.cuh says why).
#include <climits>
#include <string>

#include "backend/cuda/cuda_backend.h"
#include "backend/cuda/cudnn_util.h"
#include "backend/cuda/pooling.cuh"

namespace gradlab::cuda {

namespace {
// cuDNN takes the window and stride as int (the shapes were checked by Backend::pool2d*).
void checkWindow(const char* op, const Pool2dGeometry& g) {
  if (g.windowH > INT_MAX || g.windowW > INT_MAX || g.strideH > INT_MAX || g.strideW > INT_MAX)
    throw Error(std::string("cuda ") + op + ": window or stride out of range");
}

void describePooling(PoolDesc& d, PoolMode mode, const Pool2dGeometry& g) {
  CUDNN_CHECK(libs().cudnnSetPooling2dDescriptor(
      d, mode == PoolMode::Max ? CUDNN_POOLING_MAX : CUDNN_POOLING_AVERAGE_COUNT_INCLUDE_PADDING,
      CUDNN_PROPAGATE_NAN, int(g.windowH), int(g.windowW), 0, 0, int(g.strideH), int(g.strideW)));
}
}  // namespace

void CudaBackend::pool2dForwardImpl(PoolMode mode, const Pool2dGeometry& g, const Tensor& x,
                                    Tensor& y) {
  checkWindow("pool2dForward", g);
  const float* xp = data(x, "pool2dForward");
  float* yp = data(y, "pool2dForward");
  if (x.numel() == 0) return;
  use();
  note("pool2dForward", int(mode), g.windowH, g.windowW, g.strideH, g.strideW, x, y);
  PoolDesc pd;
  describePooling(pd, mode, g);
  TensorDesc xd, yd;
  xd.set(x.dim(0), g.channels, g.inH, g.inW);
  yd.set(x.dim(0), g.channels, g.outH, g.outW);
  const float one = 1.f, zero = 0.f;
  CUDNN_CHECK(libs().cudnnPoolingForward(cudnn_, pd, &one, xd, xp, &zero, yd, yp));
}

void CudaBackend::pool2dBackwardImpl(PoolMode mode, const Pool2dGeometry& g, const Tensor& x,
                                     const Tensor& y, const Tensor& dy, Tensor& dx,
                                     bool accumulate) {
  checkWindow("pool2dBackward", g);
  const float* xp = data(x, "pool2dBackward");
  const float* yp = data(y, "pool2dBackward");
  const float* dyp = data(dy, "pool2dBackward");
  float* dxp = data(dx, "pool2dBackward");
  if (x.numel() == 0) return;
  use();
  note("pool2dBackward", int(mode), g.windowH, g.windowW, g.strideH, g.strideW, x, y, dy, dx,
       accumulate);
  if (mode == PoolMode::Max) {
    ops::maxPoolBackward(g, x.dim(0) * g.channels, xp, dyp, dxp, accumulate, stream_);
    return;
  }
  PoolDesc pd;
  describePooling(pd, mode, g);
  TensorDesc xd, yd;
  xd.set(x.dim(0), g.channels, g.inH, g.inW);
  yd.set(x.dim(0), g.channels, g.outH, g.outW);
  const float one = 1.f, beta = accumulate ? 1.f : 0.f;
  CUDNN_CHECK(
      libs().cudnnPoolingBackward(cudnn_, pd, &one, yd, yp, yd, dyp, xd, xp, &beta, xd, dxp));
}

}  // namespace gradlab::cuda
