#pragma once
// A lesson step's checks on the window's live run: the metrics (core/lesson/metrics.h) measured
// from the newest Snapshot — its evaluation history, the gradient and inside probes when they
// were measured — and, for `metric@VARIANT`, from a side-by-side run (`variants`).
//
//   MetricLookup look = liveLookup(*snap, nullptr);   // no comparison: variant metrics pending
//   CheckResult r = step.checks[0].evaluate(look);    // r.passed nullopt: not measured yet
#include <optional>
#include <vector>

#include "lesson/lesson.h"
#include "lesson/metrics.h"
#include "train/snapshot.h"

namespace gradlab::widgets {

// What the live run measures, for metricValue. `snap` must outlive the result.
RunMeasures liveMeasures(const Snapshot& snap);
// Metrics of the live run (variant "") or of a variant through `variants` (null: pending).
MetricLookup liveLookup(const Snapshot& snap, MetricLookup variants);

// Every check of `step` evaluated; a check that throws (a metric the engine cannot compute)
// is pending with the reason in `explain`.
std::vector<CheckResult> evaluateChecks(const LessonStep& step, const MetricLookup& lookup);
// All passed (none pending, none failed); false for a step without checks.
bool allPassed(const std::vector<CheckResult>& results);
// Some failed (none pending).
bool anyFailed(const std::vector<CheckResult>& results);

}  // namespace gradlab::widgets
