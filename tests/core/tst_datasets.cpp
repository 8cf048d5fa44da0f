// Built-in datasets: the 2-D playground sets, 1-D functions, sequence tasks, train/test
// splits and the catalogue. Checks sizes, shapes, labels against the sets' formulas, noise,
// and that a seed gives the same data every time.
#include <QtTest>
#include <cmath>
#include <functional>
#include <set>

#include "data/catalog.h"
#include "data/dataset.h"
#include "data/functions1d.h"
#include "data/sequences.h"
#include "data/toy2d.h"
#include "support/error_text.h"

using namespace gradlab;
using gradlab::test::errorOf;

namespace {

int64_t countLabel(const Dataset& d, int label) {
  int64_t n = 0;
  for (float y : d.y) n += y == float(label);
  return n;
}

double radius(const Dataset& d, int64_t i) { return std::hypot(d.x[size_t(2 * i)], d.x[size_t(2 * i + 1)]); }

// Mean and variance of coordinate c over the samples with the given label.
std::pair<double, double> moments(const Dataset& d, int label, int c) {
  double sum = 0, sum2 = 0;
  int64_t n = 0;
  for (int64_t i = 0; i < d.size(); ++i) {
    if (d.y[size_t(i)] != float(label)) continue;
    const double v = d.x[size_t(2 * i + c)];
    sum += v;
    sum2 += v * v;
    ++n;
  }
  const double mean = sum / double(n);
  return {mean, sum2 / double(n) - mean * mean};
}

}  // namespace

class TestDatasets : public QObject {
  Q_OBJECT

 private slots:
  void toySetsHavePlaygroundShape_data() {
    QTest::addColumn<QString>("name");
    for (const auto& n : toy2dNames()) QTest::newRow(n.c_str()) << QString::fromStdString(n);
  }
  void toySetsHavePlaygroundShape() {
    QFETCH(QString, name);
    const Dataset d = makeToy2d(name.toStdString(), {.points = 500, .noise = 0.2, .seed = 5});
    QCOMPARE(d.size(), int64_t(500));
    QCOMPARE(d.xShape, (Shape{2}));
    QCOMPARE(d.yShape, Shape{});
    QCOMPARE(d.numClasses, 2);
    QCOMPARE(d.classNames.size(), size_t(2));
    QCOMPARE(d.x.size(), size_t(1000));
    QCOMPARE(d.y.size(), size_t(500));
    QCOMPARE(countLabel(d, 0) + countLabel(d, 1), int64_t(500));
    for (float v : d.x) QVERIFY2(std::abs(v) < 12, qPrintable(QString::number(v)));
  }

  void circleWithoutNoise() {
    const Dataset d = makeCircle({.points = 500, .noise = 0, .seed = 1});
    QCOMPARE(countLabel(d, 1), int64_t(250));
    for (int64_t i = 0; i < d.size(); ++i) {
      const double r = radius(d, i);
      if (i < 250) {
        QCOMPARE(d.y[size_t(i)], 1.0f);
        QVERIFY(r <= 2.5 + 1e-6);
      } else {
        QCOMPARE(d.y[size_t(i)], 0.0f);
        QVERIFY(r >= 3.5 - 1e-6 && r <= 5 + 1e-6);
      }
    }
  }

  void circleNoiseMixesLabels() {
    // Playground labels a point by where its jittered copy falls: at 50 % noise some inner
    // points are labelled outside and some ring points inside, though positions don't move.
    const Dataset d = makeCircle({.points = 500, .noise = 0.5, .seed = 1});
    int64_t innerAsOutside = 0, ringAsInside = 0;
    for (int64_t i = 0; i < d.size(); ++i) {
      const double r = radius(d, i);
      QVERIFY(r <= 5 + 1e-6);
      if (r <= 2.5 && d.y[size_t(i)] == 0) ++innerAsOutside;
      if (r >= 3.5 && d.y[size_t(i)] == 1) ++ringAsInside;
    }
    QVERIFY2(innerAsOutside > 50, qPrintable(QString::number(innerAsOutside)));
    QVERIFY2(ringAsInside > 5, qPrintable(QString::number(ringAsInside)));
  }

