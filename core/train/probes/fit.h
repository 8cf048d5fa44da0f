#pragma once
// Fit probe: the network's prediction along the x range of a 1-D regression, 200 points.
//   options: {}
#include <vector>

#include "train/probes/probe.h"

namespace gradlab {

// Null unless the input is one number and the task is regression.
std::shared_ptr<const ProbeResult> measureFit(const ProbeContext& ctx);

struct FitProbe : ProbeResult {
  static constexpr const char* kName = "fit";
  static inline const ProbeType kType{measureFit, {}, 0};
  std::vector<double> xs, ys;
};

}  // namespace gradlab
