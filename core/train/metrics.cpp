#include "train/metrics.h"

#include <algorithm>
#include <cmath>

namespace gradlab {

MetricPoint measureMetrics(Trainer& trainer, bool live) {
  MetricPoint p;
  p.step = trainer.steps();
  p.epoch = trainer.epochs();
  const double nan = std::nan("");
  const Split& data = trainer.data();
  const int64_t limit = live ? kLiveEvalSamples : 0;
  p.sampled = live && std::max(data.train.size(), data.test.size()) > kLiveEvalSamples;
  const Metrics train = trainer.evaluate(data.train, limit);
  p.trainLoss = train.loss;
  p.trainAcc = train.accuracy.value_or(nan);
  if (data.test.size() > 0) {
    const Metrics test = trainer.evaluate(data.test, limit);
    p.testLoss = test.loss;
    p.testAcc = test.accuracy.value_or(nan);
  } else {
    p.testLoss = p.testAcc = nan;
  }
  return p;
}

void addMetricPoint(std::vector<MetricPoint>& curve, const MetricPoint& p) {
  if (!curve.empty() && curve.back().step == p.step)
    curve.back() = p;
  else
    curve.push_back(p);
  if (curve.size() <= kMaxMetricPoints) return;
  std::vector<MetricPoint> thin;
  thin.reserve(curve.size() / 2 + 1);
  for (size_t i = 0; i < curve.size(); i += 2) thin.push_back(curve[i]);
  if (thin.back().step != curve.back().step) thin.push_back(curve.back());
  curve = std::move(thin);
}

}  // namespace gradlab
