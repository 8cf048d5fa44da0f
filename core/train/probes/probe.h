#pragma once
// Probes: what the open views ask the training worker to measure — the decision boundary, the
// confusion matrix, gradients per layer, one sample inside a block, the loss landscape, …
//
// A probe is a free function from the trainer (network + data) and the view's options to an
// immutable result, run on the worker between two training steps. Each probe lives in one file
// of this folder: its result type names it (kName) and carries its ProbeType (kType: the
// function, and the pace it keeps). The session, the snapshot and the window know none of them:
// a view asks for a probe by its result type, with options (JSON), and reads the result from the
// snapshot by the same type:
//
//   request.ask<BoundaryProbe>({{"grid", 100}});           // the view, in addProbes()
//   if (auto* b = snap.probe<BoundaryProbe>()) draw(*b);   // the view, in showSnapshot()
//
// Pacing (train/pacer.h): while training, a probe is measured again once the weights moved, at
// most once a frame; the probes on view are measured together, spaced by 8 × their cost (about
// an eighth of the worker's time), except one with a pace of its own (`minSeconds`, the
// landscape), which is spaced by 8 × its own cost and at least minSeconds.
// Paused, a probe is measured once for the weights where they stopped.
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "data/dataset.h"

namespace gradlab {

class Trainer;
class LandscapeTracker;

// The base of every probe result (and of what a probe captures right after a step). A result
// type names its probe: `static constexpr const char* kName = "boundary";`.
struct ProbeResult {
  virtual ~ProbeResult() = default;
  // A first look still being refined (the landscape's coarse grid): measured again, paused
  // too, until it says it is done.
  virtual bool refining() const { return false; }
};

// A function sampled on a regular w × h grid over [x0, x1] × [y0, y1]; values row-major with
// y growing with the row (row 0 is y0). Boundary maps and loss landscapes.
struct GridMap {
  int w = 0, h = 0;
  double x0 = 0, x1 = 1, y0 = 0, y1 = 1;
  std::vector<float> values;
};


// The plane a 2-D dataset (or the line a 1-D one) is drawn over: the data's extent + 10 %.
struct PlotRange {
  double x0 = -1, x1 = 1, y0 = -1, y1 = 1;
};
PlotRange plotRange(const Split& data);

// What a probe gets: the trainer (its network holds the current weights; run it in evaluation
// mode only, and leave the weights as they were), its options, and its own last result and
// last capture, for probes that keep a history.
struct ProbeContext {
  Trainer& trainer;
  const nlohmann::json& options;
  std::shared_ptr<const ProbeResult> last;      // this probe's previous result (null: none yet)
  std::shared_ptr<const ProbeResult> captured;  // what capture() took after the last step
  const LandscapeTracker* path = nullptr;       // the weights' path since they were drawn
  PlotRange range;
  bool training = false;                        // measured while training runs
};

using ProbeFunction = std::function<std::shared_ptr<const ProbeResult>(const ProbeContext&)>;

struct ProbeType {
  // Measures the result for the current weights (null: nothing to show yet); throws Error to
  // say why it cannot.
  ProbeFunction measure;
  // Optional: run right after a training step, before any evaluation pass replaces what exists
  // only then (dropout's mask, the gradients flowing back); its result reaches measure().
  ProbeFunction capture = {};
  double minSeconds = 0;  // while training, measured at most this often (the landscape: 0.25)
};

// What the views on screen ask the worker to measure: probe name -> its type and the options.
class ProbeRequest {
 public:
  struct Ask {
    const ProbeType* type = nullptr;
    nlohmann::json options;
    bool operator==(const Ask& o) const { return type == o.type && options == o.options; }
  };
  template <class T>
  void ask(nlohmann::json options = nlohmann::json::object()) {
    asks_[T::kName] = Ask{&T::kType, std::move(options)};
  }
  const std::map<std::string, Ask>& asks() const { return asks_; }
  bool empty() const { return asks_.empty(); }
  bool operator==(const ProbeRequest&) const = default;

 private:
  std::map<std::string, Ask> asks_;
};

}  // namespace gradlab
