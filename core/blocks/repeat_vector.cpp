#include "blocks/repeat_vector.h"

namespace gradlab {

// y[t, :] = x  (y as B rows of T·F values: x goes into the columns of each step)
void RepeatVectorBlock::forward(std::span<const Tensor> in, Tensor& out, bool) {
  const int64_t B = in[0].dim(0), T = outShape_[0], F = outShape_[1];
  for (int64_t t = 0; t < T; ++t)
    be_.copyColumns(in[0], F, 0, out, T * F, t * F, B, F, /*accumulate=*/false);
}

// ∂L/∂x += Σ_t ∂L/∂y[t, :]
void RepeatVectorBlock::backward(std::span<const Tensor> in, const Tensor&, const Tensor& dout,
                                 std::span<Tensor> din) {
  if (!din[0].defined()) return;
  const int64_t B = in[0].dim(0), T = outShape_[0], F = outShape_[1];
  for (int64_t t = 0; t < T; ++t)
    be_.copyColumns(dout, T * F, t * F, din[0], F, 0, B, F, /*accumulate=*/true);
}

BlockInfo repeatVectorInfo() {
  BlockInfo info;
  info.type = "RepeatVector";
  info.category = "Recurrent";
  info.formula = "y[t] = x,  t = 1 … T";
  info.help = "Repeats a vector at every step of a sequence (an encoder's state for every step "
              "of a decoder); T is \"times\", or the length of a sequence given as second input.";
  info.params = {
      {"times", ParamInfo::Kind::Int, 0, {}, 0, 100000,
       "steps T; 0 = as many as the sequence connected as second input"},
  };
  info.minInputs = 1;
  info.maxInputs = 2;
  info.infer = [](const BlockSpec& s, const std::vector<Shape>& in) -> Shape {
    if (in[0].size() != 1)
      throw Error("repeats a flat vector, got " + toString(in[0]) +
                  " — give it an LSTM's last state (return_sequences false) or insert Flatten");
    const int64_t times = paramInt(s, "times");
    if (in.size() == 2) {
      if (in[1].size() != 2)
        throw Error("takes its length from a sequence [steps, features] as second input, got " +
                    toString(in[1]) + " — connect a sequence, or set \"times\" and remove it");
      if (times != 0 && times != in[1][0])
        throw Error("\"times\" is " + std::to_string(times) + " but the second input has " +
                    std::to_string(in[1][0]) + " steps — set \"times\" to 0 to follow it");
      return {in[1][0], in[0][0]};
    }
    if (times == 0)
      throw Error("needs a length: set \"times\" (e.g. 20), or connect a sequence as second "
                  "input to repeat as many steps as it has");
    return {times, in[0][0]};
  };
  info.paramDecls = [](const BlockSpec&, const std::vector<Shape>&) {
    return std::vector<ParamDecl>{};
  };
  info.create = [](const BlockArgs& a) { return std::make_unique<RepeatVectorBlock>(a); };
  return info;
}

}  // namespace gradlab
