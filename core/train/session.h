#pragma once
// TrainingSession: a Trainer on its own worker thread, driven by commands, observed through
// Snapshots. This is how the window trains without ever waiting on training (Qt-free).
//
//   TrainingSession s;                       // starts the worker; nothing to train yet
//   s.setData(std::make_shared<Split>(split));
//   s.setNetwork(spec);                      // builds the Trainer on the worker
//   s.setProbes({.boundary = true});         // what the open views want to see
//   s.play();                                // flat out unless setSpeed(steps per second)
//   ... a QTimer in the window: auto snap = s.snapshot(); draw(*snap);
//
// Commands go through a queue and are applied between steps, in order. After some steps the
// worker evaluates loss/accuracy and the requested probes — within a time budget, so
// visualisation never starves training — and publishes a new immutable Snapshot (a shared_ptr
// swapped under a mutex). A step whose loss is not finite pauses training and leaves a message
// in the snapshot saying what happened and how to recover (lower the learning rate, Reset). A
// GPU failing mid-training (out of memory, a failed launch) stops it with a message naming the
// cause; switching the backend to the CPU then continues from the last good weights.
// Same seed, same commands => same run.
#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <thread>

#include "io/safetensors.h"
#include "spec/network_spec.h"
#include "train/landscape.h"
#include "train/snapshot.h"
#include "train/trainer.h"
#include "train/weight_keeper.h"

namespace gradlab {

class TrainingSession {
 public:
  explicit TrainingSession(Backend& backend = cpuBackend(), DType dtype = DType::F32);
  ~TrainingSession();
  TrainingSession(const TrainingSession&) = delete;
  TrainingSession& operator=(const TrainingSession&) = delete;

  // --- commands (return at once; applied on the worker in order) -------------------------
  void setNetwork(const NetworkSpec& spec);             // rebuilds the trainer (fresh weights)
  void setData(std::shared_ptr<const Split> data);      // rebuilds the trainer
  void setBackend(Backend& backend);                    // rebuilds the trainer
  // Optimizer, lr, penalties, batch apply from the next step; a new seed applies at the next
  // reset (at once while no step has been taken).
  void setConfig(const TrainConfig& config);
  void play();
  void pause();
  void step(int64_t batches = 1);
  void stepEpoch();
  void reset();                                         // fresh weights from the seed
  void setSpeed(double stepsPerSecond);                 // <= 0: flat out
  void setProbes(const ProbeRequest& request);
  // Pauses and races every optimizer from the current weights for `steps` steps (each at its
  // own default learning rate, the same batches); the snapshot's race shows their paths until
  // training moves on (train/landscape.h).
  void race(int64_t steps = 300);
  // Loads weights into the network once it exists (now, or after the next rebuild).
  void loadWeights(TensorMap weights, std::string source);
  // The current weights (empty without a trainer), read between two steps.
  std::future<TensorMap> weights();
  // Waits until every command queued so far is applied and a snapshot published.
  bool sync(int timeoutMs = 5000);

  // --- observation (any thread, never blocks on training) ---------------------------------
  std::shared_ptr<const Snapshot> snapshot() const;

 private:
  void post(std::function<void()> command);
  void run();
  void rebuild();
  void doStep();
  void evaluateMetrics(bool live);  // live: on at most kLiveEvalSamples of each set
  void computeProbes();
  void measureGradients();
  void measureInside();
  double measureLandscape();
  void startPath();  // the weights were drawn or loaded: the path starts again here
  bool landscapeBehind() const;  // asked for, and not measured at the current step
  void captureTrainingInternals();
  void captureSignal();
  void publish();
  void dataRange();

  // Shared with other threads (under mu_).
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;
  bool quit_ = false;
  std::shared_ptr<const Snapshot> snapshot_;

  // Worker-only state.
  Backend* be_;
  DType dtype_;
  NetworkSpec spec_;
  bool haveSpec_ = false;
  std::shared_ptr<const Split> data_;
  TrainConfig config_;
  std::unique_ptr<Trainer> trainer_;
  std::string error_, message_;
  std::optional<std::pair<TensorMap, std::string>> pendingWeights_;
  // On a GPU: the last good weights, so that a failing device (DeviceError) stops training
  // with an offer to continue on the CPU from them (they become pendingWeights_).
  WeightKeeper keeper_{2.0};
  bool running_ = false;
  int64_t pendingSteps_ = 0;
  double speed_ = 0;
  ProbeRequest probes_;
  std::vector<MetricPoint> metrics_;
  std::shared_ptr<const BoundaryProbe> boundary_;
  std::shared_ptr<const FitProbe> fit_;
  std::shared_ptr<const ConfusionProbe> confusion_;
  std::shared_ptr<const GradientProbe> gradients_;
  std::vector<GradientProbe::Point> gradHistory_;  // since the weights were drawn or loaded
  std::shared_ptr<const InsideProbe> inside_;
  // The weights' path (from the start: θ₀ is recorded when the weights are drawn or loaded,
  // later points while the landscape is on view) and its last landscape.
  LandscapeTracker path_;
  std::shared_ptr<const LandscapeProbe> landscape_;
  std::shared_ptr<const RaceProbe> race_;
  double landscapeCost_ = 0;
  std::chrono::steady_clock::time_point lastLandscape_;
  // The inspected block's internals from the last training batch, read right after the step,
  // before an evaluation pass replaces them (dropout's mask exists only while training).
  std::vector<TensorPicture> trainingInternals_;
  // RMS of ∂L/∂output per block from the last training step, read right after it (an
  // evaluation pass at another batch size reallocates those gradients).
  std::map<std::string, double> signal_;
  int64_t signalStep_ = -1;
  double lastLoss_ = 0;
  double rangeX0_ = -1, rangeX1_ = 1, rangeY0_ = -1, rangeY1_ = 1;
  uint64_t serial_ = 0;
  bool stateChanged_ = true;     // publish soon even without steps
  int64_t stepsAtEval_ = -1, stepsAtProbe_ = -1;
  bool evalSampled_ = false;  // the last point was measured live on part of the data
  bool probesStale_ = true;
  double evalCost_ = 0, probeCost_ = 0;  // seconds, last measured
  // The views' frame: a snapshot at most every kFrame while training (60 a second).
  static constexpr std::chrono::steady_clock::duration kFrame =
      std::chrono::duration_cast<std::chrono::steady_clock::duration>(
          std::chrono::duration<double>(1.0 / 60));
  std::chrono::steady_clock::time_point lastEval_, lastProbe_, lastPublish_, nextStep_;
  std::chrono::steady_clock::time_point frameStart_;  // when the last frame's snapshot began
  std::chrono::steady_clock::time_point rateT0_;
  int64_t rateSteps0_ = 0;
  double stepsPerSecond_ = 0;

  std::thread worker_;  // last: starts after every member above exists
};

}  // namespace gradlab
