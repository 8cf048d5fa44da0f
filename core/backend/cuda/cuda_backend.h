#pragma once
// The cuda backend: float32 tensors in device memory, cuBLAS for matrix products, cuDNN for
// convolution, pooling and batch norm, own kernels for the rest (one <op>.cu + <op>.cuh pair
// per op family, launched from the methods here). The cpu backend is the reference: every op
// here computes what its cpu twin computes (formulas in backend/cpu/*.cpp), which
// tests/cuda/tst_backend_ops.cpp checks op by op.
//
// Execution model
// - One stream per backend; every op is queued on it and returns at once. The host waits only
//   in download(), reduce(), allFinite(), sumOfSquares() and synchronize() — in a training
//   step, once: when Network::loss reads the loss.
// - Memory comes from a caching allocator (allocator.h): freed blocks are reused, not freed.
// - Transfers go through a pinned staging buffer, converting f64 host data to float32.
// - A training step may be recorded as a CUDA Graph and replayed (cuda_graph.cpp); every op
//   notes its arguments in the recording so two recordings can be compared.
// - A CUDA error throws DeviceError (cuda_check.h); an invalid cross-entropy target found by a
//   kernel throws Error at the next synchronisation.
//
// Not thread-safe: one thread at a time issues ops (the trainer's worker), as with the cpu.
#include <cuda_runtime_api.h>

#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <tuple>
#include <type_traits>
#include <vector>

#include "backend/backend.h"
#include "backend/cuda/allocator.h"
#include "backend/cuda/cuda_check.h"
#include "backend/cuda/losses.cuh"

namespace gradlab::cuda {

struct CudaBuffer : Buffer {
  ~CudaBuffer() override;
  void* data = nullptr;
  size_t classBytes = 0;
  Allocator* allocator = nullptr;
};

class CudaRecording;
struct ConvPlan;

class CudaBackend final : public Backend {
 public:
  // Starts the backend on `device`: stream, cuBLAS and cuDNN handles, scratch. Throws Error
  // (not DeviceError) saying why when the device cannot be used.
  explicit CudaBackend(int device);
  ~CudaBackend() override;

  std::string name() const override { return "cuda"; }
  std::string description() const override { return description_; }
  bool supports(DType dtype) const override { return dtype == DType::F32; }
  // supportsOp keeps its default (every op): each op of backend.h has its <op>Impl below. An op
  // added to backend.h before its kernel: return false for it here until the kernel exists.
  void setThreads(int) override {}
  int threads() const override { return 1; }
  void synchronize() override;

  Tensor empty(const Shape& shape, DType dtype) override;
  void upload(Tensor& dst, const void* src, DType srcType) override;
  void download(const Tensor& src, void* dst, DType dstType) override;

  double sumOfSquares(std::span<const Tensor> xs) override;
  std::unique_ptr<StepRecording> newRecording() override;

  // --- for the op files and the recording --------------------------------------------------
  int device() const { return device_; }
  cudaStream_t stream() const { return stream_; }
  Allocator& allocator() { return allocator_; }
  // Makes this backend's device current on the calling thread (cheap when it already is).
  void use() const;
  // The device address of a float32 tensor of this backend (throws Error otherwise).
  float* data(const Tensor& t, const char* op) const;
  // Scratch device memory owned by the backend, grown on demand (contents not kept on growth).
  void* scratch(size_t bytes);
  // The cuDNN workspace, grown on demand.
  void* workspace(size_t bytes);
  // Adds words to the active recording's fingerprint (no-op when nothing is recorded).
  template <class... Args>
  void note(const char* op, const Args&... args) {
    if (recording_) noteWords(op, {word(args)...});
  }
  // A recording started / stopped capturing on this backend's stream.
  void setRecording(CudaRecording* r) { recording_ = r; }
  // Recordings alive (created, not destroyed). While there are any, internal buffers that grow
  // keep their old blocks (a recorded graph may use them), until the last recording goes.
  void recordingCreated() { ++liveRecordings_; }
  void recordingDestroyed();
  bool recording() const { return recording_ != nullptr; }
  cudnnHandle_t cudnn() const { return cudnn_; }
  ConvPlan& convPlan(const Conv2dGeometry& g, int64_t batch);

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

