#include "train/probes/boundary.h"

#include <algorithm>

#include "train/readout.h"
#include "train/trainer.h"

namespace gradlab {

std::shared_ptr<const ProbeResult> measureBoundary(const ProbeContext& ctx) {
  Network& net = ctx.trainer.network();
  if (net.inputShape() != Shape{2}) return nullptr;
  const PlotRange& r = ctx.range;
  const int n = std::clamp(ctx.options.value("grid", 100), 8, 400);
  std::vector<float> xs(size_t(n) * n * 2);
  for (int row = 0; row < n; ++row)
    for (int c = 0; c < n; ++c) {
      xs[size_t(row * n + c) * 2] = float(r.x0 + (r.x1 - r.x0) * (c + 0.5) / n);
      xs[size_t(row * n + c) * 2 + 1] = float(r.y0 + (r.y1 - r.y0) * (row + 0.5) / n);
    }
  Tensor x = net.backend().empty({int64_t(n) * n, 2}, net.dtype());
  x.fromHost(std::span<const float>(xs));
  net.forward(x, /*training=*/false);

  auto b = std::make_shared<BoundaryProbe>();
  b->numClasses = ctx.trainer.data().train.numClasses;
  auto grid = [&] {
    GridMap g;
    g.w = g.h = n;
    g.x0 = r.x0, g.x1 = r.x1, g.y0 = r.y0, g.y1 = r.y1;
    g.values.resize(size_t(n) * n);
    return g;
  };
  const Readout readout(net);
  b->output = grid();
  const std::vector<float> out = net.output(net.lossBlock()).toHostF32();
  for (int64_t i = 0; i < int64_t(n) * n; ++i)
    b->output.values[size_t(i)] = readout.value(out.data() + i * readout.k);

  for (const std::string& id : ctx.options.value("neurons", std::vector<std::string>{})) {
    if (!net.block(id)) continue;
    const Tensor& t = net.output(id);
    if (!t.defined() || t.rank() != 2) continue;
    const int64_t units = t.dim(1);
    const std::vector<float> h = t.toHostF32();
    std::vector<GridMap> maps;
    for (int64_t u = 0; u < std::min<int64_t>(units, BoundaryProbe::kMaxNeuronMaps); ++u) {
      GridMap g = grid();
      for (int64_t i = 0; i < int64_t(n) * n; ++i) g.values[size_t(i)] = h[size_t(i * units + u)];
      maps.push_back(std::move(g));
    }
    b->neurons[id] = std::move(maps);
  }
  return b;
}

}  // namespace gradlab
