// 2-D convolution on the cpu, one image at a time, the batch's images spread over the backend's
// threads. Two methods:
//
// Direct (stride 1, the common case). The image is zero-padded to Hp × Wp and each channel
// flattened, so that filter tap k = (c, p, q) reads the input shifted by s_k = p·Wp + q:
//   y[o, t] = Σ_k W[o, k] · xpad[c, t + s_k]          t = i·Wp + j  (the padded grid)
// Computed on the whole padded grid t < outH·Wp, of which the columns j < outW are outputs and
// the rest is dropped (it costs Wp/outW more arithmetic but needs no index work per pixel).
// The backward passes are the same kind of sum:
//   dW[o, k]  = Σ_t dy[o, t] · xpad[c, t + s_k]                 (dy zero on dropped columns)
//   dxpad[c, u] = Σ_{o,p,q} W[o, c, p, q] · dy[o, u − s_k]      (a "full" correlation)
// Each is a small matrix product whose right factor's rows are shifted views of one buffer,
// so nothing is copied into patch matrices: a block of kNR consecutive t (one SIMD vector) ×
// R output rows stays in registers over the whole sum (directBlock, filterBlock).
//
// im2col (any stride). The image is unfolded into the patch matrix (K = C·kH·kW rows, P =
// outH·outW columns)
//   col[(c·kH + p)·kW + q, i·outW + j] = x[n, c, i·sH − pH + p, j·sW − pW + q]   (0 outside)
// and forward Y = W·col, dW += dY·colᵀ, dcol = Wᵀ·dY folded back (col2im) are Eigen GEMMs.
//
// The filter gradient is summed per fixed chunk of images and the chunks added in order, so the
// result does not depend on the number of threads.
#include <omp.h>

#include <algorithm>
#include <vector>

#include "backend/cpu/cpu_backend.h"

