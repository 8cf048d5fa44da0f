#pragma once
// Activation block and the activation names shared by every block with an `activation`
// parameter (Dense, Conv2D). Formulas and derivatives: backend/cpu/cpu_activations.cpp.
//   y = f(x)        ∂L/∂x = f′(x) ⊙ ∂L/∂y   (softmax: y ⊙ (∂L/∂y − ⟨∂L/∂y, y⟩) per row)
#include <string>
#include <vector>

#include "blocks/block.h"
#include "blocks/registry.h"

namespace gradlab {

// identity sigmoid tanh relu leaky_relu elu softmax
const std::vector<std::string>& activationNames();
Act parseAct(const std::string& name);  // throws Error listing the valid names

class ActivationBlock : public Block {
 public:
  explicit ActivationBlock(const BlockArgs& a);
  void forward(std::span<const Tensor> in, Tensor& out, bool training) override;
  void backward(std::span<const Tensor> in, const Tensor& out, const Tensor& dout,
                std::span<Tensor> din) override;

 private:
  Act f_;
};

BlockInfo activationInfo();

}  // namespace gradlab
