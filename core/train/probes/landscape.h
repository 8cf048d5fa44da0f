#pragma once
// Landscape probe: the loss on a plane through the current weights with the path the weights
// took (train/landscape.h says how each plane is chosen and declares LandscapeProbe and
// measureLandscape).
//
// Options (all optional): {"plane": "path" | "filter" | "checkpoints", "grid": 51,
// "samples": 256, "through": <step>}. Progressive: paused, the first measurement is a coarse
// grid (13 × 13 for 51) and each later one, for the same weights and options, the next finer
// level (25, then 51) until loss.w == gridTarget: the grid asked for, or the finest level one
// measurement of which (at the cost per point measured last time) stays within
// kLandscapePausedBudget, as the worker answers no command while it measures. While training,
// the finest level whose cost fits kLandscapeBudget seconds.
//
//   request.ask<LandscapeProbe>({{"plane", "filter"}, {"grid", 51}});
//   → 13 × 13 (refining), → 25 × 25 (refining), → 51 × 51 (done), while paused
#include <vector>

#include "train/landscape.h"
#include "train/probes/probe.h"

namespace gradlab {

inline constexpr int kLandscapeGrid = 51;           // losses per side, by default
inline constexpr int64_t kLandscapeSamples = 256;   // the training samples measured on, by default
inline constexpr int64_t kLandscapeMaxSamples = 4096;
inline constexpr double kLandscapeBudget = 0.012;   // seconds a measurement may take while training:
                                                     // under a 60 Hz frame, so no frame is lost
inline constexpr double kLandscapePausedBudget = 2.0;  // … and paused: no finer level beyond

// The levels a grid of `grid` points per side is refined through, coarsest first, ending with
// grid itself: halving (kept odd, so θ stays a grid point) down to no less than 13.
//   51 → {13, 25, 51};  101 → {13, 25, 51, 101};  9 → {9}
std::vector<int> landscapeLevels(int grid);

// The level to measure now and the one to refine towards, for a grid of `grid` asked for:
//   refine (paused, the same weights and options, last measured at lastGrid): the next finer
//   level; training: the finest level whose cost at `secondsPerPoint` (measured last time; 0:
//   unknown) fits kLandscapeBudget; else the coarsest. The target: the grid asked for, or the
//   finest level one measurement of which stays within kLandscapePausedBudget.
//   landscapeLevel(51, 13, true, false, 1e-5) → {25, 51};  landscapeLevel(51, 0, false, true, 1e-4) → {13, 51}
struct LandscapeLevel {
  int grid = 0, target = 0;
};
LandscapeLevel landscapeLevel(int grid, int lastGrid, bool refine, bool training,
                              double secondsPerPoint);

// The probe's options read and range-checked (throws Error naming the option).
LandscapeOptions landscapeOptions(const nlohmann::json& options);

}  // namespace gradlab