namespace gradlab::cpu {

namespace {

template <class T>
using RowMat = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

inline int64_t roundUp(int64_t n, int64_t m) { return (n + m - 1) / m * m; }

int teamSize(int threads, int64_t items) {
  return int(std::max<int64_t>(1, std::min<int64_t>(threads, items)));
}

// Images per chunk of the filter gradient (fixed, so the order of the sum is too).
constexpr int64_t kFilterChunk = 4;

// Per-thread buffers, grown as needed and kept between calls.
template <class T>
struct Scratch {
  std::vector<T> a, b, c;
};
template <class T>
Scratch<T>& scratch() {
  thread_local Scratch<T> s;
  return s;
}
template <class T>
T* sized(std::vector<T>& v, int64_t n) {
  if (int64_t(v.size()) < n) v.resize(size_t(n));
  return v.data();
}

// ---- direct method: register-blocked sums ----------------------------------------------------

constexpr int64_t kNR = 16;  // grid positions per block: one AVX-512 float vector

// Rows per block that keep the accumulators within 16 vector registers.
template <class T>
constexpr int kMR = std::max<int>(
    1, 16 / std::max<int>(1, int(kNR) / int(Eigen::internal::packet_traits<T>::size)));

// C[r, 0:kNR] = Σ_k A[k·R + r] · B[off[k] + 0:kNR]   for r < R   (A packed k-major)
template <class T, int R>
void directBlock(const T* A, const T* B, const int64_t* off, int64_t K, T* C, int64_t ldc) {
  using V = Eigen::Array<T, kNR, 1>;
  V acc[R];
  for (int r = 0; r < R; ++r) acc[r].setZero();
  for (int64_t k = 0; k < K; ++k) {
    const V b = Eigen::Map<const V>(B + off[k]);
    const T* a = A + k * R;
    for (int r = 0; r < R; ++r) acc[r] += a[r] * b;
  }
  for (int r = 0; r < R; ++r) Eigen::Map<V>(C + r * ldc) = acc[r];
}

// C[r, 0:NR] += Σ_{t<L} X[off[r] + t] · D[t·NR + 0:NR]   for r < R
template <class T, int R, int NR>
void filterBlock(const T* X, const int64_t* off, const T* D, int64_t L, T* C) {
  using V = Eigen::Array<T, NR, 1>;
  V acc[R];
  const T* x[R];
  for (int r = 0; r < R; ++r) {
    acc[r] = Eigen::Map<const V>(C + r * NR);
    x[r] = X + off[r];
  }
  for (int64_t t = 0; t < L; ++t) {
    const V d = Eigen::Map<const V>(D + t * NR);
    for (int r = 0; r < R; ++r) acc[r] += x[r][t] * d;
  }
  for (int r = 0; r < R; ++r) Eigen::Map<V>(C + r * NR) = acc[r];
}

// Splits M rows into blocks of 16, 8, 4 and 1 rows (no more than kMR) and calls
// fn(first row, rows).
template <class T, class Fn>
void rowBlocks(int64_t M, Fn&& fn) {
  int64_t m = 0;
  for (int R : {16, 8, 4, 1})
    if (R <= kMR<T>)
      for (; m + R <= M; m += R) fn(m, R);
}

template <class T>
void directRows(int R, const T* A, const T* B, const int64_t* off, int64_t K, T* C,
                int64_t ldc) {
  switch (R) {
    case 16:
      if constexpr (kMR<T> >= 16) directBlock<T, 16>(A, B, off, K, C, ldc);
      break;
    case 8: directBlock<T, 8>(A, B, off, K, C, ldc); break;
    case 4: directBlock<T, 4>(A, B, off, K, C, ldc); break;
    default: directBlock<T, 1>(A, B, off, K, C, ldc); break;
  }
}

// Packs A (M × K, element (m, k) = at(m, k)) for directBlock: the rows of each block of
// rowBlocks, k-major (block starting at row m occupies [m·K, (m + R)·K)).
template <class T, class At>
void packRows(int64_t M, int64_t K, At&& at, T* out) {
  rowBlocks<T>(M, [&](int64_t m, int R) {
    for (int64_t k = 0; k < K; ++k)
      for (int r = 0; r < R; ++r) out[m * K + k * R + r] = at(m + r, k);
  });
}

// The direct method's layout for one geometry (stride 1).
template <class T>
struct Direct {
  const Conv2dGeometry& g;
  int64_t Hp, Wp;   // padded input
  int64_t plane;    // distance between channels in xpad (Hp·Wp plus slack for reads past it)
  int64_t L, ld;    // grid positions computed (outH·Wp), rounded up to kNR
  int64_t K;        // taps C·kH·kW
  int64_t F, Ux, E; // backward data: the largest shift, dxpad's row length, dy's row stride
  std::vector<int64_t> offX, offD;  // per tap: where its shifted view of xpad / dy starts

  static bool suits(const Conv2dGeometry& g) {
    return g.strideH == 1 && g.strideW == 1 && g.inW + 2 * g.padW <= 2 * g.outW;
  }

  explicit Direct(const Conv2dGeometry& geom) : g(geom) {
    Hp = g.inH + 2 * g.padH;
    Wp = g.inW + 2 * g.padW;
    L = g.outH * Wp;
    ld = roundUp(L, kNR);
    // Blocks read up to ld + (kH − 1)·Wp + kW − 1 ≤ Hp·Wp + kW + kNR past a channel's start.
    plane = Hp * Wp + g.kernelW + kNR;
    K = g.patchSize();
    F = (g.kernelH - 1) * Wp + g.kernelW - 1;
    Ux = roundUp(Hp * Wp, kNR);
    E = F + Ux + kNR;
    for (int64_t c = 0; c < g.inChannels; ++c)
      for (int64_t p = 0; p < g.kernelH; ++p)
        for (int64_t q = 0; q < g.kernelW; ++q) offX.push_back(c * plane + p * Wp + q);
    for (int64_t o = 0; o < g.outChannels; ++o)
      for (int64_t p = 0; p < g.kernelH; ++p)
        for (int64_t q = 0; q < g.kernelW; ++q) offD.push_back(o * E + F - (p * Wp + q));
  }