  void xorWithoutNoise() {
    const Dataset d = makeXor({.points = 500, .noise = 0, .seed = 2});
    for (int64_t i = 0; i < d.size(); ++i) {
      const float x = d.x[size_t(2 * i)], y = d.x[size_t(2 * i + 1)];
      QVERIFY(std::abs(x) >= 0.3f - 1e-6f && std::abs(x) <= 5.3f + 1e-6f);  // padded away from the axes
      QVERIFY(std::abs(y) >= 0.3f - 1e-6f && std::abs(y) <= 5.3f + 1e-6f);
      QCOMPARE(d.y[size_t(i)], x * y >= 0 ? 1.0f : 0.0f);
    }
    QVERIFY2(std::abs(countLabel(d, 1) - 250) < 50, qPrintable(QString::number(countLabel(d, 1))));
  }

  void gaussMeansAndVariance() {
    const Dataset quiet = makeGauss({.points = 2000, .noise = 0, .seed = 3});
    QCOMPARE(countLabel(quiet, 1), int64_t(1000));
    for (int c = 0; c < 2; ++c) {
      const auto [m1, v1] = moments(quiet, 1, c);
      const auto [m0, v0] = moments(quiet, 0, c);
      QVERIFY2(std::abs(m1 - 2) < 0.1 && std::abs(m0 + 2) < 0.1, qPrintable(QString("%1 %2").arg(m1).arg(m0)));
      QVERIFY2(std::abs(v1 - 0.5) < 0.08 && std::abs(v0 - 0.5) < 0.08, qPrintable(QString("%1 %2").arg(v1).arg(v0)));
    }
    // Playground's scale: variance 0.5 at noise 0 rising to 4 at noise 0.5.
    const Dataset noisy = makeGauss({.points = 2000, .noise = 0.5, .seed = 3});
    const auto [m, v] = moments(noisy, 1, 0);
    QVERIFY2(std::abs(m - 2) < 0.25, qPrintable(QString::number(m)));
    QVERIFY2(std::abs(v - 4) < 0.5, qPrintable(QString::number(v)));
  }

  void spiralArms() {
    const Dataset d = makeSpiral({.points = 500, .noise = 0, .seed = 4});
    QCOMPARE(countLabel(d, 1), int64_t(250));
    for (int64_t i = 0; i < 250; ++i) {
      // Arm 1: r = 5·i/250, t = 1.75·2π·i/250; arm 2 is arm 1 turned by π.
      const double r = 5.0 * double(i) / 250, t = 1.75 * 2 * M_PI * double(i) / 250;
      QCOMPARE(d.y[size_t(i)], 1.0f);
      QCOMPARE(d.y[size_t(250 + i)], 0.0f);
      QVERIFY(std::abs(d.x[size_t(2 * i)] - r * std::sin(t)) < 1e-5);
      QVERIFY(std::abs(d.x[size_t(2 * i + 1)] - r * std::cos(t)) < 1e-5);
      QVERIFY(std::abs(d.x[size_t(2 * (250 + i))] + r * std::sin(t)) < 1e-5);
      QVERIFY(std::abs(d.x[size_t(2 * (250 + i) + 1)] + r * std::cos(t)) < 1e-5);
    }
    // With noise each coordinate moves by at most `noise`.
    const Dataset n = makeSpiral({.points = 500, .noise = 0.3, .seed = 4});
    double largest = 0;
    for (size_t k = 0; k < d.x.size(); ++k) largest = std::max(largest, double(std::abs(n.x[k] - d.x[k])));
    QVERIFY2(largest <= 0.3 + 1e-5 && largest > 0.25, qPrintable(QString::number(largest)));
  }

  void toySetsAreDeterministic() {
    for (const auto& name : toy2dNames()) {
      const Dataset a = makeToy2d(name, {.points = 300, .noise = 0.3, .seed = 11});
      const Dataset b = makeToy2d(name, {.points = 300, .noise = 0.3, .seed = 11});
      const Dataset c = makeToy2d(name, {.points = 300, .noise = 0.3, .seed = 12});
      QVERIFY2(a.x == b.x && a.y == b.y, name.c_str());
      QVERIFY2(a.x != c.x, name.c_str());
    }
  }

