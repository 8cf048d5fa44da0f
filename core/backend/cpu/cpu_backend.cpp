#include "backend/cpu/cpu_backend.h"

#include <omp.h>

#include <cmath>
#include <cstdlib>
#include <cstring>

namespace gradlab {

Backend& cpuBackend() {
  static cpu::CpuBackend backend;
  return backend;
}

namespace cpu {

CpuBuffer::~CpuBuffer() { std::free(data); }

CpuBackend::CpuBackend() { setThreads(1); }

std::string CpuBackend::description() const {
  return "CPU (Eigen, " + std::to_string(threads_) + (threads_ == 1 ? " thread)" : " threads)");
}

void CpuBackend::setThreads(int threads) {
  threads_ = std::max(1, threads);
  Eigen::setNbThreads(threads_);
  omp_set_num_threads(threads_);
}

Tensor CpuBackend::empty(const Shape& shape, DType dtype) {
  for (int64_t d : shape)
    if (d < 0) throw Error("cannot allocate a tensor of shape " + toString(shape));
  auto buf = std::make_shared<CpuBuffer>();
  buf->backend = this;
  buf->bytes = size_t(numel(shape)) * sizeOf(dtype);
  // 64-byte alignment for AVX-512 loads; aligned_alloc needs a multiple of the alignment.
  const size_t bytes = std::max<size_t>(64, (buf->bytes + 63) / 64 * 64);
  buf->data = std::aligned_alloc(64, bytes);
  if (!buf->data) throw Error("out of memory allocating " + std::to_string(bytes) + " bytes");
  return Tensor(std::move(buf), shape, dtype);
}

void CpuBackend::upload(Tensor& dst, const void* src, DType srcType) {
  const int64_t n = dst.numel();
  dispatch(dst.dtype(), [&](auto t) {
    using T = decltype(t);
    T* out = ptr<T>(dst);
    if (srcType == DType::F32)
      for (int64_t i = 0; i < n; ++i) out[i] = T(static_cast<const float*>(src)[i]);
    else
      for (int64_t i = 0; i < n; ++i) out[i] = T(static_cast<const double*>(src)[i]);
  });
}

void CpuBackend::download(const Tensor& src, void* dst, DType dstType) {
  const int64_t n = src.numel();
  dispatch(src.dtype(), [&](auto t) {
    using T = decltype(t);
    const T* in = ptr<T>(src);
    if (dstType == DType::F32)
      for (int64_t i = 0; i < n; ++i) static_cast<float*>(dst)[i] = float(in[i]);
    else
      for (int64_t i = 0; i < n; ++i) static_cast<double*>(dst)[i] = double(in[i]);
  });
}

void CpuBackend::fillImpl(Tensor& x, double value) {
  dispatch(x.dtype(), [&](auto t) {
    using T = decltype(t);
    arr<T>(x).setConstant(T(value));
  });
}

void CpuBackend::copyImpl(const Tensor& src, Tensor& dst) {
  if (ptr<char>(src) != ptr<char>(dst) || src.offset() != dst.offset())
    std::memmove(static_cast<char*>(static_cast<CpuBuffer*>(dst.buffer())->data) +
                     dst.offset() * int64_t(sizeOf(dst.dtype())),
                 static_cast<char*>(static_cast<CpuBuffer*>(src.buffer())->data) +
                     src.offset() * int64_t(sizeOf(src.dtype())),
                 size_t(src.numel()) * sizeOf(src.dtype()));
}

void CpuBackend::axpyImpl(double a, const Tensor& x, Tensor& y) {
  dispatch(x.dtype(), [&](auto t) {
    using T = decltype(t);
    arr<T>(y) += T(a) * arr<T>(x);
  });
}

void CpuBackend::scaleImpl(Tensor& x, double a) {
  dispatch(x.dtype(), [&](auto t) {
    using T = decltype(t);
    arr<T>(x) *= T(a);
  });
}

void CpuBackend::addSignImpl(double a, const Tensor& x, Tensor& y) {
  dispatch(x.dtype(), [&](auto t) {
    using T = decltype(t);
    arr<T>(y) += T(a) * arr<T>(x).sign();
  });
}

double CpuBackend::reduceImpl(Reduce op, const Tensor& x) {
  if (x.numel() == 0) return 0.0;
  return dispatch(x.dtype(), [&](auto t) -> double {
    using T = decltype(t);
    auto a = arr<T>(x).template cast<double>();
    switch (op) {
      case Reduce::Sum: return a.sum();
      case Reduce::SumSquares: return a.square().sum();
      case Reduce::SumAbs: return a.abs().sum();
      case Reduce::MaxAbs: return a.abs().maxCoeff();
    }
    return 0.0;
  });
}

bool CpuBackend::allFiniteImpl(const Tensor& x) {
  return dispatch(x.dtype(), [&](auto t) -> bool {
    using T = decltype(t);
    return arr<T>(x).allFinite();
  });
}

void CpuBackend::gemmImpl(bool transA, bool transB, double alpha, const Tensor& A, const Tensor& B,
                          double beta, Tensor& C) {
  dispatch(C.dtype(), [&](auto t) {
    using T = decltype(t);
    auto a = mat<T>(A);
    auto b = mat<T>(B);
    auto c = mat<T>(C);
    if (beta == 0.0)
      c.setZero();
    else if (beta != 1.0)
      c *= T(beta);
    const T al = T(alpha);
    if (!transA && !transB) c.noalias() += al * (a * b);
    else if (!transA && transB) c.noalias() += al * (a * b.transpose());
    else if (transA && !transB) c.noalias() += al * (a.transpose() * b);
    else c.noalias() += al * (a.transpose() * b.transpose());
  });
}

void CpuBackend::addRowVectorImpl(Tensor& y, const Tensor& b) {
  dispatch(y.dtype(), [&](auto t) {
    using T = decltype(t);
    auto Y = mat<T>(y);
    Y.rowwise() += mat<T>(b, 1, b.numel()).row(0);
  });
}

void CpuBackend::sumRowsImpl(const Tensor& dy, double beta, Tensor& db) {
  dispatch(dy.dtype(), [&](auto t) {
    using T = decltype(t);
    auto out = mat<T>(db, 1, db.numel());
    if (beta == 0.0)
      out.noalias() = mat<T>(dy).colwise().sum();
    else
      out = T(beta) * out + mat<T>(dy).colwise().sum();
  });
}

void CpuBackend::copyColumnsImpl(const Tensor& src, int64_t srcCols, int64_t srcCol, Tensor& dst,
                                 int64_t dstCols, int64_t dstCol, int64_t rows, int64_t width,
                                 bool accumulate) {
  dispatch(src.dtype(), [&](auto t) {
    using T = decltype(t);
    auto s = mat<T>(src, rows, srcCols).middleCols(srcCol, width);
    auto d = mat<T>(dst, rows, dstCols).middleCols(dstCol, width);
    if (accumulate)
      d += s;
    else
      d = s;
  });
}

}  // namespace cpu
}  // namespace gradlab
