#include "lesson/live_checks.h"

#include <cmath>

#include "train/probes/adversarial.h"
#include "train/probes/code.h"
#include "train/probes/explain_metrics.h"
#include "train/probes/gradients.h"
#include "train/probes/inside.h"

namespace gradlab::widgets {

RunMeasures liveMeasures(const Snapshot& snap) {
  RunMeasures m;
  m.history = &snap.metrics;
  m.gradients = snap.probe<GradientProbe>();
  // forget.mean reads an LSTM's gates (the player asks for the first LSTM on test sample 0;
  // the Inside view may show another block meanwhile).
  if (const InsideProbe* in = snap.probe<InsideProbe>(); in && in->type == "LSTM") m.inside = in;
  m.attack = snap.probe<AttackProbe>();  // the player asks for the step's attack
  m.saliency = snap.probe<SaliencyFlipProbe>();
  m.classImages = snap.probe<ClassImagesProbe>();
  m.code = snap.probe<CodeProbe>();
  m.steps = snap.step;
  m.classes = snap.data ? snap.data->train.numClasses : 0;
  // A step whose loss was NaN/Inf pauses the session; its last batch loss stays non-finite.
  m.diverged = snap.step > 0 && !std::isfinite(snap.lastBatchLoss);
  return m;
}

MetricLookup liveLookup(const Snapshot& snap, MetricLookup variants) {
  return [&snap, variants](const std::string& metric,
                           const std::string& variant) -> std::optional<double> {
    if (!variant.empty()) return variants ? variants(metric, variant) : std::nullopt;
    if (!snap.ready) return std::nullopt;
    return metricValue(liveMeasures(snap), metric);
  };
}

std::vector<CheckResult> evaluateChecks(const LessonStep& step, const MetricLookup& lookup) {
  std::vector<CheckResult> results;
  for (const LessonCheck& c : step.checks) {
    try {
      results.push_back(c.evaluate(lookup));
    } catch (const std::exception& e) {
      CheckResult r;
      r.explain = e.what();
      results.push_back(r);
    }
  }
  return results;
}

bool allPassed(const std::vector<CheckResult>& results) {
  if (results.empty()) return false;
  for (const CheckResult& r : results)
    if (!r.passed || !*r.passed) return false;
  return true;
}

bool anyFailed(const std::vector<CheckResult>& results) {
  bool failed = false;
  for (const CheckResult& r : results) {
    if (!r.passed) return false;
    failed = failed || !*r.passed;
  }
  return failed;
}

}  // namespace gradlab::widgets