  void oddPointCounts() {
    for (const auto& name : toy2dNames()) {
      const Dataset d = makeToy2d(name, {.points = 7, .noise = 0, .seed = 1});
      QCOMPARE(d.size(), int64_t(7));
    }
    QCOMPARE(countLabel(makeSpiral({.points = 7}), 1), int64_t(3));
  }

  void toyErrors() {
    QCOMPARE(errorOf([] { makeToy2d("moons", {}); }),
             QString("unknown 2-D dataset \"moons\"; use circle, xor, gauss or spiral"));
    VERIFY_ERROR(errorOf([] { makeSpiral({.points = 500, .noise = 1.5}); }), "dataset spiral: noise 1.5");
    VERIFY_ERROR(errorOf([] { makeXor({.points = 0}); }), "dataset xor: 0 points is out of range");
    VERIFY_ERROR(errorOf([] { makeGauss({.points = 10, .noise = std::nan("")}); }), "dataset gauss: noise");
  }

  void functionsWithoutNoise() {
    const double pi = M_PI;
    struct Case {
      std::string name;
      double lo, hi;
      std::function<double(double)> f;
    };
    const std::vector<Case> cases{
        {"fn-sine", -pi, pi, [](double x) { return std::sin(x); }},
        {"fn-step", -1, 1, [](double x) { return x < 0 ? 0.0 : 1.0; }},
        {"fn-abs", -1, 1, [](double x) { return std::abs(x); }},
        {"fn-cubic", -1, 1, [](double x) { return x * x * x; }},
        {"fn-bump", -3, 3, [](double x) { return std::exp(-x * x); }},
    };
    QCOMPARE(function1dNames().size(), cases.size());
    for (const Case& c : cases) {
      const Dataset d = makeFunction1d(c.name, {.points = 300, .noise = 0, .seed = 9});
      QCOMPARE(d.size(), int64_t(300));
      QCOMPARE(d.xShape, (Shape{1}));
      QCOMPARE(d.yShape, (Shape{1}));
      QVERIFY(!d.isClassification());
      float lo = 1e9f, hi = -1e9f;
      for (int64_t i = 0; i < d.size(); ++i) {
        const float x = d.x[size_t(i)];
        lo = std::min(lo, x);
        hi = std::max(hi, x);
        QVERIFY2(std::abs(d.y[size_t(i)] - c.f(x)) < 1e-5, c.name.c_str());
        QVERIFY2(std::abs(function1dValue(c.name, x) - c.f(x)) < 1e-12, c.name.c_str());
      }
      // Points cover the interval.
      QVERIFY2(lo >= c.lo - 1e-6 && lo < c.lo + 0.1 * (c.hi - c.lo), c.name.c_str());
      QVERIFY2(hi <= c.hi + 1e-6 && hi > c.hi - 0.1 * (c.hi - c.lo), c.name.c_str());
      QCOMPARE(function1dInterval(c.name).first, c.lo);
    }
  }

  void functionNoise() {
    const Dataset clean = makeFunction1d("fn-sine", {.points = 4000, .noise = 0, .seed = 2});
    const Dataset noisy = makeFunction1d("fn-sine", {.points = 4000, .noise = 0.1, .seed = 2});
    QVERIFY(clean.x == noisy.x);  // the same seed places the same x at any noise
    double sum = 0, sum2 = 0;
    for (size_t i = 0; i < noisy.y.size(); ++i) {
      const double r = noisy.y[i] - std::sin(noisy.x[i]);
      sum += r;
      sum2 += r * r;
    }
    const double mean = sum / 4000, sd = std::sqrt(sum2 / 4000 - mean * mean);
    QVERIFY2(std::abs(mean) < 0.01 && std::abs(sd - 0.1) < 0.01, qPrintable(QString("%1 %2").arg(mean).arg(sd)));
    VERIFY_ERROR(errorOf([] { makeFunction1d("sine", {}); }), "unknown 1-D function \"sine\"; use one of fn-sine");
    VERIFY_ERROR(errorOf([] { makeFunction1d("fn-abs", {.points = 10, .noise = -1}); }), "dataset fn-abs: noise");
  }

