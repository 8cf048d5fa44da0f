#include "train/probes/confusion.h"

#include <algorithm>

#include "train/readout.h"
#include "train/trainer.h"

namespace gradlab {

std::shared_ptr<const ProbeResult> measureConfusion(const ProbeContext& ctx) {
  Trainer& trainer = ctx.trainer;
  Network& net = trainer.network();
  const Split& data = trainer.data();
  if (!data.train.isClassification()) return nullptr;
  const bool onTest = data.test.size() > 0;
  const Dataset& d = onTest ? data.test : data.train;
  auto c = std::make_shared<ConfusionProbe>();
  c->numClasses = d.numClasses;
  c->onTest = onTest;
  c->counts.assign(size_t(c->numClasses) * c->numClasses, 0);
  const Readout readout(net);
  const int64_t chunk = 512;
  for (int64_t b = 0; b < d.size(); b += chunk) {
    const int64_t count = std::min(chunk, d.size() - b);
    net.forward(trainer.makeInput(d, b, count), /*training=*/false);
    const std::vector<float> out = net.output(net.lossBlock()).toHostF32();
    // A row per sample, or per step where the network names a class at every step.
    const int64_t rows = readout.rowsPerSample;
    for (int64_t i = 0; i < count * rows; ++i) {
      const float* row = out.data() + i * readout.k;
      const int truth = int(d.y[size_t(b * rows + i)]);
      const int pred = std::clamp(readout.predicted(row), 0, c->numClasses - 1);
      if (truth < 0 || truth >= c->numClasses) continue;
      ++c->counts[size_t(truth * c->numClasses + pred)];
      if (pred != truth && int(c->misses.size()) < ConfusionProbe::kMaxMisses)
        c->misses.push_back({b + i / rows, truth, pred, readout.confidence(row)});
    }
  }
  return c;
}

}  // namespace gradlab
