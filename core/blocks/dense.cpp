#include "blocks/dense.h"

#include "blocks/activation.h"
#include "blocks/registry.h"

namespace gradlab {

DenseBlock::DenseBlock(const BlockArgs& a)
    : Block(a), f_(parseAct(paramString(a.spec, "activation"))),
      bias_(paramBool(a.spec, "use_bias")) {}

void DenseBlock::resize(int64_t batch) {
  if (f_ == Act::Identity) return;
  z_ = be_.empty(withBatch(batch, outShape_), dtype_);
  dz_ = be_.empty(withBatch(batch, outShape_), dtype_);
}

// [B, in] stays; a sequence [B, T, in] is seen as B·T rows of `in` values (a view).
Tensor DenseBlock::rowsOf(const Tensor& t) const {
  return t.rank() == 2 ? t : t.reshaped({t.numel() / t.shape().back(), t.shape().back()});
}

// z = x·Wᵀ + b;  y = f(z)
void DenseBlock::forward(std::span<const Tensor> in, Tensor& out, bool) {
  const Tensor& W = params_[0].value;
  Tensor z = rowsOf(f_ == Act::Identity ? out : z_);
  be_.gemm(false, true, 1.0, rowsOf(in[0]), W, 0.0, z);
  if (bias_) be_.addRowVector(z, params_[1].value);
  if (f_ != Act::Identity) {
    Tensor y = rowsOf(out);  // softmax runs over each row: a step's units
    be_.actForward(f_, z, y);
  }
}

// δ = f′(z) ⊙ ∂L/∂y;  ∂L/∂W = δᵀ·x;  ∂L/∂b = Σ δ;  ∂L/∂x += δ·W
void DenseBlock::backward(std::span<const Tensor> in, const Tensor& out, const Tensor& dout,
                          std::span<Tensor> din) {
  Tensor d = rowsOf(dout);
  if (f_ != Act::Identity) {
    Tensor dz = rowsOf(dz_);
    be_.actBackward(f_, rowsOf(z_), rowsOf(out), d, dz, /*accumulate=*/false);
    d = dz;
  }
  be_.gemm(true, false, 1.0, d, rowsOf(in[0]), 0.0, params_[0].grad);
  if (bias_) be_.sumRows(d, 0.0, params_[1].grad);
  if (din[0].defined()) {
    Tensor dx = rowsOf(din[0]);
    be_.gemm(false, false, 1.0, d, params_[0].value, 1.0, dx);
  }
}

void DenseBlock::internals(std::vector<std::pair<std::string, Tensor>>& out) const {
  if (f_ != Act::Identity && z_.defined()) out.emplace_back("pre", z_);
}

}  // namespace gradlab

namespace gradlab {

BlockInfo denseInfo() {
  using K = ParamInfo::Kind;
  BlockInfo info;
  info.type = "Dense";
  info.category = "Dense";
  info.formula = "y = f(x·Wᵀ + b)";
  info.help = "Every output unit is a weighted sum of every input plus a bias, then an activation. "
              "On a sequence [T, F] it does so at every step with the same weights.";
  info.params = {
      {"units", K::Int, nullptr, {}, 1, 1e6, "number of output units (neurons)"},
      {"activation", K::Choice, "identity", activationNames(), 0, 0, "activation function f"},
      {"use_bias", K::Bool, true, {}, 0, 0, "add a learned bias b"},
      {"init", K::Choice, "uniform",
       {"uniform", "glorot_uniform", "glorot_normal", "he_uniform", "he_normal", "zeros"}, 0, 0,
       "how the weights start; uniform is PyTorch's default, U(−1/√in, 1/√in)"},
  };
  info.infer = [](const BlockSpec& s, const std::vector<Shape>& in) -> Shape {
    if (in[0].size() == 2) return {in[0][0], paramInt(s, "units")};  // per step of a sequence
    if (in[0].size() != 1)
      throw Error("expects a flat input, got " + toString(in[0]) + " — insert Flatten before it");
    return {paramInt(s, "units")};
  };
  info.paramDecls = [](const BlockSpec& s, const std::vector<Shape>& in) {
    const int64_t units = paramInt(s, "units"), fanIn = in[0].back();
    std::vector<ParamDecl> p{{"weight", {units, fanIn}, paramString(s, "init"), fanIn, units}};
    // PyTorch's Linear draws its bias like its weights, U(−1/√in, 1/√in); the other
    // initialisers start the bias at zero.
    const std::string biasInit = paramString(s, "init") == "uniform" ? "uniform" : "zeros";
    if (paramBool(s, "use_bias")) p.push_back({"bias", {units}, biasInit, fanIn, units, false});
    return p;
  };
  info.create = [](const BlockArgs& a) { return std::make_unique<DenseBlock>(a); };
  return info;
}

}  // namespace gradlab
