#pragma once
// Snapshot: what the training worker publishes for the views — an immutable value.
//
// The worker (train/session.h) fills a fresh Snapshot after some steps and swaps it in under a
// mutex; the window's timer takes the newest one at up to 60 Hz and hands it to the open views.
// Nothing in a Snapshot changes after it is published, so views read it without locks.
//
//   auto snap = session.snapshot();          // std::shared_ptr<const Snapshot>
//   if (snap->serial != lastSerial) plot(snap->metrics);
//   if (auto* b = snap->probe<BoundaryProbe>()) draw(*b);   // what a view asked for
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "data/dataset.h"
#include "train/probes/probe.h"
#include "train/trainer.h"

namespace gradlab {

// Loss and accuracy at one step: train and test, measured in evaluation mode.
// Accuracy is NaN where the task is not classification; test values NaN without a test set.
// While training runs, a point measures at most the first kLiveEvalSamples of each set, so that
// the curve moves on big data sets too (`sampled` then says so); once training stops, the
// last point is measured on every sample.
inline constexpr int64_t kLiveEvalSamples = 2000;
struct MetricPoint {
  int64_t step = 0;
  double epoch = 0;
  double trainLoss = 0, testLoss = 0;
  double trainAcc = 0, testAcc = 0;
  bool sampled = false;  // measured on the first kLiveEvalSamples of a bigger set
};

struct Snapshot {
  uint64_t serial = 0;         // grows with each publish
  bool ready = false;          // a trainer exists (network valid and data loaded)
  bool running = false;        // playing
  int64_t step = 0;
  double epoch = 0;
  double stepsPerSecond = 0;   // measured over the last second
  double lastBatchLoss = 0;
  TrainConfig config;          // as applied
  std::string backend;         // "CPU (Eigen, 2 threads)"
  std::string error;           // why there is no trainer (data does not fit the network, ...)
  std::string message;         // divergence and other notices for the user
  // Early stopping (config.earlyStopping > 0): the step of the lowest test loss so far (-1:
  // none yet or off), and whether it stopped training and brought that step's weights back.
  int64_t bestStep = -1;
  bool stoppedEarly = false;

  std::vector<MetricPoint> metrics;  // history, thinned to at most a few thousand points
  std::shared_ptr<const Split> data; // the data being trained on

  // The probes' results by name (train/probes/probe.h), shared between snapshots until
  // measured again (publishing copies no grids); only probes on view, and results of
  // background jobs (the optimizer race) until the weights move on.
  std::map<std::string, std::shared_ptr<const ProbeResult>> probes;
  // A background job (the optimizer race) in progress: its name and share done, 0 to 1.
  std::string job;
  double jobProgress = 0;

  // The result of probe T (T::kName), or null.
  template <class T>
  const T* probe() const {
    auto it = probes.find(T::kName);
    return it == probes.end() ? nullptr : dynamic_cast<const T*>(it->second.get());
  }
  template <class T>
  std::shared_ptr<const T> shared() const {
    auto it = probes.find(T::kName);
    return it == probes.end() ? nullptr : std::dynamic_pointer_cast<const T>(it->second);
  }
};

}  // namespace gradlab
