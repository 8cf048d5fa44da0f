#pragma once
// The metrics a lesson's checks read (lessons/README.md "Metrics"), computed in one place from
// what a run has measured — for the headless runner (gradlab-cli lesson check), the lesson
// player (a live Snapshot) and the compare view (one run of a Comparison) alike.
//
//   RunMeasures m{.history = &snap.metrics, .gradients = snap.probe<GradientProbe>(), ...};
//   std::optional<double> acc = metricValue(m, "test.accuracy");   // nullopt: not measured yet
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "train/snapshot.h"

namespace gradlab {

struct AttackProbe;
struct ClassImagesProbe;
struct CodeProbe;
struct GradientProbe;
struct InsideProbe;
struct SaliencyFlipProbe;

struct RunMeasures {
  const std::vector<MetricPoint>* history = nullptr;  // evaluations in step order; the last is "now"
  std::optional<MetricPoint> start;   // before the step's actions (nullopt: the history's first)
  const GradientProbe* gradients = nullptr;           // the last step's gradients, or null
  // One block for one sample (forget.mean reads its "gates.f" picture): the headless runner
  // measures the first LSTM block on test sample 0; the player passes the Inside view's result.
  const InsideProbe* inside = nullptr;
  // The step's attack (`attack:`) on the first test samples: attack.accuracy reads it.
  const AttackProbe* attack = nullptr;
  // Lesson 21 (train/probes/explain_metrics.h): pixel flipping by saliency on the first test
  // images, and the images optimised for each class; measured when a check reads them.
  const SaliencyFlipProbe* saliency = nullptr;
  const ClassImagesProbe* classImages = nullptr;
  // Lesson 19 (train/probes/code.h): the autoencoder's code, with its decoder's principal
  // angles to the training data's PCA (pca.cos2); measured when a check reads it.
  const CodeProbe* code = nullptr;
  int64_t steps = 0;
  int classes = 0;                    // 0: not classification
  bool diverged = false;
};

// nullopt when the metric is not measured (yet); throws Error for an unknown metric name
// (parseLesson checks names with isMetricName first).
std::optional<double> metricValue(const RunMeasures& m, const std::string& metric);
bool isMetricName(const std::string& metric);
// Every metric name, for messages ("unknown metric x; the metrics are ...").
const std::vector<std::string>& metricNames();

}  // namespace gradlab