  void sineSequences() {
    const Dataset d = makeSineSequences({.samples = 200, .length = 12, .seed = 3});
    QCOMPARE(d.size(), int64_t(200));
    QCOMPARE(d.xShape, (Shape{12, 1}));
    QCOMPARE(d.yShape, (Shape{1}));
    QCOMPARE(d.numClasses, 0);
    std::set<float> firsts;
    for (int64_t n = 0; n < d.size(); ++n) {
      const float* x = d.x.data() + n * 12;
      firsts.insert(x[0]);
      // A sampled sine obeys x[t+1] = 2cos(ω)·x[t] − x[t−1]; find 2cos(ω) from the largest x[t].
      int64_t t = 1;
      for (int64_t k = 1; k < 11; ++k)
        if (std::abs(x[k]) > std::abs(x[t])) t = k;
      const double twoCos = (x[t + 1] + x[t - 1]) / x[t];
      QVERIFY2(twoCos > 2 * std::cos(0.6) - 1e-3 && twoCos < 2 * std::cos(0.15) + 1e-3, qPrintable(QString::number(twoCos)));
      const double next = twoCos * x[11] - x[10];
      QVERIFY2(std::abs(d.y[size_t(n)] - next) < 1e-3, qPrintable(QString("%1 vs %2").arg(d.y[size_t(n)]).arg(next)));
    }
    QVERIFY(firsts.size() > 190);  // random phases
  }

  void addingProblem() {
    const int64_t T = 30;
    const Dataset d = makeAddingProblem({.samples = 500, .length = T, .seed = 8});
    QCOMPARE(d.xShape, (Shape{T, 2}));
    QCOMPARE(d.yShape, (Shape{1}));
    double mean = 0;
    for (int64_t n = 0; n < d.size(); ++n) {
      const float* x = d.x.data() + n * T * 2;
      std::vector<int64_t> marked;
      for (int64_t t = 0; t < T; ++t) {
        QVERIFY(x[2 * t] >= 0 && x[2 * t] < 1);
        QVERIFY(x[2 * t + 1] == 0 || x[2 * t + 1] == 1);
        if (x[2 * t + 1] == 1) marked.push_back(t);
      }
      QCOMPARE(marked.size(), size_t(2));
      QVERIFY(marked[0] < T / 2 && marked[1] >= T / 2);
      QCOMPARE(d.y[size_t(n)], x[2 * marked[0]] + x[2 * marked[1]]);
      mean += d.y[size_t(n)];
    }
    QVERIFY(std::abs(mean / 500 - 1) < 0.1);
  }

  void longLag() {
    const Dataset d = makeLongLag({.samples = 400, .lag = 15, .seed = 2});
    QCOMPARE(d.xShape, (Shape{16, 4}));
    QCOMPARE(d.numClasses, 4);
    QCOMPARE(d.classNames, (std::vector<std::string>{"A", "B", "C", "D"}));
    for (int64_t n = 0; n < d.size(); ++n) {
      const float* x = d.x.data() + n * 16 * 4;
      const int label = int(d.y[size_t(n)]);
      QVERIFY(label >= 0 && label < 4);
      for (int k = 0; k < 4; ++k) QCOMPARE(x[k], k == label ? 1.0f : 0.0f);
      for (int64_t i = 4; i < 16 * 4; ++i) QCOMPARE(x[i], 0.0f);
    }
    for (int k = 0; k < 4; ++k) QVERIFY2(std::abs(countLabel(d, k) - 100) < 35, qPrintable(QString::number(k)));
    VERIFY_ERROR(errorOf([] { makeLongLag({.lag = -1}); }), "dataset long-lag: lag -1");
  }

