#pragma once
// LSTM (Hochreiter & Schmidhuber 1997, with the forget gate of Gers et al. 2000), as in the
// lecture, on the concatenation [h_{t−1}, x_t]:
//   g_t = tanh(W_g·[h_{t−1}, x_t] + b_g)          candidate
//   i_t = σ(W_i·[h_{t−1}, x_t] + b_i)             input gate
//   f_t = σ(W_f·[h_{t−1}, x_t] + b_f)             forget gate
//   c_t = f_t ⊙ c_{t−1} + i_t ⊙ g_t               cell
//   o_t = σ(W_o·[h_{t−1}, x_t] + b_o)             output gate
//   h_t = o_t ⊙ tanh(c_t)                         hidden state (the output)
// with h_0 = c_0 = 0. These are PyTorch's nn.LSTM equations: W_k·[h, x] + b_k =
// W_hk·h + W_ik·x + b_ik + b_hk. Parameters as nn.LSTM, gate blocks stacked in the order
// i, f, g, o: weight_ih_l0 [4H, I] = [W_ii; W_if; W_ig; W_io], weight_hh_l0 [4H, H],
// bias_ih_l0 [4H], bias_hh_l0 [4H]; a file loads into nn.LSTM(I, H, batch_first=True).
//
// Per step the four gates' pre-activations a_t = [a_i a_f a_g a_o] are ONE [n, 4H] matrix:
// the input part of every step comes from one gemm up front, the h_{t−1}·W_hhᵀ part from one
// gemm per step, and Backend::lstmCellForward applies σ/tanh and the cell update.
//
// Backward through time, with δ_t = ∂L/∂a_t and dc the gradient flowing along the cell:
//   ∂L/∂h_t = (∂L/∂out)_t + δ_{t+1}·W_hh
//   dc_t   += ∂L/∂h_t ⊙ o_t ⊙ (1 − tanh² c_t)        (dc_T starts at 0)
//   δ_i = dc_t ⊙ g_t ⊙ i_t(1 − i_t)      δ_f = dc_t ⊙ c_{t−1} ⊙ f_t(1 − f_t)
//   δ_g = dc_t ⊙ i_t ⊙ (1 − g_t²)        δ_o = ∂L/∂h_t ⊙ tanh(c_t) ⊙ o_t(1 − o_t)
//   dc_{t−1} = dc_t ⊙ f_t               (the cell path: an open forget gate keeps the gradient)
// and the weight gradients Σ_t δ_tᵀ·x_t, Σ_t δ_tᵀ·h_{t−1}, Σ δ_t (blocks/recurrent.h).
// Internals, each [B, T, H]: gates.i, gates.f, gates.g, gates.o, cell (c_t), hidden (h_t).
// forget_bias b (default 0): b_if += b at initialisation (bias_ih_l0 rows H to 2H), so the
// forget gate starts at σ(b + …) — 1 as Jozefowicz, Zaremba & Sutskever (2015) recommend; the
// bias is trained as usual afterwards.
#include "blocks/recurrent.h"

namespace gradlab {

class LstmBlock : public RecurrentBlock {
 public:
  explicit LstmBlock(const BlockArgs& a);
  void resize(int64_t batch) override;
  void internals(std::vector<std::pair<std::string, Tensor>>& out) const override;

 protected:
  void forwardLane(size_t l) override;
  void backwardLane(size_t l) override;

 private:
  Sequence gates_;  // [T, B, 4H]: a_t = x_t's projection, then h_{t−1}'s part added; then i f g o
  Sequence cells_;  // [T, B, H]: c_t
  Tensor dc_;       // [B, H]: ∂L/∂c_t flowing back along the cell
};

BlockInfo lstmInfo();

}  // namespace gradlab
