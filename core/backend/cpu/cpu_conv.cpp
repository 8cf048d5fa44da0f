// 2-D convolution on the cpu: im2col + GEMM (Eigen), one image at a time, the batch's images
// spread over the backend's threads.
//
// For image n, unfold its input into the patch matrix (im2col), K = C·kH·kW rows, P = outH·outW
// columns:
//   col[(c·kH + p)·kW + q, i·outW + j] = x[n, c, i·sH − pH + p, j·sW − pW + q]   (0 outside)
// With w as the O × K matrix W (PyTorch's [O, C, kH, kW] layout read row by row):
//   forward          Y_n  = W · col                                   (O × P)
//   backward filter  dW  += dY_n · colᵀ                                (O × K)
//   backward data    dcol = Wᵀ · dY_n, then folded back into dx_n, overlapping patches adding
//                    up (col2im)
// Each thread keeps its own patch buffer (and, for the filter gradient, its own partial dW,
// summed in thread order at the end, so a run is reproducible for a given thread count).
#include <omp.h>

#include <algorithm>
#include <vector>

#include "backend/cpu/cpu_backend.h"

namespace gradlab::cpu {

namespace {

template <class T>
using RowMat = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// ⌈a / b⌉ for b > 0, a ≥ 0 (a < 0 gives 0).
inline int64_t ceilDivPos(int64_t a, int64_t b) { return a <= 0 ? 0 : (a + b - 1) / b; }

// Output columns j whose input column j·s − pad + q lies inside [0, in): [lo, hi).
struct Span {
  int64_t lo, hi;
};
inline Span validOutputs(int64_t q, int64_t stride, int64_t pad, int64_t in, int64_t out) {
  const int64_t lo = std::min(out, ceilDivPos(pad - q, stride));
  const int64_t hi = std::min(out, ceilDivPos(in + pad - q, stride));
  return {lo, std::max(lo, hi)};
}

// col (K × P) from one image x [C, H, W].
template <class T>
void im2col(const T* x, const Conv2dGeometry& g, T* col) {
  const int64_t P = g.outPlane();
  for (int64_t c = 0; c < g.inChannels; ++c) {
    const T* plane = x + c * g.inPlane();
    for (int64_t p = 0; p < g.kernelH; ++p)
      for (int64_t q = 0; q < g.kernelW; ++q) {
        T* row = col + ((c * g.kernelH + p) * g.kernelW + q) * P;
        const Span js = validOutputs(q, g.strideW, g.padW, g.inW, g.outW);
        for (int64_t i = 0; i < g.outH; ++i) {
          T* r = row + i * g.outW;
          const int64_t h = i * g.strideH - g.padH + p;
          if (h < 0 || h >= g.inH) {
            std::fill(r, r + g.outW, T(0));
            continue;
          }
          const T* src = plane + h * g.inW;
          const int64_t off = q - g.padW;  // r[j] = src[j·sW + off] for j in [lo, hi)
          std::fill(r, r + js.lo, T(0));
          if (g.strideW == 1)
            std::copy(src + js.lo + off, src + js.hi + off, r + js.lo);
          else
            for (int64_t j = js.lo; j < js.hi; ++j) r[j] = src[j * g.strideW + off];
          std::fill(r + js.hi, r + g.outW, T(0));
        }
      }
  }
}

// dx [C, H, W] += the patches of dcol (K × P) put back where im2col took them from.
template <class T>
void col2imAdd(const T* dcol, const Conv2dGeometry& g, T* dx) {
  const int64_t P = g.outPlane();
  for (int64_t c = 0; c < g.inChannels; ++c) {
    T* plane = dx + c * g.inPlane();
    for (int64_t p = 0; p < g.kernelH; ++p)
      for (int64_t q = 0; q < g.kernelW; ++q) {
        const T* row = dcol + ((c * g.kernelH + p) * g.kernelW + q) * P;
        const Span js = validOutputs(q, g.strideW, g.padW, g.inW, g.outW);
        for (int64_t i = 0; i < g.outH; ++i) {
          const int64_t h = i * g.strideH - g.padH + p;
          if (h < 0 || h >= g.inH) continue;
          const T* r = row + i * g.outW;
          T* dst = plane + h * g.inW;
          const int64_t off = q - g.padW;
          if (g.strideW == 1)
            for (int64_t j = js.lo; j < js.hi; ++j) dst[j + off] += r[j];
          else
            for (int64_t j = js.lo; j < js.hi; ++j) dst[j * g.strideW + off] += r[j];
        }
      }
  }
}

// The patch buffer of the calling thread, grown as needed and kept between calls.
template <class T>
T* scratch(int64_t n) {
  thread_local std::vector<T> buf;
  if (int64_t(buf.size()) < n) buf.resize(size_t(n));
  return buf.data();
}

void checkConv(const char* op, const Tensor& x, const Tensor& w, const Tensor& y,
               const Conv2dGeometry& g) {
  const int64_t n = x.rank() ? x.dim(0) : 0;
  const bool ok = g.valid() && x.rank() == 4 && y.rank() == 4 && w.rank() == 4 &&
                  x.shape() == Shape{n, g.inChannels, g.inH, g.inW} &&
                  w.shape() == Shape{g.outChannels, g.inChannels, g.kernelH, g.kernelW} &&
                  y.shape() == Shape{n, g.outChannels, g.outH, g.outW} &&
                  x.dtype() == w.dtype() && y.dtype() == w.dtype();
  if (!ok)
    throw Error(std::string("cpu ") + op + ": tensors do not fit the geometry (x " +
                toString(x.shape()) + ", w " + toString(w.shape()) + ", y " +
                toString(y.shape()) + ")");
}

int teamSize(int threads, int64_t items) {
  return int(std::max<int64_t>(1, std::min<int64_t>(threads, items)));
}

}  // namespace

void CpuBackend::conv2dForward(const Tensor& x, const Tensor& w, const Conv2dGeometry& g,
                               Tensor& y) {
  checkConv("conv2dForward", x, w, y, g);
  const int64_t N = x.dim(0), K = g.patchSize(), P = g.outPlane(), O = g.outChannels;
  dispatch(x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* xp = ptr<T>(x);
    T* yp = ptr<T>(y);
    Eigen::Map<const RowMat<T>> W(ptr<T>(w), O, K);
#pragma omp parallel for num_threads(teamSize(threads_, N)) schedule(static)
    for (int64_t n = 0; n < N; ++n) {
      T* col = scratch<T>(K * P);
      im2col(xp + n * g.inChannels * g.inPlane(), g, col);
      Eigen::Map<RowMat<T>> Y(yp + n * O * P, O, P);
      Y.noalias() = W * Eigen::Map<const RowMat<T>>(col, K, P);
    }
  });
}

