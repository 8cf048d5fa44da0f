#include "train/probes/gradients.h"

#include <cmath>

#include "train/trainer.h"

namespace gradlab {

std::shared_ptr<const ProbeResult> captureGradientSignal(const ProbeContext& ctx) {
  Network& net = ctx.trainer.network();
  auto g = std::make_shared<GradientProbe>();
  g->step = ctx.trainer.steps();
  for (const auto& b : net.blocks()) {
    const Tensor& grad = net.gradient(b->id());
    if (!grad.defined() || grad.numel() == 0) continue;
    g->signal[b->id()] =
        std::sqrt(net.backend().reduce(Reduce::SumSquares, grad) / double(grad.numel()));
  }
  return g;
}

std::shared_ptr<const ProbeResult> measureGradients(const ProbeContext& ctx) {
  const int64_t step = ctx.trainer.steps();
  if (step == 0) return nullptr;  // no gradients yet: the view says "step once"
  auto last = std::dynamic_pointer_cast<const GradientProbe>(ctx.last);
  if (last && last->step == step) return last;  // the same gradients
  Network& net = ctx.trainer.network();
  Backend& be = net.backend();
  auto g = std::make_shared<GradientProbe>();
  g->step = step;
  for (const auto& block : net.blocks()) {
    std::vector<const Param*> measured;
    for (const Param& p : block->params())
      if (p.decl.trainable && p.decl.penalised) measured.push_back(&p);
    if (measured.empty())
      for (const Param& p : block->params())
        if (p.decl.trainable) measured.push_back(&p);
    if (measured.empty()) continue;
    GradientProbe::Layer layer{block->id(), block->type()};
    double g2 = 0, w2 = 0;
    for (const Param* p : measured) {
      layer.weights += p->value.numel();
      g2 += be.reduce(Reduce::SumSquares, p->grad);
      w2 += be.reduce(Reduce::SumSquares, p->value);
    }
    const double n = double(std::max<int64_t>(1, layer.weights));
    layer.gradRms = std::sqrt(g2 / n);
    layer.weightRms = std::sqrt(w2 / n);
    g->layers.push_back(std::move(layer));
  }
  if (auto s = std::dynamic_pointer_cast<const GradientProbe>(ctx.captured); s && s->step == step)
    g->signal = s->signal;

  GradientProbe::Point point{step, {}};
  for (const auto& l : g->layers) point.gradRms.push_back(l.gradRms);
  if (last && (last->history.empty() || last->history.back().gradRms.size() == point.gradRms.size()))
    g->history = last->history;  // a network whose layers changed starts its history again
  g->history.push_back(std::move(point));
  if (g->history.size() > GradientProbe::kMaxHistory) {  // every other point, the newest kept
    std::vector<GradientProbe::Point> thinned;
    for (size_t i = g->history.size() % 2 == 0 ? 1 : 0; i < g->history.size(); i += 2)
      thinned.push_back(std::move(g->history[i]));
    g->history = std::move(thinned);
  }
  return g;
}

}  // namespace gradlab