  void recall() {
    // F = 4 cues + 3 distractors + 1 query; T = lag + 2.
    const int64_t T = 12, F = 8;
    const Dataset d = makeRecall({.samples = 400, .lag = 10, .distractors = 3, .seed = 4});
    QCOMPARE(d.xShape, (Shape{T, F}));
    QCOMPARE(d.numClasses, 4);
    QCOMPARE(d.classNames, (std::vector<std::string>{"A", "B", "C", "D"}));
    std::vector<int> distractorSeen(3, 0);
    for (int64_t n = 0; n < d.size(); ++n) {
      const float* x = d.x.data() + n * T * F;
      const int label = int(d.y[size_t(n)]);
      for (int64_t i = 0; i < F; ++i) QCOMPARE(x[i], i == label ? 1.0f : 0.0f);  // the cue
      for (int64_t t = 1; t <= 10; ++t) {  // one distractor, nothing else
        float sum = 0;
        for (int64_t i = 0; i < F; ++i) sum += x[t * F + i];
        QCOMPARE(sum, 1.0f);
        for (int64_t k = 0; k < 3; ++k) distractorSeen[size_t(k)] += x[t * F + 4 + k] == 1.0f;
      }
      for (int64_t i = 0; i < F; ++i) QCOMPARE(x[(T - 1) * F + i], i == F - 1 ? 1.0f : 0.0f);
    }
    for (int k = 0; k < 4; ++k) QVERIFY2(std::abs(countLabel(d, k) - 100) < 35, qPrintable(QString::number(k)));
    for (int seen : distractorSeen) QVERIFY2(std::abs(seen - 4000 / 3) < 200, qPrintable(QString::number(seen)));
    VERIFY_ERROR(errorOf([] { makeRecall({.lag = -1}); }), "dataset recall: lag -1");
    VERIFY_ERROR(errorOf([] { makeRecall({.distractors = 0}); }), "dataset recall: 0 distractor symbols");
    const Split s = loadBuiltin("recall", {.points = 10, .lag = 100});
    QCOMPARE(s.train.xShape, (Shape{102, 9}));
  }

  // One class per step: y[t] is the symbol of x[T−1−t].
  void reverse() {
    const int64_t T = 6, K = 3;
    const Dataset d = makeReverse({.samples = 100, .length = T, .symbols = K, .seed = 5});
    QCOMPARE(d.xShape, (Shape{T, K}));
    QCOMPARE(d.yShape, (Shape{T}));
    QCOMPARE(d.numClasses, int(K));
    QCOMPARE(d.classNames, (std::vector<std::string>{"A", "B", "C"}));
    std::vector<int> seen(size_t(K), 0);
    for (int64_t n = 0; n < d.size(); ++n) {
      const float* x = d.x.data() + n * T * K;
      const float* y = d.y.data() + n * T;
      for (int64_t t = 0; t < T; ++t) {
        float ones = 0;
        for (int64_t k = 0; k < K; ++k) ones += x[t * K + k];
        QCOMPARE(ones, 1.0f);
        const int symbol = int(y[t]);
        QCOMPARE(x[(T - 1 - t) * K + symbol], 1.0f);
        ++seen[size_t(symbol)];
      }
    }
    for (int c : seen) QVERIFY(c > 150);  // 600 steps, each symbol about 200 times
    VERIFY_ERROR(errorOf([] { makeReverse({.symbols = 1}); }), "dataset reverse: 1 symbols is out of range");
    VERIFY_ERROR(errorOf([] { makeReverse({.length = 0}); }), "dataset reverse: a sequence of 0 steps is out of range");
    // Through the catalogue, as gradlab-cli train --dataset reverse --length 5 --symbols 7.
    const Split s = loadBuiltin("reverse", {.length = 5, .symbols = 7});
    QCOMPARE(s.train.xShape, (Shape{5, 7}));
    QCOMPARE(s.train.numClasses, 7);
  }

  void sequencesAreDeterministic() {
    for (const auto& name : sequenceTaskNames()) {
      const Dataset a = makeSequenceTask(name, {.samples = 50, .seed = 1});
      const Dataset b = makeSequenceTask(name, {.samples = 50, .seed = 1});
      const Dataset c = makeSequenceTask(name, {.samples = 50, .seed = 2});
      QVERIFY2(a.x == b.x && a.y == b.y, name.c_str());
      QVERIFY2(a.x != c.x || a.y != c.y, name.c_str());
    }
    QCOMPARE(errorOf([] { makeSequenceTask("copy", {}); }),
             QString("unknown sequence task \"copy\"; use sine, adding, long-lag, recall or reverse"));
  }

