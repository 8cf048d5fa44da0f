#pragma once
// RepeatVector block (Keras' RepeatVector): the same vector at every step of a sequence, e.g.
// an encoder's last state handed to every step of a decoder.
//   x [F]  →  y [T, F],   y[t, :] = x   for t = 0 … T−1
// T is the `times` parameter, or, with a second input (any sequence [T, …]), that input's
// number of steps — so a network follows the length of its data. The second input gives only
// its length: it gets no gradient.
// Backward: ∂L/∂x = Σ_t ∂L/∂y[t, :]
#include "blocks/block.h"
#include "blocks/registry.h"

namespace gradlab {

class RepeatVectorBlock : public Block {
 public:
  using Block::Block;
  void forward(std::span<const Tensor> in, Tensor& out, bool training) override;
  void backward(std::span<const Tensor> in, const Tensor& out, const Tensor& dout,
                std::span<Tensor> din) override;
};

BlockInfo repeatVectorInfo();

}  // namespace gradlab
