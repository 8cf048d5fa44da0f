#pragma once
// MaxPool2D and AvgPool2D blocks (PyTorch's MaxPool2d, AvgPool2d; no padding, floor mode).
// A size×size window moves over each channel in steps of `stride` (default: size):
//   max      y[n,c,i,j] = max_{p,q} x[n, c, i·s + p, j·s + q]
//            ∂L/∂x: each ∂L/∂y[n,c,i,j] flows to its window's (first) maximum
//   average  y[n,c,i,j] = (1/size²) Σ_{p,q} x[n, c, i·s + p, j·s + q]
//            ∂L/∂x: each ∂L/∂y[n,c,i,j] / size² flows to every element of its window
// Output size per side: ⌊(in − size) / s⌋ + 1 (backend/conv_geometry.h). No parameters.
#include "backend/conv_geometry.h"
#include "blocks/block.h"
#include "blocks/registry.h"

namespace gradlab {

class Pool2DBlock : public Block {
 public:
  Pool2DBlock(const BlockArgs& a, PoolMode mode);
  void forward(std::span<const Tensor> in, Tensor& out, bool training) override;
  void backward(std::span<const Tensor> in, const Tensor& out, const Tensor& dout,
                std::span<Tensor> din) override;

 private:
  PoolMode mode_;
  Pool2dGeometry g_;
};

// The geometry of a pooling spec on an input [channels, height, width]; throws Error with a
// message for the user when the window does not fit.
Pool2dGeometry pool2dGeometryOf(const BlockSpec& spec, const Shape& in);

BlockInfo maxPool2dInfo();
BlockInfo avgPool2dInfo();

}  // namespace gradlab
