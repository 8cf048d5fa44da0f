#pragma once
// ConvTranspose2D block, PyTorch's ConvTranspose2d followed by an optional activation f: the
// convolution run backwards, so that a decoder grows an image where a Conv2D shrinks it. Each
// input pixel stamps the kernel, scaled by its value, onto the output, the stamps s pixels
// apart and overlapping pixels summed; then `padding` rows/columns are cut from every side.
//   z[n,o,h,v] = b[o] + Σ_{c,i,j,p,q : i·s − pad + p = h, j·s − pad + q = v} W[c,o,p,q] · x[n,c,i,j]
//   y = f(z)
//   W: [channels, filters, k, k] (in, out: PyTorch's ConvTranspose2d layout), b: [filters]
//   output size: (in − 1)·s − 2·pad + k + output_padding
// It is exactly the input gradient of a Conv2D (stride s, padding pad, weights W) that maps
// the output back to the input, so it runs on the convolution ops (backend.h):
//   forward    z = conv2dBackwardData(W, x)
//   backward   δ = f′(z) ⊙ ∂L/∂y
//              ∂L/∂x = conv2dForward(δ, W)             (the convolution it transposes)
//              ∂L/∂W = conv2dBackwardFilter(δ, x)       (δ plays the convolution's input)
//              ∂L/∂b[o] = Σ_{n,h,v} δ[n,o,h,v]
// output_padding (< stride) adds rows/columns at the bottom and right, so that a stride-2
// decoder can return to an odd size (7 → 14 → 28, or 4 → 7 with output_padding 0 and kernel 3).
// Internals: "pre" = z (the pre-activation), when f is not the identity.
#include "backend/conv_geometry.h"
#include "blocks/block.h"
#include "blocks/registry.h"

namespace gradlab {

class ConvTranspose2DBlock : public Block {
 public:
  explicit ConvTranspose2DBlock(const BlockArgs& a);
  void forward(std::span<const Tensor> in, Tensor& out, bool training) override;
  void backward(std::span<const Tensor> in, const Tensor& out, const Tensor& dout,
                std::span<Tensor> din) override;
  void resize(int64_t batch) override;
  void internals(std::vector<std::pair<std::string, Tensor>>& out) const override;

 private:
  Conv2dGeometry g_;  // the convolution it transposes: output [filters, H', W'] → input
  Act f_;
  bool bias_;
  Tensor z_, dz_;  // pre-activation and its gradient (only when f is not the identity)
  Tensor dx_;      // scratch for ∂L/∂x before it is added into din
};

// The convolution that a ConvTranspose2D spec on an input [channels, height, width] transposes
// (its input is the block's output); throws Error with a message for the user when the
// parameters do not fit.
Conv2dGeometry convTranspose2dGeometryOf(const BlockSpec& spec, const Shape& in);

BlockInfo convTranspose2dInfo();

}  // namespace gradlab
