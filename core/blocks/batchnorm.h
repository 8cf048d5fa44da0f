#pragma once
// BatchNorm block, PyTorch's BatchNorm1d on [features] and BatchNorm2d on [channels, height,
// width] (statistics per channel, over the batch and every pixel). Per channel, over its m
// values in the batch:
//   training    μ = mean(x)   σ² = mean((x − μ)²)   x̂ = (x − μ) / √(σ² + ε)   y = γ·x̂ + β
//               running_mean ← (1 − momentum)·running_mean + momentum·μ
//               running_var  ← (1 − momentum)·running_var + momentum·σ²·m/(m − 1)
//   evaluation  y = γ·(x − running_mean) / √(running_var + ε) + β
// Backward (training), sums over the channel's m values, g = ∂L/∂y:
//   ∂L/∂γ = Σ g·x̂    ∂L/∂β = Σ g    ∂L/∂x = γ / (m·√(σ² + ε)) · (m·g − Σ g − x̂·Σ g·x̂)
// Backward (evaluation: the running statistics are constants; saliency, attacks, feature
// visualisation), x̂ = (x − running_mean) / √(running_var + ε):
//   ∂L/∂γ = Σ g·x̂    ∂L/∂β = Σ g    ∂L/∂x = g·γ / √(running_var + ε)
// Parameters (PyTorch's names): weight γ (ones), bias β (zeros), running_mean (zeros) and
// running_var (ones); the running statistics are updated by forward passes, not trained.
// momentum 0.1 and ε = 1e-5 by default, as PyTorch.
// Internals: "mean" μ and "var" σ² (biased, as used to normalise) of the last training batch.
#include "blocks/block.h"
#include "blocks/registry.h"

namespace gradlab {

class BatchNormBlock : public Block {
 public:
  explicit BatchNormBlock(const BlockArgs& a);
  void forward(std::span<const Tensor> in, Tensor& out, bool training) override;
  void backward(std::span<const Tensor> in, const Tensor& out, const Tensor& dout,
                std::span<Tensor> din) override;
  void internals(std::vector<std::pair<std::string, Tensor>>& out) const override;

 private:
  double momentum_, eps_;
  int64_t channels_;
  bool lastTraining_ = false;
  bool haveStats_ = false;
  Tensor mean_, var_;  // [C]: μ and σ² of the last training batch
  Tensor zeros_;       // [C] zeros, and ∂L/∂x's scratch, for the evaluation backward
  Tensor evalDx_;
};

BlockInfo batchNormInfo();

}  // namespace gradlab
