#include "train/probes/explain_metrics.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

#include "explain/saliency.h"
#include "train/probes/adversarial.h"
#include "train/readout.h"
#include "train/trainer.h"

namespace gradlab {

std::shared_ptr<const ProbeResult> measureSaliencyFlip(const ProbeContext& ctx) {
  Trainer& trainer = ctx.trainer;
  Network& net = trainer.network();
  const Dataset& test = trainer.data().test;
  if (!test.isClassification() || test.size() == 0) return nullptr;
  auto r = std::make_shared<SaliencyFlipProbe>();
  r->samples = std::clamp<int64_t>(ctx.options.value("samples", int64_t(100)), 1,
                                   std::min<int64_t>(test.size(), 2000));
  const std::vector<int> predicted(size_t(r->samples), -1);
  const Saliency s = saliency(net, trainer.makeInput(test, 0, r->samples), predicted);
  const int64_t d = test.xStride();
  const int64_t flips = std::max<int64_t>(1, d / 20);
  Dataset flipped = test.subset([&] {
    std::vector<int64_t> first(static_cast<size_t>(r->samples));
    std::iota(first.begin(), first.end(), 0);
    return first;
  }());
  Dataset randomFlipped = flipped;
  std::mt19937_64 rng(1);
  for (int64_t i = 0; i < r->samples; ++i) {
    const float* g = s.gradient.data() + i * d;
    // Pixel flipping: the 5 % most salient pixels, and as many random ones, x -> 1 - x.
    std::vector<int64_t> order(static_cast<size_t>(d));
    std::iota(order.begin(), order.end(), 0);
    std::partial_sort(order.begin(), order.begin() + flips, order.end(),
                      [&](int64_t a, int64_t b) { return std::abs(g[a]) > std::abs(g[b]); });
    float* salient = flipped.x.data() + i * d;
    float* random = randomFlipped.x.data() + i * d;
    for (int64_t j = 0; j < flips; ++j) salient[order[size_t(j)]] = 1 - salient[order[size_t(j)]];
    std::shuffle(order.begin(), order.end(), rng);
    for (int64_t j = 0; j < flips; ++j) random[order[size_t(j)]] = 1 - random[order[size_t(j)]];
  }
  r->cleanAccuracy = *trainer.evaluate(test, r->samples).accuracy;
  r->flipAccuracy = *trainer.evaluate(flipped).accuracy;
  r->randomFlipAccuracy = *trainer.evaluate(randomFlipped).accuracy;
  return r;
}

std::shared_ptr<const ProbeResult> measureClassImages(const ProbeContext& ctx) {
  Trainer& trainer = ctx.trainer;
  Network& net = trainer.network();
  const int classes = trainer.data().train.numClasses;
  if (classes < 2) return nullptr;
  auto r = std::make_shared<ClassImagesProbe>();
  VisualizeOptions options;
  options.steps = std::clamp(ctx.options.value("steps", 100), 1, 2000);
  const Readout readout(net);
  Dataset one;
  one.xShape = net.inputShape();
  for (int k = 0; k < classes; ++k) {
    VisualizeTarget target;
    target.cls = k;
    r->images.push_back(visualize(net, target, options));
    // The probability the network gives class k for the image made for it.
    one.x = r->images.back().image;
    net.forward(trainer.makeInput(one, 0, 1), /*training=*/false);
    const std::vector<float> out = net.output(net.lossBlock()).toHostF32();
    const std::vector<float> p = classProbabilities(net.lossKind(), out.data(), readout.k);
    r->probabilities.push_back(k < int(p.size()) ? p[size_t(k)] : 0.0);
    r->meanProbability += r->probabilities.back() / classes;
  }
  return r;
}

}  // namespace gradlab
