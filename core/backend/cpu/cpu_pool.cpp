// 2-D pooling on the cpu, one (image, channel) plane at a time, planes spread over threads.
//   max      y[i,j] = max_{p,q} x[i·sH + p, j·sW + q]
//            backward: dy[i,j] goes to the window's first maximum (row-major), as PyTorch;
//            a NaN counts as the maximum, so it propagates as in PyTorch
//   average  y[i,j] = (1 / (kH·kW)) Σ_{p,q} x[i·sH + p, j·sW + q]
//            backward: dy[i,j] / (kH·kW) to every element of the window
// Overlapping windows (stride < window) add their contributions up.
#include <algorithm>
#include <cmath>
#include <vector>

#include "backend/cpu/cpu_backend.h"

namespace gradlab::cpu {

namespace {

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

// 2×2 windows, stride 2: the common case, in loops the compiler turns into vector code.
// Windows holding a NaN (rare: training has diverged) take the general path, which implements
// the NaN rule; without NaN, "first maximum" only matters for ties.

// Whether v[0..n) holds a NaN.
template <class T>
bool hasNaN(const T* v, int64_t n) {
  int nan = 0;  // an OR-reduction, which vectorises
  for (int64_t j = 0; j < n; ++j) nan |= v[j] != v[j];
  return nan != 0;
}

template <class T>
inline T max4(T a, T b, T c, T d) {
  const T ab = a < b ? b : a, cd = c < d ? d : c;
  return ab < cd ? cd : ab;
}

template <class T>
void forwardMax2x2(const Pool2dGeometry& g, const T* x, T* y) {
  for (int64_t i = 0; i < g.outH; ++i) {
    const T* r0 = x + 2 * i * g.inW;
    const T* r1 = r0 + g.inW;
    T* out = y + i * g.outW;
    if (hasNaN(r0, 2 * g.inW)) {
      for (int64_t j = 0; j < g.outW; ++j) out[j] = x[argmaxOfWindow(x, g, i, j)];
      continue;
    }
    for (int64_t j = 0; j < g.outW; ++j)
      out[j] = max4(r0[2 * j], r0[2 * j + 1], r1[2 * j], r1[2 * j + 1]);
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

// The gradient of each window goes to the first of its corners a, b, c, d that equals the
// maximum. In three simple loops over the whole plane (gather the corners, choose, scatter)
// that the compiler vectorises, selecting rather than branching (the winner is unpredictable).
// corners is scratch of 4·outH·outW.
template <class T>
void backwardMax2x2(const Pool2dGeometry& g, const T* x, const T* dy, T* dx, T* corners) {
  if (hasNaN(x, 2 * g.outH * g.inW)) {  // rare: the general path has the NaN rule
    backwardPlane(PoolMode::Max, g, x, dy, dx);
    return;
  }
  const int64_t n = g.outPlane();
  T *a = corners, *b = a + n, *c = b + n, *d = c + n;
  for (int64_t i = 0; i < g.outH; ++i) {
    const T* r0 = x + 2 * i * g.inW;
    const T* r1 = r0 + g.inW;
    const int64_t at = i * g.outW;
    for (int64_t j = 0; j < g.outW; ++j) {
      a[at + j] = r0[2 * j];
      b[at + j] = r0[2 * j + 1];
      c[at + j] = r1[2 * j];
      d[at + j] = r1[2 * j + 1];
    }
  }
  for (int64_t k = 0; k < n; ++k) {
    const T m = max4(a[k], b[k], c[k], d[k]), v = dy[k];
    const bool ta = a[k] == m, tb = !ta & (b[k] == m), tc = !ta & !tb & (c[k] == m);
    const bool td = !ta & !tb & !tc;
    a[k] = ta ? v : T(0);
    b[k] = tb ? v : T(0);
    c[k] = tc ? v : T(0);
    d[k] = td ? v : T(0);
  }
  for (int64_t i = 0; i < g.outH; ++i) {
    T* d0 = dx + 2 * i * g.inW;
    T* d1 = d0 + g.inW;
    const int64_t at = i * g.outW;
    for (int64_t j = 0; j < g.outW; ++j) {
      d0[2 * j] += a[at + j];
      d0[2 * j + 1] += b[at + j];
      d1[2 * j] += c[at + j];
      d1[2 * j + 1] += d[at + j];
    }
  }
}

// Scratch for backwardMax2x2: the four corners of every window of a plane, per thread.
template <class T>
T* cornersOf(int64_t outPlane) {
  thread_local std::vector<T> buf;
  if (int64_t(buf.size()) < 4 * outPlane) buf.resize(size_t(4 * outPlane));
  return buf.data();
}

// Threads for a pass over `values` input values: pooling is a light pass over memory, so a
// second thread only pays for its start and its wait at the end above about a million values.
int teamSize(int threads, int64_t values) {
  return int(std::max<int64_t>(1, std::min<int64_t>(threads, values >> 20)));
}

}  // namespace

void CpuBackend::pool2dForwardImpl(PoolMode mode, const Pool2dGeometry& g, const Tensor& x,
                                   Tensor& y) {
  const int64_t planes = x.dim(0) * g.channels;
  const bool fast = mode == PoolMode::Max && g.windowH == 2 && g.windowW == 2 &&
                    g.strideH == 2 && g.strideW == 2;
  dispatch(x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* xp = ptr<T>(x);
    T* yp = ptr<T>(y);
#pragma omp parallel for num_threads(teamSize(threads_, planes * g.inPlane())) schedule(static)
    for (int64_t k = 0; k < planes; ++k) {
      if (fast)
        forwardMax2x2(g, xp + k * g.inPlane(), yp + k * g.outPlane());
      else
        forwardPlane(mode, g, xp + k * g.inPlane(), yp + k * g.outPlane());
    }
  });
}

// y is not needed: the maximum's position is found again in x.
void CpuBackend::pool2dBackwardImpl(PoolMode mode, const Pool2dGeometry& g, const Tensor& x,
                                    const Tensor& /*y*/, const Tensor& dy, Tensor& dx,
                                    bool accumulate) {
  const int64_t planes = x.dim(0) * g.channels;
  const bool fast = mode == PoolMode::Max && g.windowH == 2 && g.windowW == 2 &&
                    g.strideH == 2 && g.strideW == 2;
  dispatch(x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* xp = ptr<T>(x);
    const T* dyp = ptr<T>(dy);
    T* dxp = ptr<T>(dx);
#pragma omp parallel for num_threads(teamSize(threads_, planes * g.inPlane())) schedule(static)
    for (int64_t k = 0; k < planes; ++k) {
      T* d = dxp + k * g.inPlane();
      if (!accumulate) std::fill(d, d + g.inPlane(), T(0));
      if (fast)
        backwardMax2x2(g, xp + k * g.inPlane(), dyp + k * g.outPlane(), d,
                       cornersOf<T>(g.outPlane()));
      else
        backwardPlane(mode, g, xp + k * g.inPlane(), dyp + k * g.outPlane(), d);
    }
  });
}

}  // namespace gradlab::cpu
