#include "blocks/dropout.h"

namespace gradlab {

DropoutBlock::DropoutBlock(const BlockArgs& a)
    : Block(a), rate_(paramFloat(a.spec, "rate")), seed_(a.seed) {}

void DropoutBlock::resize(int64_t batch) {
  mask_ = be_.empty(withBatch(batch, outShape_), dtype_);
  haveMask_ = false;
}

// training: mask ~ Bernoulli(1 − rate), y = x ⊙ mask / (1 − rate);  evaluation: y = x
void DropoutBlock::forward(std::span<const Tensor> in, Tensor& out, bool training) {
  lastTraining_ = training;
  if (!training) {
    be_.copy(in[0], out);
    return;
  }
  if (!haveMask_ || !frozen_) {
    be_.dropoutMask(rate_, seed_, passes_++, mask_);
    haveMask_ = true;
  }
  be_.dropoutForward(in[0], mask_, rate_, out);
}

// ∂L/∂x += ∂L/∂y ⊙ mask / (1 − rate)   (after an evaluation pass: ∂L/∂x += ∂L/∂y)
void DropoutBlock::backward(std::span<const Tensor>, const Tensor&, const Tensor& dout,
                            std::span<Tensor> din) {
  if (!din[0].defined()) return;
  if (lastTraining_)
    be_.dropoutBackward(dout, mask_, rate_, din[0], /*accumulate=*/true);
  else
    be_.axpy(1.0, dout, din[0]);
}

void DropoutBlock::internals(std::vector<std::pair<std::string, Tensor>>& out) const {
  if (haveMask_) out.emplace_back("mask", mask_);
}

BlockInfo dropoutInfo() {
  BlockInfo info;
  info.type = "Dropout";
  info.category = "Regularisation";
  info.formula = "y = x ⊙ mask / (1 − rate)";
  info.help = "While training, zeroes a random share `rate` of the values (a new choice every "
              "step) and scales the rest up; passes everything through when evaluating.";
  info.params = {{"rate", ParamInfo::Kind::Float, 0.5, {}, 0, 0.99,
                  "probability of dropping each value"}};
  info.infer = [](const BlockSpec&, const std::vector<Shape>& in) -> Shape { return in[0]; };
  info.paramDecls = [](const BlockSpec&, const std::vector<Shape>&) {
    return std::vector<ParamDecl>{};
  };
  info.create = [](const BlockArgs& a) { return std::make_unique<DropoutBlock>(a); };
  return info;
}

}  // namespace gradlab
