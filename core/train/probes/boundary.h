#pragma once
// Boundary probe: the network's output over the plane of a 2-D dataset (TF-Playground style),
// and optionally each neuron of some hidden blocks over the same plane.
//   options: {"grid": 100, "neurons": ["h1", "h2"]}
#include <map>
#include <string>
#include <vector>

#include "train/probes/probe.h"

namespace gradlab {

// Null where the input is not 2-D.
std::shared_ptr<const ProbeResult> measureBoundary(const ProbeContext& ctx);

//   binary tasks (one output, or two classes): values = probability of class 1 in [0, 1]
//   more classes: values = the predicted class index (0, 1, 2, ...)
//   regression with one output: the raw output
struct BoundaryProbe : ProbeResult {
  static constexpr const char* kName = "boundary";
  static inline const ProbeType kType{measureBoundary, {}, 0};
  static constexpr int kMaxNeuronMaps = 16;  // per block
  GridMap output;
  int numClasses = 0;  // 0 = regression
  // Per hidden block (asked for by id): one map per neuron (the block's output units).
  std::map<std::string, std::vector<GridMap>> neurons;
};

}  // namespace gradlab
