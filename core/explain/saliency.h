#pragma once
// Saliency: how much each input value moves a class's score — the gradient ∂(score of class
// c)/∂x of one sample (Simonyan et al. 2014), and SmoothGrad's mean of that gradient over noisy
// copies of the sample (Smilkov et al. 2017), which is less speckled.
//
//   score_c(x) = the loss block's output for class c (pre-softmax for cross_entropy)
//   plain:      S(x)  = ∂score_c/∂x
//   SmoothGrad: S̄(x) = (1/n) Σᵢ ∂score_c/∂x |_(x + εᵢ),   εᵢ ~ N(0, σ²), σ = noise·(max x − min x)
//
//   Tensor x = ...;                          // [2, 1, 28, 28] host floats
//   std::vector<int> cls{-1, 3};             // sample 0: its predicted class; sample 1: class 3
//   Saliency s = saliency(net, x, cls);      // s.gradient: 2·784 signed values, s.classes {7, 3}
//   // a view shows |s.gradient| as a heat map over the image
#include <cstdint>
#include <span>
#include <vector>

#include "network/network.h"

namespace gradlab {

struct SaliencyOptions {
  int smoothSamples = 0;       // 0: plain gradient; n > 0: SmoothGrad, mean over n noisy copies
  double smoothNoise = 0.15;   // σ of the noise as a share of (max − min) of the input
  uint64_t seed = 1;
};

struct Saliency {
  std::vector<float> gradient;   // ∂(score of class[b]) / ∂x, [N, ...input shape], signed
  std::vector<int> classes;      // the class used per sample (the predicted one when asked -1)
  std::vector<std::vector<float>> probabilities;  // softmax of the scores, per sample
  Shape inputShape;              // without batch
};

// x: [N, ...input shape] host floats. classes: one per sample, -1 = the predicted class. The
// score is the loss block's output (pre-softmax for cross_entropy). The network's weights are
// unchanged; it runs in evaluation mode (the input gradient is switched on for the call and
// back off after it). Throws Error for a network whose output is not [classes], a wrong input
// shape, a class list of the wrong length or a class out of range.
Saliency saliency(Network& net, const Tensor& x, std::span<const int> classes,
                  const SaliencyOptions& options = {});

}  // namespace gradlab
