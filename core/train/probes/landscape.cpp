#include "train/probes/landscape.h"

#include <algorithm>

#include "util/error.h"

namespace gradlab {

std::shared_ptr<const ProbeResult> measureLandscape(const ProbeContext& ctx) {
  Trainer& trainer = ctx.trainer;
  const int64_t step = trainer.steps();
  auto last = std::dynamic_pointer_cast<const LandscapeProbe>(ctx.last);
  if (last && last->step == step) return last;
  const Dataset& d = trainer.data().train;
  const int64_t n = std::min<int64_t>(kLandscapeSamples, d.size());
  auto p = std::make_shared<LandscapeProbe>();
  try {
    if (n == 0) throw Error("there are no training samples to measure the loss on.");
    if (!ctx.path) throw Error("no path of the weights is kept.");
    *p = ctx.path->compute(trainer.network(), trainer.makeInput(d, 0, n),
                           trainer.makeTarget(d, 0, n), kLandscapeGrid);
  } catch (const std::exception& e) {
    *p = LandscapeProbe{};
    p->why = std::string("The landscape could not be measured: ") + e.what();
  }
  p->step = step;  // measured for this step, even when it says why not: not again until a step
  return p;
}

}  // namespace gradlab
