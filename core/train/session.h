#pragma once
// TrainingSession: a Trainer on its own worker thread, driven by commands, observed through
// Snapshots. This is how the window trains without ever waiting on training (Qt-free).
//
//   TrainingSession s;                       // starts the worker; nothing to train yet
//   s.setData(std::make_shared<Split>(split));
//   s.setNetwork(spec);                      // builds the Trainer on the worker
//   s.setProbes({{"boundary", {}}});         // what the open views want to see (probes/probe.h)
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
// With config.earlyStopping = P, every evaluation's test loss goes to an EarlyStopping
// (train/early_stopping.h): after P evaluations without a lower one, training pauses, the
// weights of the best evaluation come back and the message says so; the snapshot's bestStep
// is that step. Play or Step continues from there (patience counted afresh).
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
#include "train/early_stopping.h"
#include "train/landscape.h"
#include "train/pacer.h"
#include "train/probe_runner.h"
#include "train/race_job.h"
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
  void setData(std::shared_ptr<const Split> data);      // rebuilds the trainer (shares the data)
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
  // own default learning rate, the same batches) in the background (train/race_job.h): the
  // snapshot's `job` reports its progress; its RaceProbe shows the paths until the weights
  // move on. Commands keep answering meanwhile; anything that moves the weights cancels it.
  void race(int64_t steps = 300);
  void cancelRace();
  // Loads weights into the network once it exists (now, or after the next rebuild).
  void loadWeights(TensorMap weights, std::string source);
  // The current weights (empty without a trainer), read between two steps.
  std::future<TensorMap> weights();
  // Waits until every command queued so far is applied and a snapshot published.
  bool sync(int timeoutMs = 5000);

  // --- observation (any thread, never blocks on training) ---------------------------------
  std::shared_ptr<const Snapshot> snapshot() const;

 private:
  using Clock = Pacer::Clock;
  void post(std::function<void()> command);
  void run();
  void rebuild();
  void weightsMoved();  // drawn or loaded: path, histories and race start again
  void clearCurve();    // freshly drawn weights: the loss curve starts again at step 0
  void doStep();
  void evaluateMetrics(bool live);  // live: on at most kLiveEvalSamples of each set
  // Early stopping from the next evaluation on, counted afresh (off when config_ says 0).
  void restartEarlyStopping();
  void stopEarly();  // the stopper says stop: pause, and back to its best weights
  void measureProbes(Clock::time_point t, bool training);
  void publish();
  bool training() const { return trainer_ && (running_ || pendingSteps_ > 0); }

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
  std::vector<MetricPoint> metrics_;
  int64_t stepsAtEval_ = -1;
  bool evalSampled_ = false;  // the last point was measured live on part of the data
  std::optional<EarlyStopping> stopper_;  // config_.earlyStopping > 0
  int64_t stopperStep_ = -1;              // the step of the last evaluation it was given
  // Training that blows up with a finite loss (train/divergence.h, explosionSign) pauses and
  // falls back to the weights of the last sane evaluation, kept at most once a second.
  std::optional<std::pair<int64_t, TensorMap>> lastGood_;
  Clock::time_point lastGoodAt_{};
  void checkExplosion(const MetricPoint& p);
  ProbeRunner probes_;
  // The weights' path since they were drawn or loaded (the landscape draws it), recorded each
  // frame for networks small enough to have a landscape.
  LandscapeTracker path_;
  RaceJob race_;
  std::shared_ptr<const RaceProbe> raceResult_;  // the last race, shown until the weights move on
  double lastLoss_ = 0;
  uint64_t serial_ = 0;
  bool stateChanged_ = true;  // publish soon even without steps
  Pacer pacer_;
  double stepsPerSecond_ = 0;

  std::thread worker_;  // last: starts after every member above exists
};

}  // namespace gradlab
