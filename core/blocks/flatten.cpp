#include "blocks/flatten.h"

namespace gradlab {

// y = x, read under the output's shape (the elements keep their order)
void ReshapeBlock::forward(std::span<const Tensor> in, Tensor& out, bool) { be_.copy(in[0], out); }

// ∂L/∂x += ∂L/∂y
void ReshapeBlock::backward(std::span<const Tensor>, const Tensor&, const Tensor& dout,
                            std::span<Tensor> din) {
  if (din[0].defined()) be_.axpy(1.0, dout, din[0]);
}

namespace {
std::vector<ParamDecl> noParams(const BlockSpec&, const std::vector<Shape>&) { return {}; }
}  // namespace

BlockInfo flattenInfo() {
  BlockInfo info;
  info.type = "Flatten";
  info.category = "Convolution";
  info.formula = "y = x as one long vector";
  info.help = "Lays an image's values out in one row (channel by channel, row by row), so a "
              "Dense layer can read it.";
  info.infer = [](const BlockSpec&, const std::vector<Shape>& in) -> Shape {
    return {numel(in[0])};
  };
  info.paramDecls = noParams;
  info.create = [](const BlockArgs& a) { return std::make_unique<ReshapeBlock>(a); };
  return info;
}

BlockInfo reshapeInfo() {
  BlockInfo info;
  info.type = "Reshape";
  info.category = "Convolution";
  info.formula = "y = x with another shape";
  info.help = "Gives the same values another shape with as many elements, e.g. 784 → [1, 28, 28] "
              "to turn a flat row of pixels into an image.";
  info.params = {{"shape", ParamInfo::Kind::Shape, nullptr, {}, 1, 1e9,
                  "the new shape without the batch: [features], [channels, height, width], ..."}};
  info.infer = [](const BlockSpec& s, const std::vector<Shape>& in) -> Shape {
    const Shape out = paramShape(s, "shape");
    if (numel(out) != numel(in[0]))
      throw Error("cannot make " + toString(out) + " (" + std::to_string(numel(out)) +
                  " values) out of its input " + toString(in[0]) + " (" +
                  std::to_string(numel(in[0])) + " values) — give a shape with " +
                  std::to_string(numel(in[0])) + " values");
    return out;
  };
  info.paramDecls = noParams;
  info.create = [](const BlockArgs& a) { return std::make_unique<ReshapeBlock>(a); };
  return info;
}

}  // namespace gradlab
