#pragma once
// Conv1D block, PyTorch's Conv1d followed by an optional activation f, on sequences.
// A sequence is [T, F] between blocks (time first, as the recurrent blocks read it); its F
// features are the convolution's input channels. With x [B, T, F] and o a filter:
//   z[n,t,o] = b[o] + Σ_{c,p} W[o,c,p] · x[n, t·s − pad + p, c]     (p < k, c < F)
//   y = f(z)                                                        y [B, T', filters]
//   W: [filters, F, k], b: [filters]  (nn.Conv1d's names and layout)
//   T' = ⌊(T + 2·pad − k) / s⌋ + 1
// Backward, with δ = ∂L/∂z = f′(z) ⊙ ∂L/∂y:
//   ∂L/∂W[o,c,p] = Σ_{n,t} δ[n,t,o] · x[n, t·s − pad + p, c]
//   ∂L/∂b[o]     = Σ_{n,t} δ[n,t,o]
//   ∂L/∂x        = the transposed convolution of δ with W
// Example: 64 raw samples [64, 1] through 8 filters of 9 taps, padding "same" → [64, 8]: eight
// feature maps over time, each high where its filter's shape matches the signal.
//
// How it runs: nn.Conv1d's layout is [B, F, T] (channels first); the block transposes x into a
// one-row image [B, F, 1, T] and runs the 2-D convolution ops with a 1×k kernel (W read as
// [filters, F, 1, k]), then transposes the result back to [B, T', filters]. Every backend that
// has conv2d and transpose01 runs it (cpu, cuda). One feature needs no transpose: [B, T, 1] and
// [B, 1, T] are the same numbers.
// Padding: "valid" (0), "same" ((k − 1)/2, odd k only) or a number of zero steps on each side.
// Internals: "pre" = z [T', filters] (the pre-activation), when f is not the identity.
#include "backend/conv_geometry.h"
#include "blocks/block.h"
#include "blocks/registry.h"

namespace gradlab {

class Conv1DBlock : public Block {
 public:
  explicit Conv1DBlock(const BlockArgs& a);
  void forward(std::span<const Tensor> in, Tensor& out, bool training) override;
  void backward(std::span<const Tensor> in, const Tensor& out, const Tensor& dout,
                std::span<Tensor> din) override;
  void resize(int64_t batch) override;
  void internals(std::vector<std::pair<std::string, Tensor>>& out) const override;

 private:
  Conv2dGeometry g_;  // the 1-D convolution as a 2-D one on [B, F, 1, T]
  Act f_;
  bool bias_;
  Tensor xt_;       // x as [B, F, T] (F > 1)
  Tensor zt_;       // W ∗ x + b as [B, filters, T'] (forward), δ as [B, filters, T'] (backward)
  Tensor dxt_;      // ∂L/∂x as [B, F, T] (F > 1)
  Tensor scratch_;  // the middle of a transpose, [max(F·T, filters·T')·B]
  Tensor z_, dz_;   // pre-activation [B, T', filters] and its gradient (f not the identity)
};

// The geometry of a Conv1D spec on an input [T, F], as a 2-D convolution of a one-row image
// [F, 1, T]; throws Error with a message for the user when the parameters do not fit the input.
Conv2dGeometry conv1dGeometryOf(const BlockSpec& spec, const Shape& in);

BlockInfo conv1dInfo();

// "expects a sequence [time steps, features], got 784 — …": the message of Conv1D and
// MaxPool1D given something that is not a sequence; `type` names the block type.
void requireSequence(const std::string& type, const Shape& in);

}  // namespace gradlab
