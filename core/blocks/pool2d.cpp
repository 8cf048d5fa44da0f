#include "blocks/pool2d.h"

#include "blocks/conv2d.h"

namespace gradlab {

Pool2DBlock::Pool2DBlock(const BlockArgs& a, PoolMode mode)
    : Block(a), mode_(mode), g_(pool2dGeometryOf(a.spec, a.inShapes.at(0))) {}

// y = max or mean of each window
void Pool2DBlock::forward(std::span<const Tensor> in, Tensor& out, bool) {
  be_.pool2dForward(mode_, g_, in[0], out);
}

// ∂L/∂x += ∂L/∂y routed back to the window's maximum (max) or spread over it (average)
void Pool2DBlock::backward(std::span<const Tensor> in, const Tensor& out, const Tensor& dout,
                           std::span<Tensor> din) {
  if (din[0].defined())
    be_.pool2dBackward(mode_, g_, in[0], out, dout, din[0], /*accumulate=*/true);
}

Pool2dGeometry pool2dGeometryOf(const BlockSpec& s, const Shape& in) {
  requireImage(in);
  const int64_t size = paramInt(s, "size");
  const nlohmann::json stride = paramValue(s, "stride");
  const int64_t step = stride.is_number() ? int64_t(stride.get<double>()) : size;
  const Pool2dGeometry g = pool2dGeometry(in[0], in[1], in[2], size, step);
  if (!g.valid())
    throw Error("has a " + std::to_string(size) + "×" + std::to_string(size) +
                " window, larger than its input " + toString(Shape{in[1], in[2]}) +
                " — use a smaller size, or delete this pooling block");
  return g;
}

namespace {
BlockInfo poolInfo(const std::string& type, PoolMode mode) {
  using K = ParamInfo::Kind;
  BlockInfo info;
  info.type = type;
  info.category = "Convolution";
  const bool max = mode == PoolMode::Max;
  info.formula = max ? "y = max of each window" : "y = mean of each window";
  info.help = max ? "Keeps the largest value of each window: a smaller image that keeps the "
                    "strongest responses."
                  : "Averages each window: a smaller, smoother image.";
  info.params = {
      {"size", K::Int, 2, {}, 1, 1000, "window size (a size×size window)"},
      {"stride", K::IntOrChoice, "size", {"size"}, 1, 1000,
       "step between windows; \"size\" (the default) = windows side by side"},
  };
  info.infer = [](const BlockSpec& s, const std::vector<Shape>& in) -> Shape {
    const Pool2dGeometry g = pool2dGeometryOf(s, in[0]);
    return {g.channels, g.outH, g.outW};
  };
  info.paramDecls = [](const BlockSpec&, const std::vector<Shape>&) {
    return std::vector<ParamDecl>{};
  };
  info.create = [mode](const BlockArgs& a) { return std::make_unique<Pool2DBlock>(a, mode); };
  return info;
}
}  // namespace

BlockInfo maxPool2dInfo() { return poolInfo("MaxPool2D", PoolMode::Max); }
BlockInfo avgPool2dInfo() { return poolInfo("AvgPool2D", PoolMode::Average); }

}  // namespace gradlab