  // xpad (C·plane) from one image x [C, H, W].
  void pad(const T* x, T* xpad) const {
    std::fill(xpad, xpad + g.inChannels * plane, T(0));
    for (int64_t c = 0; c < g.inChannels; ++c)
      for (int64_t h = 0; h < g.inH; ++h)
        std::copy(x + (c * g.inH + h) * g.inW, x + (c * g.inH + h + 1) * g.inW,
                  xpad + c * plane + (h + g.padH) * Wp + g.padW);
  }

  // y_n [O, outH, outW]; wpack = W packed by packRows; full is scratch O × ld.
  void forward(const T* xpad, const T* wpack, T* full, T* y) const {
    rowBlocks<T>(g.outChannels, [&](int64_t m, int R) {
      for (int64_t j = 0; j < ld; j += kNR)
        directRows(R, wpack + m * K, xpad + j, offX.data(), K, full + m * ld + j, ld);
    });
    for (int64_t o = 0; o < g.outChannels; ++o)
      for (int64_t i = 0; i < g.outH; ++i)
        std::copy(full + o * ld + i * Wp, full + o * ld + i * Wp + g.outW,
                  y + (o * g.outH + i) * g.outW);
  }

  // dx_n (+)= the gradient for dy_n; wpackT = Wᵀ arranged per input channel by packRows
  // (element (c, (o, p, q))); dyExt is scratch O × E, dxpad scratch C × Ux.
  void backwardData(const T* dy, const T* wpackT, T* dyExt, T* dxpad, T* dx) const {
    std::fill(dyExt, dyExt + g.outChannels * E, T(0));
    for (int64_t o = 0; o < g.outChannels; ++o)
      for (int64_t i = 0; i < g.outH; ++i)
        std::copy(dy + (o * g.outH + i) * g.outW, dy + (o * g.outH + i + 1) * g.outW,
                  dyExt + o * E + F + i * Wp);
    const int64_t taps = g.outChannels * g.kernelH * g.kernelW;
    rowBlocks<T>(g.inChannels, [&](int64_t m, int R) {
      for (int64_t u = 0; u < Ux; u += kNR)
        directRows(R, wpackT + m * taps, dyExt + u, offD.data(), taps, dxpad + m * Ux + u, Ux);
    });
    for (int64_t c = 0; c < g.inChannels; ++c)
      for (int64_t h = 0; h < g.inH; ++h) {
        const T* src = dxpad + c * Ux + (h + g.padH) * Wp + g.padW;
        T* dst = dx + (c * g.inH + h) * g.inW;
        for (int64_t v = 0; v < g.inW; ++v) dst[v] += src[v];
      }
  }

  // dWᵀ (groups of NR output channels: [group][K][NR]) += the gradient of image n; dyT is
  // scratch (groups × L × NR).
  template <int NR>
  void backwardFilter(const T* xpad, const T* dy, T* dyT, T* dWt) const {
    const int64_t groups = (g.outChannels + NR - 1) / NR;
    std::fill(dyT, dyT + groups * L * NR, T(0));
    for (int64_t o = 0; o < g.outChannels; ++o)
      for (int64_t i = 0; i < g.outH; ++i)
        for (int64_t j = 0; j < g.outW; ++j)
          dyT[((o / NR) * L + i * Wp + j) * NR + o % NR] = dy[(o * g.outH + i) * g.outW + j];
    for (int64_t gi = 0; gi < groups; ++gi) {
      const T* D = dyT + gi * L * NR;
      T* C = dWt + gi * K * NR;
      int64_t k = 0;
      for (; k + 8 <= K; k += 8) filterBlock<T, 8, NR>(xpad, offX.data() + k, D, L, C + k * NR);
      for (; k + 4 <= K; k += 4) filterBlock<T, 4, NR>(xpad, offX.data() + k, D, L, C + k * NR);
      for (; k < K; ++k) filterBlock<T, 1, NR>(xpad, offX.data() + k, D, L, C + k * NR);
    }
  }
};

// ---- im2col method -----------------------------------------------------------------------------

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
            for (int64_t j = 0; j < g.outW; ++j) r[j] = T(0);
            continue;
          }
          const T* src = plane + h * g.inW;
          const int64_t off = q - g.padW;  // r[j] = src[j·sW + off] for j in [lo, hi)
          for (int64_t j = 0; j < js.lo; ++j) r[j] = T(0);
          for (int64_t j = js.lo; j < js.hi; ++j) r[j] = src[j * g.strideW + off];
          for (int64_t j = js.hi; j < g.outW; ++j) r[j] = T(0);
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
          for (int64_t j = js.lo; j < js.hi; ++j) dst[j * g.strideW + off] += r[j];
        }
      }
  }
}

}  // namespace

