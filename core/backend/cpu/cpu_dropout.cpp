// Inverted dropout on the cpu, with the counter-based numbers of backend/dropout_rng.h:
//   mask[i] = [u(key, i) ≥ rate],  key = dropoutKey(seed, step)
//   y = x ⊙ mask / (1 − rate)          dx (+)= dy ⊙ mask / (1 − rate)
#include "backend/cpu/cpu_backend.h"
#include "backend/dropout_rng.h"

namespace gradlab::cpu {

void CpuBackend::dropoutMaskImpl(double rate, uint64_t seed, uint64_t step, Tensor& mask) {
  const uint64_t key = dropoutKey(seed, step);
  const int64_t n = mask.numel();
  dispatch(mask.dtype(), [&](auto tag) {
    using T = decltype(tag);
    T* m = ptr<T>(mask);
    for (int64_t i = 0; i < n; ++i) m[i] = dropoutUniform(key, uint64_t(i)) >= rate ? T(1) : T(0);
  });
}

void CpuBackend::dropoutForwardImpl(const Tensor& x, const Tensor& mask, double rate, Tensor& y) {
  dispatch(x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    arr<T>(y) = arr<T>(x) * arr<T>(mask) * T(1.0 / (1.0 - rate));
  });
}

void CpuBackend::dropoutBackwardImpl(const Tensor& dy, const Tensor& mask, double rate, Tensor& dx,
                                     bool accumulate) {
  dispatch(dy.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T scale = T(1.0 / (1.0 - rate));
    if (accumulate)
      arr<T>(dx) += arr<T>(dy) * arr<T>(mask) * scale;
    else
      arr<T>(dx) = arr<T>(dy) * arr<T>(mask) * scale;
  });
}

}  // namespace gradlab::cpu
