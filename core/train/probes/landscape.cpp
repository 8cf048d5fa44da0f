#include "train/probes/landscape.h"

#include <algorithm>
#include <chrono>
#include <cstring>

#include "util/error.h"

namespace gradlab {

std::vector<int> landscapeLevels(int grid) {
  std::vector<int> levels{grid};
  while (levels.back() > 13) {
    int next = levels.back() / 2;
    if (next % 2 == 0) next += 1;  // odd: θ stays the middle point
    if (next < 13 || next >= levels.back()) break;
    levels.push_back(next);
  }
  std::reverse(levels.begin(), levels.end());
  return levels;
}

LandscapeLevel landscapeLevel(int grid, int lastGrid, bool refine, bool training,
                              double secondsPerPoint) {
  const std::vector<int> levels = landscapeLevels(grid);
  LandscapeLevel out{levels.front(), levels.front()};
  if (refine) {  // paused: the next finer level
    for (int l : levels)
      if (l > lastGrid) {
        out.grid = l;
        break;
      }
    if (lastGrid >= levels.back()) out.grid = levels.back();
  } else if (training && secondsPerPoint > 0) {
    for (int l : levels)
      if (secondsPerPoint * l * l <= kLandscapeBudget) out.grid = l;
  }
  // Refined towards the grid asked for, or the finest level one measurement of which stays
  // within kLandscapePausedBudget (the worker answers no command meanwhile).
  for (int l : levels) {
    if (!(l <= out.grid || secondsPerPoint == 0 || secondsPerPoint * l * l <= kLandscapePausedBudget))
      break;
    out.target = l;
  }
  return out;
}

LandscapeOptions landscapeOptions(const nlohmann::json& options) {
  LandscapeOptions o;
  if (!options.is_object()) return o;
  auto integer = [&](const char* key, int64_t lo, int64_t hi, int64_t fallback) {
    auto it = options.find(key);
    if (it == options.end()) return fallback;
    if (!it->is_number_integer())
      throw Error(std::string("the landscape's \"") + key + "\" must be a whole number.");
    const int64_t v = it->get<int64_t>();
    if (v < lo || v > hi)
      throw Error(std::string("the landscape's \"") + key + "\" is " + std::to_string(v) +
                  "; it must be from " + std::to_string(lo) + " to " + std::to_string(hi) + ".");
    return v;
  };
  o.plane = options.value("plane", std::string("path"));
  if (o.plane != "path" && o.plane != "filter" && o.plane != "checkpoints")
    throw Error("the landscape's plane \"" + quoteText(o.plane) +
                "\" is not one of path, filter, checkpoints.");
  o.grid = int(integer("grid", 5, 101, kLandscapeGrid));
  o.samples = integer("samples", 1, kLandscapeMaxSamples, kLandscapeSamples);
  o.through = integer("through", -1, INT64_MAX, -1);
  return o;
}

namespace {
// FNV-1a over the weights' bytes: whether a previous result was measured at these weights (the
// step alone does not say: early stopping loads other weights at the same step).
uint64_t weightsHash(const std::vector<float>& w) {
  uint64_t h = 1469598103934665603ull;
  const auto* b = reinterpret_cast<const unsigned char*>(w.data());
  for (size_t i = 0; i < w.size() * sizeof(float); ++i) h = (h ^ b[i]) * 1099511628211ull;
  return h;
}

// The probe's result with what it was measured for, so that a later measurement knows whether
// it refines this one.
struct Measured : LandscapeProbe {
  uint64_t hash = 0;
  LandscapeOptions options;
  size_t pathPoints = 0;
};

bool sameAsk(const LandscapeOptions& a, const LandscapeOptions& b) {
  return a.plane == b.plane && a.grid == b.grid && a.samples == b.samples &&
         a.through == b.through;
}
}  // namespace

std::shared_ptr<const ProbeResult> measureLandscape(const ProbeContext& ctx) {
  const auto t0 = std::chrono::steady_clock::now();
  Trainer& trainer = ctx.trainer;
  const int64_t step = trainer.steps();
  auto p = std::make_shared<Measured>();
  try {
    const LandscapeOptions options = landscapeOptions(ctx.options);
    const uint64_t hash = weightsHash(flatWeights(trainer.network()));
    const size_t points = ctx.path ? ctx.path->points() : 0;
    auto last = std::dynamic_pointer_cast<const Measured>(ctx.last);
    const bool same = last && last->step == step && last->hash == hash &&
                      last->pathPoints == points && sameAsk(last->options, options);
    if (same && !last->refining()) return last;  // measured for these weights already

    // What one grid point cost last time (the slice and the rest included).
    const double perPoint = last && last->loss.w > 0 && last->seconds > 0
                                ? last->seconds / double(last->loss.w * last->loss.h)
                                : 0;
    const LandscapeLevel level =
        landscapeLevel(options.grid, last ? last->loss.w : 0, same, ctx.training, perPoint);
    const Dataset& d = trainer.data().train;
    const int64_t n = std::min<int64_t>(options.samples, d.size());
    if (n == 0) throw Error("there are no training samples to measure the loss on.");
    if (!ctx.path) throw Error("no path of the weights is kept.");
    LandscapeOptions at = options;
    at.grid = level.grid;
    static_cast<LandscapeProbe&>(*p) =
        ctx.path->compute(trainer.network(), lossSamples(trainer, d, n), at);
    p->gridTarget = p->why.empty() ? std::max(level.target, p->loss.w) : 0;
    p->hash = hash;
    p->options = options;
    p->pathPoints = points;
  } catch (const std::exception& e) {
    static_cast<LandscapeProbe&>(*p) = LandscapeProbe{};
    p->why = std::string("The landscape could not be measured: ") + e.what();
  }
  p->step = step;  // measured for this step, even when it says why not: not again until a step
  p->seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return p;
}

}  // namespace gradlab
