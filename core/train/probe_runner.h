#pragma once
// ProbeRunner: the probes the open views asked for (train/probes/probe.h), measured on the
// training worker at their pace, their latest results kept for the snapshot. Worker-only.
//
//   runner.setRequest(request);                     // a command: what is on view now
//   runner.afterStep(trainer, t, training);         // right after a step: the probes' captures
//   runner.measureDue(trainer, t, training);        // the probes whose time has come
//   snapshot.probes = runner.results();
//   runner.restart();                               // the weights were drawn or loaded
#include <map>
#include <memory>
#include <string>

#include "train/pacer.h"
#include "train/probes/probe.h"

namespace gradlab {

class ProbeRunner {
 public:
  void setRequest(const ProbeRequest& request);
  const ProbeRequest& request() const { return request_; }
  bool any() const { return !request_.empty(); }

  // The weights' path, for the probes that draw it (the landscape).
  void setPath(const LandscapeTracker* path) { path_ = path; }
  void setRange(const PlotRange& range) { range_ = range; }

  // Whether a probe on view has not been measured for the current weights.
  bool behind(const Trainer& trainer) const;
  // Whether a probe is due now (behind, and its pace allows).
  bool due(const Trainer& trainer, Pacer::Clock::time_point t, bool training) const;
  // Right after a training step: what exists only then, for the probes due now.
  void afterStep(Trainer& trainer, Pacer::Clock::time_point t, bool training);
  // Measures the probes that are due. Returns what went wrong ("" when nothing did); a probe that
  // failed is not retried until the weights move.
  std::string measureDue(Trainer& trainer, Pacer::Clock::time_point t, bool training);

  // Results of the probes on view.
  std::map<std::string, std::shared_ptr<const ProbeResult>> results() const;
  // The weights were drawn or loaded: histories start again, everything is measured anew.
  void restart();
  // Something other than the weights changed what the probes show (the config): measure anew.
  void markStale();

 private:
  struct State {
    std::shared_ptr<const ProbeResult> result;    // the latest (kept after the view closes,
                                                  // for histories; published only while asked)
    std::shared_ptr<const ProbeResult> captured;  // after the last step
    int64_t measuredStep = -1;                    // -1: stale
    Pacer::Clock::time_point last{};
    double cost = 0;
  };
  ProbeContext context(Trainer& trainer, const nlohmann::json& options, const State& s,
                       bool training) const;
  bool isDue(const ProbeType& type, const State& s, const Trainer& trainer,
             Pacer::Clock::time_point t, bool training) const;

  ProbeRequest request_;
  std::map<std::string, State> states_;
  // The probes without a pace of their own are measured together, on one clock.
  Pacer::Clock::time_point frameLast_{};
  double frameCost_ = 0;
  const LandscapeTracker* path_ = nullptr;
  PlotRange range_;
};

}  // namespace gradlab
