#pragma once
// Flatten and Reshape: the same numbers under another shape (no parameters, nothing learned).
//   Flatten  [channels, height, width] (or any shape) → [channels·height·width], in NCHW order
//            (PyTorch's nn.Flatten: y[n, (c·H + h)·W + w] = x[n, c, h, w])
//   Reshape  any shape → the given "shape" with the same number of values, e.g. 784 → [1, 28, 28]
//   y = x (re-shaped)        ∂L/∂x += ∂L/∂y (re-shaped back)
#include "blocks/block.h"
#include "blocks/registry.h"

namespace gradlab {

class ReshapeBlock : public Block {
 public:
  using Block::Block;
  void forward(std::span<const Tensor> in, Tensor& out, bool training) override;
  void backward(std::span<const Tensor> in, const Tensor& out, const Tensor& dout,
                std::span<Tensor> din) override;
};

BlockInfo flattenInfo();
BlockInfo reshapeInfo();

}  // namespace gradlab
