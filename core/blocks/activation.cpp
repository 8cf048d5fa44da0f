#include "blocks/activation.h"

#include "blocks/registry.h"
#include "util/error.h"

namespace gradlab {

const std::vector<std::string>& activationNames() {
  static const std::vector<std::string> names{"identity", "sigmoid", "tanh",   "relu",
                                              "leaky_relu", "elu",   "softmax"};
  return names;
}

Act parseAct(const std::string& name) {
  const auto& names = activationNames();
  for (size_t i = 0; i < names.size(); ++i)
    if (names[i] == name) return Act(i);
  std::string list;
  for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
  throw Error("unknown activation \"" + name + "\" (use one of: " + list + ")");
}

ActivationBlock::ActivationBlock(const BlockArgs& a)
    : Block(a), f_(parseAct(paramString(a.spec, "function"))) {}

// y = f(x)
void ActivationBlock::forward(std::span<const Tensor> in, Tensor& out, bool) {
  be_.actForward(f_, in[0], out);
}

// ∂L/∂x += f′(x) ⊙ ∂L/∂y
void ActivationBlock::backward(std::span<const Tensor> in, const Tensor& out, const Tensor& dout,
                               std::span<Tensor> din) {
  if (din[0].defined()) be_.actBackward(f_, in[0], out, dout, din[0], /*accumulate=*/true);
}

}  // namespace gradlab

namespace gradlab {

BlockInfo activationInfo() {
  BlockInfo info;
  info.type = "Activation";
  info.category = "Activation";
  info.formula = "y = f(x), element by element";
  info.help = "Applies an activation function on its own (softmax: over the last axis).";
  info.params = {{"function", ParamInfo::Kind::Choice, "relu", activationNames(), 0, 0,
                  "the function f"}};
  info.infer = [](const BlockSpec& s, const std::vector<Shape>& in) -> Shape {
    if (paramString(s, "function") == "softmax" && in[0].size() != 1)
      throw Error("softmax needs a flat input, got " + toString(in[0]) + " — insert Flatten");
    return in[0];
  };
  info.paramDecls = [](const BlockSpec&, const std::vector<Shape>&) {
    return std::vector<ParamDecl>{};
  };
  info.create = [](const BlockArgs& a) { return std::make_unique<ActivationBlock>(a); };
  return info;
}

}  // namespace gradlab
