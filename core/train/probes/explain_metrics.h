#pragma once
// What the explainability lesson (21) checks, measured on the first test samples — probes the
// lesson player asks for when a step's checks read them, and `gradlab-cli lesson check` runs:
//
// SaliencyFlipProbe (saliency.flip.accuracy, saliency.random.accuracy): does the saliency map
//   point at the pixels that matter? Pixel flipping (Samek et al. 2017): for each of the first
//   `samples` test images, with c its predicted class and g = |∂score_c/∂x| (explain/saliency.h),
//   flip (x -> 1 − x) its 5 % most salient pixels; in a copy, flip as many pixels chosen at
//   random. If the saliency points at what the network uses, the accuracy on the first copy
//   falls much further: on the first 100 test images, the Fashion-MNIST CNN of lesson 21 (test
//   accuracy 0.80) is right about 55 with their 39 most salient pixels flipped, 77 with 39
//   random ones.
//   options: {"samples": 100}
//
// ClassImagesProbe (visualize.probability): what does each class respond to? For every class k,
// the image optimised from noise to raise k's score (explain/visualize.h, with Olah et al.'s
// regularisers), and the probability the network gives k for it; the metric is their mean
// (1.00 for that CNN, 0.13 untrained).
//   options: {"steps": 100}
#include <vector>

#include "explain/visualize.h"
#include "train/probes/probe.h"

namespace gradlab {

std::shared_ptr<const ProbeResult> measureSaliencyFlip(const ProbeContext& ctx);
std::shared_ptr<const ProbeResult> measureClassImages(const ProbeContext& ctx);

struct SaliencyFlipProbe : ProbeResult {
  static constexpr const char* kName = "saliency-flip";
  static inline const ProbeType kType{measureSaliencyFlip, {}, 0.5};
  int64_t samples = 0;
  double cleanAccuracy = 0;       // on these images as they are
  double flipAccuracy = 0;        // with each image's 5 % most salient pixels flipped
  double randomFlipAccuracy = 0;  // with as many pixels flipped at random
};

struct ClassImagesProbe : ProbeResult {
  static constexpr const char* kName = "class-images";
  static inline const ProbeType kType{measureClassImages, {}, 2.0};
  std::vector<Visualization> images;     // one per class
  std::vector<double> probabilities;     // the probability of its class, per image
  double meanProbability = 0;
};

}  // namespace gradlab
