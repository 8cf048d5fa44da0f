#pragma once
// Raw signals for end-to-end learning: short noisy waveforms of four classes, classified from
// their samples alone (no hand-made features: no spectrum, no period, no zero crossings).
//
//   Dataset d = makeWaveforms({.samples = 1000, .length = 64, .noise = 0.2, .seed = 1});
//   // d.xShape == {64, 1}: x[n][t] = one raw sample; y[n] = the class, one of
//   // "sine", "square", "sawtooth", "chirp"
//
// Each sequence draws its own amplitude A ~ U(0.5, 1.5), phase φ ~ U(0, 2π) and period
// P ~ U(8, 16) steps (frequency jitter: ν = 1/P cycles per step), then for t = 0 … T−1, with
// θ(t) = 2π·ν·t + φ:
//   sine      A·sin θ
//   square    A·sign(sin θ)                                 (±A, jumps twice a period)
//   sawtooth  A·(2·frac(θ / 2π) − 1)                         (a ramp up, then a drop)
//   chirp     A·sin(2π·(ν₀·t + (ν₁ − ν₀)·t² / (2(T − 1))) + φ): the frequency sweeps from
//             ν₀ = 1/U(24, 32) up to ν₁ = 1/U(4, 6) cycles per step over the sequence
// plus Gaussian noise of standard deviation `noise` on every sample. Classes take turns
// (sample n has class n mod 4), so every class has a quarter of the samples.
#include <cstdint>
#include <string>
#include <vector>

#include "data/dataset.h"

namespace gradlab {

struct WaveformOptions {
  int64_t samples = 1000;
  int64_t length = 64;  // T, samples per sequence (8 to 100000)
  double noise = 0;     // standard deviation of the noise added to every sample
  uint64_t seed = 0;
};

// Throws Error for options out of range.
Dataset makeWaveforms(const WaveformOptions& opts);
const std::vector<std::string>& waveformClassNames();  // sine, square, sawtooth, chirp

}  // namespace gradlab
