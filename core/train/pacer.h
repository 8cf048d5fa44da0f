#pragma once
// Pacer: the training worker's clocks — when the views' next frame is due, when the loss curve
// and each probe are measured again, when a throttled step runs, and the measured step rate.
//
// While training, the views' work happens on frames, at most 60 a second: a snapshot each frame,
// the metrics and the probes only while their cost stays within a share of the time (spaced by
// 8 × their last cost: the probes measured together on a frame count as one, a costly probe
// with its own pace — the landscape — counts alone). Paused, everything is measured once for
// the weights where they stopped.
#include <algorithm>
#include <chrono>
#include <cstdint>

namespace gradlab {

class Pacer {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr Clock::duration kFrame =
      std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(1.0 / 60));

  static double seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

  explicit Pacer(Clock::time_point now = Clock::now())
      : frameStart(now), lastEval(now), lastPublish(now), nextStep(now), rateT0_(now) {}

  Clock::time_point frameStart;   // when the last frame's snapshot began
  Clock::time_point lastEval;     // the last point of the loss curve
  Clock::time_point lastPublish;  // the last snapshot
  Clock::time_point nextStep;     // a throttled run's next step
  double evalCost = 0;            // seconds the last evaluation took

  bool frameDue(Clock::time_point t) const { return t >= frameStart + kFrame; }
  bool evalDue(Clock::time_point t, bool training) const {
    return !training || seconds(t - lastEval) >= std::max(0.04, evalCost * 8);
  }
  // Probes last measured at `last`, costing `cost` seconds, measured at most every `minSeconds`.
  static bool probeDue(Clock::time_point t, bool training, Clock::time_point last, double cost,
                       double minSeconds) {
    if (!training) return true;
    return seconds(t - last) >= std::max({seconds(kFrame), minSeconds, cost * 8});
  }
  // Throttled to `stepsPerSecond`: the step after the one taken now (never more than a second
  // of steps owed, so a stall does not turn into a burst).
  void stepTaken(double stepsPerSecond, Clock::time_point now) {
    nextStep = std::max(nextStep + std::chrono::duration_cast<Clock::duration>(
                                       std::chrono::duration<double>(1.0 / stepsPerSecond)),
                        now - std::chrono::seconds(1));
  }

  // Steps per second over the last half second or more; 0 while not training.
  double measureRate(Clock::time_point t, int64_t steps, bool training) {
    const double since = seconds(t - rateT0_);
    if (since >= 0.5) {
      rate_ = double(steps - rateSteps0_) / since;
      rateT0_ = t;
      rateSteps0_ = steps;
    }
    if (!training) rate_ = 0;
    return rate_;
  }
  void restartRate(Clock::time_point t, int64_t steps) {
    rateT0_ = t;
    rateSteps0_ = steps;
  }

 private:
  Clock::time_point rateT0_;
  int64_t rateSteps0_ = 0;
  double rate_ = 0;
};

}  // namespace gradlab
