#include "blocks/conv_transpose2d.h"

#include <algorithm>

#include "blocks/activation.h"
#include "blocks/conv2d.h"

namespace gradlab {

ConvTranspose2DBlock::ConvTranspose2DBlock(const BlockArgs& a)
    : Block(a), g_(convTranspose2dGeometryOf(a.spec, a.inShapes.at(0))),
      f_(parseAct(paramString(a.spec, "activation"))), bias_(paramBool(a.spec, "use_bias")) {}

void ConvTranspose2DBlock::resize(int64_t batch) {
  dx_ = be_.empty(withBatch(batch, inShapes_[0]), dtype_);
  if (f_ == Act::Identity) return;
  z_ = be_.empty(withBatch(batch, outShape_), dtype_);
  dz_ = be_.empty(withBatch(batch, outShape_), dtype_);
}

// z = Wᵀ ∗ x + b (the transposed convolution);  y = f(z)
void ConvTranspose2DBlock::forward(std::span<const Tensor> in, Tensor& out, bool) {
  Tensor& z = f_ == Act::Identity ? out : z_;
  be_.conv2dBackwardData(params_[0].value, in[0], g_, z, /*accumulate=*/false);
  if (bias_) be_.addChannelBias(z, params_[1].value);
  if (f_ != Act::Identity) be_.actForward(f_, z, out);
}

// δ = f′(z) ⊙ ∂L/∂y;  ∂L/∂x += W ∗ δ;  ∂L/∂W = x ⋆ δ;  ∂L/∂b = Σ δ
void ConvTranspose2DBlock::backward(std::span<const Tensor> in, const Tensor& out,
                                    const Tensor& dout, std::span<Tensor> din) {
  const Tensor* delta = &dout;
  if (f_ != Act::Identity) {
    be_.actBackward(f_, z_, out, dout, dz_, /*accumulate=*/false);
    delta = &dz_;
  }
  be_.conv2dBackwardFilter(*delta, in[0], g_, params_[0].grad);
  if (bias_) be_.conv2dBackwardBias(*delta, params_[1].grad);
  if (din[0].defined()) {
    be_.conv2dForward(*delta, params_[0].value, g_, dx_);
    be_.axpy(1.0, dx_, din[0]);
  }
}

void ConvTranspose2DBlock::internals(std::vector<std::pair<std::string, Tensor>>& out) const {
  if (f_ != Act::Identity && z_.defined()) out.emplace_back("pre", z_);
}

// ---- shape inference ---------------------------------------------------------------------

Conv2dGeometry convTranspose2dGeometryOf(const BlockSpec& s, const Shape& in) {
  requireImage(in);
  const int64_t k = paramInt(s, "kernel"), stride = paramInt(s, "stride"),
                pad = paramInt(s, "padding"), extra = paramInt(s, "output_padding");
  if (extra >= stride)
    throw Error("has output_padding " + std::to_string(extra) + " with stride " +
                std::to_string(stride) + " — output_padding must be smaller than the stride (" +
                (stride == 1 ? std::string("use 0") : "use 0 to " + std::to_string(stride - 1)) +
                ")");
  const int64_t outH = (in[1] - 1) * stride - 2 * pad + k + extra;
  const int64_t outW = (in[2] - 1) * stride - 2 * pad + k + extra;
  if (outH < 1 || outW < 1)
    throw Error("would make an empty image: (in − 1)·stride − 2·padding + kernel + "
                "output_padding = " + std::to_string(std::min(outH, outW)) + " for input " +
                toString(Shape{in[1], in[2]}) + " — use a smaller padding (at most " +
                std::to_string(((std::min(in[1], in[2]) - 1) * stride + k + extra - 1) / 2) +
                ") or a larger kernel");
  Conv2dGeometry g = conv2dGeometry(paramInt(s, "filters"), outH, outW, in[0], k, stride, pad);
  // (outH + 2·pad − k) / stride = in − 1 + ⌊extra / stride⌋ = in − 1: the convolution maps the
  // output back onto the input exactly.
  return g;
}

BlockInfo convTranspose2dInfo() {
  using K = ParamInfo::Kind;
  BlockInfo info;
  info.type = "ConvTranspose2D";
  info.category = "Convolution";
  info.formula = "y = f(Wᵀ ∗ x + b)";
  info.help = "The convolution run backwards: each pixel stamps a learned filter onto a larger "
              "image (stride 2 doubles the size) — how a decoder grows an image from a code.";
  info.params = {
      {"filters", K::Int, nullptr, {}, 1, 1e5, "number of filters (output channels)"},
      {"kernel", K::Int, 3, {}, 1, 1000, "filter size k (a k×k stamp)"},
      {"stride", K::Int, 1, {}, 1, 1000, "distance between stamps: the output is about "
                                           "stride times larger"},
      {"padding", K::Int, 0, {}, 0, 1000, "rows/columns cut from every side of the output "
                                          "(PyTorch's padding)"},
      {"output_padding", K::Int, 0, {}, 0, 999, "extra rows/columns at the bottom and right "
                                                "(smaller than the stride)"},
      {"activation", K::Choice, "identity", activationNames(), 0, 0, "activation function f"},
      {"use_bias", K::Bool, true, {}, 0, 0, "add a learned bias per filter"},
      {"init", K::Choice, "uniform",
       {"uniform", "glorot_uniform", "glorot_normal", "he_uniform", "he_normal", "zeros"}, 0, 0,
       "how the weights start; uniform is PyTorch's default, U(−1/√n, 1/√n) with "
       "n = filters·k·k (PyTorch counts the fan-in of ConvTranspose2d on its second axis)"},
  };
  info.infer = [](const BlockSpec& s, const std::vector<Shape>& in) -> Shape {
    const Conv2dGeometry g = convTranspose2dGeometryOf(s, in[0]);
    return {g.inChannels, g.inH, g.inW};
  };
  info.paramDecls = [](const BlockSpec& s, const std::vector<Shape>& in) {
    const Conv2dGeometry g = convTranspose2dGeometryOf(s, in[0]);
    const int64_t area = g.kernelH * g.kernelW;
    // PyTorch's fan-in of a [in, out, k, k] weight is out·k·k (dimension 1 times the kernel).
    const int64_t fanIn = g.inChannels * area, fanOut = g.outChannels * area;
    std::vector<ParamDecl> p{{"weight", {g.outChannels, g.inChannels, g.kernelH, g.kernelW},
                              paramString(s, "init"), fanIn, fanOut}};
    const std::string biasInit = paramString(s, "init") == "uniform" ? "uniform" : "zeros";
    if (paramBool(s, "use_bias"))
      p.push_back({"bias", {g.inChannels}, biasInit, fanIn, fanOut, false});
    return p;
  };
  info.create = [](const BlockArgs& a) { return std::make_unique<ConvTranspose2DBlock>(a); };
  return info;
}

}  // namespace gradlab
