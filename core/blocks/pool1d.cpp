#include "blocks/pool1d.h"

#include "blocks/conv1d.h"

namespace gradlab {

namespace {
// A batch of sequences [B, T, F] as the one-channel images [B, 1, T, F] the pooling ops take.
Tensor asImages(const Tensor& t) { return t.reshaped({t.dim(0), 1, t.dim(1), t.dim(2)}); }
}  // namespace

MaxPool1DBlock::MaxPool1DBlock(const BlockArgs& a)
    : Block(a), g_(pool1dGeometryOf(a.spec, a.inShapes.at(0))) {}

// y[n,t,c] = max of x[n, t·s … t·s + size − 1, c]
void MaxPool1DBlock::forward(std::span<const Tensor> in, Tensor& out, bool) {
  Tensor y = asImages(out);
  be_.pool2dForward(PoolMode::Max, g_, asImages(in[0]), y);
}

// ∂L/∂x += ∂L/∂y routed back to each window's maximum
void MaxPool1DBlock::backward(std::span<const Tensor> in, const Tensor& out, const Tensor& dout,
                              std::span<Tensor> din) {
  if (!din[0].defined()) return;
  Tensor dx = asImages(din[0]);
  be_.pool2dBackward(PoolMode::Max, g_, asImages(in[0]), asImages(out), asImages(dout), dx,
                     /*accumulate=*/true);
}

Pool2dGeometry pool1dGeometryOf(const BlockSpec& s, const Shape& in) {
  requireSequence("MaxPool1D", in);
  const int64_t size = paramInt(s, "size");
  const nlohmann::json stride = paramValue(s, "stride");
  const int64_t step = stride.is_number() ? int64_t(stride.get<double>()) : size;
  Pool2dGeometry g;
  g.channels = 1;
  g.inH = in[0];
  g.inW = in[1];
  g.windowH = size;
  g.windowW = 1;
  g.strideH = step;
  g.strideW = 1;
  g.outH = convOutSize(in[0], size, step, 0);
  g.outW = in[1];
  if (!g.valid())
    throw Error("has a window of " + std::to_string(size) + " steps, longer than its input's " +
                std::to_string(in[0]) + " time steps — use a size of at most " +
                std::to_string(in[0]) + ", or delete this pooling block");
  return g;
}

BlockInfo maxPool1dInfo() {
  using K = ParamInfo::Kind;
  BlockInfo info;
  info.type = "MaxPool1D";
  info.category = "Convolution";
  info.formula = "y[t] = max of x[t·s … t·s + size − 1]";
  info.help = "Keeps the largest value of each window of time steps, per feature: a shorter "
              "sequence that keeps the strongest responses.";
  info.params = {
      {"size", K::Int, 2, {}, 1, 10000, "window length in time steps"},
      {"stride", K::IntOrChoice, "size", {"size"}, 1, 10000,
       "step between windows; \"size\" (the default) = windows side by side"},
  };
  info.infer = [](const BlockSpec& s, const std::vector<Shape>& in) -> Shape {
    const Pool2dGeometry g = pool1dGeometryOf(s, in[0]);
    return {g.outH, g.outW};
  };
  info.paramDecls = [](const BlockSpec&, const std::vector<Shape>&) {
    return std::vector<ParamDecl>{};
  };
  info.create = [](const BlockArgs& a) { return std::make_unique<MaxPool1DBlock>(a); };
  return info;
}

}  // namespace gradlab
