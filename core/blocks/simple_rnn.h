#pragma once
// SimpleRNN, PyTorch's nn.RNN (one layer): the plain recurrent network of the lecture,
//   h_t = f(W·[h_{t−1}, x_t] + b) = f(W_hh·h_{t−1} + W_ih·x_t + b_ih + b_hh),   h_0 = 0,
// f = tanh (or relu, as nn.RNN's nonlinearity). Parameters as nn.RNN: weight_ih_l0 [H, I],
// weight_hh_l0 [H, H], bias_ih_l0 [H], bias_hh_l0 [H] (layout and init: blocks/recurrent.h).
//
// Backward through time, with a_t = the pre-activation of step t and δ_t = ∂L/∂a_t:
//   ∂L/∂h_t = (∂L/∂output)_t + δ_{t+1}·W_hh        (the second term only for t < T)
//   δ_t = f′(a_t) ⊙ ∂L/∂h_t
// and the weight gradients Σ_t δ_tᵀ·x_t, Σ_t δ_tᵀ·h_{t−1}, Σ δ_t (blocks/recurrent.h).
// The repeated product by W_hh and f′ ≤ 1 is why its gradients vanish over long lags.
// Internals: "hidden" [B, T, H], every h_t.
#include "blocks/recurrent.h"

namespace gradlab {

class SimpleRnnBlock : public RecurrentBlock {
 public:
  explicit SimpleRnnBlock(const BlockArgs& a);
  void resize(int64_t batch) override;
  void internals(std::vector<std::pair<std::string, Tensor>>& out) const override;

 protected:
  void forwardLane(size_t l) override;
  void backwardLane(size_t l) override;

 private:
  Act f_;
  Sequence pre_;  // [T, B, H]: a_t (δ_t goes into delta_)
};

BlockInfo simpleRnnInfo();

}  // namespace gradlab
