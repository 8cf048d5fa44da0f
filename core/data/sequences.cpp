#include "data/sequences.h"

#include <cmath>

#include "util/error.h"
#include "util/rng.h"

namespace gradlab {

namespace {

// Keeps a task's x within 1 GB of floats.
constexpr int64_t kMaxValues = int64_t(1) << 28;

void checkCommon(const std::string& name, const SequenceOptions& o, int64_t steps, int64_t features) {
  if (o.samples < 1 || o.samples > 10'000'000)
    throw Error("dataset " + name + ": " + std::to_string(o.samples) + " samples is out of range; use 1 to 10000000");
  if (steps < 1 || steps > 100'000)
    throw Error("dataset " + name + ": a sequence of " + std::to_string(steps) +
                " steps is out of range; use 1 to 100000");
  if (o.samples * steps * features > kMaxValues)
    throw Error("dataset " + name + ": " + std::to_string(o.samples) + " sequences of " + std::to_string(steps) +
                " steps would not fit in memory; use fewer samples or shorter sequences");
}

void checkSymbols(const std::string& name, const SequenceOptions& o) {
  if (o.symbols < 2 || o.symbols > 26)
    throw Error("dataset " + name + ": " + std::to_string(o.symbols) + " symbols is out of range; use 2 to 26");
}

Dataset start(const std::string& name, Shape xShape, Shape yShape, int numClasses) {
  Dataset d;
  d.name = name;
  d.xShape = std::move(xShape);
  d.yShape = std::move(yShape);
  d.numClasses = numClasses;
  return d;
}

}  // namespace

Dataset makeSineSequences(const SequenceOptions& o) {
  checkCommon("sine", o, o.length, 1);
  if (!(o.noise >= 0.0 && std::isfinite(o.noise)))
    throw Error("dataset sine: noise " + std::to_string(o.noise) + " must be a standard deviation ≥ 0");
  const int64_t T = o.length;
  Dataset d = start("sine", {T, 1}, {1}, 0);
  d.x.resize(size_t(o.samples * T));
  d.y.resize(size_t(o.samples));
  Rng rng(o.seed);
  for (int64_t n = 0; n < o.samples; ++n) {
    const double omega = rng.uniform(0.15, 0.6);
    const double phi = rng.uniform(0, 2 * M_PI);
    for (int64_t t = 0; t < T; ++t)
      d.x[size_t(n * T + t)] = float(std::sin(omega * double(t) + phi) + o.noise * rng.normal());
    d.y[size_t(n)] = float(std::sin(omega * double(T) + phi));
  }
  return d;
}

Dataset makeAddingProblem(const SequenceOptions& o) {
  checkCommon("adding", o, o.length, 2);
  const int64_t T = o.length;
  if (T < 2) throw Error("dataset adding: sequences need at least 2 steps (one marker per half); use a length ≥ 2");
  Dataset d = start("adding", {T, 2}, {1}, 0);
  d.x.assign(size_t(o.samples * T * 2), 0.0f);
  d.y.resize(size_t(o.samples));
  Rng rng(o.seed);
  const int64_t half = T / 2;
  for (int64_t n = 0; n < o.samples; ++n) {
    float* x = d.x.data() + n * T * 2;
    for (int64_t t = 0; t < T; ++t) x[2 * t] = float(rng.uniform());
    const int64_t a = int64_t(rng.below(uint64_t(half)));
    const int64_t b = half + int64_t(rng.below(uint64_t(T - half)));
    x[2 * a + 1] = 1.0f;
    x[2 * b + 1] = 1.0f;
    d.y[size_t(n)] = x[2 * a] + x[2 * b];
  }
  return d;
}

Dataset makeLongLag(const SequenceOptions& o) {
  checkSymbols("long-lag", o);
  if (o.lag < 0 || o.lag > 99'999)
    throw Error("dataset long-lag: lag " + std::to_string(o.lag) + " is out of range; use 0 to 99999");
  const int64_t K = o.symbols, T = o.lag + 1;
  checkCommon("long-lag", o, T, K);
  Dataset d = start("long-lag", {T, K}, {}, int(K));
  for (int64_t k = 0; k < K; ++k) d.classNames.push_back(std::string(1, char('A' + k)));
  d.x.assign(size_t(o.samples * T * K), 0.0f);
  d.y.resize(size_t(o.samples));
  Rng rng(o.seed);
  for (int64_t n = 0; n < o.samples; ++n) {
    const int64_t symbol = int64_t(rng.below(uint64_t(K)));
    d.x[size_t(n * T * K + symbol)] = 1.0f;  // step 0; steps 1..lag stay blank
    d.y[size_t(n)] = float(symbol);
  }
  return d;
}

Dataset makeRecall(const SequenceOptions& o) {
  checkSymbols("recall", o);
  if (o.distractors < 1 || o.distractors > 26)
    throw Error("dataset recall: " + std::to_string(o.distractors) +
                " distractor symbols is out of range; use 1 to 26");
  if (o.lag < 0 || o.lag > 99'998)
    throw Error("dataset recall: lag " + std::to_string(o.lag) + " is out of range; use 0 to 99998");
  const int64_t K = o.symbols, D = o.distractors, F = K + D + 1, T = o.lag + 2;
  checkCommon("recall", o, T, F);
  Dataset d = start("recall", {T, F}, {}, int(K));
  for (int64_t k = 0; k < K; ++k) d.classNames.push_back(std::string(1, char('A' + k)));
  d.x.assign(size_t(o.samples * T * F), 0.0f);
  d.y.resize(size_t(o.samples));
  Rng rng(o.seed);
  for (int64_t n = 0; n < o.samples; ++n) {
    float* x = d.x.data() + n * T * F;
    const int64_t cue = int64_t(rng.below(uint64_t(K)));
    x[cue] = 1.0f;                                                          // step 0: the cue
    for (int64_t t = 1; t <= o.lag; ++t) x[t * F + K + int64_t(rng.below(uint64_t(D)))] = 1.0f;
    x[(T - 1) * F + F - 1] = 1.0f;                                          // the query
    d.y[size_t(n)] = float(cue);
  }
  return d;
}

Dataset makeReverse(const SequenceOptions& o) {
  checkSymbols("reverse", o);
  const int64_t K = o.symbols, T = o.length;
  checkCommon("reverse", o, T, K);
  Dataset d = start("reverse", {T, K}, {T}, int(K));
  for (int64_t k = 0; k < K; ++k) d.classNames.push_back(std::string(1, char('A' + k)));
  d.x.assign(size_t(o.samples * T * K), 0.0f);
  d.y.resize(size_t(o.samples * T));
  Rng rng(o.seed);
  for (int64_t n = 0; n < o.samples; ++n) {
    for (int64_t t = 0; t < T; ++t) {
      const int64_t symbol = int64_t(rng.below(uint64_t(K)));
      d.x[size_t((n * T + t) * K + symbol)] = 1.0f;
      d.y[size_t(n * T + (T - 1 - t))] = float(symbol);
    }
  }
  return d;
}

const std::vector<std::string>& sequenceTaskNames() {
  static const std::vector<std::string> names{"sine", "adding", "long-lag", "recall", "reverse"};
  return names;
}

Dataset makeSequenceTask(const std::string& name, const SequenceOptions& opts) {
  if (name == "sine") return makeSineSequences(opts);
  if (name == "adding") return makeAddingProblem(opts);
  if (name == "long-lag") return makeLongLag(opts);
  if (name == "recall") return makeRecall(opts);
  if (name == "reverse") return makeReverse(opts);
  throw Error("unknown sequence task \"" + name + "\"; use sine, adding, long-lag, recall or reverse");
}

}  // namespace gradlab
