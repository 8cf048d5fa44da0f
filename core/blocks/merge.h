#pragma once
// Merge blocks.
// Add:    y = x₁ + x₂ + … (inputs of one shape)          ∂L/∂xᵢ = ∂L/∂y
// Concat: y = [x₁, x₂, …] along the feature axis — the last axis for flat and sequence
//         inputs, the channel axis for images [C, H, W]  ∂L/∂xᵢ = the matching slice of ∂L/∂y
#include "blocks/block.h"
#include "blocks/registry.h"

namespace gradlab {

class AddBlock : public Block {
 public:
  using Block::Block;
  void forward(std::span<const Tensor> in, Tensor& out, bool training) override;
  void backward(std::span<const Tensor> in, const Tensor& out, const Tensor& dout,
                std::span<Tensor> din) override;
};

// The axis Concat joins along, for inputs of this rank (without batch): 0 for [F] and [C,H,W],
// 1 for [T, F].
int concatAxis(size_t rank);

class ConcatBlock : public Block {
 public:
  using Block::Block;
  void forward(std::span<const Tensor> in, Tensor& out, bool training) override;
  void backward(std::span<const Tensor> in, const Tensor& out, const Tensor& dout,
                std::span<Tensor> din) override;

 private:
  // Each input as rows × cols(i) blocks of the output's rows × total columns.
  int64_t rows(int64_t batch) const;
  int64_t cols(size_t i) const;
};

BlockInfo addInfo();
BlockInfo concatInfo();

}  // namespace gradlab
