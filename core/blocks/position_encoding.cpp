#include "blocks/position_encoding.h"

#include <cmath>

namespace gradlab {

std::vector<double> sinusoidalPositions(int64_t steps, int64_t features) {
  std::vector<double> p(size_t(steps * features));
  for (int64_t t = 0; t < steps; ++t)
    for (int64_t j = 0; j < features; ++j) {
      const double omega = std::pow(10000.0, -double(j - j % 2) / double(features));
      p[size_t(t * features + j)] = j % 2 == 0 ? std::sin(omega * double(t)) : std::cos(omega * double(t));
    }
  return p;
}

PositionEncodingBlock::PositionEncodingBlock(const BlockArgs& a)
    : Block(a), learned_(paramString(a.spec, "encoding") == "learned") {
  if (learned_) return;
  const int64_t T = a.inShapes[0][0], F = a.inShapes[0][1];
  sinusoid_ = be_.empty({T, F}, dtype_);
  const std::vector<double> p = sinusoidalPositions(T, F);
  sinusoid_.fromHost(std::span<const double>(p));
}

// y[t, :] = x[t, :] + P[t, :]   (y as B rows of T·F values, P as one such row)
void PositionEncodingBlock::forward(std::span<const Tensor> in, Tensor& out, bool) {
  be_.copy(in[0], out);
  be_.addRowVector(out, table().reshaped({table().numel()}));
}

// ∂L/∂x += ∂L/∂y;  learned: ∂L/∂P = Σ_batch ∂L/∂y
void PositionEncodingBlock::backward(std::span<const Tensor>, const Tensor&, const Tensor& dout,
                                     std::span<Tensor> din) {
  if (din[0].defined()) be_.axpy(1.0, dout, din[0]);
  if (learned_) {
    Tensor dp = params_[0].grad.reshaped({params_[0].grad.numel()});
    be_.sumRows(dout, 0.0, dp);
  }
}

void PositionEncodingBlock::internals(std::vector<std::pair<std::string, Tensor>>& out) const {
  if (!learned_) out.emplace_back("table", sinusoid_);
}

BlockInfo positionEncodingInfo() {
  using K = ParamInfo::Kind;
  BlockInfo info;
  info.type = "PositionEncoding";
  info.category = "Recurrent";
  info.formula = "y[t] = x[t] + P[t]";
  info.help = "Adds to every step of a sequence a vector that tells which step it is (learned, "
              "or fixed sines and cosines), so that attention can tell the steps apart.";
  info.params = {
      {"encoding", K::Choice, "learned", {"learned", "sinusoidal"}, 0, 0,
       "learned: P is trained (\"weight\" [T, F]); sinusoidal: fixed sines and cosines of "
       "falling frequencies"},
  };
  info.infer = [](const BlockSpec&, const std::vector<Shape>& in) -> Shape {
    if (in[0].size() != 2)
      throw Error("expects a sequence [steps, features], got " + toString(in[0]) +
                  " — give it a sequence (Dense on a sequence, or RepeatVector)");
    return in[0];
  };
  info.paramDecls = [](const BlockSpec& s, const std::vector<Shape>& in) {
    if (paramString(s, "encoding") != "learned") return std::vector<ParamDecl>{};
    const int64_t T = in[0][0], F = in[0][1];
    // U(−1/√F, 1/√F), the scale of a Dense layer's outputs on one-hot steps.
    return std::vector<ParamDecl>{{"weight", {T, F}, "uniform", F, F, /*penalised=*/false}};
  };
  info.create = [](const BlockArgs& a) { return std::make_unique<PositionEncodingBlock>(a); };
  return info;
}

}  // namespace gradlab
