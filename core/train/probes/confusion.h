#pragma once
// Confusion probe: the confusion matrix on the test set (the training set where there is none)
// and the first misclassified samples.
//   options: {}
#include <cstdint>
#include <vector>

#include "train/probes/probe.h"

namespace gradlab {

// Null unless the task is classification.
std::shared_ptr<const ProbeResult> measureConfusion(const ProbeContext& ctx);

struct ConfusionProbe : ProbeResult {
  static constexpr const char* kName = "confusion";
  static inline const ProbeType kType{measureConfusion, {}, 0};
  static constexpr int kMaxMisses = 48;
  int numClasses = 0;
  bool onTest = true;
  std::vector<int64_t> counts;  // row = true class, column = predicted, row-major
  struct Miss {
    int64_t index = 0;  // sample index in the evaluated set
    int truth = 0, predicted = 0;
    float confidence = 0;  // probability of the predicted class
  };
  std::vector<Miss> misses;  // the first few misclassified samples
};

}  // namespace gradlab
