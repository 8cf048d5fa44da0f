#pragma once
// Attention block: scaled dot-product attention (Vaswani et al. 2017, one head).
// Queries come from input 0, keys and values from input 1 (cross-attention: a decoder looking
// back at an encoder's steps), or all three from the one input (self-attention).
//
//   X_q [T_q, D_q] (input 0),  X_kv [T_k, D_k] (input 1, or input 0 when there is one)
//   With learned projections (units d > 0; PyTorch's MultiheadAttention names, no biases):
//     Q = X_q·W_qᵀ  [T_q, d]     K = X_kv·W_kᵀ  [T_k, d]     V = X_kv·W_vᵀ  [T_k, d]
//     W_q: q_proj_weight [d, D_q],  W_k: k_proj_weight [d, D_k],  W_v: v_proj_weight [d, D_k]
//   Without (units 0): Q = X_q, K = V = X_kv (then D_q must equal D_k; d = D_k).
//     S = Q·Kᵀ / √d        [T_q, T_k]   how well query t matches key s
//     A = softmax(S)       per row: the attention weights of query t sum to 1
//     Y = A·V              [T_q, d]     query t's output: the values weighted by A[t, :]
// Backward, per sample, with G = ∂L/∂Y:
//   ∂L/∂A = G·Vᵀ     ∂L/∂V = Aᵀ·G     ∂L/∂S = A ⊙ (∂L/∂A − rowsum(∂L/∂A ⊙ A))   (softmax)
//   ∂L/∂Q = ∂L/∂S·K / √d              ∂L/∂K = ∂L/∂Sᵀ·Q / √d
//   projections: ∂L/∂W_q = ∂L/∂Qᵀ·X_q, ∂L/∂X_q += ∂L/∂Q·W_q (and the same for K and V on X_kv).
// Internals: "weights" = A [B, T_q, T_k], the attention weights (the heatmap view's picture).
//
// Built from gemm and softmax only (one gemm per sample for S and for Y), so it runs on every
// backend that has those.
#include "blocks/block.h"
#include "blocks/registry.h"

namespace gradlab {

class AttentionBlock : public Block {
 public:
  explicit AttentionBlock(const BlockArgs& a);
  void forward(std::span<const Tensor> in, Tensor& out, bool training) override;
  void backward(std::span<const Tensor> in, const Tensor& out, const Tensor& dout,
                std::span<Tensor> din) override;
  void resize(int64_t batch) override;
  void internals(std::vector<std::pair<std::string, Tensor>>& out) const override;

 private:
  const Tensor& kvInput(std::span<const Tensor> in) const { return in[in.size() > 1 ? 1 : 0]; }

  int64_t units_;        // d of the projections; 0 = none
  int64_t tq_, tk_, d_;  // query steps, key steps, width of queries and keys
  Tensor q_, k_, v_;     // [B·T_q, d], [B·T_k, d], [B·T_k, d] (projections only)
  Tensor dq_, dk_, dv_;  // their gradients (projections only)
  Tensor s_, a_;         // scores and weights [B·T_q, T_k]
  Tensor da_, ds_;       // their gradients
};

BlockInfo attentionInfo();

}  // namespace gradlab
