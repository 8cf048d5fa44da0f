// Every probe the views can ask for. A new probe: one file in this folder (its result type with
// kName, and a measure function), and one line here.
#include <algorithm>

#include "train/probes/boundary.h"
#include "train/probes/confusion.h"
#include "train/probes/fit.h"
#include "train/probes/gradients.h"
#include "train/probes/inside.h"
#include "train/probes/landscape.h"

namespace gradlab {

const std::vector<ProbeType>& probeTypes() {
  static const std::vector<ProbeType> types = {
      {BoundaryProbe::kName, measureBoundary, {}, 0},
      {FitProbe::kName, measureFit, {}, 0},
      {ConfusionProbe::kName, measureConfusion, {}, 0},
      {GradientProbe::kName, measureGradients, captureGradientSignal, 0},
      {InsideProbe::kName, measureInside, captureTrainingInternals, 0},
      {LandscapeProbe::kName, measureLandscape, {}, 0.25},
  };
  return types;
}

const ProbeType* findProbeType(const std::string& name) {
  const auto& types = probeTypes();
  auto it = std::find_if(types.begin(), types.end(),
                         [&](const ProbeType& t) { return t.name == name; });
  return it == types.end() ? nullptr : &*it;
}

PlotRange plotRange(const Split& data) {
  PlotRange r;
  double x0 = 1e300, x1 = -1e300, y0 = 1e300, y1 = -1e300;
  for (const Dataset* d : {&data.train, &data.test}) {
    const int64_t stride = d->xStride();
    if (stride < 1 || stride > 2) continue;
    for (int64_t i = 0; i < d->size(); ++i) {
      const double a = d->x[size_t(i * stride)];
      x0 = std::min(x0, a), x1 = std::max(x1, a);
      if (stride == 2) {
        const double b = d->x[size_t(i * stride + 1)];
        y0 = std::min(y0, b), y1 = std::max(y1, b);
      }
    }
  }
  if (x1 < x0) return r;
  if (y1 < y0) y0 = -1, y1 = 1;
  const double mx = std::max(1e-6, (x1 - x0) * 0.1), my = std::max(1e-6, (y1 - y0) * 0.1);
  return {x0 - mx, x1 + mx, y0 - my, y1 + my};
}

}  // namespace gradlab