// Images are handed out one by one (dynamic schedule): on a busy machine a thread that gets
// less cpu time takes fewer images instead of holding the others up at the end.
void CpuBackend::conv2dForwardImpl(const Tensor& x, const Tensor& w, const Conv2dGeometry& g,
                                   Tensor& y) {
  const int64_t N = x.dim(0), K = g.patchSize(), O = g.outChannels, P = g.outPlane();
  const int64_t inSize = g.inChannels * g.inPlane();
  dispatch(x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* xp = ptr<T>(x);
    const T* W = ptr<T>(w);
    T* yp = ptr<T>(y);
    if (Direct<T>::suits(g)) {
      const Direct<T> d(g);
      std::vector<T> wpack(static_cast<size_t>(O * K));
      packRows<T>(O, K, [&](int64_t o, int64_t k) { return W[o * K + k]; }, wpack.data());
#pragma omp parallel for num_threads(teamSize(threads_, N)) schedule(dynamic, 1)
      for (int64_t n = 0; n < N; ++n) {
        Scratch<T>& s = scratch<T>();
        T* xpad = sized(s.a, g.inChannels * d.plane);
        d.pad(xp + n * inSize, xpad);
        d.forward(xpad, wpack.data(), sized(s.b, O * d.ld), yp + n * O * P);
      }
      return;
    }
    Eigen::Map<const RowMat<T>> Wm(W, O, K);
#pragma omp parallel for num_threads(teamSize(threads_, N)) schedule(dynamic, 1)
    for (int64_t n = 0; n < N; ++n) {
      T* col = sized(scratch<T>().a, K * P);
      im2col(xp + n * inSize, g, col);
      Eigen::Map<RowMat<T>>(yp + n * O * P, O, P).noalias() =
          Wm * Eigen::Map<const RowMat<T>>(col, K, P);
    }
  });
}

void CpuBackend::conv2dBackwardDataImpl(const Tensor& w, const Tensor& dy, const Conv2dGeometry& g,
                                        Tensor& dx, bool accumulate) {
  const int64_t N = dx.dim(0), K = g.patchSize(), O = g.outChannels, P = g.outPlane();
  const int64_t C = g.inChannels, inSize = C * g.inPlane(), taps = g.kernelH * g.kernelW;
  dispatch(dx.dtype(), [&](auto tag) {
    using T = decltype(tag);
    T* dxp = ptr<T>(dx);
    const T* dyp = ptr<T>(dy);
    const T* W = ptr<T>(w);
    if (Direct<T>::suits(g)) {
      const Direct<T> d(g);
      std::vector<T> wpackT(static_cast<size_t>(C * O * taps));
      packRows<T>(
          C, O * taps,
          [&](int64_t c, int64_t k) { return W[((k / taps) * C + c) * taps + k % taps]; },
          wpackT.data());
#pragma omp parallel for num_threads(teamSize(threads_, N)) schedule(dynamic, 1)
      for (int64_t n = 0; n < N; ++n) {
        Scratch<T>& s = scratch<T>();
        T* dxn = dxp + n * inSize;
        if (!accumulate) std::fill(dxn, dxn + inSize, T(0));
        d.backwardData(dyp + n * O * P, wpackT.data(), sized(s.a, O * d.E),
                       sized(s.b, C * d.Ux), dxn);
      }
      return;
    }
    Eigen::Map<const RowMat<T>> Wm(W, O, K);
#pragma omp parallel for num_threads(teamSize(threads_, N)) schedule(dynamic, 1)
    for (int64_t n = 0; n < N; ++n) {
      T* dcol = sized(scratch<T>().a, K * P);
      Eigen::Map<RowMat<T>>(dcol, K, P).noalias() =
          Wm.transpose() * Eigen::Map<const RowMat<T>>(dyp + n * O * P, O, P);
      T* dxn = dxp + n * inSize;
      if (!accumulate) std::fill(dxn, dxn + inSize, T(0));
      col2imAdd(dcol, g, dxn);
    }
  });
}

