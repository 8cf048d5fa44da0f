#pragma once
// CompareJob: a Comparison (train/compare.h) on a worker thread of its own, paced (steps per
// second of every variant, or flat out), publishing an immutable CompareSnapshot after each
// evaluation: per variant its name, loss/accuracy history, decision boundary (2-D data), layer
// gradients, and why it stopped. The compare view draws the snapshots; the lesson player reads
// each variant's metrics through measuresOf() and core/lesson/metrics.h. Qt-free, like the
// training session it runs beside (the window keeps training while a comparison runs).
//
//   CompareJob job;
//   job.start({{"lr 0.001", spec, slow}, {"lr 0.03", spec, fast}}, data, {.steps = 2000});
//   auto snap = job.snapshot();                         // never waits on the worker
//   double acc = *metricValue(measuresOf(*snap, 1), "test.accuracy");
//   job.pause(); job.resume(); job.cancel();
//
// Threads: start and cancel (and the destructor) belong to the one thread that owns the job, the
// window's; pause, resume, setSpeed, busy, snapshot and waitFinished may be called from any.
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "lesson/metrics.h"
#include "train/compare.h"
#include "train/probes/boundary.h"
#include "train/probes/gradients.h"

namespace gradlab {

// One variant as the snapshot shows it.
struct CompareSeries {
  std::string name;
  std::vector<MetricPoint> metrics;                // one point per evaluation, in step order
  std::shared_ptr<const BoundaryProbe> boundary;   // null: data not 2-D, or not measured yet
  std::shared_ptr<const GradientProbe> gradients;  // null before the first step
  int64_t steps = 0;
  bool diverged = false;   // its loss went NaN/Inf; it stopped at the last good weights
  bool stopped = false;    // early stopping ended it (its best weights kept)
  std::string message;     // why it diverged or stopped
};

struct CompareSnapshot {
  uint64_t serial = 0;     // grows with each publish
  bool running = false;    // stepping now (started, not paused, not finished)
  bool paused = false;
  bool finished = false;   // its steps are done, every variant stopped, cancelled, or it failed
  int64_t step = 0;        // steps taken by the comparison (each running variant took them)
  int64_t steps = 0;       // the steps it was started for (0: until cancelled)
  double speed = 0;        // steps per second asked for (0: flat out)
  std::string error;       // why it could not start ("variant 'relu': …")
  int classes = 0;         // the data's classes (0: regression)
  std::shared_ptr<const Split> data;
  std::vector<CompareSeries> runs;
};

// What core/lesson/metrics.h's metricValue() reads for variant `run` (its pointers point into
// `snap`: keep the snapshot alive while reading).
RunMeasures measuresOf(const CompareSnapshot& snap, size_t run);

class CompareJob {
 public:
  struct Options {
    int64_t steps = 2000;   // train this many steps, then finish (0: until cancelled)
    double speed = 0;       // steps per second of every variant (0: flat out)
    int64_t evalEvery = 0;  // steps between evaluations (0: steps / 200, at least 1; 10 without an end)
    int64_t evalLimit = kLiveEvalSamples;  // samples of each set per evaluation while running; all at the end
    int boundaryGrid = 50;  // the boundary's grid on 2-D data (0: no boundary)
    bool gradients = true;  // measure each variant's layer gradients
    Backend* backend = nullptr;  // null: the cpu backend
    DType dtype = DType::F32;
  };

  CompareJob() = default;
  ~CompareJob() { cancel(); }
  CompareJob(const CompareJob&) = delete;
  CompareJob& operator=(const CompareJob&) = delete;

  // Cancels a running comparison and starts this one on a new thread. A variant that does not
  // fit the data ends it at once with the snapshot's `error` (and `finished`).
  void start(std::vector<CompareVariant> variants, std::shared_ptr<const Split> data,
             Options options);
  void start(std::vector<CompareVariant> variants, std::shared_ptr<const Split> data) {
    start(std::move(variants), std::move(data), Options{});
  }
  void pause();
  void resume();
  // Stops at the next step and waits for the thread; the last snapshot stays (finished).
  void cancel();
  void setSpeed(double stepsPerSecond);  // <= 0: flat out

  bool busy() const;  // started and not finished
  // The newest snapshot (an empty one before the first start).
  std::shared_ptr<const CompareSnapshot> snapshot() const;
  // Waits until the comparison finishes or `seconds` pass; true when it finished.
  bool waitFinished(double seconds) const;

 private:
  void run(std::vector<CompareVariant> variants, std::shared_ptr<const Split> data, Options o);
  void publish(std::shared_ptr<CompareSnapshot> snap);

  std::thread thread_;  // start, cancel and the destructor only: call them from one thread
  mutable std::mutex mu_;
  mutable std::condition_variable cv_;  // pause/resume/cancel/speed wake the worker; publish wakes waiters
  bool stop_ = false, paused_ = false;
  bool started_ = false;  // busy() reads this, never thread_, so it may be asked from any thread
  double speed_ = 0;
  uint64_t serial_ = 0;
  std::shared_ptr<const CompareSnapshot> snap_ = std::make_shared<CompareSnapshot>();
};

}  // namespace gradlab
