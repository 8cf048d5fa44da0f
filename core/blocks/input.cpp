#include "blocks/input.h"

namespace gradlab {

BlockInfo inputInfo() {
  BlockInfo info;
  info.type = "Input";
  info.category = "Data";
  info.formula = "x = one batch of samples";
  info.help = "Where the dataset's samples enter the network. Its shape is one sample's shape.";
  info.params = {{"shape", ParamInfo::Kind::Shape, nullptr, {}, 1, 1e9,
                  "one sample's shape: [features], [channels, height, width] or [time, features]"}};
  info.minInputs = info.maxInputs = 0;
  info.infer = [](const BlockSpec& s, const std::vector<Shape>&) { return paramShape(s, "shape"); };
  info.paramDecls = [](const BlockSpec&, const std::vector<Shape>&) {
    return std::vector<ParamDecl>{};
  };
  info.create = [](const BlockArgs& a) { return std::make_unique<InputBlock>(a); };
  return info;
}

}  // namespace gradlab
