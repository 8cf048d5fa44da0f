#include "blocks/conv1d.h"

#include "blocks/activation.h"

namespace gradlab {

namespace {

// dst[b, j, i] (+)= src[b, i, j] for src [B, M, N], dst [B, N, M]: each sample's matrix
// transposed, as two transpose01 of the whole batch through `scratch` (B·M·N values or more):
//   src [B, M, N] → [M, B, N] = [M, B·N] → [B·N, M] = [B, N, M].
// With M or N of 1 the numbers already lie in order, and a copy does.
void transposeSamples(Backend& be, const Tensor& src, Tensor& dst, const Tensor& scratch,
                      bool accumulate) {
  const int64_t B = src.dim(0), M = src.dim(1), N = src.dim(2);
  if (M == 1 || N == 1) {
    const Tensor from = src.reshaped(dst.shape());
    if (accumulate)
      be.axpy(1.0, from, dst);
    else
      be.copy(from, dst);
    return;
  }
  Tensor mid = scratch.slice(0, B * M * N).reshaped({M, B, N});
  be.transpose01(src, mid, /*accumulate=*/false);
  Tensor out = dst.reshaped({B * N, M});
  be.transpose01(mid.reshaped({M, B * N}), out, accumulate);
}

}  // namespace

Conv1DBlock::Conv1DBlock(const BlockArgs& a)
    : Block(a), g_(conv1dGeometryOf(a.spec, a.inShapes.at(0))),
      f_(parseAct(paramString(a.spec, "activation"))), bias_(paramBool(a.spec, "use_bias")) {}

void Conv1DBlock::resize(int64_t batch) {
  const int64_t F = g_.inChannels, T = g_.inW, O = g_.outChannels, T2 = g_.outW;
  if (F > 1) {
    xt_ = be_.empty({batch, F, T}, dtype_);
    dxt_ = be_.empty({batch, F, T}, dtype_);
  }
  zt_ = be_.empty({batch, O, T2}, dtype_);
  scratch_ = be_.empty({batch * std::max(F * T, O * T2)}, dtype_);
  if (f_ != Act::Identity) {
    z_ = be_.empty(withBatch(batch, outShape_), dtype_);
    dz_ = be_.empty(withBatch(batch, outShape_), dtype_);
  }
}

// x [B, T, F] → xᵗ [B, F, 1, T];  zᵗ = W ∗ xᵗ + b  [B, filters, 1, T'];
// z = zᵗ as [B, T', filters];  y = f(z)
void Conv1DBlock::forward(std::span<const Tensor> in, Tensor& out, bool) {
  const int64_t B = in[0].dim(0), F = g_.inChannels, T = g_.inW, O = g_.outChannels, T2 = g_.outW;
  Tensor xt = F == 1 ? in[0].reshaped({B, 1, 1, T}) : xt_.reshaped({B, F, 1, T});
  if (F > 1) transposeSamples(be_, in[0], xt_, scratch_, /*accumulate=*/false);
  Tensor zt = zt_.reshaped({B, O, 1, T2});
  be_.conv2dForward(xt, params_[0].value.reshaped({O, F, 1, g_.kernelW}), g_, zt);
  if (bias_) be_.addChannelBias(zt, params_[1].value);
  Tensor& z = f_ == Act::Identity ? out : z_;
  transposeSamples(be_, zt_, z, scratch_, /*accumulate=*/false);
  if (f_ != Act::Identity) be_.actForward(f_, z, out);
}

// δ = f′(z) ⊙ ∂L/∂y, as δᵗ [B, filters, 1, T'];  ∂L/∂W = δᵗ ⋆ xᵗ;  ∂L/∂b = Σ δ;
// ∂L/∂xᵗ = Wᵀ ∗ δᵗ, added into ∂L/∂x as [B, T, F]
void Conv1DBlock::backward(std::span<const Tensor> in, const Tensor& out, const Tensor& dout,
                           std::span<Tensor> din) {
  const int64_t B = dout.dim(0), F = g_.inChannels, T = g_.inW, O = g_.outChannels, T2 = g_.outW;
  const Tensor* delta = &dout;
  if (f_ != Act::Identity) {
    be_.actBackward(f_, z_, out, dout, dz_, /*accumulate=*/false);
    delta = &dz_;
  }
  transposeSamples(be_, *delta, zt_, scratch_, /*accumulate=*/false);
  const Tensor dt = zt_.reshaped({B, O, 1, T2});
  const Tensor xt = F == 1 ? in[0].reshaped({B, 1, 1, T}) : xt_.reshaped({B, F, 1, T});
  Tensor dw = params_[0].grad.reshaped({O, F, 1, g_.kernelW});
  be_.conv2dBackwardFilter(xt, dt, g_, dw);
  if (bias_) be_.conv2dBackwardBias(dt, params_[1].grad);
  if (!din[0].defined()) return;
  const Tensor w = params_[0].value.reshaped({O, F, 1, g_.kernelW});
  if (F == 1) {
    Tensor dx = din[0].reshaped({B, 1, 1, T});
    be_.conv2dBackwardData(w, dt, g_, dx, /*accumulate=*/true);
    return;
  }
  Tensor dxt = dxt_.reshaped({B, F, 1, T});
  be_.conv2dBackwardData(w, dt, g_, dxt, /*accumulate=*/false);
  transposeSamples(be_, dxt_, din[0], scratch_, /*accumulate=*/true);
}

void Conv1DBlock::internals(std::vector<std::pair<std::string, Tensor>>& out) const {
  if (f_ != Act::Identity && z_.defined()) out.emplace_back("pre", z_);
}

// ---- shape inference ---------------------------------------------------------------------

void requireSequence(const std::string& type, const Shape& in) {
  if (in.size() == 2) return;
  std::string fix = "insert Reshape [time steps, features] before it";
  if (in.size() == 1)
    fix = "give the Input block a shape such as [" + std::to_string(in[0]) + ", 1] (" +
          std::to_string(in[0]) + " steps of one feature), or insert Reshape [" +
          std::to_string(in[0]) + ", 1] before it";
  else if (in.size() == 3)
    fix = "use " + std::string(type == "Conv1D" ? "Conv2D" : "MaxPool2D") +
          " for images, or Reshape it to [time steps, features]";
  throw Error("expects a sequence [time steps, features], got " + toString(in) + " — " + fix);
}

Conv2dGeometry conv1dGeometryOf(const BlockSpec& s, const Shape& in) {
  requireSequence("Conv1D", in);
  const int64_t T = in[0], F = in[1];
  const int64_t k = paramInt(s, "kernel"), stride = paramInt(s, "stride");
  int64_t pad = 0;
  const nlohmann::json padding = paramValue(s, "padding");
  if (padding.is_string() && padding.get<std::string>() == "same") {
    pad = sameConvPadding(k);
    if (pad < 0)
      throw Error("padding \"same\" needs an odd kernel, got " + std::to_string(k) +
                  " (an even kernel has no centre step) — use kernel " + std::to_string(k + 1) +
                  " or " + std::to_string(k - 1) + ", or give the padding as a number");
  } else if (padding.is_number()) {
    pad = int64_t(padding.get<double>());
  }
  Conv2dGeometry g;
  g.inChannels = F;
  g.inH = 1;
  g.inW = T;
  g.outChannels = paramInt(s, "filters");
  g.kernelH = 1;
  g.kernelW = k;
  g.strideH = 1;
  g.strideW = stride;
  g.padH = 0;
  g.padW = pad;
  g.outH = 1;
  g.outW = convOutSize(T, k, stride, pad);
  if (!g.valid()) {
    std::string msg = "has a kernel of " + std::to_string(k) + " steps, longer than its input's " +
                      std::to_string(T) + " time steps";
    if (pad > 0) msg += " padded to " + std::to_string(T + 2 * pad);
    throw Error(msg + " — use a kernel of at most " + std::to_string(T + 2 * pad) +
                (pad == 0 ? std::string(", padding \"same\"") : std::string()) +
                " or longer sequences");
  }
  return g;
}

BlockInfo conv1dInfo() {
  using K = ParamInfo::Kind;
  BlockInfo info;
  info.type = "Conv1D";
  info.category = "Convolution";
  info.formula = "y[t] = f(Σₚ W[:, :, p] · x[t·s − pad + p] + b)";
  info.help = "Slides small learned filters along a sequence [time, features]; each filter makes "
              "one feature map over time (nn.Conv1d with the features as channels).";
  info.params = {
      {"filters", K::Int, nullptr, {}, 1, 1e5, "number of filters (output features)"},
      {"kernel", K::Int, 3, {}, 1, 10000, "filter length k in time steps"},
      {"stride", K::Int, 1, {}, 1, 10000, "step between windows"},
      {"padding", K::IntOrChoice, "valid", {"valid", "same"}, 0, 10000,
       "zero steps at both ends: \"valid\" (none), \"same\" (keeps the length at stride 1; odd "
       "kernels) or a number per end"},
      {"activation", K::Choice, "identity", activationNames(), 0, 0, "activation function f"},
      {"use_bias", K::Bool, true, {}, 0, 0, "add a learned bias per filter"},
      {"init", K::Choice, "uniform",
       {"uniform", "glorot_uniform", "glorot_normal", "he_uniform", "he_normal", "zeros"}, 0, 0,
       "how the weights start; uniform is PyTorch's default, U(−1/√in, 1/√in) with "
       "in = features·k"},
  };
  info.infer = [](const BlockSpec& s, const std::vector<Shape>& in) -> Shape {
    const Conv2dGeometry g = conv1dGeometryOf(s, in[0]);
    return {g.outW, g.outChannels};
  };
  info.paramDecls = [](const BlockSpec& s, const std::vector<Shape>& in) {
    const Conv2dGeometry g = conv1dGeometryOf(s, in[0]);
    const int64_t fanIn = g.inChannels * g.kernelW, fanOut = g.outChannels * g.kernelW;
    std::vector<ParamDecl> p{
        {"weight", {g.outChannels, g.inChannels, g.kernelW}, paramString(s, "init"), fanIn,
         fanOut}};
    // As Conv2D: PyTorch draws the bias like the weights; the other initialisers start it at 0.
    const std::string biasInit = paramString(s, "init") == "uniform" ? "uniform" : "zeros";
    if (paramBool(s, "use_bias"))
      p.push_back({"bias", {g.outChannels}, biasInit, fanIn, fanOut, false});
    return p;
  };
  info.create = [](const BlockArgs& a) { return std::make_unique<Conv1DBlock>(a); };
  return info;
}

}  // namespace gradlab
