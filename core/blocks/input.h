#pragma once
// Input block: where the dataset's samples enter. `shape` is one sample's shape, without the
// batch: [features], [channels, height, width] or [time, features]. It has no parameters; the
// network copies the batch into its output.
#include "blocks/block.h"
#include "blocks/registry.h"

namespace gradlab {

class InputBlock : public Block {
 public:
  using Block::Block;
  void forward(std::span<const Tensor> in, Tensor& out, bool) override { be_.copy(in[0], out); }
  void backward(std::span<const Tensor>, const Tensor&, const Tensor&, std::span<Tensor>) override {}
};

BlockInfo inputInfo();

}  // namespace gradlab
