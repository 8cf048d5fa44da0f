#pragma once
// The 2-D classification sets of TensorFlow Playground (playground.tensorflow.org), drawn with
// its formulas, in its units (points within about ±6) and with its noise slider: noise 0.25 is
// the slider at 25 %. Labels are 0 and 1 (playground's −1 and +1), xShape {2}, numClasses 2.
//
//   Dataset d = makeToy2d("spiral", {.points = 500, .noise = 0.1, .seed = 7});
//   // d.size() == 500, d.x = {x0, y0, x1, y1, ...}, d.y = {1, 1, ..., 0, 0}
//
//   circle  inside a disc of radius 2.5 (label 1) vs a ring 3.5–5 (label 0); with noise, a point
//           is labelled by where its jittered copy falls, so labels near the edge get mixed up
//   xor     uniform in [−5, 5]², pushed 0.3 away from the axes; label 1 where x·y ≥ 0
//   gauss   two Gaussians at (2, 2) (label 1) and (−2, −2) (label 0); the variance grows with
//           the noise from 0.5 (noise 0) to 4 (noise 0.5)
//   spiral  two arms r = 5·i/n, t = 1.75·2π·i/n + δ, δ = 0 (label 1) and π (label 0), each
//           coordinate jittered by uniform(−1, 1)·noise
//
// Points come in playground's order: the label-1 half first (for xor: as drawn).
#include <cstdint>
#include <string>
#include <vector>

#include "data/dataset.h"

namespace gradlab {

struct Toy2dOptions {
  int64_t points = 500;  // in all; half per class for circle, gauss and spiral
  double noise = 0;      // in [0, 1]; playground's slider (0–50 %) as a fraction
  uint64_t seed = 0;
};

Dataset makeCircle(const Toy2dOptions& opts);
Dataset makeXor(const Toy2dOptions& opts);
Dataset makeGauss(const Toy2dOptions& opts);
Dataset makeSpiral(const Toy2dOptions& opts);

// "circle", "xor", "gauss" or "spiral"; throws Error listing them for any other name, and for
// points < 1 or noise outside [0, 1].
Dataset makeToy2d(const std::string& name, const Toy2dOptions& opts);
const std::vector<std::string>& toy2dNames();

}  // namespace gradlab
