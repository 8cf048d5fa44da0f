#include "train/compare.h"

#include <cmath>
#include <cstdio>
#include <limits>

#include "network/network.h"
#include "util/error.h"

namespace gradlab {

size_t copyMatchingWeights(const Network& from, Network& to) {
  TensorMap mine = to.weights();
  const TensorMap theirs = from.weights();
  size_t copied = 0;
  for (auto& [name, tensor] : mine) {
    auto it = theirs.find(name);
    if (it == theirs.end() || it->second.shape != tensor.shape) continue;
    tensor.values = it->second.values;
    ++copied;
  }
  if (copied > 0) to.loadWeights(mine, "the first variant's weights");
  return copied;
}

namespace {

std::unique_ptr<Trainer> makeTrainer(const CompareVariant& v, std::shared_ptr<const Split> data,
                                     Backend& backend, DType dtype) {
  try {
    return std::make_unique<Trainer>(v.spec, std::move(data), v.config, backend, dtype);
  } catch (const Error& e) {
    if (v.name.empty()) throw;  // a single run (a lesson step without variants)
    throw Error("variant \"" + v.name + "\": " + e.what());
  }
}

std::string formatLoss(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", v);
  return buf;
}

std::optional<EarlyStopping> stoppingFor(const TrainConfig& c) {
  if (c.earlyStopping <= 0) return std::nullopt;
  return EarlyStopping(c.earlyStopping);
}

}  // namespace

Comparison::Comparison(std::vector<CompareVariant> variants, std::shared_ptr<const Split> data,
                       Backend& backend, DType dtype)
    : data_(std::move(data)), backend_(backend), dtype_(dtype) {
  if (variants.empty() || variants.size() > 4)
    throw Error("a comparison runs 1 to 4 variants, got " + std::to_string(variants.size()));
  if (!data_) throw Error("a comparison needs data");
  for (CompareVariant& v : variants) {
    Run r;
    r.trainer = makeTrainer(v, data_, backend_, dtype_);
    r.stopping = stoppingFor(v.config);
    r.variant = std::move(v);
    runs_.push_back(std::move(r));
  }
  // The same starting point: what the first variant drew, wherever names and shapes agree.
  for (size_t i = 1; i < runs_.size(); ++i)
    copyMatchingWeights(runs_[0].trainer->network(), runs_[i].trainer->network());
}

Comparison::~Comparison() = default;

void Comparison::step() {
  for (Run& r : runs_) {
    if (!r.running()) continue;
    const StepResult s = r.trainer->step();
    r.last = s;
    if (!s.finite) {
      // Trainer::step skipped the update: the weights are the last good step's.
      r.diverged = true;
      r.message = divergenceAdvice(s, r.trainer->config(), adviceFor);
      continue;
    }
    ++r.steps;
  }
  ++steps_;
}

void Comparison::measure(Run& r, int64_t limit) {
  Trainer& t = *r.trainer;
  MetricPoint p;
  p.step = r.steps;
  p.epoch = t.epochs();
  const Dataset& train = t.data().train;
  const Dataset& test = t.data().test;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const Metrics tr = t.evaluate(train, limit);
  p.trainLoss = tr.loss;
  p.trainAcc = tr.accuracy.value_or(nan);
  p.testLoss = p.testAcc = nan;
  if (test.size() > 0) {
    const Metrics te = t.evaluate(test, limit);
    p.testLoss = te.loss;
    p.testAcc = te.accuracy.value_or(nan);
  }
  p.sampled = limit > 0 && (train.size() > limit || test.size() > limit);
  if (!r.metrics.empty() && r.metrics.back().step == p.step) r.metrics.back() = p;
  else r.metrics.push_back(p);
}

void Comparison::evaluate(int64_t limit) {
  for (Run& r : runs_) {
    if (!r.running()) continue;
    const bool newStep = r.metrics.empty() || r.metrics.back().step != r.steps;
    measure(r, limit);
    // Early stopping sees each step once, on the test loss (the training loss without a test set).
    if (!r.stopping || !newStep) continue;
    const MetricPoint& p = r.metrics.back();
    const double loss = std::isnan(p.testLoss) ? p.trainLoss : p.testLoss;
    if (r.stopping->update(p.step, loss, r.trainer->network())) {
      r.trainer->network().loadWeights(r.stopping->bestWeights(), "the best weights");
      r.message = "stopped early at step " + std::to_string(p.step) + ": the test loss has not "
                  "improved for " + std::to_string(r.stopping->patience()) +
                  " evaluations; the weights of step " + std::to_string(r.stopping->bestStep()) +
                  " (test loss " + formatLoss(r.stopping->bestLoss()) + ") are kept";
      measure(r, limit);  // the point now says what the kept weights do
    }
  }
}

void Comparison::reconfigure(size_t i, const NetworkSpec& spec, const TrainConfig& config) {
  if (i >= runs_.size()) throw Error("no variant " + std::to_string(i) + " to reconfigure");
  Run& r = runs_[i];
  if (toJson(spec) == toJson(r.variant.spec)) {
    r.trainer->setConfig(config);
  } else {
    CompareVariant v{r.variant.name, spec, config};
    std::unique_ptr<Trainer> t = makeTrainer(v, data_, backend_, dtype_);
    copyMatchingWeights(r.trainer->network(), t->network());
    r.trainer = std::move(t);
  }
  if (config.earlyStopping != r.variant.config.earlyStopping) r.stopping = stoppingFor(config);
  r.variant.spec = spec;
  r.variant.config = config;
}

void Comparison::reset() {
  for (Run& r : runs_) {
    r.trainer->reset();
    r.metrics.clear();
    r.stopping = stoppingFor(r.variant.config);
    r.steps = 0;
    r.last = {};
    r.diverged = false;
    r.message.clear();
  }
  for (size_t i = 1; i < runs_.size(); ++i)
    copyMatchingWeights(runs_[0].trainer->network(), runs_[i].trainer->network());
  steps_ = 0;
}

}  // namespace gradlab
