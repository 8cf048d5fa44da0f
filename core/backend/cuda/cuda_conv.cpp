// Convolution on the cuda backend: cuDNN's legacy convolution API, one call per op (backend.h,
// "--- convolution ---"), with plans cached per shape (cudnn_util.h) and the workspace owned
// by the backend. NCHW float32, cross-correlation (as PyTorch's Conv2d), symmetric padding.
#include <climits>
#include <cstdlib>
#include <string>

#include "backend/cuda/cuda_backend.h"
#include "backend/cuda/cudnn_util.h"

namespace gradlab::cuda {

namespace {
constexpr size_t kPreferredWorkspace = size_t(256) << 20;

int toInt(int64_t v, const char* what) {
  if (v < 0 || v > INT_MAX) throw Error(std::string("cuda conv2d: ") + what + " out of range");
  return int(v);
}

bool allowTf32() {
  const char* e = std::getenv("GRADLAB_CUDA_TF32");
  return e && std::string(e) == "1";
}

// The best of cuDNN's ranked candidates by Gradlab's preferences (cudnn_util.h).
template <class Perf>
const Perf* pick(const Perf* perf, int count) {
  // Without GRADLAB_CUDA_TF32 only full-float32 (FMA) algorithms: a TF32 one would miss the
  // cpu's results by ~1e-3 (as PyTorch with allow_tf32 = False).
  const bool tf32 = allowTf32();
  auto fits = [&](const Perf& p, bool wantDeterministic, bool wantSmall) {
    return p.status == CUDNN_STATUS_SUCCESS && (tf32 || p.mathType == CUDNN_FMA_MATH) &&
           (!wantDeterministic || p.determinism == CUDNN_DETERMINISTIC) &&
           (!wantSmall || p.memory <= kPreferredWorkspace);
  };
  const bool order[][2] = {{true, true}, {false, true}, {true, false}, {false, false}};
  for (const auto& o : order)
    for (int i = 0; i < count; ++i)
      if (fits(perf[i], o[0], o[1])) return &perf[i];
  return nullptr;
}

// [N, C, rest] as N × C × rest × 1, for per-channel ops on any rank ≥ 2.
void describeChannels(TensorDesc& d, const Tensor& t) {
  const int64_t n = t.dim(0), c = t.dim(1);
  const int64_t rest = n * c != 0 ? t.numel() / (n * c) : 0;
  d.set(n, c, rest, 1);
}
}  // namespace

void TensorDesc::set(int64_t n, int64_t c, int64_t h, int64_t w) {
  CUDNN_CHECK(libs().cudnnSetTensor4dDescriptor(d, CUDNN_TENSOR_NCHW, CUDNN_DATA_FLOAT,
                                                toInt(n, "batch"), toInt(c, "channels"),
                                                toInt(h, "height"), toInt(w, "width")));
}

ConvPlan::ConvPlan(cudnnHandle_t handle, const Conv2dGeometry& g, int64_t batch) {
  x.set(batch, g.inChannels, g.inH, g.inW);
  y.set(batch, g.outChannels, g.outH, g.outW);
  CUDNN_CHECK(libs().cudnnSetFilter4dDescriptor(
      w, CUDNN_DATA_FLOAT, CUDNN_TENSOR_NCHW, toInt(g.outChannels, "out channels"),
      toInt(g.inChannels, "in channels"), toInt(g.kernelH, "kernel"), toInt(g.kernelW, "kernel")));
  CUDNN_CHECK(libs().cudnnSetConvolution2dDescriptor(
      conv, toInt(g.padH, "padding"), toInt(g.padW, "padding"), toInt(g.strideH, "stride"),
      toInt(g.strideW, "stride"), 1, 1, CUDNN_CROSS_CORRELATION, CUDNN_DATA_FLOAT));
  const cudnnMathType_t wantedMath = allowTf32() ? CUDNN_DEFAULT_MATH : CUDNN_FMA_MATH;
  CUDNN_CHECK(libs().cudnnSetConvolutionMathType(conv, wantedMath));
  int n = 0, c = 0, h = 0, wd = 0;
  CUDNN_CHECK(libs().cudnnGetConvolution2dForwardOutputDim(conv, x, w, &n, &c, &h, &wd));
  if (n != batch || c != g.outChannels || h != g.outH || wd != g.outW)
    throw Error("cuda conv2d: cuDNN computes a " + std::to_string(h) + "\u00d7" +
                std::to_string(wd) + " output where the geometry says " + std::to_string(g.outH) +
                "\u00d7" + std::to_string(g.outW));

  int count = 0;
  cudnnConvolutionFwdAlgoPerf_t fp[CUDNN_CONVOLUTION_FWD_ALGO_COUNT];
  CUDNN_CHECK(libs().cudnnGetConvolutionForwardAlgorithm_v7(
      handle, x, w, conv, y, CUDNN_CONVOLUTION_FWD_ALGO_COUNT, &count, fp));
  const auto* f = pick(fp, count);
  if (!f) throw Error("cuda conv2d: cuDNN has no forward algorithm for this shape");
  fwd = f->algo;
  fwdMath = f->mathType;
  CUDNN_CHECK(libs().cudnnSetConvolutionMathType(conv, fwdMath));
  CUDNN_CHECK(
      libs().cudnnGetConvolutionForwardWorkspaceSize(handle, x, w, conv, y, fwd, &fwdBytes));

  cudnnConvolutionBwdDataAlgoPerf_t dp[CUDNN_CONVOLUTION_BWD_DATA_ALGO_COUNT];
  CUDNN_CHECK(libs().cudnnSetConvolutionMathType(conv, wantedMath));  // not the forward's
  CUDNN_CHECK(libs().cudnnGetConvolutionBackwardDataAlgorithm_v7(
      handle, w, y, conv, x, CUDNN_CONVOLUTION_BWD_DATA_ALGO_COUNT, &count, dp));
  const auto* d = pick(dp, count);
  if (!d) throw Error("cuda conv2d: cuDNN has no backward-data algorithm for this shape");
  bwdData = d->algo;
  bwdDataMath = d->mathType;
  CUDNN_CHECK(libs().cudnnSetConvolutionMathType(conv, bwdDataMath));
  CUDNN_CHECK(libs().cudnnGetConvolutionBackwardDataWorkspaceSize(handle, w, y, conv, x, bwdData,
                                                                  &bwdDataBytes));

  cudnnConvolutionBwdFilterAlgoPerf_t wp[CUDNN_CONVOLUTION_BWD_FILTER_ALGO_COUNT];
  CUDNN_CHECK(libs().cudnnSetConvolutionMathType(conv, wantedMath));
  CUDNN_CHECK(libs().cudnnGetConvolutionBackwardFilterAlgorithm_v7(
      handle, x, y, conv, w, CUDNN_CONVOLUTION_BWD_FILTER_ALGO_COUNT, &count, wp));
  const auto* b = pick(wp, count);
  if (!b) throw Error("cuda conv2d: cuDNN has no backward-filter algorithm for this shape");
  bwdFilter = b->algo;
  bwdFilterMath = b->mathType;
  CUDNN_CHECK(libs().cudnnSetConvolutionMathType(conv, bwdFilterMath));
  CUDNN_CHECK(libs().cudnnGetConvolutionBackwardFilterWorkspaceSize(handle, x, y, conv, w,
                                                                    bwdFilter, &bwdFilterBytes));
}

ConvPlan& CudaBackend::convPlan(const Conv2dGeometry& g, int64_t batch) {
  const auto key = std::make_tuple(batch, g.inChannels, g.inH, g.inW, g.outChannels, g.kernelH,
                                   g.kernelW, g.strideH, g.strideW, g.padH, g.padW);
  auto it = convPlans_.find(key);
  if (it == convPlans_.end())
    it = convPlans_.emplace(key, std::make_unique<ConvPlan>(cudnn_, g, batch)).first;
  return *it->second;
}

void CudaBackend::conv2dForwardImpl(const Tensor& x, const Tensor& w, const Conv2dGeometry& g,
                                    Tensor& y) {
  const float* xp = data(x, "conv2dForward");
  const float* wp = data(w, "conv2dForward");
  float* yp = data(y, "conv2dForward");
  if (x.numel() == 0 || y.numel() == 0) return;
  use();
  ConvPlan& p = convPlan(g, x.dim(0));
  void* ws = workspace(p.fwdBytes);
  note("conv2dForward", x, w, y, int(p.fwd), ws);
  const float one = 1.f, zero = 0.f;
  CUDNN_CHECK(libs().cudnnSetConvolutionMathType(p.conv, p.fwdMath));
  CUDNN_CHECK(libs().cudnnConvolutionForward(cudnn_, &one, p.x, xp, p.w, wp, p.conv, p.fwd, ws,
                                             p.fwdBytes, &zero, p.y, yp));
}

void CudaBackend::conv2dBackwardDataImpl(const Tensor& w, const Tensor& dy, const Conv2dGeometry& g,
                                         Tensor& dx, bool accumulate) {
  const float* wp = data(w, "conv2dBackwardData");
  const float* dyp = data(dy, "conv2dBackwardData");
  float* dxp = data(dx, "conv2dBackwardData");
  if (dx.numel() == 0) return;
  use();
  ConvPlan& p = convPlan(g, dx.dim(0));
  void* ws = workspace(p.bwdDataBytes);
  note("conv2dBackwardData", w, dy, dx, accumulate, int(p.bwdData), ws);
  const float one = 1.f, beta = accumulate ? 1.f : 0.f;
  CUDNN_CHECK(libs().cudnnSetConvolutionMathType(p.conv, p.bwdDataMath));
  CUDNN_CHECK(libs().cudnnConvolutionBackwardData(cudnn_, &one, p.w, wp, p.y, dyp, p.conv,
                                                  p.bwdData, ws, p.bwdDataBytes, &beta, p.x, dxp));
}

void CudaBackend::conv2dBackwardFilterImpl(const Tensor& x, const Tensor& dy,
                                           const Conv2dGeometry& g, Tensor& dw) {
  const float* xp = data(x, "conv2dBackwardFilter");
  const float* dyp = data(dy, "conv2dBackwardFilter");
  float* dwp = data(dw, "conv2dBackwardFilter");
  use();
  if (x.dim(0) == 0) {  // no images: dw = 0, as the cpu
    CUDA_CHECK(cudaMemsetAsync(dwp, 0, size_t(dw.numel()) * sizeof(float), stream_));
    return;
  }
  ConvPlan& p = convPlan(g, x.dim(0));
  void* ws = workspace(p.bwdFilterBytes);
  note("conv2dBackwardFilter", x, dy, dw, int(p.bwdFilter), ws);
  const float one = 1.f, zero = 0.f;
  CUDNN_CHECK(libs().cudnnSetConvolutionMathType(p.conv, p.bwdFilterMath));
  CUDNN_CHECK(libs().cudnnConvolutionBackwardFilter(
      cudnn_, &one, p.x, xp, p.y, dyp, p.conv, p.bwdFilter, ws, p.bwdFilterBytes, &zero, p.w, dwp));
}

// y[n, c, …] += b[c]: cudnnAddTensor broadcasting a 1×C×1×1 bias.
void CudaBackend::addChannelBiasImpl(Tensor& y, const Tensor& b) {
  float* yp = data(y, "addChannelBias");
  const float* bp = data(b, "addChannelBias");
  if (y.numel() == 0) return;
  use();
  note("addChannelBias", y, b);
  TensorDesc yd, bd;
  describeChannels(yd, y);
  bd.set(1, y.dim(1), 1, 1);
  const float one = 1.f;
  CUDNN_CHECK(libs().cudnnAddTensor(cudnn_, &one, bd, bp, &one, yd, yp));
}

// db[c] = Σ_{n, …} dy[n, c, …]: cudnnConvolutionBackwardBias.
void CudaBackend::conv2dBackwardBiasImpl(const Tensor& dy, Tensor& db) {
  const float* dyp = data(dy, "conv2dBackwardBias");
  float* dbp = data(db, "conv2dBackwardBias");
  use();
  if (dy.numel() == 0) {
    CUDA_CHECK(cudaMemsetAsync(dbp, 0, size_t(db.numel()) * sizeof(float), stream_));
    return;
  }
  note("conv2dBackwardBias", dy, db);
  TensorDesc dyd, bd;
  describeChannels(dyd, dy);
  bd.set(1, dy.dim(1), 1, 1);
  const float one = 1.f, zero = 0.f;
  CUDNN_CHECK(libs().cudnnConvolutionBackwardBias(cudnn_, &one, dyd, dyp, &zero, bd, dbp));
}

}  // namespace gradlab::cuda
