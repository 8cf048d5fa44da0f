// Batch normalisation on the cuda backend: cuDNN's spatial batch norm (per channel over N·H·W;
// x [N, C] is described as N × C × 1 × 1), with small kernels converting between cuDNN's saved
// 1/√(σ² + ε) and the interface's saved σ² (norm.cuh).
#include <string>

#include "backend/cuda/cuda_backend.h"
#include "backend/cuda/cudnn_util.h"
#include "backend/cuda/norm.cuh"

namespace gradlab::cuda {

namespace {
struct Layout {
  int64_t n, c, s;  // batch, channels, values per channel and sample
};

// The shapes were checked by Backend::batchNorm* (backend.cpp).
Layout layoutOf(const Tensor& x) {
  return {x.dim(0), x.dim(1), x.rank() == 4 ? x.dim(2) * x.dim(3) : 1};
}

void describe(TensorDesc& xd, TensorDesc& pd, const Layout& l) {
  xd.set(l.n, l.c, l.s, 1);
  pd.set(1, l.c, 1, 1);
}
}  // namespace

void CudaBackend::batchNormForwardTrainingImpl(const Tensor& x, const Tensor& gamma,
                                               const Tensor& beta, double momentum, double eps,
                                               Tensor& runningMean, Tensor& runningVar, Tensor& y,
                                               Tensor& saveMean, Tensor& saveVar) {
  const Layout l = layoutOf(x);
  use();
  note("batchNormForwardTraining", x, gamma, beta, momentum, eps, runningMean, runningVar, y,
       saveMean, saveVar);
  TensorDesc xd, pd;
  describe(xd, pd, l);
  const float one = 1.f, zero = 0.f;
  float* sv = data(saveVar, "batchNormForwardTraining");
  CUDNN_CHECK(libs().cudnnBatchNormalizationForwardTraining(
      cudnn_, CUDNN_BATCHNORM_SPATIAL, &one, &zero, xd, data(x, "batchNormForwardTraining"), xd,
      data(y, "batchNormForwardTraining"), pd, data(gamma, "batchNormForwardTraining"),
      data(beta, "batchNormForwardTraining"), momentum,
      data(runningMean, "batchNormForwardTraining"), data(runningVar, "batchNormForwardTraining"),
      eps, data(saveMean, "batchNormForwardTraining"), sv));
  ops::varianceFromInvStd(sv, eps, l.c, stream_);  // cuDNN saved 1/√(σ² + ε)
}

void CudaBackend::batchNormForwardInferenceImpl(const Tensor& x, const Tensor& gamma,
                                                const Tensor& beta, const Tensor& runningMean,
                                                const Tensor& runningVar, double eps, Tensor& y) {
  const Layout l = layoutOf(x);
  if (x.numel() == 0) return;
  use();
  note("batchNormForwardInference", x, gamma, beta, runningMean, runningVar, eps, y);
  TensorDesc xd, pd;
  describe(xd, pd, l);
  const float one = 1.f, zero = 0.f;
  CUDNN_CHECK(libs().cudnnBatchNormalizationForwardInference(
      cudnn_, CUDNN_BATCHNORM_SPATIAL, &one, &zero, xd, data(x, "batchNormForwardInference"), xd,
      data(y, "batchNormForwardInference"), pd, data(gamma, "batchNormForwardInference"),
      data(beta, "batchNormForwardInference"), data(runningMean, "batchNormForwardInference"),
      data(runningVar, "batchNormForwardInference"), eps));
}

void CudaBackend::batchNormBackwardImpl(const Tensor& x, const Tensor& dy, const Tensor& gamma,
                                        const Tensor& saveMean, const Tensor& saveVar, double eps,
                                        Tensor& dx, Tensor& dgamma, Tensor& dbeta,
                                        bool accumulate) {
  const Layout l = layoutOf(x);
  const bool wantDx = dx.defined();
  if (l.n * l.s == 0) return;
  use();
  // cuDNN wants 1/√(σ² + ε), and always writes a dx: scratch holds both when dx is not wanted.
  const size_t invBytes = (size_t(l.c) * sizeof(float) + 255) / 256 * 256;
  char* tmp =
      static_cast<char*>(scratch(invBytes + (wantDx ? 0 : size_t(x.numel()) * sizeof(float))));
  float* invStd = reinterpret_cast<float*>(tmp);
  float* dxp = wantDx ? data(dx, "batchNormBackward") : reinterpret_cast<float*>(tmp + invBytes);
  note("batchNormBackward", x, dy, gamma, saveMean, saveVar, eps, dxp, dgamma, dbeta, accumulate,
       invStd);
  ops::invStdFromVariance(data(saveVar, "batchNormBackward"), eps, invStd, l.c, stream_);
  TensorDesc xd, pd;
  describe(xd, pd, l);
  const float one = 1.f, zero = 0.f, betaData = wantDx && accumulate ? 1.f : 0.f;
  CUDNN_CHECK(libs().cudnnBatchNormalizationBackward(
      cudnn_, CUDNN_BATCHNORM_SPATIAL, &one, &betaData, &one, &zero, xd,
      data(x, "batchNormBackward"), xd, data(dy, "batchNormBackward"), xd, dxp, pd,
      data(gamma, "batchNormBackward"), data(dgamma, "batchNormBackward"),
      data(dbeta, "batchNormBackward"), eps, data(saveMean, "batchNormBackward"), invStd));
}

}  // namespace gradlab::cuda
