#include "backend/cuda/cuda_backend.h"

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdlib>
#include <vector>

#include "backend/cuda/activations.cuh"
#include "backend/cuda/cuda_graph.h"
#include "backend/cuda/cuda_index.h"
#include "backend/cuda/cudnn_util.h"
#include "backend/cuda/dropout.cuh"
#include "backend/cuda/elementwise.cuh"
#include "backend/cuda/matrix.cuh"
#include "backend/cuda/optimizers.cuh"
#include "backend/cuda/recurrent.cuh"
#include "backend/cuda/reduce.cuh"
#include "backend/dropout_rng.h"

namespace gradlab::cuda {

namespace {
constexpr size_t kStagingMax = size_t(16) << 20;       // pinned staging, transfers are chunked
constexpr size_t kCublasWorkspace = size_t(32) << 20;  // cuBLAS' recommendation for Hopper
constexpr int64_t kMaxSumSquaresTensors = 256;

std::string gib(size_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f GiB", double(bytes) / double(size_t(1) << 30));
  return buf;
}
}  // namespace

CudaBuffer::~CudaBuffer() {
  if (allocator) allocator->release(data, classBytes);
}

// --- life cycle ------------------------------------------------------------------------------

CudaBackend::CudaBackend(int device) : device_(device) {
  std::string why;
  if (!loadLibs(why)) throw Error(why);
  CUDA_CHECK(cudaSetDevice(device));
  cudaDeviceProp prop{};
  CUDA_CHECK(cudaGetDeviceProperties(&prop, device));
  CUDA_CHECK(cudaStreamCreateWithFlags(&stream_, cudaStreamNonBlocking));
  const cublasStatus_t bs = libs().cublasCreate(&cublas_);
  if (bs != CUBLAS_STATUS_SUCCESS)
    throw Error(std::string("cuBLAS cannot start on GPU ") + std::to_string(device) + ": " +
                libs().cublasGetStatusString(bs));
  CUBLAS_CHECK(libs().cublasSetStream(cublas_, stream_));
  // Our own workspace, so cuBLAS never allocates inside a recorded CUDA Graph.
  ensure(cublasWorkspace_, kCublasWorkspace);
  CUBLAS_CHECK(libs().cublasSetWorkspace(cublas_, cublasWorkspace_.ptr, cublasWorkspace_.bytes));
  const cudnnStatus_t ds = libs().cudnnCreate(&cudnn_);
  if (ds != CUDNN_STATUS_SUCCESS)
    throw Error(std::string("cuDNN cannot start on GPU ") + std::to_string(device) + ": " +
                libs().cudnnGetErrorString(ds) +
                " (are cuDNN 9's libraries, libcudnn_ops.so.9 and libcudnn_cnn.so.9, installed?)");
  CUDNN_CHECK(libs().cudnnSetStream(cudnn_, stream_));
  CUDA_CHECK(cudaEventCreateWithFlags(&stagingFree_, cudaEventDisableTiming));
  void* reports = nullptr;
  CUDA_CHECK(cudaHostAlloc(&reports, sizeof(ops::TargetError), cudaHostAllocMapped));
  reports_ = static_cast<ops::TargetError*>(reports);
  std::memset(reports_, 0, sizeof(ops::TargetError));
  void* reportsDev = nullptr;
  CUDA_CHECK(cudaHostGetDevicePointer(&reportsDev, reports, 0));
  reportsDev_ = static_cast<ops::TargetError*>(reportsDev);
  void* result = nullptr;
  CUDA_CHECK(cudaHostAlloc(&result, 64, cudaHostAllocDefault));
  resultHost_ = static_cast<double*>(result);
  ensure(partials_, size_t(kMaxReduceBlocks + 8) * sizeof(double));
  const size_t v = libs().cudnnGetVersion();
  description_ = "CUDA (" + std::string(prop.name) + ", compute " + std::to_string(prop.major) +
                 "." + std::to_string(prop.minor) + ", " + gib(prop.totalGlobalMem) + ", cuDNN " +
                 std::to_string(v / 10000) + "." + std::to_string(v / 100 % 100) + ")";
}

CudaBackend::~CudaBackend() {
  // The process-wide backends are never destroyed (select.cpp); this is for completeness, and
  // ignores errors.
  convPlans_.clear();
  for (Block* b : {&partials_, &cublasWorkspace_, &cudnnWorkspace_, &scratch_})
    if (b->ptr) allocator_.release(b->ptr, b->classBytes);
  for (Block& b : retired_) allocator_.release(b.ptr, b.classBytes);
  if (staging_) cudaFreeHost(staging_);
  if (reports_) cudaFreeHost(reports_);
  if (resultHost_) cudaFreeHost(resultHost_);
  if (stagingFree_) cudaEventDestroy(stagingFree_);
  if (cudnn_) libs().cudnnDestroy(cudnn_);
  if (cublas_) libs().cublasDestroy(cublas_);
  if (stream_) cudaStreamDestroy(stream_);
}

void CudaBackend::use() const {
  // Asked, not cached: another backend (or device probing) may have changed it since.
  int current = -1;
  if (cudaGetDevice(&current) != cudaSuccess || current != device_)
    CUDA_CHECK(cudaSetDevice(device_));
}

float* CudaBackend::data(const Tensor& t, const char* op) const {
  if (!t.defined()) throw Error(std::string("cuda ") + op + ": a tensor is undefined");
  if (t.buffer()->backend != this)
    throw Error(std::string("cuda ") + op + ": a tensor lives on the " + t.backend().name() +
                " backend, not on this GPU");
  if (t.dtype() != DType::F32)
    throw Error(std::string("cuda ") + op + ": the cuda backend runs float32 tensors only");
  return static_cast<float*>(static_cast<CudaBuffer*>(t.buffer())->data) + t.offset();
}

void CudaBackend::ensure(Block& b, size_t bytes) {
  if (b.ptr && b.bytes >= bytes) return;
  if (b.ptr) {
    if (liveRecordings_ > 0)
      retired_.push_back(b);  // a recorded graph (this one or another) may still use it
    else
      allocator_.release(b.ptr, b.classBytes);
  }
  b.ptr = nullptr;
  b.ptr = allocator_.allocate(bytes, &b.classBytes, !recording_);
  b.bytes = b.classBytes;
}

void* CudaBackend::scratch(size_t bytes) {
  ensure(scratch_, bytes);
  return scratch_.ptr;
}

void* CudaBackend::workspace(size_t bytes) {
  if (bytes == 0) return nullptr;
  ensure(cudnnWorkspace_, bytes);
  return cudnnWorkspace_.ptr;
}

void CudaBackend::noteWords(const char* op, std::initializer_list<uint64_t> words) {
  if (recording_) recording_->note(op, words);
}

uint64_t CudaBackend::word(const Tensor& t) {
  uint64_t h =
      t.defined()
          ? uint64_t(reinterpret_cast<uintptr_t>(static_cast<CudaBuffer*>(t.buffer())->data)) +
                uint64_t(t.offset()) * 4
          : 0;
  for (int64_t d : t.shape()) h = h * 0x100000001b3ULL ^ uint64_t(d);
  return h;
}

void CudaBackend::recordingDestroyed() {
  if (--liveRecordings_ > 0) return;
  for (Block& b : retired_) allocator_.release(b.ptr, b.classBytes);
  retired_.clear();
}

std::unique_ptr<StepRecording> CudaBackend::newRecording() {
  const char* env = std::getenv("GRADLAB_CUDA_GRAPHS");
  if (env && std::string(env) == "0") return nullptr;
  return std::make_unique<CudaRecording>(*this);
}

void CudaBackend::leaveRecording() {
  if (recording_) recording_->interrupt();
}

// --- storage and transfers -------------------------------------------------------------------

Tensor CudaBackend::empty(const Shape& shape, DType dtype) {
  if (dtype != DType::F32)
    throw Error(
        "the cuda backend stores float32 tensors only — use f32, or the cpu backend "
        "for " +
        std::string(toString(dtype)));
  for (int64_t d : shape)
    if (d < 0) throw Error("cannot allocate a tensor of shape " + toString(shape));
  // numel × 4 bytes must not wrap around (a wrapped size would hand out a tiny block).
  int64_t elements = 1;
  for (int64_t d : shape) {
    if (d > 0 && elements > int64_t(PTRDIFF_MAX / sizeof(float)) / d)
      throw DeviceError("out of GPU memory", "cannot allocate a tensor of shape " +
                                                 toString(shape) + ": larger than any GPU memory",
                        false);
    elements *= d;
  }
  use();
  auto buf = std::make_shared<CudaBuffer>();
  buf->backend = this;
  buf->bytes = size_t(numel(shape)) * sizeof(float);
  buf->data = allocator_.allocate(buf->bytes, &buf->classBytes, !recording_);
  buf->allocator = &allocator_;
  return Tensor(std::move(buf), shape, dtype);
}

void CudaBackend::waitStaging() {
  if (stagingPending_) {
    CUDA_CHECK(cudaEventSynchronize(stagingFree_));
    stagingPending_ = false;
  }
}

void CudaBackend::growStaging(size_t bytes) {
  if (staging_ && stagingBytes_ >= bytes) return;
  waitStaging();
  if (staging_) CUDA_CHECK(cudaFreeHost(staging_));
  staging_ = nullptr;
  const size_t size = std::min(kStagingMax, std::max(bytes, size_t(1) << 20));
  CUDA_CHECK(cudaHostAlloc(&staging_, size, cudaHostAllocDefault));
  stagingBytes_ = size;
}

void CudaBackend::upload(Tensor& dst, const void* src, DType srcType) {
  float* d = data(dst, "upload");
  const int64_t n = dst.numel();
  if (n == 0) return;
  use();
  leaveRecording();
  const int64_t chunk = int64_t(kStagingMax / sizeof(float));
  for (int64_t off = 0; off < n; off += chunk) {
    const int64_t m = std::min(chunk, n - off);
    waitStaging();
    growStaging(size_t(m) * sizeof(float));
    float* st = static_cast<float*>(staging_);
    if (srcType == DType::F32)
      std::memcpy(st, static_cast<const float*>(src) + off, size_t(m) * sizeof(float));
    else
      for (int64_t i = 0; i < m; ++i) st[i] = float(static_cast<const double*>(src)[off + i]);
    CUDA_CHECK(
        cudaMemcpyAsync(d + off, st, size_t(m) * sizeof(float), cudaMemcpyHostToDevice, stream_));
    CUDA_CHECK(cudaEventRecord(stagingFree_, stream_));
    stagingPending_ = true;
  }
}

void CudaBackend::download(const Tensor& src, void* dst, DType dstType) {
  const float* s = data(src, "download");
  const int64_t n = src.numel();
  use();
  leaveRecording();
  const int64_t chunk = int64_t(kStagingMax / sizeof(float));
  for (int64_t off = 0; off < n; off += chunk) {
    const int64_t m = std::min(chunk, n - off);
    waitStaging();
    growStaging(size_t(m) * sizeof(float));
    float* st = static_cast<float*>(staging_);
    CUDA_CHECK(
        cudaMemcpyAsync(st, s + off, size_t(m) * sizeof(float), cudaMemcpyDeviceToHost, stream_));
    CUDA_CHECK(cudaStreamSynchronize(stream_));
    if (dstType == DType::F32)
      std::memcpy(static_cast<float*>(dst) + off, st, size_t(m) * sizeof(float));
    else
      for (int64_t i = 0; i < m; ++i) static_cast<double*>(dst)[off + i] = double(st[i]);
  }
  if (n == 0) CUDA_CHECK(cudaStreamSynchronize(stream_));
  checkKernelReports();
}

void CudaBackend::synchronize() {
  use();
  leaveRecording();
  CUDA_CHECK(cudaStreamSynchronize(stream_));
  checkKernelReports();
}

void CudaBackend::checkKernelReports() {
  if (!reports_->flag) return;
  const ops::TargetError e = *reports_;
  std::memset(reports_, 0, sizeof(ops::TargetError));
  throw Error("cross_entropy: target " + std::to_string(e.value) + " in row " +
              std::to_string(e.row) + " is not a class index in [0, " + std::to_string(e.classes) +
              ")");
}

// --- element-wise ----------------------------------------------------------------------------

void CudaBackend::fillImpl(Tensor& t, double value) {
  float* p = data(t, "fill");
  use();
  note("fill", t, value);
  if (value == 0.0 && !std::signbit(value))
    CUDA_CHECK(cudaMemsetAsync(p, 0, size_t(t.numel()) * sizeof(float), stream_));
  else
    ops::fill(p, t.numel(), float(value), stream_);
}

void CudaBackend::copyImpl(const Tensor& src, Tensor& dst) {
  const float* s = data(src, "copy");
  float* d = data(dst, "copy");
  const int64_t n = src.numel();
  if (s == d || n == 0) return;
  use();
  note("copy", src, dst);
  const size_t bytes = size_t(n) * sizeof(float);
  const bool overlap = s < d + n && d < s + n;
  if (overlap) {  // memmove semantics, as the cpu: through scratch
    void* tmp = scratch(bytes);
    CUDA_CHECK(cudaMemcpyAsync(tmp, s, bytes, cudaMemcpyDeviceToDevice, stream_));
    CUDA_CHECK(cudaMemcpyAsync(d, tmp, bytes, cudaMemcpyDeviceToDevice, stream_));
  } else {
    CUDA_CHECK(cudaMemcpyAsync(d, s, bytes, cudaMemcpyDeviceToDevice, stream_));
  }
}

void CudaBackend::axpyImpl(double a, const Tensor& x, Tensor& y) {
  use();
  note("axpy", a, x, y);
  ops::axpy(float(a), data(x, "axpy"), data(y, "axpy"), x.numel(), stream_);
}

void CudaBackend::scaleImpl(Tensor& x, double a) {
  use();
  note("scale", x, a);
  ops::scale(data(x, "scale"), float(a), x.numel(), stream_);
}

void CudaBackend::addSignImpl(double a, const Tensor& x, Tensor& y) {
  use();
  note("addSign", a, x, y);
  ops::addSign(float(a), data(x, "addSign"), data(y, "addSign"), x.numel(), stream_);
}

double CudaBackend::reduceImpl(Reduce op, const Tensor& x) {
  const float* p = data(x, "reduce");
  if (x.numel() == 0) return 0.0;
  use();
  leaveRecording();
  ops::ReduceKind k = ops::ReduceKind::Sum;
  switch (op) {
    case Reduce::Sum: k = ops::ReduceKind::Sum; break;
    case Reduce::SumSquares: k = ops::ReduceKind::SumSquares; break;
    case Reduce::SumAbs: k = ops::ReduceKind::SumAbs; break;
    case Reduce::MaxAbs: k = ops::ReduceKind::MaxAbs; break;
  }
  double* partials = static_cast<double*>(partials_.ptr);
  double* result = partials + kMaxReduceBlocks;
  ops::reduce(k, p, x.numel(), partials, result, stream_);
  CUDA_CHECK(cudaMemcpyAsync(resultHost_, result, sizeof(double), cudaMemcpyDeviceToHost, stream_));
  CUDA_CHECK(cudaStreamSynchronize(stream_));
  checkKernelReports();
  return *resultHost_;
}

bool CudaBackend::allFiniteImpl(const Tensor& x) {
  const float* p = data(x, "allFinite");
  if (x.numel() == 0) return true;
  use();
  leaveRecording();
  double* partials = static_cast<double*>(partials_.ptr);
  double* result = partials + kMaxReduceBlocks;
  ops::reduce(ops::ReduceKind::NonFinite, p, x.numel(), partials, result, stream_);
  CUDA_CHECK(cudaMemcpyAsync(resultHost_, result, sizeof(double), cudaMemcpyDeviceToHost, stream_));
  CUDA_CHECK(cudaStreamSynchronize(stream_));
  checkKernelReports();
  return *resultHost_ == 0.0;
}

double CudaBackend::sumOfSquares(std::span<const Tensor> xs) {
  if (xs.empty()) return 0.0;
  if (int64_t(xs.size()) > kMaxSumSquaresTensors) return Backend::sumOfSquares(xs);
  use();
  leaveRecording();
  // The tables of pointers and sizes go to the device through the staging buffer.
  const size_t count = xs.size();
  std::vector<const float*> ptrs(count);
  std::vector<int64_t> sizes(count);
  int64_t maxSize = 0;
  for (size_t i = 0; i < count; ++i) {
    ptrs[i] = data(xs[i], "sumOfSquares");
    sizes[i] = xs[i].numel();
    maxSize = std::max(maxSize, sizes[i]);
  }
  const size_t tableBytes = count * (sizeof(float*) + sizeof(int64_t));
  waitStaging();
  growStaging(tableBytes);
  char* st = static_cast<char*>(staging_);
  std::memcpy(st, ptrs.data(), count * sizeof(float*));
  std::memcpy(st + count * sizeof(float*), sizes.data(), count * sizeof(int64_t));
  char* table = static_cast<char*>(scratch(tableBytes));
  CUDA_CHECK(cudaMemcpyAsync(table, st, tableBytes, cudaMemcpyHostToDevice, stream_));
  CUDA_CHECK(cudaEventRecord(stagingFree_, stream_));
  stagingPending_ = true;
  double* partials = static_cast<double*>(partials_.ptr);
  double* result = partials + kMaxReduceBlocks;
  ops::sumSquaresMany(reinterpret_cast<const float* const*>(table),
                      reinterpret_cast<const int64_t*>(table + count * sizeof(float*)), int(count),
                      maxSize, partials, kMaxReduceBlocks, result, stream_);
  CUDA_CHECK(cudaMemcpyAsync(resultHost_, result, sizeof(double), cudaMemcpyDeviceToHost, stream_));
  CUDA_CHECK(cudaStreamSynchronize(stream_));
  stagingPending_ = false;
  checkKernelReports();
  return *resultHost_;
}

// --- matrix ----------------------------------------------------------------------------------

// Row-major C = op(A)·op(B) is column-major Cᵀ = op(B)ᵀ·op(A)ᵀ: cuBLAS gets B first, each
// matrix with its row length as leading dimension.
void CudaBackend::gemmImpl(bool transA, bool transB, double alpha, const Tensor& A, const Tensor& B,
                           double beta, Tensor& C) {
  const int64_t m = transA ? A.cols() : A.rows(), k = transA ? A.rows() : A.cols();
  const int64_t n = transB ? B.rows() : B.cols();
  const float* a = data(A, "gemm");
  const float* b = data(B, "gemm");
  float* c = data(C, "gemm");
  if (m > INT_MAX || n > INT_MAX || k > INT_MAX || A.cols() > INT_MAX || B.cols() > INT_MAX)
    throw Error("cuda gemm: a matrix is too large for cuBLAS' 32-bit sizes");
  if (m == 0 || n == 0) return;
  use();
  note("gemm", transA, transB, alpha, A, B, beta, C);
  if (k == 0) {  // C = beta·C, as the cpu
    if (beta == 0.0)
      CUDA_CHECK(cudaMemsetAsync(c, 0, size_t(m * n) * sizeof(float), stream_));
    else
      ops::scale(c, float(beta), m * n, stream_);
    return;
  }
  const float al = float(alpha), be = float(beta);
  CUBLAS_CHECK(libs().cublasSgemm(cublas_, transB ? CUBLAS_OP_T : CUBLAS_OP_N,
                                  transA ? CUBLAS_OP_T : CUBLAS_OP_N, int(n), int(m), int(k), &al,
                                  b, int(B.cols()), a, int(A.cols()), &be, c, int(n)));
}

void CudaBackend::addRowVectorImpl(Tensor& y, const Tensor& b) {
  use();
  note("addRowVector", y, b);
  ops::addRowVector(data(y, "addRowVector"), data(b, "addRowVector"), y.rows(), y.cols(), stream_);
}

void CudaBackend::sumRowsImpl(const Tensor& dy, double beta, Tensor& db) {
  use();
  note("sumRows", dy, beta, db);
  ops::sumRows(data(dy, "sumRows"), dy.rows(), dy.cols(), float(beta), data(db, "sumRows"),
               stream_);
}

void CudaBackend::copyColumnsImpl(const Tensor& src, int64_t srcCols, int64_t srcCol, Tensor& dst,
                                  int64_t dstCols, int64_t dstCol, int64_t rows, int64_t width,
                                  bool accumulate) {
  if (width == 0) return;
  use();
  note("copyColumns", src, srcCols, srcCol, dst, dstCols, dstCol, rows, width, accumulate);
  ops::copyColumns(data(src, "copyColumns"), srcCols, srcCol, data(dst, "copyColumns"), dstCols,
                   dstCol, rows, width, accumulate, stream_);
}

// --- activations and losses ------------------------------------------------------------------

void CudaBackend::actForwardImpl(Act f, const Tensor& z, Tensor& y) {
  use();
  note("actForward", int(f), z, y);
  ops::actForward(f, data(z, "actForward"), data(y, "actForward"), z.rows(), z.cols(), stream_);
}

void CudaBackend::actBackwardImpl(Act f, const Tensor& z, const Tensor& y, const Tensor& dy,
                                  Tensor& dz, bool accumulate) {
  use();
  note("actBackward", int(f), z, y, dy, dz, accumulate);
  ops::actBackward(f, data(z, "actBackward"), data(y, "actBackward"), data(dy, "actBackward"),
                   data(dz, "actBackward"), dz.rows(), dz.cols(), accumulate, stream_);
}

void CudaBackend::lossImpl(LossKind kind, const Tensor& pred, const Tensor& target, Tensor& value,
                           Tensor* grad) {
  float* g = grad ? data(*grad, "loss") : nullptr;
  use();
  note("loss", int(kind), pred, target, value, g);
  double* rowTerms = nullptr;
  if (kind == LossKind::CrossEntropy)
    rowTerms =
        static_cast<double*>(scratch(size_t(std::max<int64_t>(1, pred.rows())) * sizeof(double)));
  note("loss scratch", rowTerms, partials_.ptr);
  ops::loss(kind, data(pred, "loss"), data(target, "loss"), pred.rows(), pred.cols(),
            data(value, "loss"), g, static_cast<double*>(partials_.ptr), rowTerms, reportsDev_,
            stream_);
}

// --- dropout -----------------------------------------------------------------------------------

void CudaBackend::dropoutMaskImpl(double rate, uint64_t seed, uint64_t step, Tensor& mask) {
  use();
  note("dropoutMask", rate, seed, step, mask);
  ops::dropoutMask(dropoutKey(seed, step), rate, data(mask, "dropoutMask"), mask.numel(), stream_);
}

void CudaBackend::dropoutForwardImpl(const Tensor& x, const Tensor& mask, double rate, Tensor& y) {
  use();
  note("dropoutForward", x, mask, rate, y);
  ops::dropoutApply(data(x, "dropoutForward"), data(mask, "dropoutForward"),
                    float(1.0 / (1.0 - rate)), data(y, "dropoutForward"), x.numel(), false,
                    stream_);
}

void CudaBackend::dropoutBackwardImpl(const Tensor& dy, const Tensor& mask, double rate, Tensor& dx,
                                      bool accumulate) {
  use();
  note("dropoutBackward", dy, mask, rate, dx, accumulate);
  ops::dropoutApply(data(dy, "dropoutBackward"), data(mask, "dropoutBackward"),
                    float(1.0 / (1.0 - rate)), data(dx, "dropoutBackward"), dy.numel(), accumulate,
                    stream_);
}

// --- optimizers --------------------------------------------------------------------------------

void CudaBackend::optimizerUpdateImpl(OptimKind kind, const OptimHyper& h, int64_t step, Tensor& w,
                                      const Tensor& g, Tensor& s1, Tensor& s2) {
  const bool needS1 = kind != OptimKind::Sgd;
  const bool needS2 = kind == OptimKind::Adadelta || kind == OptimKind::Adam;
  use();
  note("optimizerUpdate", int(kind), h.lr, h.momentum, h.beta1, h.beta2, h.rho, h.eps, step, w, g,
       needS1 ? word(s1) : 0, needS2 ? word(s2) : 0);
  ops::optimizerUpdate(kind, h, step, data(w, "optimizerUpdate"), data(g, "optimizerUpdate"),
                       needS1 ? data(s1, "optimizerUpdate") : nullptr,
                       needS2 ? data(s2, "optimizerUpdate") : nullptr, w.numel(), stream_);
}

// --- recurrent ---------------------------------------------------------------------------------

void CudaBackend::transpose01Impl(const Tensor& src, Tensor& dst, bool accumulate) {
  const int64_t a = src.dim(0), b = src.dim(1);
  const int64_t inner = a * b != 0 ? src.numel() / (a * b) : 0;
  use();
  note("transpose01", src, dst, accumulate);
  ops::transpose01(data(src, "transpose01"), data(dst, "transpose01"), a, b, inner, accumulate,
                   stream_);
}

void CudaBackend::lstmCellForwardImpl(Tensor& gates, const Tensor& cPrev, Tensor& c, Tensor& h) {
  const int64_t B = c.rows(), H = c.cols();
  use();
  note("lstmCellForward", gates, cPrev, c, h);
  ops::lstmCellForward(data(gates, "lstmCellForward"), data(cPrev, "lstmCellForward"),
                       data(c, "lstmCellForward"), data(h, "lstmCellForward"), B, H, stream_);
}

void CudaBackend::lstmCellBackwardImpl(const Tensor& gates, const Tensor& cPrev, const Tensor& c,
                                       const Tensor& dh, Tensor& dc, Tensor& dgates) {
  const int64_t B = c.rows(), H = c.cols();
  use();
  note("lstmCellBackward", gates, cPrev, c, dh, dc, dgates);
  ops::lstmCellBackward(data(gates, "lstmCellBackward"), data(cPrev, "lstmCellBackward"),
                        data(c, "lstmCellBackward"), data(dh, "lstmCellBackward"),
                        data(dc, "lstmCellBackward"), data(dgates, "lstmCellBackward"), B, H,
                        stream_);
}

void CudaBackend::gruGatesForwardImpl(const Tensor& xp, const Tensor& hh, const Tensor& hPrev,
                                      Tensor& rz, Tensor& rh) {
  const int64_t B = hPrev.rows(), H = hPrev.cols();
  use();
  note("gruGatesForward", xp, hh, hPrev, rz, rh);
  ops::gruGatesForward(data(xp, "gruGatesForward"), data(hh, "gruGatesForward"),
                       data(hPrev, "gruGatesForward"), data(rz, "gruGatesForward"),
                       data(rh, "gruGatesForward"), B, H, stream_);
}

void CudaBackend::gruCandidateForwardImpl(const Tensor& xp, const Tensor& hg, const Tensor& rz,
                                          const Tensor& hPrev, Tensor& g, Tensor& h) {
  const int64_t B = hPrev.rows(), H = hPrev.cols();
  use();
  note("gruCandidateForward", xp, hg, rz, hPrev, g, h);
  ops::gruCandidateForward(data(xp, "gruCandidateForward"), data(hg, "gruCandidateForward"),
                           data(rz, "gruCandidateForward"), data(hPrev, "gruCandidateForward"),
                           data(g, "gruCandidateForward"), data(h, "gruCandidateForward"), B, H,
                           stream_);
}

void CudaBackend::gruCandidateBackwardImpl(const Tensor& dh, const Tensor& rz, const Tensor& g,
                                           const Tensor& hPrev, Tensor& drz, Tensor& dg) {
  const int64_t B = hPrev.rows(), H = hPrev.cols();
  use();
  note("gruCandidateBackward", dh, rz, g, hPrev, drz, dg);
  ops::gruCandidateBackward(data(dh, "gruCandidateBackward"), data(rz, "gruCandidateBackward"),
                            data(g, "gruCandidateBackward"), data(hPrev, "gruCandidateBackward"),
                            data(drz, "gruCandidateBackward"), data(dg, "gruCandidateBackward"), B,
                            H, stream_);
}

void CudaBackend::gruResetBackwardImpl(const Tensor& dh, const Tensor& drh, const Tensor& rz,
                                       const Tensor& hPrev, Tensor& drz, Tensor& dhPrev,
                                       bool accumulate) {
  const int64_t B = hPrev.rows(), H = hPrev.cols();
  use();
  note("gruResetBackward", dh, drh, rz, hPrev, drz, dhPrev, accumulate);
  ops::gruResetBackward(data(dh, "gruResetBackward"), data(drh, "gruResetBackward"),
                        data(rz, "gruResetBackward"), data(hPrev, "gruResetBackward"),
                        data(drz, "gruResetBackward"), data(dhPrev, "gruResetBackward"), B, H,
                        accumulate, stream_);
}

}  // namespace gradlab::cuda
