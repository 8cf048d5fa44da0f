#include "blocks/batchnorm.h"

namespace gradlab {

BatchNormBlock::BatchNormBlock(const BlockArgs& a)
    : Block(a), momentum_(paramFloat(a.spec, "momentum")), eps_(paramFloat(a.spec, "eps")),
      channels_(a.inShapes.at(0).at(0)) {
  mean_ = be_.zeros({channels_}, dtype_);
  var_ = be_.zeros({channels_}, dtype_);
}

// x is [B, C] or [B, C, H, W], as the backend's batch-norm ops take it.
// training: normalise with the batch's μ, σ² and update the running statistics;
// evaluation: normalise with the running statistics.  y = γ·x̂ + β
void BatchNormBlock::forward(std::span<const Tensor> in, Tensor& out, bool training) {
  Tensor& gamma = params_[0].value;
  Tensor& beta = params_[1].value;
  Tensor& runningMean = params_[2].value;
  Tensor& runningVar = params_[3].value;
  lastTraining_ = training;
  if (!training) {
    be_.batchNormForwardInference(in[0], gamma, beta, runningMean, runningVar, eps_, out);
    return;
  }
  const int64_t m = in[0].numel() / channels_;
  if (m < 2)
    throw Error("BatchNorm " + id_ + " needs more than one value per channel to train, but the "
                "batch has 1 sample of " + toString(inShapes_[0]) +
                " — use a batch of 2 or more");
  be_.batchNormForwardTraining(in[0], gamma, beta, momentum_, eps_, runningMean, runningVar, out,
                               mean_, var_);
  haveStats_ = true;
}

// training: ∂L/∂γ = Σ g·x̂;  ∂L/∂β = Σ g;  ∂L/∂x += γ/(m·√(σ²+ε)) · (m·g − Σ g − x̂·Σ g·x̂)
// evaluation: the same ∂L/∂γ and ∂L/∂β with x̂ from the running statistics (batchNormBackward
// given them and no dx), and ∂L/∂x += g·γ/√(running_var + ε) — which is the inference forward
// applied to g with a zero mean and shift: γ·(g − 0)/√(running_var + ε) + 0.
void BatchNormBlock::backward(std::span<const Tensor> in, const Tensor&, const Tensor& dout,
                              std::span<Tensor> din) {
  const Tensor& gamma = params_[0].value;
  if (lastTraining_) {
    be_.batchNormBackward(in[0], dout, gamma, mean_, var_, eps_, din[0], params_[0].grad,
                          params_[1].grad, /*accumulate=*/true);
    return;
  }
  const Tensor& runningMean = params_[2].value;
  const Tensor& runningVar = params_[3].value;
  Tensor noDx;
  be_.batchNormBackward(in[0], dout, gamma, runningMean, runningVar, eps_, noDx,
                        params_[0].grad, params_[1].grad, /*accumulate=*/true);
  if (!din[0].defined()) return;
  if (!zeros_.defined()) zeros_ = be_.zeros({channels_}, dtype_);
  if (!evalDx_.defined() || evalDx_.shape() != dout.shape())
    evalDx_ = be_.zeros(dout.shape(), dtype_);
  be_.batchNormForwardInference(dout, gamma, zeros_, zeros_, runningVar, eps_, evalDx_);
  be_.axpy(1.0, evalDx_, din[0]);
}

void BatchNormBlock::internals(std::vector<std::pair<std::string, Tensor>>& out) const {
  if (!haveStats_) return;
  out.emplace_back("mean", mean_);
  out.emplace_back("var", var_);
}

BlockInfo batchNormInfo() {
  using K = ParamInfo::Kind;
  BlockInfo info;
  info.type = "BatchNorm";
  info.category = "Regularisation";
  info.formula = "y = γ·(x − μ)/√(σ² + ε) + β";
  info.help = "Normalises each feature (or image channel) to mean 0 and variance 1 over the "
              "batch, then scales and shifts it by learned γ and β. Uses running averages "
              "when evaluating.";
  info.params = {
      {"momentum", K::Float, 0.1, {}, 0, 1, "weight of the newest batch in the running averages"},
      {"eps", K::Float, 1e-5, {}, 1e-12, 1, "ε added to the variance"},
  };
  info.infer = [](const BlockSpec&, const std::vector<Shape>& in) -> Shape {
    if (in[0].size() == 2)
      throw Error("expects features [F] or an image [channels, height, width], got " +
                  toString(in[0]) + " (a sequence) — insert Flatten before it, or put it "
                  "after the recurrent layer");
    if (in[0].size() != 1 && in[0].size() != 3)
      throw Error("expects features [F] or an image [channels, height, width], got " +
                  toString(in[0]));
    return in[0];
  };
  info.paramDecls = [](const BlockSpec&, const std::vector<Shape>& in) {
    const int64_t c = in[0].at(0);
    return std::vector<ParamDecl>{
        {"weight", {c}, "ones", c, c, /*penalised=*/false},
        {"bias", {c}, "zeros", c, c, /*penalised=*/false},
        {"running_mean", {c}, "zeros", c, c, false, /*trainable=*/false},
        {"running_var", {c}, "ones", c, c, false, /*trainable=*/false},
    };
  };
  info.create = [](const BlockArgs& a) { return std::make_unique<BatchNormBlock>(a); };
  return info;
}

}  // namespace gradlab
