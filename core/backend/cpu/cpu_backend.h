#pragma once
// The cpu backend: Eigen on host memory, float32 and float64. The reference for every op.
// Kernels are split by family: cpu_backend.cpp (storage, element-wise, matrix),
// cpu_activations.cpp, cpu_losses.cpp, cpu_optimizers.cpp, cpu_recurrent.cpp, cpu_conv.cpp,
// cpu_pool.cpp, cpu_norm.cpp, cpu_dropout.cpp.
#include <Eigen/Core>

#include "backend/backend.h"
#include "util/error.h"

namespace gradlab::cpu {

struct CpuBuffer : Buffer {
  ~CpuBuffer() override;
  void* data = nullptr;
};

template <class T>
T* ptr(const Tensor& t) {
  return static_cast<T*>(static_cast<CpuBuffer*>(t.buffer())->data) + t.offset();
}

template <class T>
using Mat = Eigen::Map<Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>;
template <class T>
using Arr = Eigen::Map<Eigen::Array<T, Eigen::Dynamic, 1>>;

template <class T>
Mat<T> mat(const Tensor& t) {
  return Mat<T>(ptr<T>(t), t.rows(), t.cols());
}
template <class T>
Mat<T> mat(const Tensor& t, int64_t rows, int64_t cols) {
  return Mat<T>(ptr<T>(t), rows, cols);
}
template <class T>
Arr<T> arr(const Tensor& t) {
  return Arr<T>(ptr<T>(t), t.numel());
}

// Calls fn(T{}) with T = float or double according to dtype.
template <class Fn>
decltype(auto) dispatch(DType dtype, Fn&& fn) {
  if (dtype == DType::F64) return fn(double{});
  return fn(float{});
}

class CpuBackend final : public Backend {
 public:
  CpuBackend();
  std::string name() const override { return "cpu"; }
  std::string description() const override;
  bool supports(DType) const override { return true; }
  void setThreads(int threads) override;
  int threads() const override { return threads_.load(); }

  Tensor empty(const Shape& shape, DType dtype) override;
  void upload(Tensor& dst, const void* src, DType srcType) override;
  void download(const Tensor& src, void* dst, DType dstType) override;

 protected:
  // The ops (backend.h), checked by Backend's wrappers before they get here.
  void fillImpl(Tensor& t, double value) override;
  void copyImpl(const Tensor& src, Tensor& dst) override;
  void axpyImpl(double a, const Tensor& x, Tensor& y) override;
  void scaleImpl(Tensor& x, double a) override;
  void addSignImpl(double a, const Tensor& x, Tensor& y) override;
  double reduceImpl(Reduce op, const Tensor& x) override;
  bool allFiniteImpl(const Tensor& x) override;

  void gemmImpl(bool transA, bool transB, double alpha, const Tensor& A, const Tensor& B,
                double beta, Tensor& C) override;
  void addRowVectorImpl(Tensor& y, const Tensor& b) override;
  void sumRowsImpl(const Tensor& dy, double beta, Tensor& db) override;
  void copyColumnsImpl(const Tensor& src, int64_t srcCols, int64_t srcCol, Tensor& dst,
                       int64_t dstCols, int64_t dstCol, int64_t rows, int64_t width,
                       bool accumulate) override;

  void actForwardImpl(Act f, const Tensor& z, Tensor& y) override;
  void actBackwardImpl(Act f, const Tensor& z, const Tensor& y, const Tensor& dy, Tensor& dz,
                       bool accumulate) override;

  void lossImpl(LossKind kind, const Tensor& pred, const Tensor& target, Tensor& value,
                Tensor* grad) override;

  // convolution, pooling, normalisation, dropout: cpu_conv.cpp, cpu_pool.cpp, cpu_norm.cpp,
  // cpu_dropout.cpp
  void conv2dForwardImpl(const Tensor& x, const Tensor& w, const Conv2dGeometry& g,
                         Tensor& y) override;
  void conv2dBackwardDataImpl(const Tensor& w, const Tensor& dy, const Conv2dGeometry& g,
                              Tensor& dx, bool accumulate) override;
  void conv2dBackwardFilterImpl(const Tensor& x, const Tensor& dy, const Conv2dGeometry& g,
                                Tensor& dw) override;
  void addChannelBiasImpl(Tensor& y, const Tensor& b) override;
  void conv2dBackwardBiasImpl(const Tensor& dy, Tensor& db) override;
  void pool2dForwardImpl(PoolMode mode, const Pool2dGeometry& g, const Tensor& x,
                         Tensor& y) override;
  void pool2dBackwardImpl(PoolMode mode, const Pool2dGeometry& g, const Tensor& x, const Tensor& y,
                          const Tensor& dy, Tensor& dx, bool accumulate) override;
  void batchNormForwardTrainingImpl(const Tensor& x, const Tensor& gamma, const Tensor& beta,
                                    double momentum, double eps, Tensor& runningMean,
                                    Tensor& runningVar, Tensor& y, Tensor& saveMean,
                                    Tensor& saveVar) override;
  void batchNormForwardInferenceImpl(const Tensor& x, const Tensor& gamma, const Tensor& beta,
                                     const Tensor& runningMean, const Tensor& runningVar,
                                     double eps, Tensor& y) override;
  void batchNormBackwardImpl(const Tensor& x, const Tensor& dy, const Tensor& gamma,
                             const Tensor& saveMean, const Tensor& saveVar, double eps, Tensor& dx,
                             Tensor& dgamma, Tensor& dbeta, bool accumulate) override;
  void dropoutMaskImpl(double rate, uint64_t seed, uint64_t step, Tensor& mask) override;
  void dropoutForwardImpl(const Tensor& x, const Tensor& mask, double rate, Tensor& y) override;
  void dropoutBackwardImpl(const Tensor& dy, const Tensor& mask, double rate, Tensor& dx,
                           bool accumulate) override;

  void optimizerUpdateImpl(OptimKind kind, const OptimHyper& h, int64_t step, Tensor& w,
                           const Tensor& g, Tensor& s1, Tensor& s2) override;

  // cpu_recurrent.cpp
  void transpose01Impl(const Tensor& src, Tensor& dst, bool accumulate) override;
  void lstmCellForwardImpl(Tensor& gates, const Tensor& cPrev, Tensor& c, Tensor& h) override;
  void lstmCellBackwardImpl(const Tensor& gates, const Tensor& cPrev, const Tensor& c,
                            const Tensor& dh, Tensor& dc, Tensor& dgates) override;
  void gruGatesForwardImpl(const Tensor& xp, const Tensor& hh, const Tensor& hPrev, Tensor& rz,
                           Tensor& rh) override;
  void gruCandidateForwardImpl(const Tensor& xp, const Tensor& hg, const Tensor& rz,
                               const Tensor& hPrev, Tensor& g, Tensor& h) override;
  void gruCandidateBackwardImpl(const Tensor& dh, const Tensor& rz, const Tensor& g,
                                const Tensor& hPrev, Tensor& drz, Tensor& dg) override;
  void gruResetBackwardImpl(const Tensor& dh, const Tensor& drh, const Tensor& rz,
                            const Tensor& hPrev, Tensor& drz, Tensor& dhPrev,
                            bool accumulate) override;
  void forRowBlocksImpl(int64_t rows, const std::function<void(int64_t, int64_t)>& body) override;

 private:
  // Read by ops on any thread (the GUI's activation plot runs ops while the worker trains).
  std::atomic<int> threads_{1};
};

}  // namespace gradlab::cpu
