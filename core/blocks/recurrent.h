#pragma once
// What the recurrent blocks (SimpleRNN, LSTM, GRU) share: the sequence layout, the passes
// around each block's loop over time, and the schema.
//
// A pass. Forward: one gemm projects every step's input at once,
//   XP = xs·W_ihᵀ + b_ih + b_hh                      ([T·n, G·H] for n samples)
// then the block's loop over t adds h_{t−1}·W_hhᵀ (one gemm per step) and applies the cell
// (backend ops) — forwardLane() in lstm.cpp, gru.cpp, simple_rnn.cpp. Backward runs the loop in
// reverse (backwardLane()), collecting δ_t = ∂L/∂(pre-activations of step t) for every t; the
// weight gradients are then one gemm each over all steps:
//   ∂L/∂W_ih = Σ_t δ_tᵀ·x_t    ∂L/∂W_hh = Σ_t δ_tᵀ·h_{t−1}    ∂L/∂b = Σ_t Σ_batch δ_t
//   ∂L/∂x_t = δ_t·W_ih
//
// Layout. Between blocks a sequence is [B, T, F] (batch, time, features; the Input block's
// "shape" is [T, F]). Samples never meet in a recurrent layer, so the batch is cut into lanes
// of consecutive samples, one per cpu thread (Backend::forRowBlocks; a single lane with one
// thread or on a GPU), and each lane runs a whole pass on its own: one synchronisation per
// pass, not one per step. Inside, a lane of n samples [b0, b1) is stored time-major: row
// t·n + (b − b0) of the lane holds sample b at step t, so step t is a contiguous [n, ·] matrix
// for gemm and the lane's whole sequence a contiguous [T·n, ·] one. Lanes follow each other in
// a Sequence buffer; with one lane it is plain time-major [T, B, ·].
//
// Kept for the backward: xs (the input, [T, B, I] time-major per lane), hs (h_1 … h_T after
// each step; h_0 = 0), and each block's gates and cells, all allocated once per batch size.
// The output is h_T ([B, H]), or every h_t ([B, T, H]) with return_sequences.
//
// Parameters, in PyTorch's names and layouts (nn.RNN / nn.LSTM / nn.GRU, one layer), with G
// gate blocks stacked in rows (G = 1, 4, 3):
//   weight_ih_l0 [G·H, I]   weight_hh_l0 [G·H, H]   bias_ih_l0 [G·H]   bias_hh_l0 [G·H]
// The lecture writes one matrix on the concatenation, W·[h_{t−1}, x_t] + b; that is
// W_hh·h_{t−1} + W_ih·x_t + (b_ih + b_hh): W_hh holds W's h-columns, W_ih its x-columns.
// Initialised as PyTorch does: every parameter ~ U(−1/√H, 1/√H).
#include <string>
#include <vector>

#include "blocks/block.h"
#include "blocks/registry.h"

namespace gradlab {

// A [T, B, width] buffer in the lane layout above, with its views.
struct Sequence {
  int64_t width = 0;
  Tensor all;                             // [T·B, width]
  std::vector<Tensor> lane;               // per lane: [T·n, width]
  std::vector<std::vector<Tensor>> step;  // per lane and step: [n, width]
};

class RecurrentBlock : public Block {
 public:
  // forward: xs ← x and XP (per lane), the block's loop (forwardLane), the output.
  void forward(std::span<const Tensor> in, Tensor& out, bool training) final;
  // backward: dhs ← ∂L/∂out, the block's loop (backwardLane), weight and input gradients.
  void backward(std::span<const Tensor> in, const Tensor& out, const Tensor& dout,
                std::span<Tensor> din) final;
  void resize(int64_t batch) override;

 protected:
  // gates: G, the number of H-wide gate blocks in the weights' rows.
  RecurrentBlock(const BlockArgs& a, int gates);

  // The loop over time for lane l, forward: xp (set by allocate(..., projection=true)) holds
  // each step's input projection; write every h_t into hs_.step[l][t].
  virtual void forwardLane(size_t l) = 0;
  // The loop backward for lane l: dhs_.step[l][t] holds ∂L/∂h_t from the output (and receives
  // what step t+1 sends back to step t); leave δ where weightGradsLane can find it.
  virtual void backwardLane(size_t l) = 0;
  // Lane l's share of the weight gradients, written (beta 0) into g[0] = ∂L/∂W_ih,
  // g[1] = ∂L/∂W_hh, g[2] = ∂L/∂b_ih. Default: from delta_ for blocks whose δ_t multiplies
  // h_{t−1} in every gate block (SimpleRNN, LSTM).
  virtual void weightGradsLane(size_t l, std::span<Tensor> g);
  // Lane l's ∂L/∂xs = δ·W_ih ([T·n, I]). Default: from delta_.
  virtual void inputGradLane(size_t l, Tensor& dxs);

  // Allocates seq as a [T, B, width] Sequence (call from resize()). The projection Sequence
  // receives XP in forward().
  void allocate(Sequence& seq, int64_t width, bool projection = false);
  // Rows [b0, b1) of lane l of a [B, ·] tensor (per-lane scratch, the zero state).
  Tensor laneRows(const Tensor& t, size_t l) const;
  // beta for the gemm that adds step t's ∂L/∂h_{t−1} into dhs[t−1].
  double dhsBeta() const { return returnSequences_ ? 1.0 : 0.0; }
  // A [B, T, H] copy of columns [col, col + H) of a Sequence, for internals(). Allocates:
  // internals are read rarely.
  Tensor batchMajor(const Sequence& seq, int64_t col) const;

  const Tensor& weightIh() const { return params_[0].value; }
  const Tensor& weightHh() const { return params_[1].value; }

  int gateCount_;
  int64_t T_, I_, H_, B_ = 0;
  bool returnSequences_;
  Sequence xs_, hs_, dhs_, dxs_;
  Sequence delta_;  // δ of every step, [T, B, G·H] (SimpleRNN, LSTM)
  Tensor zeros_;    // [B, H] zeros: h_0 and c_0

 private:
  void useLanes(int64_t lanes);  // cuts the batch into `lanes` lanes and rebuilds the views
  void makeViews(Sequence& seq) const;

  std::vector<std::pair<int64_t, int64_t>> lanes_;  // [b0, b1) per lane
  std::vector<Sequence*> sequences_;
  Sequence* projection_ = nullptr;
  Tensor bias_;                                     // b_ih + b_hh
  std::vector<std::vector<Tensor>> partials_;       // lanes after the first: partial gradients
};

// The schema shared by SimpleRNN, LSTM and GRU: units, return_sequences (+ extra), a [T, F]
// input, and the four PyTorch parameters with `gates` gate blocks.
BlockInfo recurrentInfo(const std::string& type, int gates, const std::string& formula,
                        const std::string& help, std::vector<ParamInfo> extra = {});

}  // namespace gradlab
