#include "train/landscape_directions.h"

#include <cmath>

#include "util/rng.h"

namespace gradlab {

std::vector<ParamSlice> trainableLayout(Network& net) {
  std::vector<ParamSlice> out;
  size_t at = 0;
  for (auto& [name, p] : net.params()) {
    if (!p->decl.trainable) continue;
    const size_t n = size_t(p->value.numel());
    out.push_back({name, p->decl.shape, at, n});
    at += n;
  }
  return out;
}

void filterNormalise(std::vector<double>& d, const std::vector<float>& theta,
                     const std::vector<ParamSlice>& layout) {
  for (const ParamSlice& s : layout) {
    if (s.shape.size() <= 1) {  // a bias or a BatchNorm parameter: "ignore biasbn"
      for (size_t i = 0; i < s.size; ++i) d[s.offset + i] = 0;
      continue;
    }
    const size_t filters = size_t(s.shape[0]);
    const size_t each = filters ? s.size / filters : 0;  // one filter: a slice along dim 0
    for (size_t f = 0; f < filters; ++f) {
      const size_t begin = s.offset + f * each;
      double dn = 0, wn = 0;
      for (size_t i = begin; i < begin + each; ++i) {
        dn += d[i] * d[i];
        wn += double(theta[i]) * double(theta[i]);
      }
      const double scale = std::sqrt(wn) / (std::sqrt(dn) + 1e-10);  // ‖θᵢ‖ / (‖dᵢ‖ + 1e-10)
      for (size_t i = begin; i < begin + each; ++i) d[i] *= scale;
    }
  }
}

FilterDirections filterDirections(const std::vector<ParamSlice>& layout,
                                  const std::vector<float>& theta, uint64_t seed) {
  FilterDirections f;
  Rng rng(seed ^ 0x6c616e6473636170ull);  // "landscap": not the weights' own stream
  f.raw1.resize(theta.size());
  f.raw2.resize(theta.size());
  for (double& v : f.raw1) v = rng.normal();
  for (double& v : f.raw2) v = rng.normal();
  f.d1 = f.raw1;
  f.d2 = f.raw2;
  filterNormalise(f.d1, theta, layout);
  filterNormalise(f.d2, theta, layout);
  return f;
}

}  // namespace gradlab
