#pragma once
// Gradient probe: how large the gradient of the loss is at each layer's weights after the last
// step, input side first — the view that shows gradients vanishing (or exploding) with depth.
// A layer's size is the RMS of ∂L/∂W over its weights, √(Σ g² / n), so that layers of
// different sizes compare; blocks whose only parameters are not penalised (batch norm's γ, β)
// count those. Nothing is recomputed: the view shows what the optimizer used.
//   options: {}
#include <map>
#include <string>
#include <vector>

#include "train/probes/probe.h"

namespace gradlab {

// The signal right after a training step (an evaluation pass at another batch size reallocates
// the output gradients): a GradientProbe with only `step` and `signal` filled.
std::shared_ptr<const ProbeResult> captureGradientSignal(const ProbeContext& ctx);
// Null before the first step (no gradients yet).
std::shared_ptr<const ProbeResult> measureGradients(const ProbeContext& ctx);

struct GradientProbe : ProbeResult {
  static constexpr const char* kName = "gradients";
  static inline const ProbeType kType{measureGradients, captureGradientSignal, 0};
  static constexpr size_t kMaxHistory = 2000;  // points per layer the history keeps
  struct Layer {
    std::string block, type;  // "h1", "Dense"
    int64_t weights = 0;      // elements measured
    double gradRms = 0;       // √(Σ (∂L/∂w)² / n)
    double weightRms = 0;     // √(Σ w² / n), for the ratio
  };
  int64_t step = 0;  // the step whose gradients these are (≥ 1)
  std::vector<Layer> layers;
  // The backpropagated signal: per block, the RMS of ∂L/∂(its output) over the last training
  // batch — what flows back along the block's outgoing edges (the canvas colours them by it).
  std::map<std::string, double> signal;
  struct Point {
    int64_t step = 0;
    std::vector<double> gradRms;  // parallel to layers
  };
  std::vector<Point> history;  // since the weights were drawn or loaded (thinned)
};

}  // namespace gradlab