  // cuda_conv.cpp (cuDNN)
  void conv2dForwardImpl(const Tensor& x, const Tensor& w, const Conv2dGeometry& g,
                         Tensor& y) override;
  void conv2dBackwardDataImpl(const Tensor& w, const Tensor& dy, const Conv2dGeometry& g,
                              Tensor& dx, bool accumulate) override;
  void conv2dBackwardFilterImpl(const Tensor& x, const Tensor& dy, const Conv2dGeometry& g,
                                Tensor& dw) override;
  void addChannelBiasImpl(Tensor& y, const Tensor& b) override;
  void conv2dBackwardBiasImpl(const Tensor& dy, Tensor& db) override;
  // cuda_pool.cpp (cuDNN, and an own kernel for the max backward)
  void pool2dForwardImpl(PoolMode mode, const Pool2dGeometry& g, const Tensor& x,
                         Tensor& y) override;
  void pool2dBackwardImpl(PoolMode mode, const Pool2dGeometry& g, const Tensor& x, const Tensor& y,
                          const Tensor& dy, Tensor& dx, bool accumulate) override;
  // cuda_norm.cpp (cuDNN)
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
  // cuda_backend.cpp, kernels in dropout.cu
  void dropoutMaskImpl(double rate, uint64_t seed, uint64_t step, Tensor& mask) override;
  void dropoutForwardImpl(const Tensor& x, const Tensor& mask, double rate, Tensor& y) override;
  void dropoutBackwardImpl(const Tensor& dy, const Tensor& mask, double rate, Tensor& dx,
                           bool accumulate) override;

  void optimizerUpdateImpl(OptimKind kind, const OptimHyper& h, int64_t step, Tensor& w,
                           const Tensor& g, Tensor& s1, Tensor& s2) override;

  // cuda_backend.cpp, kernels in recurrent.cu
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

 private:
  // The host is about to touch device data (a transfer, a read): an active recording stops
  // here, running what it captured; the rest of the step runs eagerly.
  void leaveRecording();
  // Waits until the pinned staging buffer is no longer read by a queued upload.
  void waitStaging();
  void growStaging(size_t bytes);
  // Throws Error for an invalid cross-entropy target reported by a kernel since the last check.
  void checkKernelReports();
  void noteWords(const char* op, std::initializer_list<uint64_t> words);

  static uint64_t word(const Tensor& t);
  template <class T>
  static uint64_t word(const T& v) {
    if constexpr (std::is_pointer_v<T>) {
      return uint64_t(reinterpret_cast<uintptr_t>(v));
    } else if constexpr (std::is_floating_point_v<T>) {
      const double d = double(v);
      uint64_t u;
      std::memcpy(&u, &d, sizeof u);
      return u;
    } else {
      return uint64_t(v);  // integers, enums, bool
    }
  }

  int device_;
  std::string description_;
  cudaStream_t stream_ = nullptr;
  cublasHandle_t cublas_ = nullptr;
  cudnnHandle_t cudnn_ = nullptr;
  Allocator allocator_;
  // Device memory the backend keeps: reduction partials and result, cuBLAS and cuDNN
  // workspaces, general scratch.
  struct Block {
    void* ptr = nullptr;
    size_t bytes = 0, classBytes = 0;
  };
  Block partials_, cublasWorkspace_, cudnnWorkspace_, scratch_;
  void ensure(Block& b, size_t bytes);
  int liveRecordings_ = 0;
  std::vector<Block> retired_;  // outgrown internal buffers a recorded graph may still use
  // Pinned host memory: staging for transfers, and the kernels' reports (mapped).
  void* staging_ = nullptr;
  size_t stagingBytes_ = 0;
  cudaEvent_t stagingFree_ = nullptr;
  bool stagingPending_ = false;
  ops::TargetError* reports_ = nullptr;     // host view
  ops::TargetError* reportsDev_ = nullptr;  // device view of the same memory
  double* resultHost_ = nullptr;            // pinned, for reduce results
  CudaRecording* recording_ = nullptr;
  std::map<std::tuple<int64_t, int64_t, int64_t, int64_t, int64_t, int64_t, int64_t, int64_t,
                      int64_t, int64_t, int64_t>,
           std::unique_ptr<ConvPlan>>
      convPlans_;
};

}  // namespace gradlab::cuda
