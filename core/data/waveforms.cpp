#include "data/waveforms.h"

#include <cmath>

#include "util/error.h"
#include "util/rng.h"

namespace gradlab {

const std::vector<std::string>& waveformClassNames() {
  static const std::vector<std::string> names{"sine", "square", "sawtooth", "chirp"};
  return names;
}

Dataset makeWaveforms(const WaveformOptions& o) {
  if (o.samples < 1 || o.samples > 10'000'000)
    throw Error("dataset waveforms: " + std::to_string(o.samples) +
                " samples is out of range; use 1 to 10000000");
  if (o.length < 8 || o.length > 100'000)
    throw Error("dataset waveforms: a length of " + std::to_string(o.length) +
                " steps is out of range; use 8 to 100000 (a period is 8 to 16 steps)");
  if (o.samples * o.length > (int64_t(1) << 28))
    throw Error("dataset waveforms: " + std::to_string(o.samples) + " sequences of " +
                std::to_string(o.length) +
                " steps would not fit in memory; use fewer samples or shorter sequences");
  if (!(o.noise >= 0.0 && std::isfinite(o.noise)))
    throw Error("dataset waveforms: noise " + std::to_string(o.noise) +
                " must be a standard deviation ≥ 0");
  const int64_t T = o.length;
  const int K = int(waveformClassNames().size());
  Dataset d;
  d.name = "waveforms";
  d.xShape = {T, 1};
  d.numClasses = K;
  d.classNames = waveformClassNames();
  d.x.resize(size_t(o.samples * T));
  d.y.resize(size_t(o.samples));
  Rng rng(o.seed);
  const double twoPi = 2 * M_PI;
  for (int64_t n = 0; n < o.samples; ++n) {
    const int cls = int(n % K);
    const double amplitude = rng.uniform(0.5, 1.5);
    const double phase = rng.uniform(0, twoPi);
    const double nu = 1.0 / rng.uniform(8, 16);
    const double nu0 = 1.0 / rng.uniform(24, 32), nu1 = 1.0 / rng.uniform(4, 6);
    float* x = d.x.data() + n * T;
    for (int64_t t = 0; t < T; ++t) {
      const double theta = twoPi * nu * double(t) + phase;
      double v = 0;
      switch (cls) {
        case 0: v = std::sin(theta); break;
        case 1: v = std::sin(theta) >= 0 ? 1.0 : -1.0; break;
        case 2: {
          const double cycles = theta / twoPi;
          v = 2 * (cycles - std::floor(cycles)) - 1;
          break;
        }
        default: {
          const double tt = double(t);
          v = std::sin(twoPi * (nu0 * tt + (nu1 - nu0) * tt * tt / (2.0 * double(T - 1))) + phase);
        }
      }
      x[t] = float(amplitude * v + o.noise * rng.normal());
    }
    d.y[size_t(n)] = float(cls);
  }
  return d;
}

}  // namespace gradlab
