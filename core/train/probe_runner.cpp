#include "train/probe_runner.h"

#include "train/trainer.h"

namespace gradlab {

void ProbeRunner::setRequest(const ProbeRequest& request) {
  for (const auto& [name, ask] : request.asks()) {
    auto old = request_.asks().find(name);
    if (old == request_.asks().end() || !(old->second == ask)) {  // new, or asked differently
      State& s = states_[name];
      s.captured.reset();
      s.measuredStep = -1;
    }
  }
  request_ = request;
}

bool ProbeRunner::behind(const Trainer& trainer) const {
  for (const auto& [name, ask] : request_.asks()) {
    auto it = states_.find(name);
    if (it == states_.end() || it->second.measuredStep != trainer.steps()) return true;
  }
  return false;
}

bool ProbeRunner::isDue(const ProbeType& type, const State& s, const Trainer& trainer,
                        Pacer::Clock::time_point t, bool training) const {
  if (s.measuredStep == trainer.steps()) return false;
  if (type.minSeconds > 0) return Pacer::probeDue(t, training, s.last, s.cost, type.minSeconds);
  return Pacer::probeDue(t, training, frameLast_, frameCost_, 0);  // the frame's probes together
}

bool ProbeRunner::due(const Trainer& trainer, Pacer::Clock::time_point t, bool training) const {
  for (const auto& [name, ask] : request_.asks()) {
    auto it = states_.find(name);
    if (it == states_.end() || isDue(*ask.type, it->second, trainer, t, training)) return true;
  }
  return false;
}

ProbeContext ProbeRunner::context(Trainer& trainer, const nlohmann::json& options,
                                  const State& s, bool training) const {
  return ProbeContext{trainer, options, s.result, s.captured, path_, range_, training};
}

void ProbeRunner::afterStep(Trainer& trainer, Pacer::Clock::time_point t, bool training) {
  for (const auto& [name, ask] : request_.asks()) {
    State& s = states_[name];
    if (!ask.type->capture || !isDue(*ask.type, s, trainer, t, training)) continue;
    try {
      s.captured = ask.type->capture(context(trainer, ask.options, s, training));
    } catch (const std::exception&) {
      s.captured.reset();  // measure() reports what is wrong
    }
  }
}

std::string ProbeRunner::measureDue(Trainer& trainer, Pacer::Clock::time_point t, bool training) {
  std::string error;
  double frameCost = 0;
  bool frame = false;
  for (const auto& [name, ask] : request_.asks()) {
    State& s = states_[name];
    if (!isDue(*ask.type, s, trainer, t, training)) continue;
    const auto t0 = Pacer::Clock::now();
    bool again = false;  // a coarse first look: refined at the next measurement
    try {
      s.result = ask.type->measure(context(trainer, ask.options, s, training));
      again = s.result && s.result->refining();
    } catch (const std::exception& e) {
      error = std::string("A view could not be computed: ") + e.what();
    }
    s.measuredStep = again ? -1 : trainer.steps();  // a failure too: not again until a step
    s.last = t;
    s.cost = Pacer::seconds(Pacer::Clock::now() - t0);
    if (ask.type->minSeconds == 0) {
      frame = true;
      frameCost += s.cost;
    }
  }
  if (frame) {
    frameLast_ = t;
    frameCost_ = frameCost;
  }
  return error;
}

std::map<std::string, std::shared_ptr<const ProbeResult>> ProbeRunner::results() const {
  std::map<std::string, std::shared_ptr<const ProbeResult>> out;
  for (const auto& [name, ask] : request_.asks()) {
    auto it = states_.find(name);
    if (it != states_.end() && it->second.result) out[name] = it->second.result;
  }
  return out;
}

void ProbeRunner::restart() { states_.clear(); }

void ProbeRunner::markStale() {
  for (auto& [name, s] : states_) s.measuredStep = -1;
}

}  // namespace gradlab
