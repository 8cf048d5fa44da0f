#pragma once
// Inside probe: one block for one sample, run in evaluation mode — its output and internals
// (pre-activations, feature maps, LSTM/GRU gates and states), the internals that exist only
// while training (dropout's mask, from the last training batch), and its weights.
//   options: {"block": "c1", "sample": 0}   the sample indexes the test set (the training set
//                                           where there is none)
//            {"block": "c1", "image": [784 floats]}   the user's own image instead (a dropped
//                                           PNG/JPEG, data/own_image.h), [...input shape]
#include <string>
#include <vector>

#include "tensor/shape.h"
#include "train/probes/probe.h"

namespace gradlab {

// A picture is one tensor without its batch extent: [C, H, W] images, [T, F] sequences (time
// first), [F] vectors; the weights are whole ([O, C, kH, kW] filters, [out, in] matrices).
struct TensorPicture {
  std::string name;  // "input", "output", "pre", "gates.f", "cell", "mask", "weights"
  Shape shape;
  std::vector<float> values;  // row-major
  // From the first sample of the last training batch rather than the chosen sample: what
  // exists only while training (dropout's mask).
  bool training = false;
};

// The block's internals from the last training batch, read right after the step (an
// evaluation pass replaces them): an InsideProbe with `block` and `pictures` filled.
std::shared_ptr<const ProbeResult> captureTrainingInternals(const ProbeContext& ctx);
// Null where the block does not exist or the set is empty.
std::shared_ptr<const ProbeResult> measureInside(const ProbeContext& ctx);

struct InsideProbe : ProbeResult {
  static constexpr const char* kName = "inside";
  static inline const ProbeType kType{measureInside, captureTrainingInternals, 0};
  static constexpr int64_t kMaxPictureWeights = 1 << 16;  // weights shown up to this size
  std::string block, type;  // "c1", "Conv2D"
  int64_t sample = 0;       // index in the set shown (-1: the own image)
  bool onTest = true;       // test set, or training set where there is none
  bool ownImage = false;    // the input is the options' image
  int truth = -1, predicted = -1;  // classification; -1 otherwise (truth: -1 for an own image)
  std::vector<float> probabilities;  // cross_entropy classifiers: softmax of the class scores
  std::string why;          // the options' image does not fit the network: why
  TensorPicture input;             // the sample as the network sees it
  std::vector<TensorPicture> pictures;  // output, internals, training-only ones, weights
};

}  // namespace gradlab
