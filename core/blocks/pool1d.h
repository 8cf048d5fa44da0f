#pragma once
// MaxPool1D block (PyTorch's MaxPool1d on the features as channels; no padding, floor mode):
// a window of `size` time steps moves along each feature of a sequence [T, F] in steps of
// `stride` (default: size):
//   y[n,t,c] = max_{p < size} x[n, t·s + p, c]                      y [B, T', F]
//   ∂L/∂x: each ∂L/∂y[n,t,c] flows to its window's (first) maximum
//   T' = ⌊(T − size) / s⌋ + 1
// Example: a Conv1D's 8 feature maps over 64 steps [64, 8], size 4 → [16, 8]: the strongest
// response in every 4 steps, a sequence 4 times shorter for the LSTM after it.
//
// How it runs: x [B, T, F] is already an image [B, 1, T, F] of one channel, and the window a
// size×1 one moving down its rows, so the 2-D pooling ops run it without moving any data. No
// parameters.
#include "backend/conv_geometry.h"
#include "blocks/block.h"
#include "blocks/registry.h"

namespace gradlab {

class MaxPool1DBlock : public Block {
 public:
  explicit MaxPool1DBlock(const BlockArgs& a);
  void forward(std::span<const Tensor> in, Tensor& out, bool training) override;
  void backward(std::span<const Tensor> in, const Tensor& out, const Tensor& dout,
                std::span<Tensor> din) override;

 private:
  Pool2dGeometry g_;  // the window as size×1 on the image [1, T, F]
};

// The geometry of a MaxPool1D spec on a sequence [T, F]; throws Error with a message for the
// user when the window does not fit.
Pool2dGeometry pool1dGeometryOf(const BlockSpec& spec, const Shape& in);

BlockInfo maxPool1dInfo();

}  // namespace gradlab
