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

TensorMap filterDirectionTensors(Network& net, uint64_t seed) {
  const std::vector<ParamSlice> layout = trainableLayout(net);
  std::vector<float> theta;
  for (const auto& [name, p] : net.params())
    if (p->decl.trainable) {
      const std::vector<float> v = p->value.toHostF32();
      theta.insert(theta.end(), v.begin(), v.end());
    }
  const FilterDirections f = filterDirections(layout, theta, seed);
  TensorMap out;
  for (const ParamSlice& s : layout) {
    auto part = [&](const auto& v) {
      return HostTensor{s.shape, DType::F64,
                        std::vector<double>(v.begin() + long(s.offset),
                                            v.begin() + long(s.offset + s.size))};
    };
    out["raw1." + s.name] = part(f.raw1);
    out["raw2." + s.name] = part(f.raw2);
    out["d1." + s.name] = part(f.d1);
    out["d2." + s.name] = part(f.d2);
    out["theta." + s.name] = part(theta);
  }
  return out;
}

}  // namespace gradlab
