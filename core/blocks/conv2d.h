#pragma once
// Conv2D block, PyTorch's Conv2d followed by an optional activation f. Images are NCHW.
//   z[n,o,i,j] = b[o] + Σ_{c,p,q} W[o,c,p,q] · x[n, c, i·s − pad + p, j·s − pad + q]
//   y = f(z)
//   W: [filters, channels, k, k], b: [filters]  (PyTorch's names and layout)
// Backward, with δ = ∂L/∂z = f′(z) ⊙ ∂L/∂y:
//   ∂L/∂W[o,c,p,q] = Σ_{n,i,j} δ[n,o,i,j] · x[n, c, i·s − pad + p, j·s − pad + q]
//   ∂L/∂b[o]       = Σ_{n,i,j} δ[n,o,i,j]
//   ∂L/∂x          = the transposed convolution of δ with W
// Padding: "valid" (0), "same" ((k − 1)/2, odd k only; output ⌈in / s⌉) or a number of zero
// rows/columns on every side. Output size: backend/conv_geometry.h.
// Internals: "pre" = z (the pre-activation), when f is not the identity.
#include "backend/conv_geometry.h"
#include "blocks/block.h"
#include "blocks/registry.h"

namespace gradlab {

class Conv2DBlock : public Block {
 public:
  explicit Conv2DBlock(const BlockArgs& a);
  void forward(std::span<const Tensor> in, Tensor& out, bool training) override;
  void backward(std::span<const Tensor> in, const Tensor& out, const Tensor& dout,
                std::span<Tensor> din) override;
  void resize(int64_t batch) override;
  void internals(std::vector<std::pair<std::string, Tensor>>& out) const override;

  const Conv2dGeometry& geometry() const { return g_; }

 private:
  Conv2dGeometry g_;
  Act f_;
  bool bias_;
  Tensor z_, dz_;  // pre-activation and its gradient (only when f is not the identity)
};

// The geometry of a Conv2D spec on an input [channels, height, width]; throws Error with a
// message for the user when the parameters do not fit the input.
Conv2dGeometry conv2dGeometryOf(const BlockSpec& spec, const Shape& in);

BlockInfo conv2dInfo();

// "expects an image [channels, height, width], got 784 — insert Reshape [1, 28, 28]": the
// message of every image block (Conv2D, pooling) given something that is not an image.
void requireImage(const Shape& in);

}  // namespace gradlab