void CpuBackend::conv2dBackwardFilterImpl(const Tensor& x, const Tensor& dy,
                                          const Conv2dGeometry& g, Tensor& dw) {
  const int64_t N = x.dim(0), K = g.patchSize(), O = g.outChannels, P = g.outPlane();
  const int64_t inSize = g.inChannels * g.inPlane();
  const int64_t chunks = (N + kFilterChunk - 1) / kFilterChunk;
  const int team = teamSize(threads_, chunks);
  dispatch(x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* xp = ptr<T>(x);
    const T* dyp = ptr<T>(dy);
    T* out = ptr<T>(dw);
    if (N == 0) {  // an empty batch: no gradient
      std::fill(out, out + O * K, T(0));
      return;
    }
    if (Direct<T>::suits(g)) {
      const Direct<T> d(g);
      // Output channels in groups of NR (one SIMD vector of 16, or 8 for narrow layers).
      auto run = [&](auto nr) {
        constexpr int NR = decltype(nr)::value;
        const int64_t groups = (O + NR - 1) / NR, size = groups * K * NR;
        std::vector<T> partial(static_cast<size_t>(chunks * size), T(0));  // dWᵀ per chunk
#pragma omp parallel for num_threads(team) schedule(dynamic, 1)
        for (int64_t ch = 0; ch < chunks; ++ch) {
          Scratch<T>& s = scratch<T>();
          T* xpad = sized(s.a, g.inChannels * d.plane);
          T* dyT = sized(s.b, groups * d.L * NR);
          for (int64_t n = ch * kFilterChunk; n < std::min(N, (ch + 1) * kFilterChunk); ++n) {
            d.pad(xp + n * inSize, xpad);
            d.template backwardFilter<NR>(xpad, dyp + n * O * P, dyT, partial.data() + ch * size);
          }
        }
        for (int64_t o = 0; o < O; ++o)
          for (int64_t k = 0; k < K; ++k) {
            const size_t at = size_t(((o / NR) * K + k) * NR + o % NR);
            T sum = partial[at];
            for (int64_t ch = 1; ch < chunks; ++ch) sum += partial[size_t(ch * size) + at];
            out[o * K + k] = sum;
          }
      };
      if (O <= 8)
        run(std::integral_constant<int, 8>{});
      else
        run(std::integral_constant<int, 16>{});
      return;
    }
    std::vector<T> partial(static_cast<size_t>(chunks * O * K), T(0));  // dW per chunk
#pragma omp parallel for num_threads(team) schedule(dynamic, 1)
    for (int64_t ch = 0; ch < chunks; ++ch) {
      Eigen::Map<RowMat<T>> dW(partial.data() + ch * O * K, O, K);
      for (int64_t n = ch * kFilterChunk; n < std::min(N, (ch + 1) * kFilterChunk); ++n) {
        T* col = sized(scratch<T>().a, K * P);
        im2col(xp + n * inSize, g, col);
        dW.noalias() += Eigen::Map<const RowMat<T>>(dyp + n * O * P, O, P) *
                        Eigen::Map<const RowMat<T>>(col, K, P).transpose();
      }
    }
    Eigen::Map<RowMat<T>> dWout(out, O, K);
    dWout = Eigen::Map<RowMat<T>>(partial.data(), O, K);
    for (int64_t ch = 1; ch < chunks; ++ch)
      dWout += Eigen::Map<RowMat<T>>(partial.data() + ch * O * K, O, K);
  });
}

void CpuBackend::addChannelBiasImpl(Tensor& y, const Tensor& b) {
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

void CpuBackend::conv2dBackwardBiasImpl(const Tensor& dy, Tensor& db) {
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
