#pragma once
// LessonRunner: a lesson step run headless on the real engine — what `gradlab-cli lesson check`
// does for every step: load the step's data, start its run (or its variants side by side, as a
// Comparison), perform its "Show me" actions, measure, and evaluate its checks.
//
//   LessonRunner runner(cpuBackend());
//   Lesson lesson = loadLesson("lessons/04-xor");
//   for (const LessonStep& step : lesson.steps) {
//     StepRun r = runner.run(lesson, step);
//     // r.checks[i].passed: true / false / nullopt (a metric it reads was not measured)
//   }
//
// How a step runs: every variant starts from the first one's initial weights (where shapes
// allow) and is evaluated once (the `start.*` metrics); `play N` takes N steps of every variant,
// evaluating max(1, N/20) steps apart (so curves and early stopping work, on at most
// kLiveEvalSamples of each set); `set` applies settings between steps (a block parameter or
// another network rebuilds the network, keeping weights whose names and shapes still match);
// `reset` draws fresh weights. At the end every variant is evaluated on the full sets, its
// gradients are measured (train/probes/gradients.h) and, for a network with an LSTM block, the
// first LSTM's insides on test sample 0 (forget.mean), the step's `attack:` on its first test
// samples (attack.*, train/probes/adversarial.h) and, when a check reads them, pixel flipping
// by saliency and the class images (saliency.*, visualize.*, train/probes/explain_metrics.h).
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "backend/backend.h"
#include "lesson/lesson.h"
#include "train/snapshot.h"

namespace gradlab {

struct StepRun {
  std::vector<CheckResult> checks;  // parallel to step.checks
  struct Variant {
    std::string name;                // "" for a step without variants
    std::vector<MetricPoint> metrics;
    int64_t steps = 0;
    bool diverged = false;
    std::string message;             // why it stopped (divergence advice, early stopping)
  };
  std::vector<Variant> runs;
  double seconds = 0;
};

class LessonRunner {
 public:
  explicit LessonRunner(Backend& backend, DType dtype = DType::F32);
  // Throws Error "FILE:LINE: ..." (the step's line, or an action's) when the step cannot run,
  // e.g. a network that does not fit the data.
  StepRun run(const Lesson& lesson, const LessonStep& step);

 private:
  std::shared_ptr<const Split> data(const DataSource& source);

  Backend& backend_;
  DType dtype_;
  // Splits by data source (its JSON), shared by the steps of a run: loading is done once.
  std::map<std::string, std::shared_ptr<const Split>> cache_;
};

}  // namespace gradlab
