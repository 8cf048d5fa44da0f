#pragma once
// PositionEncoding block: adds to each step of a sequence a vector that says which step it is,
// so that blocks which see all steps at once (Attention) can tell them apart.
//   x [T, F]  →  y [T, F],   y[t, :] = x[t, :] + P[t, :]
//   learned     P is a parameter, "weight" [T, F] (a learned position embedding)
//   sinusoidal  P is fixed (Vaswani et al. 2017), with ωᵢ = 10000^(−2i/F):
//                 P[t, 2i] = sin(ωᵢ·t)     P[t, 2i+1] = cos(ωᵢ·t)
// Backward: ∂L/∂x = ∂L/∂y;  learned: ∂L/∂P = Σ_batch ∂L/∂y
#include "blocks/block.h"
#include "blocks/registry.h"

namespace gradlab {

class PositionEncodingBlock : public Block {
 public:
  explicit PositionEncodingBlock(const BlockArgs& a);
  void forward(std::span<const Tensor> in, Tensor& out, bool training) override;
  void backward(std::span<const Tensor> in, const Tensor& out, const Tensor& dout,
                std::span<Tensor> din) override;
  void internals(std::vector<std::pair<std::string, Tensor>>& out) const override;

 private:
  const Tensor& table() const { return learned_ ? params_[0].value : sinusoid_; }

  bool learned_;
  Tensor sinusoid_;  // P [T, F] of the sinusoidal encoding
};

// P of the sinusoidal encoding, row-major [T, F].
std::vector<double> sinusoidalPositions(int64_t steps, int64_t features);

BlockInfo positionEncodingInfo();

}  // namespace gradlab
