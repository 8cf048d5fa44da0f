// 2-D pooling on the cpu, one (image, channel) plane at a time, planes spread over threads.
//   max      y[i,j] = max_{p,q} x[i·sH + p, j·sW + q]
//            backward: dy[i,j] goes to the window's first maximum (row-major), as PyTorch;
//            a NaN counts as the maximum, so it propagates as in PyTorch
//   average  y[i,j] = (1 / (kH·kW)) Σ_{p,q} x[i·sH + p, j·sW + q]
//            backward: dy[i,j] / (kH·kW) to every element of the window
// Overlapping windows (stride < window) add their contributions up.
#include <algorithm>
#include <cmath>

#include "backend/cpu/cpu_backend.h"

namespace gradlab::cpu {

namespace {

void checkPool(const char* op, const Tensor& x, const Tensor& y, const Pool2dGeometry& g) {
  const int64_t n = x.rank() ? x.dim(0) : 0;
  if (!g.valid() || x.shape() != Shape{n, g.channels, g.inH, g.inW} ||
      y.shape() != Shape{n, g.channels, g.outH, g.outW} || x.dtype() != y.dtype())
    throw Error(std::string("cpu ") + op + ": tensors do not fit the geometry (x " +
                toString(x.shape()) + ", y " + toString(y.shape()) + ")");
}

// Flat index (within the plane) of the window's first maximum.
template <class T>
int64_t argmaxOfWindow(const T* plane, const Pool2dGeometry& g, int64_t i, int64_t j) {
  const int64_t h0 = i * g.strideH, v0 = j * g.strideW;
  int64_t best = h0 * g.inW + v0;
  T bestValue = plane[best];
  for (int64_t p = 0; p < g.windowH; ++p) {
    const T* row = plane + (h0 + p) * g.inW + v0;
    for (int64_t q = 0; q < g.windowW; ++q)
      if (row[q] > bestValue || (std::isnan(row[q]) && !std::isnan(bestValue))) {
        bestValue = row[q];
        best = (h0 + p) * g.inW + v0 + q;
      }
  }
  return best;
}

template <class T>
void forwardPlane(PoolMode mode, const Pool2dGeometry& g, const T* x, T* y) {
  const T inv = T(1) / T(g.windowH * g.windowW);
  for (int64_t i = 0; i < g.outH; ++i)
    for (int64_t j = 0; j < g.outW; ++j) {
      const T* win = x + i * g.strideH * g.inW + j * g.strideW;
      if (mode == PoolMode::Max) {
        y[i * g.outW + j] = x[argmaxOfWindow(x, g, i, j)];
      } else {
        T sum(0);
        for (int64_t p = 0; p < g.windowH; ++p)
          for (int64_t q = 0; q < g.windowW; ++q) sum += win[p * g.inW + q];
        y[i * g.outW + j] = sum * inv;
      }
    }
}

// 2×2 windows, stride 2: the common case, without the general loops.
template <class T>
void forwardMax2x2(const Pool2dGeometry& g, const T* x, T* y) {
  for (int64_t i = 0; i < g.outH; ++i) {
    const T* r0 = x + 2 * i * g.inW;
    const T* r1 = r0 + g.inW;
    T* out = y + i * g.outW;
    for (int64_t j = 0; j < g.outW; ++j) {
      const T a = r0[2 * j], b = r0[2 * j + 1], c = r1[2 * j], d = r1[2 * j + 1];
      // First maximum in row-major order (a, b, c, d), NaN winning as in argmaxOfWindow.
      T m = a;
      if (b > m || (std::isnan(b) && !std::isnan(m))) m = b;
      if (c > m || (std::isnan(c) && !std::isnan(m))) m = c;
      if (d > m || (std::isnan(d) && !std::isnan(m))) m = d;
      out[j] = m;
    }
  }
}

template <class T>
void backwardPlane(PoolMode mode, const Pool2dGeometry& g, const T* x, const T* dy, T* dx) {
  const T inv = T(1) / T(g.windowH * g.windowW);
  for (int64_t i = 0; i < g.outH; ++i)
    for (int64_t j = 0; j < g.outW; ++j) {
      const T d = dy[i * g.outW + j];
      if (mode == PoolMode::Max) {
        dx[argmaxOfWindow(x, g, i, j)] += d;
      } else {
        T* win = dx + i * g.strideH * g.inW + j * g.strideW;
        for (int64_t p = 0; p < g.windowH; ++p)
          for (int64_t q = 0; q < g.windowW; ++q) win[p * g.inW + q] += d * inv;
      }
    }
}

int teamSize(int threads, int64_t items) {
  return int(std::max<int64_t>(1, std::min<int64_t>(threads, items)));
}

}  // namespace

void CpuBackend::pool2dForward(PoolMode mode, const Pool2dGeometry& g, const Tensor& x,
                               Tensor& y) {
  checkPool("pool2dForward", x, y, g);
  const int64_t planes = x.dim(0) * g.channels;
  const bool fast = mode == PoolMode::Max && g.windowH == 2 && g.windowW == 2 &&
                    g.strideH == 2 && g.strideW == 2;
  dispatch(x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* xp = ptr<T>(x);
    T* yp = ptr<T>(y);
#pragma omp parallel for num_threads(teamSize(threads_, planes / 8)) schedule(static)
    for (int64_t k = 0; k < planes; ++k) {
      if (fast)
        forwardMax2x2(g, xp + k * g.inPlane(), yp + k * g.outPlane());
      else
        forwardPlane(mode, g, xp + k * g.inPlane(), yp + k * g.outPlane());
    }
  });
}

void CpuBackend::pool2dBackward(PoolMode mode, const Pool2dGeometry& g, const Tensor& x,
                                const Tensor& y, const Tensor& dy, Tensor& dx, bool accumulate) {
  checkPool("pool2dBackward", x, y, g);
  checkSame("pool2dBackward", y, dy);
  checkSame("pool2dBackward", x, dx);
  const int64_t planes = x.dim(0) * g.channels;
  dispatch(x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* xp = ptr<T>(x);
    const T* dyp = ptr<T>(dy);
    T* dxp = ptr<T>(dx);
#pragma omp parallel for num_threads(teamSize(threads_, planes / 8)) schedule(static)
    for (int64_t k = 0; k < planes; ++k) {
      T* d = dxp + k * g.inPlane();
      if (!accumulate) std::fill(d, d + g.inPlane(), T(0));
      backwardPlane(mode, g, xp + k * g.inPlane(), dyp + k * g.outPlane(), d);
    }
  });
}

}  // namespace gradlab::cpu
