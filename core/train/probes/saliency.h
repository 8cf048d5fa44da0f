#pragma once
// Saliency probe (curriculum topic 21): which input values the network's choice hangs on, for
// one sample, measured live on the worker with the current weights (explain/saliency.h):
//   S = ∂(score of class c)/∂x,   c = the predicted class unless the view names one
//   SmoothGrad (smooth = n > 0): the mean of S over n copies of x with Gaussian noise
//   options: {"sample": 3, "class": -1, "smooth": 0}        test sample 3 (the training set's
//                                                            where there is no test set)
//            {"image": [784 floats], "class": -1}            the user's own image instead
//                                                            (data/own_image.h), as [C, H, W]
// The view shows |S| as a heat map beside the input (max over the channels of an image), or a
// bar per feature for points and sequences.
#include <string>
#include <vector>

#include "tensor/shape.h"
#include "train/probes/probe.h"

namespace gradlab {

// Null where the set is empty; a result with `why` filled where saliency does not apply.
std::shared_ptr<const ProbeResult> measureSaliency(const ProbeContext& ctx);

struct SaliencyProbe : ProbeResult {
  static constexpr const char* kName = "saliency";
  static inline const ProbeType kType{measureSaliency};
  static constexpr int kMaxSmooth = 64;  // SmoothGrad copies at most
  int64_t sample = 0;       // index in the set shown (-1: the user's own image)
  bool onTest = true;       // test set, or training set where there is none
  bool ownImage = false;    // the input is the image from the options
  Shape inputShape;         // without the batch
  std::vector<float> input;     // the sample as the network sees it, [...inputShape]
  std::vector<float> gradient;  // ∂(score of cls)/∂x, signed, [...inputShape]
  int cls = -1;             // the class explained
  bool predictedClass = true;  // cls is the predicted one (the view asked for -1)
  int predicted = -1, truth = -1;  // truth: -1 for an own image
  std::vector<float> probabilities;  // softmax of the scores
  int smooth = 0;           // SmoothGrad copies (0: the plain gradient)
  std::string why;          // when there is nothing to show: why, and what to do
};

}  // namespace gradlab
