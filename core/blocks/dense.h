#pragma once
// Dense (fully connected) block, PyTorch's Linear followed by an optional activation f:
//   z = x·Wᵀ + b        W: [units, in], b: [units]
//   y = f(z)
// Backward, with δ = ∂L/∂z = f′(z) ⊙ ∂L/∂y:
//   ∂L/∂W = δᵀ·x     ∂L/∂b = Σ_batch δ     ∂L/∂x = δ·W
// On a sequence x [T, in] the same W and b apply to every step (as Linear on the last axis):
// y [T, units], and the batch's B·T steps are the rows of one gemm (sums run over them all).
// Internals: "pre" = z (the pre-activation), when f is not the identity.
#include "blocks/block.h"
#include "blocks/registry.h"

namespace gradlab {

class DenseBlock : public Block {
 public:
  explicit DenseBlock(const BlockArgs& a);
  void forward(std::span<const Tensor> in, Tensor& out, bool training) override;
  void backward(std::span<const Tensor> in, const Tensor& out, const Tensor& dout,
                std::span<Tensor> din) override;
  void resize(int64_t batch) override;
  void internals(std::vector<std::pair<std::string, Tensor>>& out) const override;

 private:
  // x and y as matrices with one row per sample, or per step of a sequence.
  Tensor rowsOf(const Tensor& t) const;

  Act f_;
  bool bias_;
  Tensor z_, dz_;  // pre-activation and its gradient (only when f is not the identity)
};

BlockInfo denseInfo();

}  // namespace gradlab
