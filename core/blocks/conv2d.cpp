#include "blocks/conv2d.h"

#include <cmath>

#include "blocks/activation.h"

namespace gradlab {

Conv2DBlock::Conv2DBlock(const BlockArgs& a)
    : Block(a), g_(conv2dGeometryOf(a.spec, a.inShapes.at(0))),
      f_(parseAct(paramString(a.spec, "activation"))), bias_(paramBool(a.spec, "use_bias")) {}

void Conv2DBlock::resize(int64_t batch) {
  if (f_ == Act::Identity) return;
  z_ = be_.empty(withBatch(batch, outShape_), dtype_);
  dz_ = be_.empty(withBatch(batch, outShape_), dtype_);
}

// z = W ∗ x + b;  y = f(z)
void Conv2DBlock::forward(std::span<const Tensor> in, Tensor& out, bool) {
  Tensor& z = f_ == Act::Identity ? out : z_;
  be_.conv2dForward(in[0], params_[0].value, g_, z);
  if (bias_) be_.addChannelBias(z, params_[1].value);
  if (f_ != Act::Identity) be_.actForward(f_, z, out);
}

// δ = f′(z) ⊙ ∂L/∂y;  ∂L/∂W = δ ⋆ x;  ∂L/∂b = Σ δ;  ∂L/∂x += Wᵀ ∗ δ
void Conv2DBlock::backward(std::span<const Tensor> in, const Tensor& out, const Tensor& dout,
                           std::span<Tensor> din) {
  const Tensor* delta = &dout;
  if (f_ != Act::Identity) {
    be_.actBackward(f_, z_, out, dout, dz_, /*accumulate=*/false);
    delta = &dz_;
  }
  be_.conv2dBackwardFilter(in[0], *delta, g_, params_[0].grad);
  if (bias_) be_.conv2dBackwardBias(*delta, params_[1].grad);
  if (din[0].defined())
    be_.conv2dBackwardData(params_[0].value, *delta, g_, din[0], /*accumulate=*/true);
}

void Conv2DBlock::internals(std::vector<std::pair<std::string, Tensor>>& out) const {
  if (f_ != Act::Identity && z_.defined()) out.emplace_back("pre", z_);
}

// ---- shape inference ---------------------------------------------------------------------

void requireImage(const Shape& in) {
  if (in.size() == 3) return;
  std::string fix = "insert Reshape [channels, height, width] before it";
  if (in.size() == 1) {
    const int64_t n = in[0];
    for (int64_t c : {1, 3}) {
      if (n % c) continue;
      const auto side = int64_t(std::llround(std::sqrt(double(n / c))));
      if (side * side * c == n) {
        fix = "insert Reshape [" + std::to_string(c) + ", " + std::to_string(side) + ", " +
              std::to_string(side) + "] before it";
        break;
      }
    }
  } else if (in.size() == 2) {
    fix = "insert Reshape [1, " + std::to_string(in[0]) + ", " + std::to_string(in[1]) +
          "] to treat it as a one-channel image";
  }
  throw Error("expects an image [channels, height, width], got " + toString(in) + " — " + fix);
}

Conv2dGeometry conv2dGeometryOf(const BlockSpec& s, const Shape& in) {
  requireImage(in);
  const int64_t k = paramInt(s, "kernel"), stride = paramInt(s, "stride");
  int64_t pad = 0;
  const nlohmann::json padding = paramValue(s, "padding");
  if (padding.is_string() && padding.get<std::string>() == "same") {
    pad = sameConvPadding(k);
    if (pad < 0)
      throw Error("padding \"same\" needs an odd kernel, got " + std::to_string(k) +
                  " (an even kernel has no centre pixel) — use kernel " + std::to_string(k + 1) +
                  " or " + std::to_string(k - 1) + ", or give the padding as a number");
  } else if (padding.is_number()) {
    pad = int64_t(padding.get<double>());
  }
  const Conv2dGeometry g =
      conv2dGeometry(in[0], in[1], in[2], paramInt(s, "filters"), k, stride, pad);
  if (!g.valid()) {
    const std::string kk = std::to_string(k) + "×" + std::to_string(k);
    std::string msg =
        "has a " + kk + " kernel, larger than its input " + toString(Shape{in[1], in[2]});
    if (pad > 0)
      msg += " padded to " + toString(Shape{in[1] + 2 * pad, in[2] + 2 * pad});
    throw Error(msg + " — use a smaller kernel" +
                (pad == 0 ? std::string(" or padding \"same\"") : std::string()));
  }
  return g;
}

BlockInfo conv2dInfo() {
  using K = ParamInfo::Kind;
  BlockInfo info;
  info.type = "Conv2D";
  info.category = "Convolution";
  info.formula = "y = f(W ∗ x + b)";
  info.help = "Slides small learned filters over the image; each filter makes one feature map.";
  info.params = {
      {"filters", K::Int, nullptr, {}, 1, 1e5, "number of filters (output channels)"},
      {"kernel", K::Int, 3, {}, 1, 1000, "filter size k (a k×k window)"},
      {"stride", K::Int, 1, {}, 1, 1000, "step between windows"},
      {"padding", K::IntOrChoice, "valid", {"valid", "same"}, 0, 1000,
       "zeros around the image: \"valid\" (none), \"same\" (keeps the size at stride 1; odd "
       "kernels) or a number per side"},
      {"activation", K::Choice, "identity", activationNames(), 0, 0, "activation function f"},
      {"use_bias", K::Bool, true, {}, 0, 0, "add a learned bias per filter"},
      {"init", K::Choice, "uniform",
       {"uniform", "glorot_uniform", "glorot_normal", "he_uniform", "he_normal", "zeros"}, 0, 0,
       "how the weights start; uniform is PyTorch's default, U(−1/√in, 1/√in) with "
       "in = channels·k·k"},
  };
  info.infer = [](const BlockSpec& s, const std::vector<Shape>& in) -> Shape {
    const Conv2dGeometry g = conv2dGeometryOf(s, in[0]);
    return {g.outChannels, g.outH, g.outW};
  };
  info.paramDecls = [](const BlockSpec& s, const std::vector<Shape>& in) {
    const Conv2dGeometry g = conv2dGeometryOf(s, in[0]);
    const int64_t area = g.kernelH * g.kernelW;
    const int64_t fanIn = g.inChannels * area, fanOut = g.outChannels * area;
    std::vector<ParamDecl> p{{"weight", {g.outChannels, g.inChannels, g.kernelH, g.kernelW},
                              paramString(s, "init"), fanIn, fanOut}};
    // PyTorch's Conv2d draws its bias like its weights, U(−1/√in, 1/√in); the other
    // initialisers start the bias at zero.
    const std::string biasInit = paramString(s, "init") == "uniform" ? "uniform" : "zeros";
    if (paramBool(s, "use_bias"))
      p.push_back({"bias", {g.outChannels}, biasInit, fanIn, fanOut, false});
    return p;
  };
  info.create = [](const BlockArgs& a) { return std::make_unique<Conv2DBlock>(a); };
  return info;
}

}  // namespace gradlab
