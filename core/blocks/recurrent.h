#pragma once
// What the recurrent blocks (SimpleRNN, LSTM, GRU) share: the sequence layout, the output
// (last step or every step), the common part of the backward, and the schema.
//
// Layout. Between blocks a sequence is [B, T, F] (batch, time, features; the Input block's
// "shape" is [T, F]). Inside, a recurrent block works time-major, [T, B, ·]: step t is a
// contiguous [B, ·] matrix, so each step's gemm runs on a plain view (no copies). It keeps
//   xs [T, B, I]        the input x, time-major (for ∂L/∂W_ih)
//   hs [T, B, H]        h_1 … h_T, the hidden state after each step (h_0 = 0; in the code,
//                       hs[t] is the state after step t, counted from 0)
//   + its own per-step buffers (gates, cell), all allocated once per batch size in resize().
// The output is h_T ([B, H]), or every h_t ([B, T, H]) with return_sequences.
//
// Parameters, in PyTorch's names and layouts (nn.RNN / nn.LSTM / nn.GRU, one layer), with G
// gate blocks stacked in rows (G = 1, 4, 3):
//   weight_ih_l0 [G·H, I]   weight_hh_l0 [G·H, H]   bias_ih_l0 [G·H]   bias_hh_l0 [G·H]
// The lecture writes one matrix on the concatenation, W·[h_{t−1}, x_t] + b; that is
// W_hh·h_{t−1} + W_ih·x_t + (b_ih + b_hh): W_hh holds W's h-columns, W_ih its x-columns.
// Initialised as PyTorch does: every parameter ~ U(−1/√H, 1/√H).
//
// Forward, per block: one gemm projects every step's input at once,
//   XP = xs·W_ihᵀ + b_ih + b_hh        ([T·B, G·H])
// then a loop over t adds h_{t−1}·W_hhᵀ (one gemm per step) and applies the cell (backend
// ops). Backward runs the loop in reverse, collecting δ_t = ∂L/∂(pre-activations of step t)
// for every t; the weight gradients are then one gemm each over all steps:
//   ∂L/∂W_ih = Σ_t δ_tᵀ·x_t    ∂L/∂W_hh = Σ_t δ_tᵀ·h_{t−1}    ∂L/∂b = Σ_t Σ_batch δ_t
//   ∂L/∂x_t = δ_t·W_ih
#include <string>
#include <vector>

#include "blocks/block.h"
#include "blocks/registry.h"

namespace gradlab {

class RecurrentBlock : public Block {
 public:
  void resize(int64_t batch) override;

 protected:
  // gates: G, the number of H-wide gate blocks in the weights' rows.
  RecurrentBlock(const BlockArgs& a, int gates);

  // Per-step views [B, width] of a time-major [T, B, width] buffer.
  std::vector<Tensor> steps(const Tensor& timeMajor) const;

  // xs = x time-major;  xp = xs·W_ihᵀ + b_ih + b_hh.
  void project(const Tensor& x, Tensor& xp);
  // out = h_T, or every h_t as [B, T, H] with return_sequences.
  void writeOutput(Tensor& out);
  // dhs = ∂L/∂h_t from dout: every step with return_sequences, else only the last step (the
  // earlier steps are then first written by the step after them, with beta 0).
  void readOutputGrad(const Tensor& dout);
  // beta for the gemm that adds step t's ∂L/∂h_{t−1} into dhs[t−1].
  double dhsBeta() const { return returnSequences_ ? 1.0 : 0.0; }
  // Weight, bias and input gradients from δ [T, B, G·H] (the pre-activation gradients of every
  // step), for blocks whose δ_t multiplies h_{t−1} in every gate block (SimpleRNN, LSTM).
  void backwardWeights(const Tensor& delta, std::span<Tensor> din);
  // dx += dxs (time-major) as [B, T, I].
  void addInputGrad(std::span<Tensor> din);

  // A [B, T, H] copy of columns [col, col + H) of a time-major [T, B, width] buffer, for
  // internals(). Allocates: internals are read rarely.
  Tensor batchMajor(const Tensor& timeMajor, int64_t width, int64_t col) const;

  const Tensor& weightIh() const { return params_[0].value; }
  const Tensor& weightHh() const { return params_[1].value; }

  int gateCount_;
  int64_t T_, I_, H_, B_ = 0;
  bool returnSequences_;
  Tensor xs_, hs_, dhs_, dxs_, bias_, zeros_;  // zeros_: [B, H] zeros (h and c before step 0)
  std::vector<Tensor> hStep_, dhStep_;
};

// The schema shared by SimpleRNN, LSTM and GRU: units, return_sequences (+ extra), a [T, F]
// input, and the four PyTorch parameters with `gates` gate blocks.
BlockInfo recurrentInfo(const std::string& type, int gates, const std::string& formula,
                        const std::string& help, std::vector<ParamInfo> extra = {});

}  // namespace gradlab
