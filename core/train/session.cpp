#include "train/session.h"

#include <algorithm>
#include <atomic>
#include <cmath>

#include "backend/device_error.h"
#include "train/divergence.h"
#include "train/metrics.h"
#include "train/probes/landscape.h"
#include "util/error.h"

namespace gradlab {

TrainingSession::TrainingSession(Backend& backend, DType dtype)
    : snapshot_(std::make_shared<Snapshot>()), be_(&backend), dtype_(dtype) {
  probes_.setPath(&path_);
  worker_ = std::thread([this] { run(); });
}

TrainingSession::~TrainingSession() {
  {
    std::lock_guard lk(mu_);
    quit_ = true;
  }
  cv_.notify_all();
  worker_.join();
  // Only after the worker: its commands start and cancel the race, and two threads in race_ at
  // once (a race command running as the session is destroyed) raced on its std::thread — a
  // join of a thread being replaced. The race's thread posts to the queue: it still exists here.
  race_.cancel();
}

void TrainingSession::post(std::function<void()> command) {
  {
    std::lock_guard lk(mu_);
    queue_.push_back(std::move(command));
  }
  cv_.notify_all();
}

std::shared_ptr<const Snapshot> TrainingSession::snapshot() const {
  std::lock_guard lk(mu_);
  return snapshot_;
}

// --- commands ------------------------------------------------------------------------------

void TrainingSession::setNetwork(const NetworkSpec& spec) {
  post([this, spec] {
    spec_ = spec;
    haveSpec_ = true;
    rebuild();
  });
}

void TrainingSession::setData(std::shared_ptr<const Split> data) {
  post([this, data] {
    data_ = data;
    probes_.setRange(data_ ? plotRange(*data_) : PlotRange{});
    rebuild();
  });
}

void TrainingSession::setBackend(Backend& backend) {
  post([this, &backend] {
    be_ = &backend;
    rebuild();
  });
}

void TrainingSession::setConfig(const TrainConfig& config) {
  post([this, config] {
    const bool seedChanged = config.seed != config_.seed;
    const bool patienceChanged = config.earlyStopping != config_.earlyStopping;
    config_ = config;
    if (patienceChanged) restartEarlyStopping();
    if (!trainer_) return;
    try {
      trainer_->setConfig(config_);
      if (seedChanged && trainer_->steps() == 0) {
        trainer_->reset();
        weightsMoved();
        clearCurve();  // the idle worker may have measured the old seed's weights at step 0
      }
      message_.clear();
    } catch (const std::exception& e) {
      message_ = e.what();
      running_ = false;
    }
    probes_.markStale();
    stateChanged_ = true;
  });
}

void TrainingSession::play() {
  post([this] {
    if (!trainer_) return;
    race_.cancel();
    running_ = true;
    message_.clear();
    if (stopper_ && stopper_->stopped()) restartEarlyStopping();  // on from the best weights
    pacer_.nextStep = Clock::now();
    stateChanged_ = true;
  });
}

void TrainingSession::pause() {
  post([this] {
    running_ = false;
    pendingSteps_ = 0;
    stateChanged_ = true;
  });
}

void TrainingSession::step(int64_t batches) {
  post([this, batches] {
    if (!trainer_) return;
    race_.cancel();
    running_ = false;
    if (stopper_ && stopper_->stopped()) restartEarlyStopping();
    pendingSteps_ += std::max<int64_t>(0, batches);
    stateChanged_ = true;
  });
}

void TrainingSession::stepEpoch() {
  post([this] {
    if (!trainer_) return;
    race_.cancel();
    running_ = false;
    if (stopper_ && stopper_->stopped()) restartEarlyStopping();
    pendingSteps_ += std::max<int64_t>(1, trainer_->stepsPerEpoch());
    stateChanged_ = true;
  });
}

void TrainingSession::reset() {
  post([this] {
    running_ = false;
    pendingSteps_ = 0;
    message_.clear();
    if (!trainer_) {
      rebuild();
      return;
    }
    try {
      trainer_->setConfig(config_);
      trainer_->reset();
    } catch (const std::exception& e) {
      message_ = e.what();
    }
    weightsMoved();
    clearCurve();
    stateChanged_ = true;
  });
}

void TrainingSession::setSpeed(double stepsPerSecond) {
  post([this, stepsPerSecond] {
    speed_ = stepsPerSecond > 0 ? stepsPerSecond : 0;
    pacer_.nextStep = Clock::now();
  });
}

void TrainingSession::setProbes(const ProbeRequest& request) {
  post([this, request] { probes_.setRequest(request); });
}

void TrainingSession::race(int64_t steps) {
  post([this, steps] {
    if (!trainer_) return;
    running_ = false;
    pendingSteps_ = 0;
    stateChanged_ = true;
    message_.clear();
    // The race trains its own networks, from the current weights, on the CPU (its networks are
    // small: a landscape's), sharing the data; the session's trainer is not touched.
    auto work = [spec = spec_, data = data_, config = config_, dtype = dtype_,
                 start = trainer_->network().weights(),
                 from = trainer_->steps(), steps](const RaceJob::Progress& progress) {
      return raceOptimizers(spec, data, config, cpuBackend(), dtype, start, from, steps,
                            kLandscapeSamples, kLandscapeGrid, progress);
    };
    auto last = std::make_shared<std::atomic<int>>(-1);
    raceResult_.reset();
    auto finished = [this] {
      post([this] {
        std::optional<RaceJob::Outcome> outcome = race_.take();
        if (!outcome) return;  // cancelled since
        if (outcome->value && !outcome->value->cancelled)
          raceResult_ = std::make_shared<const RaceProbe>(std::move(*outcome->value));
        else
          message_ = "The optimizer race could not run: " + outcome->error;
        stateChanged_ = true;
      });
    };
    race_.start(
        std::move(work), std::move(finished),
        [this, last](double done) {  // a snapshot for every 2 % of progress
          if (int(done * 50) != last->exchange(int(done * 50))) post([this] { stateChanged_ = true; });
        });
  });
}

void TrainingSession::cancelRace() {
  post([this] {
    race_.cancel();
    stateChanged_ = true;
  });
}

void TrainingSession::loadWeights(TensorMap weights, std::string source) {
  post([this, w = std::move(weights), source]() mutable {
    pendingWeights_.emplace(std::move(w), source);
    if (!trainer_) return;
    try {
      trainer_->network().loadWeights(pendingWeights_->first, pendingWeights_->second);
    } catch (const std::exception& e) {
      message_ = e.what();
    }
    pendingWeights_.reset();
    weightsMoved();
    stepsAtEval_ = -1;
    stateChanged_ = true;
  });
}

std::future<TensorMap> TrainingSession::weights() {
  auto promise = std::make_shared<std::promise<TensorMap>>();
  auto future = promise->get_future();
  post([this, promise] {
    try {
      promise->set_value(trainer_ ? trainer_->network().weights() : TensorMap{});
    } catch (...) {
      promise->set_exception(std::current_exception());
    }
  });
  return future;
}

bool TrainingSession::sync(int timeoutMs) {
  auto promise = std::make_shared<std::promise<void>>();
  auto future = promise->get_future();
  post([this, promise] {
    if (trainer_ && (stepsAtEval_ != trainer_->steps() || evalSampled_)) evaluateMetrics(false);
    if (trainer_) {
      path_.record(trainer_->network(), trainer_->steps());
      measureProbes(Clock::now(), /*training=*/false);
    }
    publish();
    promise->set_value();
  });
  return future.wait_for(std::chrono::milliseconds(timeoutMs)) == std::future_status::ready;
}

// --- worker --------------------------------------------------------------------------------

void TrainingSession::rebuild() {
  trainer_.reset();
  running_ = false;
  pendingSteps_ = 0;
  clearCurve();
  error_.clear();
  message_.clear();
  stateChanged_ = true;
  if (!haveSpec_ || !data_) {
    error_ = !data_ ? "No data loaded yet." : "No network yet.";
    weightsMoved();
    return;
  }
  try {
    trainer_ = std::make_unique<Trainer>(spec_, data_, config_, *be_, dtype_);
  } catch (const std::exception& e) {
    error_ = e.what();
    trainer_.reset();
    weightsMoved();
    return;
  }
  if (pendingWeights_) {
    try {
      trainer_->network().loadWeights(pendingWeights_->first, pendingWeights_->second);
    } catch (const std::exception& e) {
      message_ = e.what();
    }
    pendingWeights_.reset();
  }
  keeper_ = WeightKeeper(2.0);
  weightsMoved();
  pacer_.restartRate(Clock::now(), 0);
}

// The weights were drawn or loaded: the path starts again here (θ₀), the probes' histories
// start again, and a race from the old weights means nothing any more.
void TrainingSession::weightsMoved() {
  race_.cancel();
  raceResult_.reset();
  probes_.restart();
  path_.clear();
  restartEarlyStopping();
  lastGood_.reset();
  if (!trainer_) return;
  try {
    path_.record(trainer_->network(), trainer_->steps());
    lastGood_.emplace(trainer_->steps(), trainer_->network().weights());
    lastGoodAt_ = Clock::now();
  } catch (const std::exception& e) {
    message_ = e.what();
  }
}

void TrainingSession::clearCurve() {
  metrics_.clear();
  stepsAtEval_ = -1;
  evalSampled_ = false;
  lastLoss_ = 0;
}

void TrainingSession::doStep() {
  StepResult r;
  try {
    r = trainer_->step();
    if (be_->name() != "cpu") keeper_.maybeKeep(trainer_->network(), trainer_->steps());
  } catch (const DeviceError& e) {
    running_ = false;
    pendingSteps_ = 0;
    message_ = std::string("Training stopped: the GPU failed — ") + e.what() + ".";
    if (!keeper_.empty()) {
      const std::string step = std::to_string(keeper_.step());
      pendingWeights_ = {keeper_.weights(),
                         "the weights of step " + step + " (before the GPU failed)"};
      message_ += " Switch the backend to the CPU to continue from the weights of step " + step +
                  ".";
    } else {
      message_ += " Switch the backend to the CPU to train there.";
    }
    stateChanged_ = true;
    return;
  } catch (const std::exception& e) {
    running_ = false;
    pendingSteps_ = 0;
    message_ = std::string("Training stopped: ") + e.what();
    stateChanged_ = true;
    return;
  }
  lastLoss_ = r.loss;
  if (!r.finite) {
    running_ = false;
    pendingSteps_ = 0;
    message_ = divergenceAdvice(r, config_, RetryIn::Window);
    stateChanged_ = true;
  }
}

void TrainingSession::evaluateMetrics(bool live) {
  const auto t0 = Clock::now();
  try {
    const MetricPoint p = measureMetrics(*trainer_, live);
    addMetricPoint(metrics_, p);
    evalSampled_ = p.sampled;
    checkExplosion(p);
    if (stopper_ && !stopper_->stopped() && p.step != stopperStep_ && !std::isnan(p.testLoss)) {
      stopperStep_ = p.step;
      if (stopper_->update(p.step, p.testLoss, trainer_->network())) stopEarly();
    }
  } catch (const std::exception& e) {
    message_ = std::string("Could not evaluate: ") + e.what();
    evalSampled_ = false;
  }
  stepsAtEval_ = trainer_->steps();  // a failure too: the worker would spin on it
  pacer_.lastEval = Clock::now();
  pacer_.evalCost = Pacer::seconds(pacer_.lastEval - t0);
}

void TrainingSession::checkExplosion(const MetricPoint& p) {
  if (!training() || metrics_.size() < 2) return;
  const std::string sign = explosionSign(metrics_.front().trainLoss, p.trainLoss,
                                         largestWeight(trainer_->network()));
  if (sign.empty()) {
    if (!lastGood_ || Clock::now() - lastGoodAt_ > std::chrono::seconds(1)) {
      lastGood_.emplace(p.step, trainer_->network().weights());
      lastGoodAt_ = Clock::now();
    }
    return;
  }
  running_ = false;
  pendingSteps_ = 0;
  message_ = explosionAdvice(p.step, sign, config_, RetryIn::Window);
  if (lastGood_) {
    trainer_->network().loadWeights(lastGood_->second, "the last good weights");
    message_ += " The weights of step " + std::to_string(lastGood_->first) + " are kept.";
    path_.record(trainer_->network(), p.step);
    probes_.markStale();
  }
  stateChanged_ = true;
}

void TrainingSession::restartEarlyStopping() {
  stopper_.reset();
  stopperStep_ = -1;
  if (config_.earlyStopping > 0) stopper_.emplace(config_.earlyStopping);
}

void TrainingSession::stopEarly() {
  running_ = false;
  pendingSteps_ = 0;
  const int64_t step = trainer_->steps();
  trainer_->network().loadWeights(stopper_->bestWeights(), "the best evaluation's weights");
  message_ = "stopped early at step " + std::to_string(step) +
             ": the test loss has not improved for " + std::to_string(stopper_->patience()) +
             " evaluations; kept the weights of step " + std::to_string(stopper_->bestStep());
  // The curve's last point, and what checks read, measure the weights now in the network.
  const MetricPoint p = measureMetrics(*trainer_, /*live=*/false);
  addMetricPoint(metrics_, p);
  evalSampled_ = false;
  path_.record(trainer_->network(), step);
  probes_.markStale();
  stateChanged_ = true;
}

void TrainingSession::measureProbes(Clock::time_point t, bool training) {
  if (!probes_.any()) return;
  const std::string error = probes_.measureDue(*trainer_, t, training);
  if (!error.empty()) message_ = error;
}

void TrainingSession::publish() {
  auto s = std::make_shared<Snapshot>();
  s->serial = ++serial_;
  s->ready = trainer_ != nullptr;
  s->running = training();
  s->step = trainer_ ? trainer_->steps() : 0;
  s->epoch = trainer_ ? trainer_->epochs() : 0;
  s->stepsPerSecond = stepsPerSecond_;
  s->lastBatchLoss = lastLoss_;
  s->config = config_;
  s->backend = be_->description();
  s->error = error_;
  s->message = message_;
  s->bestStep = stopper_ ? stopper_->bestStep() : -1;
  s->stoppedEarly = stopper_ && stopper_->stopped();
  s->metrics = metrics_;
  s->data = data_;
  s->probes = probes_.results();
  if (raceResult_ && trainer_ && raceResult_->fromStep == trainer_->steps())
    s->probes[RaceProbe::kName] = raceResult_;
  if (race_.running()) {
    s->job = "race";
    s->jobProgress = race_.progress();
  }
  {
    std::lock_guard lk(mu_);
    snapshot_ = std::move(s);
  }
  pacer_.lastPublish = Clock::now();
  stateChanged_ = false;
}

void TrainingSession::run() {
  using namespace std::chrono_literals;
  pacer_ = Pacer(Clock::now());
  for (;;) {
    std::deque<std::function<void()>> commands;
    {
      std::unique_lock lk(mu_);
      const bool throttled = training() && pendingSteps_ == 0 && speed_ > 0;
      const bool idleWork = trainer_ && (stepsAtEval_ != trainer_->steps() || evalSampled_ ||
                                         probes_.behind(*trainer_));
      auto wake = [&] { return quit_ || !queue_.empty(); };
      if (throttled && Clock::now() < pacer_.nextStep)
        cv_.wait_until(lk, pacer_.nextStep, wake);
      else if (!training() && !idleWork && !stateChanged_)
        cv_.wait(lk, wake);
      if (quit_) return;
      commands.swap(queue_);
    }
    for (auto& c : commands) c();
    if (!commands.empty()) continue;  // re-check the state the commands left

    // The loss curve starts where training starts: measure before the first step, however
    // fast the steps after it come.
    if (trainer_ && metrics_.empty() && training()) evaluateMetrics(true);

    const auto now = Clock::now();
    bool stepped = false;
    if (trainer_ && pendingSteps_ > 0) {
      // Explicit steps (Step, Step epoch): in bursts of ~10 ms so commands stay responsive.
      do {
        doStep();
        --pendingSteps_;
        stepped = true;
      } while (pendingSteps_ > 0 && trainer_ && Clock::now() - now < 10ms);
      if (pendingSteps_ <= 0) stateChanged_ = true;
    } else if (trainer_ && running_) {
      if (speed_ > 0) {
        if (now >= pacer_.nextStep) {
          doStep();
          stepped = true;
          pacer_.stepTaken(speed_, now);
        }
      } else {
        // Flat out: steps until the views' next frame is due (at most 10 ms, so that commands
        // stay responsive), then the frame's share of the time.
        const auto until = std::min(now + 10ms, pacer_.frameStart + Pacer::kFrame);
        do {
          doStep();
          stepped = true;
        } while (running_ && Clock::now() < until);
      }
    }

    const auto t = Clock::now();
    const bool busy = training();
    if (trainer_) stepsPerSecond_ = pacer_.measureRate(t, trainer_->steps(), busy);
    const bool frameDue = pacer_.frameDue(t);
    const bool probeDue = trainer_ && probes_.due(*trainer_, t, busy);
    // Each frame, and before the probes look, the path grows by where the weights are (the
    // landscape draws it; networks over LandscapeTracker::kMaxWeights keep none).
    if (trainer_ && ((stepped && frameDue) || probeDue))
      path_.record(trainer_->network(), trainer_->steps());
    if (stepped && probeDue) probes_.afterStep(*trainer_, t, busy);
    // Paused or done: the last point measured on all the data, if it was measured on part.
    if (trainer_ && (stepsAtEval_ != trainer_->steps() || (!busy && evalSampled_)) &&
        pacer_.evalDue(t, busy))
      evaluateMetrics(busy);
    if (probeDue) measureProbes(t, busy);
    if (stateChanged_ || (stepped && frameDue) || (!busy && stepped) ||
        (trainer_ && !busy && (pacer_.lastEval > pacer_.lastPublish || probeDue)) ||
        (busy && !stepped && trainer_ && Pacer::seconds(t - pacer_.lastPublish) >= 0.1)) {
      publish();
      pacer_.frameStart = t;
    }
  }
}

}  // namespace gradlab
