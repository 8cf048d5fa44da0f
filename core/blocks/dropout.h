#pragma once
// Dropout block (inverted dropout, PyTorch's nn.Dropout). In training each value is kept with
// probability 1 − rate and scaled up, so that the expected output is the input:
//   mask[i] ~ Bernoulli(1 − rate)        y = x ⊙ mask / (1 − rate)
//   ∂L/∂x = ∂L/∂y ⊙ mask / (1 − rate)
// In evaluation y = x. A new mask is drawn at every training forward pass, from the block's
// seed and a pass counter (backend/dropout_rng.h), so the same seed gives the same run.
// Internals: "mask" (1 = kept, 0 = dropped) of the last training pass.
#include "blocks/block.h"
#include "blocks/registry.h"

namespace gradlab {

class DropoutBlock : public Block {
 public:
  explicit DropoutBlock(const BlockArgs& a);
  void forward(std::span<const Tensor> in, Tensor& out, bool training) override;
  void backward(std::span<const Tensor> in, const Tensor& out, const Tensor& dout,
                std::span<Tensor> din) override;
  void resize(int64_t batch) override;
  void internals(std::vector<std::pair<std::string, Tensor>>& out) const override;

  // While frozen, training passes re-use the last mask instead of drawing a new one (the first
  // pass still draws one). For gradient checks, and for a view that steps through one mask.
  void setMaskFrozen(bool frozen) { frozen_ = frozen; }
  double rate() const { return rate_; }

 private:
  double rate_;
  uint64_t seed_;
  uint64_t passes_ = 0;   // training passes so far: the counter of the mask's random numbers
  bool frozen_ = false;
  bool haveMask_ = false;
  bool lastTraining_ = false;
  Tensor mask_;
};

BlockInfo dropoutInfo();

}  // namespace gradlab
