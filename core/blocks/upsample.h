#pragma once
// Upsample2D block, PyTorch's nn.Upsample(scale_factor=f, mode="nearest") for an integer f:
// every pixel becomes an f×f square of copies. No parameters. Images are NCHW.
//   y[n, c, i, j] = x[n, c, ⌊i / f⌋, ⌊j / f⌋]               [C, H, W] → [C, H·f, W·f]
// Backward: each input pixel fed f·f outputs, so its gradient is their sum:
//   ∂L/∂x[n, c, h, v] = Σ_{p,q < f} ∂L/∂y[n, c, h·f + p, v·f + q]
// Built from convolution ops, so every backend that convolves runs it: with every channel of
// every sample as a one-channel image and K = an f×f kernel of ones, the forward pass is the
// transposed convolution of x with K at stride f (conv2dBackwardData) and the backward pass the
// convolution of ∂L/∂y with K at stride f (conv2dForward).
#include "blocks/block.h"
#include "blocks/registry.h"

namespace gradlab {

class Upsample2DBlock : public Block {
 public:
  explicit Upsample2DBlock(const BlockArgs& a);
  void forward(std::span<const Tensor> in, Tensor& out, bool training) override;
  void backward(std::span<const Tensor> in, const Tensor& out, const Tensor& dout,
                std::span<Tensor> din) override;
  void resize(int64_t batch) override;

 private:
  int64_t factor_;
  Conv2dGeometry g_;  // one channel of one sample: [1, H·f, W·f] ∗ K (f×f, stride f) → [1, H, W]
  Tensor ones_;       // K: [1, 1, f, f] of ones
  Tensor dx_;         // scratch for ∂L/∂x before it is added into din
};

BlockInfo upsample2dInfo();

}  // namespace gradlab
