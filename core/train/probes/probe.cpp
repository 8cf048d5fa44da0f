#include "train/probes/probe.h"

#include <algorithm>

namespace gradlab {

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