  void splitHoldsOutRoundedFraction() {
    // x = index, so every sample is recognisable.
    Dataset all;
    all.name = "count";
    all.xShape = {1};
    all.yShape = {1};
    for (int i = 0; i < 10; ++i) {
      all.x.push_back(float(i));
      all.y.push_back(float(10 * i));
    }
    const Split s = splitDataset(all, 0.333, 7);
    QCOMPARE(s.test.size(), int64_t(3));
    QCOMPARE(s.train.size(), int64_t(7));
    std::multiset<float> seen;
    for (const Dataset* part : {&s.train, &s.test})
      for (int64_t i = 0; i < part->size(); ++i) {
        seen.insert(part->x[size_t(i)]);
        QCOMPARE(part->y[size_t(i)], 10 * part->x[size_t(i)]);  // x and y stay together
      }
    QCOMPARE(seen, (std::multiset<float>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
    // Shuffled, and the same for the same seed.
    const Split again = splitDataset(all, 0.333, 7);
    QVERIFY(again.train.x == s.train.x && again.test.x == s.test.x);
    QVERIFY(splitDataset(all, 0.333, 8).train.x != s.train.x);
    QVERIFY(s.train.x != std::vector<float>({0, 1, 2, 3, 4, 5, 6}));

    QCOMPARE(splitDataset(all, 0.25, 1).test.size(), int64_t(3));  // round(2.5) = 3
    const Split none = splitDataset(all, 0, 1);
    QCOMPARE(none.test.size(), int64_t(0));
    QCOMPARE(none.train.size(), int64_t(10));
    QCOMPARE(none.test.xShape, (Shape{1}));
    QCOMPARE(splitDataset(all, 1, 1).train.size(), int64_t(0));
    VERIFY_ERROR(errorOf([&] { splitDataset(all, 1.5, 1); }), "dataset count: test fraction 1.5");
  }

  void subset() {
    const Dataset d = makeSpiral({.points = 10});
    const Dataset s = d.subset({9, 0, 9});
    QCOMPARE(s.size(), int64_t(3));
    QCOMPARE(s.x[0], d.x[18]);
    QCOMPARE(s.x[1], d.x[19]);
    QCOMPARE(s.x[2], d.x[0]);
    QCOMPARE(s.y, (std::vector<float>{0, 1, 0}));
    QCOMPARE(s.classNames, d.classNames);
    QCOMPARE(errorOf([&] { d.subset({10}); }), QString("dataset spiral: sample 10 does not exist (it has 10 samples)"));
  }

  void catalogLoadsEverySynthetic() {
    for (const auto& info : builtinDatasets()) {
      if (info.kind == DatasetKind::Images) continue;  // Fashion-MNIST: tst_data_files
      QVERIFY(!info.description.empty());
      const Split s = loadBuiltin(info.name, {.points = 100, .seed = 1});
      QCOMPARE(s.train.size() + s.test.size(), int64_t(100));
      QCOMPARE(s.test.size(), int64_t(20));  // default test fraction 0.2
      QCOMPARE(QString::fromStdString(s.train.name), QString::fromStdString(info.name));
    }
    // Defaults: 500 points for 2-D sets, as playground.
    const Split spiral = loadBuiltin("spiral", {.noise = 0.1, .seed = 3});
    QCOMPARE(spiral.train.size(), int64_t(400));
    QCOMPARE(spiral.test.size(), int64_t(100));
    const Split lag = loadBuiltin("long-lag", {.points = 10, .lag = 30});
    QCOMPARE(lag.train.xShape, (Shape{31, 4}));
    const Split adding = loadBuiltin("adding", {.points = 10, .length = 40});
    QCOMPARE(adding.train.xShape, (Shape{40, 2}));
    QCOMPARE(QString(kindName(DatasetKind::Classification2D)), QString("2-D classification"));
    QVERIFY(isBuiltinDataset("fn-cubic"));
    QVERIFY(!isBuiltinDataset("cubic"));
  }

  void catalogUnknownName() {
    const QString e = errorOf([] { loadBuiltin("moons", {}); });
    VERIFY_ERROR(e, "unknown dataset \"moons\"; the built-in datasets are circle, xor, gauss, spiral, fn-sine");
    QVERIFY2(e.contains("fashion-mnist") && e.contains("long-lag"), qPrintable(e));
    const QString e2 = errorOf([] { loadDataset("moons", {}); });
    VERIFY_ERROR(e2, "unknown dataset \"moons\": not a built-in name");
  }
};

QTEST_GUILESS_MAIN(TestDatasets)
#include "tst_datasets.moc"
