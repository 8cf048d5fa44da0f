#pragma once
// GRU (Cho et al. 2014), as in the lecture, on the concatenation [h_{t−1}, x_t]:
//   z_t = σ(W_z·[h_{t−1}, x_t] + b_z)              update gate
//   r_t = σ(W_r·[h_{t−1}, x_t] + b_r)              reset gate
//   g_t = tanh(W_g·[r_t ⊙ h_{t−1}, x_t] + b_g)     candidate
//   h_t = z_t ⊙ h_{t−1} + (1 − z_t) ⊙ g_t          hidden state (the output),  h_0 = 0
//
// Parameters, named and shaped as PyTorch's nn.GRU, gate blocks in its order r, z, g (PyTorch
// calls g "n"): weight_ih_l0 [3H, I] = [W_ir; W_iz; W_ig] (the x-columns of W_r, W_z, W_g),
// weight_hh_l0 [3H, H] = [W_hr; W_hz; W_hg] (the h-columns), bias_ih_l0 [3H], bias_hh_l0 [3H];
// b_k = b_ik + b_hk.
//
// Difference from nn.GRU: PyTorch (like cuDNN) applies the reset gate AFTER the matrix,
//   n_t = tanh(W_in·x_t + b_in + r_t ⊙ (W_hn·h_{t−1} + b_hn)),
// where the lecture (and Cho et al.) apply it before: W_hg·(r_t ⊙ h_{t−1}) + b_hg. So a file
// of these weights loads into nn.GRU (same names and shapes) but computes a slightly
// different function; z_t, r_t and h_t's update rule are the same in both.
//
// Per step: hh = h_{t−1}·[W_hr; W_hz]ᵀ (gemm), [r z] and r⊙h_{t−1} (Backend::gruGatesForward),
// hg = (r⊙h_{t−1})·W_hgᵀ (gemm), g and h_t (Backend::gruCandidateForward). The input part of
// every step's pre-activations comes from one gemm up front.
//
// Backward through time, with δ_k = ∂L/∂a_k for the pre-activation a_k of gate k:
//   ∂L/∂h_t = (∂L/∂out)_t + (what step t+1 sends back, below)
//   δ_z = ∂L/∂h_t ⊙ (h_{t−1} − g_t) ⊙ z(1 − z)       δ_g = ∂L/∂h_t ⊙ (1 − z) ⊙ (1 − g²)
//   ∂L/∂(r⊙h_{t−1}) = δ_g·W_hg                        δ_r = that ⊙ h_{t−1} ⊙ r(1 − r)
//   ∂L/∂h_{t−1} = ∂L/∂h_t ⊙ z + (δ_g·W_hg) ⊙ r + [δ_r δ_z]·[W_hr; W_hz]
//   ∂L/∂W_ih = Σ_t δ_tᵀ·x_t,   ∂L/∂[W_hr; W_hz] = Σ_t [δ_r δ_z]ᵀ·h_{t−1},
//   ∂L/∂W_hg = Σ_t δ_gᵀ·(r_t ⊙ h_{t−1}),   ∂L/∂b_ih = ∂L/∂b_hh = Σ δ
// Internals, each [B, T, H]: gates.z, gates.r, gates.g, hidden.
#include "blocks/recurrent.h"

namespace gradlab {

class GruBlock : public RecurrentBlock {
 public:
  explicit GruBlock(const BlockArgs& a);
  void resize(int64_t batch) override;
  void internals(std::vector<std::pair<std::string, Tensor>>& out) const override;

 protected:
  void forwardLane(size_t l) override;
  void backwardLane(size_t l) override;
  void weightGradsLane(size_t l, std::span<Tensor> g) override;
  void inputGradLane(size_t l, Tensor& dxs) override;

 private:
  // Per step ([T, B, ·]): xp = x_t's part of [a_r a_z a_g] (3H), rz = [r z] (2H), g,
  // rh = r⊙h_{t−1}; their gradients drz = [δ_r δ_z], dg = δ_g.
  Sequence xp_, rz_, g_, rh_, drz_, dg_;
  // Scratch [B, ·]: hh = h_{t−1}·[W_hr; W_hz]ᵀ, hg = rh·W_hgᵀ, drh = ∂L/∂rh, dh0 (∂L/∂h_0, unused).
  Tensor hh_, hg_, drh_, dh0_;
};

BlockInfo gruInfo();

}  // namespace gradlab
