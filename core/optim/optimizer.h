#pragma once
// Optimizer: applies one update to every trainable parameter from its gradient, with
// torch.optim's rules and defaults (the formulas and papers are in backend/cpu/cpu_optimizers.cpp).
// Penalties and clipping are applied to the gradients first, in this order:
//   g ← g + l2·w + l1·sign(w)   (weights only, not biases)
//   g ← g · min(1, c / (‖g‖₂ + 1e−6))  over all parameters together (clip_grad_norm_)
#include <string>
#include <utility>
#include <vector>

#include "backend/backend.h"
#include "blocks/block.h"
#include "util/rng.h"

namespace gradlab {

OptimKind parseOptimKind(const std::string& name);  // throws Error listing the valid names
std::vector<std::string> optimNames();
// torch.optim's defaults: lr (sgd 0.01, momentum/nesterov 0.01, adagrad 0.01, adadelta 1.0,
// rmsprop 0.01, adam 0.001), eps and the decay rates.
OptimHyper defaultHyper(OptimKind kind);

class Optimizer {
 public:
  Optimizer(OptimKind kind, OptimHyper hyper, Backend& backend);
  void setKind(OptimKind kind);  // keeps parameters, resets state
  void setHyper(const OptimHyper& h) { hyper_ = h; }
  void setPenalties(double l1, double l2) { l1_ = l1, l2_ = l2; }
  void setClipNorm(double c) { clip_ = c; }
  OptimKind kind() const { return kind_; }
  const OptimHyper& hyper() const { return hyper_; }
  int64_t step() const { return step_; }

  // Penalty value l1·Σ|w| + ½·l2·Σw² over the penalised parameters.
  double penalty(const std::vector<std::pair<std::string, Param*>>& params) const;
  // Global gradient norm (before clipping) of the last update.
  double lastGradNorm() const { return lastNorm_; }
  void update(const std::vector<std::pair<std::string, Param*>>& params);
  void resetState(const std::vector<std::pair<std::string, Param*>>& params);

 private:
  OptimKind kind_;
  OptimHyper hyper_;
  Backend& be_;
  double l1_ = 0, l2_ = 0, clip_ = 0, lastNorm_ = 0;
  int64_t step_ = 0;
};

// Fills a parameter from its initialiser (glorot_uniform, glorot_normal, he_uniform, he_normal,
// uniform U(−1/√fanIn, 1/√fanIn), zeros, ones) with numbers drawn from rng, then adds the decl's
// shift to its elements [shiftBegin, shiftEnd).
void initParam(Param& p, Rng& rng);

}  // namespace gradlab
