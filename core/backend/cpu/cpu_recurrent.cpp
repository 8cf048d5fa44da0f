// Recurrent kernels of the cpu backend: the layout swap [A, B, …] ↔ [B, A, …] and the
// element-wise parts of one LSTM / GRU time step (formulas in backend.h, "--- recurrent ---",
// and in blocks/lstm.h, blocks/gru.h). The GEMMs of a step are the blocks' own gemm calls.
//
// Each kernel works row by row (one sample of the batch) on Eigen arrays over H contiguous
// elements, so Eigen vectorises σ and tanh; nothing is allocated.
#include <omp.h>

#include <cstring>
#include <exception>

#include "backend/cpu/cpu_backend.h"

namespace gradlab::cpu {

namespace {

template <class T>
using Row = Eigen::Map<Eigen::Array<T, Eigen::Dynamic, 1>>;
template <class T>
using ConstRow = Eigen::Map<const Eigen::Array<T, Eigen::Dynamic, 1>>;

}  // namespace

void CpuBackend::transpose01Impl(const Tensor& src, Tensor& dst, bool accumulate) {
  const int64_t a = src.dim(0), b = src.dim(1);
  const int64_t inner = (a > 0 && b > 0) ? src.numel() / (a * b) : 0;
  dispatch(src.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* s = ptr<T>(src);
    T* d = ptr<T>(dst);
    for (int64_t i = 0; i < a; ++i)
      for (int64_t j = 0; j < b; ++j) {
        const T* from = s + (i * b + j) * inner;
        T* to = d + (j * a + i) * inner;
        if (accumulate)
          Row<T>(to, inner) += ConstRow<T>(from, inner);
        else
          std::memcpy(to, from, size_t(inner) * sizeof(T));
      }
  });
}

// gates = [a_i a_f a_g a_o] → [i f g o] in place;  c = f⊙c_prev + i⊙g;  h = o⊙tanh(c)
void CpuBackend::lstmCellForwardImpl(Tensor& gates, const Tensor& cPrev, Tensor& c, Tensor& h) {
  const int64_t B = c.rows(), H = c.cols();
  dispatch(c.dtype(), [&](auto tag) {
    using T = decltype(tag);
    for (int64_t b = 0; b < B; ++b) {
      T* gr = ptr<T>(gates) + b * 4 * H;
      Row<T> i(gr, H), f(gr + H, H), g(gr + 2 * H, H), o(gr + 3 * H, H);
      i = i.logistic();
      f = f.logistic();
      g = g.tanh();
      o = o.logistic();
      Row<T> cr(ptr<T>(c) + b * H, H);
      cr = f * ConstRow<T>(ptr<T>(cPrev) + b * H, H) + i * g;
      Row<T>(ptr<T>(h) + b * H, H) = o * cr.tanh();
    }
  });
}

// do = dh⊙tanh(c);  dc ← dc + dh⊙o⊙(1 − tanh²c);  then
// d(a_i) = dc⊙g⊙i(1−i), d(a_f) = dc⊙c_prev⊙f(1−f), d(a_g) = dc⊙i⊙(1−g²),
// d(a_o) = do⊙o(1−o);  dc ← dc⊙f  (∂L/∂c_{t−1})
void CpuBackend::lstmCellBackwardImpl(const Tensor& gates, const Tensor& cPrev, const Tensor& c,
                                      const Tensor& dh, Tensor& dc, Tensor& dgates) {
  const int64_t B = c.rows(), H = c.cols();
  dispatch(c.dtype(), [&](auto tag) {
    using T = decltype(tag);
    for (int64_t b = 0; b < B; ++b) {
      const T* gr = ptr<T>(gates) + b * 4 * H;
      ConstRow<T> i(gr, H), f(gr + H, H), g(gr + 2 * H, H), o(gr + 3 * H, H);
      ConstRow<T> cp(ptr<T>(cPrev) + b * H, H), ct(ptr<T>(c) + b * H, H);
      ConstRow<T> dhr(ptr<T>(dh) + b * H, H);
      Row<T> dcr(ptr<T>(dc) + b * H, H);
      T* dr = ptr<T>(dgates) + b * 4 * H;
      Row<T> di(dr, H), df(dr + H, H), dg(dr + 2 * H, H), dO(dr + 3 * H, H);
      // dO holds tanh(c) for a moment: one tanh per element, not two.
      dO = ct.tanh();
      dcr += dhr * o * (T(1) - dO.square());
      dO = dhr * dO * o * (T(1) - o);
      di = dcr * g * i * (T(1) - i);
      df = dcr * cp * f * (T(1) - f);
      dg = dcr * i * (T(1) - g.square());
      dcr *= f;
    }
  });
}

