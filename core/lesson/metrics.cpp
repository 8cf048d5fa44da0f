#include "lesson/metrics.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>

#include "train/probes/adversarial.h"
#include "train/probes/code.h"
#include "train/probes/explain_metrics.h"
#include "train/probes/gradients.h"
#include "train/probes/inside.h"
#include "util/error.h"

namespace gradlab {

namespace {

using Value = std::optional<double>;
using Measure = std::function<Value(const RunMeasures&)>;

// NaN means "not measured" in a MetricPoint (no test set, no accuracy for regression).
Value known(double v) { return std::isnan(v) ? Value() : Value(v); }

const MetricPoint* now(const RunMeasures& m) {
  return m.history && !m.history->empty() ? &m.history->back() : nullptr;
}
const MetricPoint* start(const RunMeasures& m) {
  if (m.start) return &*m.start;
  return m.history && !m.history->empty() ? &m.history->front() : nullptr;
}
Value field(const MetricPoint* p, double MetricPoint::*f) { return p ? known(p->*f) : Value(); }

// The evaluation with the lowest test loss (the first of equals), as early stopping keeps it.
const MetricPoint* best(const RunMeasures& m) {
  if (!m.history) return nullptr;
  const MetricPoint* b = nullptr;
  for (const MetricPoint& p : *m.history)
    if (!std::isnan(p.testLoss) && (!b || p.testLoss < b->testLoss)) b = &p;
  return b;
}

// RMS gradient of the first / last layer with weights, as the gradient view's bars.
Value gradRms(const RunMeasures& m, bool first) {
  if (!m.gradients || m.gradients->layers.empty()) return {};
  return first ? m.gradients->layers.front().gradRms : m.gradients->layers.back().gradRms;
}

// Mean of the LSTM's forget gate f_t over the sample's time steps and units.
Value forgetMean(const RunMeasures& m) {
  if (!m.inside) return {};
  for (const TensorPicture& p : m.inside->pictures) {
    if (p.name != "gates.f" || p.values.empty()) continue;
    double sum = 0;
    for (float v : p.values) sum += v;
    return sum / double(p.values.size());
  }
  return {};
}

// Weights (kernels and weight matrices, not biases) of all layers / of the first layer with
// weights, as the gradient view counts them: a dense layer 784 -> 32 has 25 088, a Conv2D of
// 8 filters 5×5 on one channel 200 — the same kernel at every position (lessons 13, 14).
Value weightCount(const RunMeasures& m, bool firstOnly) {
  if (!m.gradients || m.gradients->layers.empty()) return {};
  if (firstOnly) return double(m.gradients->layers.front().weights);
  int64_t n = 0;
  for (const GradientProbe::Layer& l : m.gradients->layers) n += l.weights;
  return double(n);
}

Value difference(Value a, Value b) { return a && b ? Value(*a - *b) : Value(); }

const std::map<std::string, Measure>& measures() {
  static const std::map<std::string, Measure> table = {
      {"train.loss", [](const RunMeasures& m) { return field(now(m), &MetricPoint::trainLoss); }},
      {"test.loss", [](const RunMeasures& m) { return field(now(m), &MetricPoint::testLoss); }},
      {"train.accuracy",
       [](const RunMeasures& m) { return field(now(m), &MetricPoint::trainAcc); }},
      {"test.accuracy", [](const RunMeasures& m) { return field(now(m), &MetricPoint::testAcc); }},
      {"gap.accuracy",
       [](const RunMeasures& m) {
         return difference(field(now(m), &MetricPoint::trainAcc),
                           field(now(m), &MetricPoint::testAcc));
       }},
      {"gap.loss",
       [](const RunMeasures& m) {
         return difference(field(now(m), &MetricPoint::testLoss),
                           field(now(m), &MetricPoint::trainLoss));
       }},
      {"start.train.loss",
       [](const RunMeasures& m) { return field(start(m), &MetricPoint::trainLoss); }},
      {"start.test.loss",
       [](const RunMeasures& m) { return field(start(m), &MetricPoint::testLoss); }},
      {"start.train.accuracy",
       [](const RunMeasures& m) { return field(start(m), &MetricPoint::trainAcc); }},
      {"start.test.accuracy",
       [](const RunMeasures& m) { return field(start(m), &MetricPoint::testAcc); }},
      {"chance",
       [](const RunMeasures& m) { return m.classes > 0 ? Value(1.0 / m.classes) : Value(); }},
      {"steps", [](const RunMeasures& m) { return Value(double(m.steps)); }},
      {"grad.first", [](const RunMeasures& m) { return gradRms(m, true); }},
      {"grad.last", [](const RunMeasures& m) { return gradRms(m, false); }},
      {"grad.ratio",
       [](const RunMeasures& m) {
         const Value f = gradRms(m, true), l = gradRms(m, false);
         return f && l && *l > 0 ? Value(*f / *l) : Value();
       }},
      {"best.step",
       [](const RunMeasures& m) {
         const MetricPoint* b = best(m);
         return b ? Value(double(b->step)) : Value();
       }},
      {"best.test.loss", [](const RunMeasures& m) { return field(best(m), &MetricPoint::testLoss); }},
      {"diverged", [](const RunMeasures& m) { return Value(m.diverged ? 1.0 : 0.0); }},
      {"forget.mean", forgetMean},
      {"weights", [](const RunMeasures& m) { return weightCount(m, false); }},
      {"weights.first", [](const RunMeasures& m) { return weightCount(m, true); }},
      // The step's attack (`attack: fgsm eps=0.1 samples=200`) on the first test samples.
      {"attack.accuracy",
       [](const RunMeasures& m) { return m.attack ? Value(m.attack->accuracy) : Value(); }},
      {"attack.clean.accuracy",
       [](const RunMeasures& m) { return m.attack ? Value(m.attack->cleanAccuracy) : Value(); }},
      {"saliency.flip.accuracy",
       [](const RunMeasures& m) { return m.saliency ? Value(m.saliency->flipAccuracy) : Value(); }},
      {"saliency.random.accuracy",
       [](const RunMeasures& m) {
         return m.saliency ? Value(m.saliency->randomFlipAccuracy) : Value();
       }},
      // Lesson 19: the mean cos² of the principal angles between the decoder's columns and the
      // training data's top principal components (explain/pca.h); 1 = PCA's subspace.
      {"pca.cos2",
       [](const RunMeasures& m) {
         return m.code && m.code->hasAngles ? Value(m.code->decoder.meanCos2) : Value();
       }},
      {"visualize.probability",
       [](const RunMeasures& m) {
         return m.classImages ? Value(m.classImages->meanProbability) : Value();
       }},
  };
  return table;
}

}  // namespace

std::optional<double> metricValue(const RunMeasures& m, const std::string& metric) {
  auto it = measures().find(metric);
  if (it == measures().end()) throw Error("unknown metric \"" + metric + "\"");
  return it->second(m);
}

bool isMetricName(const std::string& metric) { return measures().count(metric) > 0; }

const std::vector<std::string>& metricNames() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> n;
    for (const auto& [name, measure] : measures()) n.push_back(name);
    return n;
  }();
  return names;
}

}  // namespace gradlab