void CpuBackend::conv2dBackwardData(const Tensor& w, const Tensor& dy, const Conv2dGeometry& g,
                                    Tensor& dx, bool accumulate) {
  checkConv("conv2dBackwardData", dx, w, dy, g);
  const int64_t N = dx.dim(0), K = g.patchSize(), P = g.outPlane(), O = g.outChannels;
  const int64_t inSize = g.inChannels * g.inPlane();
  dispatch(dx.dtype(), [&](auto tag) {
    using T = decltype(tag);
    T* dxp = ptr<T>(dx);
    const T* dyp = ptr<T>(dy);
    Eigen::Map<const RowMat<T>> W(ptr<T>(w), O, K);
#pragma omp parallel for num_threads(teamSize(threads_, N)) schedule(static)
    for (int64_t n = 0; n < N; ++n) {
      T* dcol = scratch<T>(K * P);
      Eigen::Map<RowMat<T>> D(dcol, K, P);
      D.noalias() = W.transpose() * Eigen::Map<const RowMat<T>>(dyp + n * O * P, O, P);
      T* dxn = dxp + n * inSize;
      if (!accumulate) std::fill(dxn, dxn + inSize, T(0));
      col2imAdd(dcol, g, dxn);
    }
  });
}

void CpuBackend::conv2dBackwardFilter(const Tensor& x, const Tensor& dy, const Conv2dGeometry& g,
                                      Tensor& dw) {
  checkConv("conv2dBackwardFilter", x, dw, dy, g);
  const int64_t N = x.dim(0), K = g.patchSize(), P = g.outPlane(), O = g.outChannels;
  const int team = teamSize(threads_, N);
  dispatch(x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* xp = ptr<T>(x);
    const T* dyp = ptr<T>(dy);
    // One partial dW per thread; thread t takes a contiguous run of images (static schedule).
    std::vector<T> partial(size_t(team * O * K), T(0));
#pragma omp parallel num_threads(team)
    {
      const int t = omp_get_thread_num();
      Eigen::Map<RowMat<T>> dW(partial.data() + t * O * K, O, K);
#pragma omp for schedule(static)
      for (int64_t n = 0; n < N; ++n) {
        T* col = scratch<T>(K * P);
        im2col(xp + n * g.inChannels * g.inPlane(), g, col);
        dW.noalias() += Eigen::Map<const RowMat<T>>(dyp + n * O * P, O, P) *
                        Eigen::Map<const RowMat<T>>(col, K, P).transpose();
      }
    }
    Eigen::Map<RowMat<T>> out(ptr<T>(dw), O, K);
    out = Eigen::Map<RowMat<T>>(partial.data(), O, K);
    for (int t = 1; t < team; ++t) out += Eigen::Map<RowMat<T>>(partial.data() + t * O * K, O, K);
  });
}

void CpuBackend::addChannelBias(Tensor& y, const Tensor& b) {
  if (y.rank() < 2 || b.numel() != y.dim(1) || b.dtype() != y.dtype())
    throw Error("cpu addChannelBias: bias " + toString(b.shape()) + " does not fit " +
                toString(y.shape()));
  const int64_t N = y.dim(0), C = y.dim(1), S = y.numel() / std::max<int64_t>(1, N * C);
  dispatch(y.dtype(), [&](auto tag) {
    using T = decltype(tag);
    T* yp = ptr<T>(y);
    const T* bp = ptr<T>(b);
    for (int64_t n = 0; n < N; ++n)
      for (int64_t c = 0; c < C; ++c) {
        T* plane = yp + (n * C + c) * S;
        const T v = bp[c];
        for (int64_t s = 0; s < S; ++s) plane[s] += v;
      }
  });
}

void CpuBackend::conv2dBackwardBias(const Tensor& dy, Tensor& db) {
  if (dy.rank() < 2 || db.numel() != dy.dim(1) || db.dtype() != dy.dtype())
    throw Error("cpu conv2dBackwardBias: bias " + toString(db.shape()) + " does not fit " +
                toString(dy.shape()));
  const int64_t N = dy.dim(0), C = dy.dim(1), S = dy.numel() / std::max<int64_t>(1, N * C);
  dispatch(dy.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* gp = ptr<T>(dy);
    T* out = ptr<T>(db);
    for (int64_t c = 0; c < C; ++c) {
      T sum(0);
      for (int64_t n = 0; n < N; ++n)
        sum += Eigen::Map<const Eigen::Array<T, Eigen::Dynamic, 1>>(gp + (n * C + c) * S, S).sum();
      out[c] = sum;
    }
  });
}

}  // namespace gradlab::cpu