// [r z] = σ(xp[:, 0:2H] + hh);  rh = r⊙h_prev
void CpuBackend::gruGatesForwardImpl(const Tensor& xp, const Tensor& hh, const Tensor& hPrev,
                                     Tensor& rz, Tensor& rh) {
  const int64_t B = hPrev.rows(), H = hPrev.cols();
  const DType dt = hPrev.dtype();
  dispatch(dt, [&](auto tag) {
    using T = decltype(tag);
    for (int64_t b = 0; b < B; ++b) {
      Row<T> out(ptr<T>(rz) + b * 2 * H, 2 * H);
      out = (ConstRow<T>(ptr<T>(xp) + b * 3 * H, 2 * H) + ConstRow<T>(ptr<T>(hh) + b * 2 * H, 2 * H))
                .logistic();
      Row<T>(ptr<T>(rh) + b * H, H) = out.head(H) * ConstRow<T>(ptr<T>(hPrev) + b * H, H);
    }
  });
}

// g = tanh(xp[:, 2H:3H] + hg);  h = z⊙h_prev + (1 − z)⊙g
void CpuBackend::gruCandidateForwardImpl(const Tensor& xp, const Tensor& hg, const Tensor& rz,
                                         const Tensor& hPrev, Tensor& g, Tensor& h) {
  const int64_t B = hPrev.rows(), H = hPrev.cols();
  const DType dt = hPrev.dtype();
  dispatch(dt, [&](auto tag) {
    using T = decltype(tag);
    for (int64_t b = 0; b < B; ++b) {
      Row<T> gr(ptr<T>(g) + b * H, H);
      gr = (ConstRow<T>(ptr<T>(xp) + b * 3 * H + 2 * H, H) + ConstRow<T>(ptr<T>(hg) + b * H, H))
               .tanh();
      ConstRow<T> z(ptr<T>(rz) + b * 2 * H + H, H);
      Row<T>(ptr<T>(h) + b * H, H) = z * ConstRow<T>(ptr<T>(hPrev) + b * H, H) + (T(1) - z) * gr;
    }
  });
}

// d(a_z) = dh⊙(h_prev − g)⊙z(1−z)  → drz[:, H:2H];   d(a_g) = dh⊙(1 − z)⊙(1 − g²) → dg
void CpuBackend::gruCandidateBackwardImpl(const Tensor& dh, const Tensor& rz, const Tensor& g,
                                          const Tensor& hPrev, Tensor& drz, Tensor& dg) {
  const int64_t B = hPrev.rows(), H = hPrev.cols();
  const DType dt = hPrev.dtype();
  dispatch(dt, [&](auto tag) {
    using T = decltype(tag);
    for (int64_t b = 0; b < B; ++b) {
      ConstRow<T> d(ptr<T>(dh) + b * H, H), z(ptr<T>(rz) + b * 2 * H + H, H);
      ConstRow<T> gr(ptr<T>(g) + b * H, H), hp(ptr<T>(hPrev) + b * H, H);
      Row<T>(ptr<T>(drz) + b * 2 * H + H, H) = d * (hp - gr) * z * (T(1) - z);
      Row<T>(ptr<T>(dg) + b * H, H) = d * (T(1) - z) * (T(1) - gr.square());
    }
  });
}

// d(a_r) = drh⊙h_prev⊙r(1−r) → drz[:, 0:H];   dh_prev (+)= dh⊙z + drh⊙r
void CpuBackend::gruResetBackwardImpl(const Tensor& dh, const Tensor& drh, const Tensor& rz,
                                      const Tensor& hPrev, Tensor& drz, Tensor& dhPrev,
                                      bool accumulate) {
  const int64_t B = hPrev.rows(), H = hPrev.cols();
  const DType dt = hPrev.dtype();
  dispatch(dt, [&](auto tag) {
    using T = decltype(tag);
    for (int64_t b = 0; b < B; ++b) {
      ConstRow<T> r(ptr<T>(rz) + b * 2 * H, H), z(ptr<T>(rz) + b * 2 * H + H, H);
      ConstRow<T> d(ptr<T>(dh) + b * H, H), dr(ptr<T>(drh) + b * H, H);
      ConstRow<T> hp(ptr<T>(hPrev) + b * H, H);
      Row<T>(ptr<T>(drz) + b * 2 * H, H) = dr * hp * r * (T(1) - r);
      Row<T> out(ptr<T>(dhPrev) + b * H, H);
      if (accumulate)
        out += d * z + dr * r;
      else
        out = d * z + dr * r;
    }
  });
}

// One part per thread (at most one per row); inside the parallel region Eigen's gemm runs
// single-threaded (it does not nest).
void CpuBackend::forRowBlocksImpl(int64_t rows, const std::function<void(int64_t, int64_t)>& body) {
  const int parts = int(std::min<int64_t>(threads_, rows));
  if (parts <= 1 || omp_in_parallel()) {
    body(0, rows);
    return;
  }
  std::exception_ptr error;
#pragma omp parallel for num_threads(parts) schedule(static, 1)
  for (int p = 0; p < parts; ++p) {
    try {
      body(rows * p / parts, rows * (p + 1) / parts);
    } catch (...) {
#pragma omp critical(gradlab_row_blocks)
      if (!error) error = std::current_exception();
    }
  }
  if (error) std::rethrow_exception(error);
}

}  // namespace gradlab::cpu
