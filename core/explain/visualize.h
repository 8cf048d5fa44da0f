#pragma once
// Feature visualisation: the input that a unit or a class responds to most, found by gradient
// ascent on the input from noise (Olah et al. 2017, "Feature Visualization", Distill), with
// their regularisers so the image shows structure rather than high-frequency noise:
//
//   x⁰ ~ U(lo + 0.4·(hi − lo), lo + 0.6·(hi − lo))   small noise around grey, from `seed`
//   each step k:  x̃ = roll(x, random dx, dy ∈ [−jitter, jitter])      (jitter)
//                 g = ∂S/∂x̃, rolled back;   S = the target's score
//                 x ← x + lr·g/(mean|g| + 1e-8) − lr·l2·(x − lo)         (normalised ascent, L2 decay
//                                                                       towards lo, the background)
//                 every blurEvery steps: x ← Gaussian(σ = blurSigma) ∗ x  (separable, per channel)
//                 x ← clip(x, lo, hi)
//   score S: the class's pre-softmax score, or the mean of one channel's map of a block's
//   output ([C, H, W]: channel c's H·W values; [F]: value c). A ReLU unit that is 0 for the
//   starting noise has no gradient: its image stays the (decayed, blurred) noise.
//
//   VisualizeTarget t;  t.cls = 3;                        // what makes "dress" most "dress"?
//   Visualization v = visualize(net, t, {}, [](double share) { return !cancelled; });
//   // v.image: [1, 28, 28] in [0, 1], v.score: the class score it reaches
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "network/network.h"

namespace gradlab {

struct VisualizeTarget {
  std::string block;  // a Conv2D (or any block): maximise the mean of channel `channel`'s map
  int channel = -1;
  int cls = -1;       // or: the class score (pre-softmax) of class `cls` (block empty)
};

struct VisualizeOptions {   // Olah et al. 2017's regularisers
  int steps = 200;
  double lr = 0.05;
  int jitter = 2;           // random shift of up to ± this many pixels per step
  double l2 = 1e-3;         // L2 decay of the image
  double blurSigma = 0.5;   // Gaussian blur every `blurEvery` steps (0: none)
  int blurEvery = 4;
  double lo = 0, hi = 1;    // the image is kept in this range
  uint64_t seed = 1;        // the noise it starts from, and the jitter
};

struct Visualization {
  std::vector<float> image;  // [...input shape]
  Shape shape;               // the input shape
  double score = 0;          // the target's score for the final image (no jitter)
  double startScore = 0;     // and for the noise it started from
};

// Gradient ascent on the input from noise; `progress(share)` returning false stops it early
// (the result is then the image so far). Throws Error naming a missing block, a channel or
// class out of range. The network's weights are unchanged; it runs in evaluation mode with a
// batch of 1.
Visualization visualize(Network& net, const VisualizeTarget& target,
                        const VisualizeOptions& options = {},
                        const std::function<bool(double)>& progress = {});

}  // namespace gradlab
