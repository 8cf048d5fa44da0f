#pragma once
// The loss curve: loss and accuracy on the training and test sets at one step (MetricPoint,
// train/snapshot.h), and the history of them the session keeps.
//
//   MetricPoint p = measureMetrics(trainer, /*live=*/true);   // on the first 2000 of each set
//   addMetricPoint(curve, p);                                 // thinned past 4000 points
#include <vector>

#include "train/snapshot.h"
#include "train/trainer.h"

namespace gradlab {

inline constexpr size_t kMaxMetricPoints = 4000;

// In evaluation mode; live: on at most kLiveEvalSamples of each set (the point says so).
// Throws what Trainer::evaluate throws.
MetricPoint measureMetrics(Trainer& trainer, bool live);
// Appends p (replacing a point of the same step); past kMaxMetricPoints every other point goes,
// the newest stays.
void addMetricPoint(std::vector<MetricPoint>& curve, const MetricPoint& p);

}  // namespace gradlab
