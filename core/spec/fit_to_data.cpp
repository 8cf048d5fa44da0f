#include "spec/fit_to_data.h"

#include "blocks/registry.h"
#include "tensor/shape.h"

namespace gradlab {

FitToData fitSpecToData(const NetworkSpec& spec, const Dataset& d) {
  FitToData fit{spec, {}};
  NetworkSpec& want = fit.spec;
  for (auto& b : want.blocks)
    if (b.type == "Input" && paramShape(b, "shape") != d.xShape) {
      b.params["shape"] = d.xShape;
      fit.changes.push_back("the input shape to " + toString(d.xShape));
    }
  BlockSpec* out = want.find(want.loss.block);
  if (!out || out->type != "Dense") return fit;  // only a Dense output has units to set
  const std::string lossBefore = want.loss.type;
  if (d.isClassification()) {
    // mse on class indices, or a binary loss on more than two classes: cross-entropy instead.
    if (want.loss.type == "mse" || (d.numClasses > 2 && want.loss.type != "cross_entropy"))
      want.loss.type = "cross_entropy";
  } else if (want.loss.type != "mse") {
    want.loss.type = "mse";
    out->params.erase("activation");  // a regression output is linear
  }
  if (want.loss.type != lossBefore) fit.changes.push_back("the loss to " + want.loss.type);
  // Units: one per class for cross-entropy, one for a binary loss, one per target value.
  const int64_t units = !d.isClassification()             ? numel(d.yShape)
                        : want.loss.type == "cross_entropy" ? int64_t(d.numClasses)
                                                            : 1;
  if (paramInt(*out, "units") != units) {
    out->params["units"] = units;
    fit.changes.push_back(out->id + " to " + std::to_string(units) + " units");
  }
  return fit;
}

}  // namespace gradlab
