#pragma once
// Landscape: the loss around the current weights on a plane through them, the path the
// weights took to get there projected onto that plane — "walking downhill in fog", from above —
// and the 1-D slice along the straight line from the start.
//
// With θ the current trainable weights (flattened), θ₀ the path's oldest point and θᵢ its
// points, the surface is L(θ + x·d₁ + y·d₂) on a square grid, for one of three planes:
//   "path"         d₁ = (θ₀ − θ) / ‖θ₀ − θ‖      back along the way training came
//                  d₂ = the first principal direction of the θᵢ − θ once their d₁ part is
//                       removed (Li et al., "Visualizing the Loss Landscape of Neural Nets",
//                       2018, §7), so that zig-zags across a valley show; a fixed pseudo-random
//                       direction ⊥ d₁ while the path is a straight line.
//                  θᵢ ↦ (⟨θᵢ − θ, d₁⟩, ⟨θᵢ − θ, d₂⟩); the grid covers the path with a margin.
//   "filter"       d₁, d₂ random, filter-normalised (Li et al. §4; landscape_directions.h),
//                  x, y ∈ [−1, 1]; θᵢ by least squares in the plane.
//   "checkpoints"  the plane through θ₀, θ and a chosen point θ_c (Gram–Schmidt), coordinates
//                  in units of ‖θ₀ − θ‖: the start is (1, 0), now (0, 0).
// The slice (Goodfellow, Vinyals & Saxe 2015): L(θ₀ + t·(θ − θ₀)) for t from −½ to 3/2.
// Everything is measured in evaluation mode on fixed samples, in the chunks Trainer::evaluate
// uses, so the loss at θ is evaluate()'s. The weights are restored bit for bit afterwards, so
// looking at the landscape never changes training.
//
//   LandscapeTracker t;
//   t.record(net, steps);                                     // after steps: the path grows
//   LandscapeProbe p = t.compute(net, x, y, {.grid = 21});    // 21 × 21 losses on the path plane
//   p = t.compute(net, lossSamples(trainer, split.test), {.plane = "filter", .grid = 51});
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "network/network.h"
#include "train/probes/probe.h"
#include "train/trainer.h"

