#include "train/probes/fit.h"

#include "train/trainer.h"

namespace gradlab {

std::shared_ptr<const ProbeResult> measureFit(const ProbeContext& ctx) {
  Network& net = ctx.trainer.network();
  if (net.inputShape() != Shape{1} || ctx.trainer.data().train.isClassification()) return nullptr;
  const int n = 200;
  std::vector<float> xs(n);
  for (int i = 0; i < n; ++i)
    xs[size_t(i)] = float(ctx.range.x0 + (ctx.range.x1 - ctx.range.x0) * i / (n - 1));
  Tensor x = net.backend().empty({n, 1}, net.dtype());
  x.fromHost(std::span<const float>(xs));
  net.forward(x, /*training=*/false);
  const std::vector<float> out = net.output(net.lossBlock()).toHostF32();
  const int64_t k = numel(net.outputShape());
  auto f = std::make_shared<FitProbe>();
  for (int i = 0; i < n; ++i) {
    f->xs.push_back(xs[size_t(i)]);
    f->ys.push_back(out[size_t(i * k)]);
  }
  return f;
}

}  // namespace gradlab