namespace gradlab {

struct ProbeContext;
// The landscape probe (train/probes/landscape.cpp): up to 51 × 51 losses (refined from 13 × 13)
// on the first 256 training samples by default; never null — a landscape that cannot be
// measured says why.
std::shared_ptr<const ProbeResult> measureLandscape(const ProbeContext& ctx);

// The loss landscape around the current weights θ on a plane through them, the path the weights
// took projected onto it, and the 1-D slice from the path's start to θ.
//
// Options the view sends (request.ask<LandscapeProbe>(options)); all optional:
//   {"plane": "path" | "filter" | "checkpoints",   // default "path"
//    "grid": 51,           // points per side, 5..101; default 51
//    "samples": 256,       // training samples the loss is measured on, 1..4096
//    "through": <step>}    // "checkpoints": the third point (a step of pathSteps); default the middle
struct LandscapeProbe : ProbeResult {
  static constexpr const char* kName = "landscape";
  // Costly, so it keeps its own pace: while training at most every 0.25 s.
  static inline const ProbeType kType{measureLandscape, {}, 0.25};
  GridMap loss;                       // L(θ + x·d₁ + y·d₂), evaluation mode, on `samples` samples
  std::vector<double> pathX, pathY;   // the path's points, oldest first; the newest is (0, 0)
  std::vector<int64_t> pathSteps;     // the step of each point
  double explained = 0;  // share of the path's squared distance from θ that lies in the plane
  double lossHere = 0;   // at θ, on the same samples
  int64_t samples = 0;   // how many: the first of the training set
  int64_t step = 0;
  int64_t weights = 0;   // trainable parameters
  std::string why;       // when there is no surface: why, and what to do
  std::string plane = "path";      // which plane was used
  std::string xLabel, yLabel;      // what each direction is, for axes
  int gridTarget = 0;              // the grid being refined towards; loss.w < gridTarget while refining
                                   // (the probe's, or less where that would take over 2 s)
  // The 1-D slice (Goodfellow et al. 2015): the loss on the straight line θ(t) = θ₀ + t·(θ − θ₀)
  // from the path's start (t = 0) to now (t = 1), t from −0.5 to 1.5; empty without a path.
  std::vector<double> sliceT, sliceLoss;
  double seconds = 0;    // what measuring took
  bool refining() const override { return loss.w < gridTarget && why.empty(); }
};

// How LandscapeTracker::compute lays its plane and grid.
struct LandscapeOptions {
  std::string plane = "path";  // "path", "filter" or "checkpoints"
  int grid = 51;               // points per side, 5..101
  int64_t samples = 256;       // (what the caller measures on: x's rows; for the record)
  int64_t through = -1;        // "checkpoints": the third point's step; -1: the path's middle
  uint64_t seed = 1;           // "filter": the random directions' draw
  double span = 0;             // > 0: the grid covers [−span, span]² around θ; 0: automatic
};

// The optimizer race (TrainingSession::race): each optimizer's path from the same start over
// the loss on the plane of the paths' two principal directions; the start is (0, 0).
struct RaceProbe : ProbeResult {
  static constexpr const char* kName = "race";
  struct Runner {
    std::string optimizer;  // "adam"
    double lr = 0;          // its default learning rate
    std::vector<double> x, y;  // the path, from the start
    double finalLoss = 0;      // on the race's samples after the last step (NaN: diverged)
  };
  GridMap loss;
  std::vector<Runner> runners;
  int64_t fromStep = 0;  // the training step the race started from
  int64_t steps = 0;     // each runner's
  double explained = 0;  // share of the paths' squared distance from the start in the plane
  int64_t samples = 0;
  bool cancelled = false;  // stopped before the end: no paths
};


// The samples a landscape's losses are measured on, in the chunks Trainer::evaluate takes them
// (kChunk at a time) and averaged as it does, L = Σ L_chunk · count / n, so that the loss at θ
// equals evaluate()'s to the last bit.
struct LossSamples {
  static constexpr int64_t kChunk = 256;
  std::vector<Tensor> x, y;
  std::vector<int64_t> count;
  int64_t total = 0;
};
// The first n samples of d (all of them: n ≤ 0), as `trainer` feeds them to its network.
LossSamples lossSamples(const Trainer& trainer, const Dataset& d, int64_t n = 0);
// One chunk: x, y as they are.
LossSamples lossSamples(const Tensor& x, const Tensor& y);
// The network's loss on them, in evaluation mode.
double lossOn(Network& net, const LossSamples& s);

class LandscapeTracker {
 public:
  // Networks with more trainable weights get no landscape (its cost grows with them).
  static constexpr int64_t kMaxWeights = 10000;
  // Points the path keeps; past that every other old point goes (the first and newest stay).
  static constexpr size_t kMaxPoints = 120;

  // Adds the current weights to the path; at the newest point's step, they replace it.
  void record(Network& net, int64_t step);
  void clear();
  size_t points() const { return path_.size(); }
  // The landscape around the newest point (call record() first, so that it is where the
  // weights are), the loss measured on (x, y). Throws what the network throws; the weights
  // are restored either way.
  LandscapeProbe compute(Network& net, const Tensor& x, const Tensor& y,
                         const LandscapeOptions& options) const;
  LandscapeProbe compute(Network& net, const LossSamples& samples,
                         const LandscapeOptions& options) const;
  // The path's points (flat trainable weights, oldest first) and their steps.
  const std::vector<std::vector<float>>& path() const { return path_; }
  const std::vector<int64_t>& steps() const { return steps_; }

 private:
  std::vector<std::vector<float>> path_;
  std::vector<int64_t> steps_;
};

// The trainable parameters of `net`, in network order (what the landscape moves), and all
// of them as one flat vector.
std::vector<Param*> trainableParams(Network& net);
int64_t trainableCount(Network& net);
std::vector<float> flatWeights(Network& net);
void setFlatWeights(Network& net, const std::vector<float>& flat);

// The optimizer race (curriculum topic 8): every optimizer at its own default learning rate
// (torch.optim's), from the same weights, on the same batches, for `steps` steps; their paths
// on the plane of the two principal directions of all of them (through the start), over the
// loss measured on the first `samples` training samples. `start` are the network's trainable
// weights to start from; the config gives batch, seed and penalties. `progress` hears the share
// done (0 to 1) after every step and returns false to cancel: the result then says `cancelled`.
// Throws Error for networks over kMaxWeights.
RaceProbe raceOptimizers(const NetworkSpec& spec, std::shared_ptr<const Split> data,
                         const TrainConfig& config, Backend& backend, DType dtype,
                         const TensorMap& start, int64_t fromStep, int64_t steps, int64_t samples,
                         int grid, const std::function<bool(double)>& progress = {});

}  // namespace gradlab
