// The raw-signal set `waveforms` (data/waveforms.h) and the network that learns from its raw
// samples (examples/waveforms-conv1d-lstm.net.json: Conv1D → MaxPool1D → LSTM → Dense).
// The set: shapes, balanced classes, the same draw for the same seed, each class's shape
// (a square wave takes two values, a sawtooth drops once a period), noise, and the messages
// for options out of range. The network: ≥ 0.9 test accuracy after a short run, the same run as
//   gradlab-cli train examples/waveforms-conv1d-lstm.net.json --dataset waveforms --noise 0.2
//       --points 1000 --steps STEPS --seed 1
#include <QtTest>
#include <algorithm>
#include <cmath>
#include <set>

#include "backend/backend.h"
#include "data/catalog.h"
#include "data/waveforms.h"
#include "io/training_settings.h"
#include "support/cli_runner.h"
#include "train/trainer.h"
#include "util/error.h"

using namespace gradlab;

class TstWaveforms : public QObject {
  Q_OBJECT
 private slots:
  void shapesAndClasses() {
    const Dataset d = makeWaveforms({.samples = 400, .length = 48, .noise = 0.1, .seed = 2});
    QCOMPARE(d.xShape, (Shape{48, 1}));
    QCOMPARE(d.size(), int64_t(400));
    QCOMPARE(d.numClasses, 4);
    QCOMPARE(d.classNames, (std::vector<std::string>{"sine", "square", "sawtooth", "chirp"}));
    std::vector<int> count(4);
    for (float y : d.y) ++count[size_t(y)];
    QCOMPARE(count, (std::vector<int>{100, 100, 100, 100}));
    const Dataset again = makeWaveforms({.samples = 400, .length = 48, .noise = 0.1, .seed = 2});
    QVERIFY(again.x == d.x);
    const Dataset other = makeWaveforms({.samples = 400, .length = 48, .noise = 0.1, .seed = 3});
    QVERIFY(other.x != d.x);
  }

  void eachClassHasItsShape() {
    const int64_t T = 64;
    const Dataset d = makeWaveforms({.samples = 40, .length = T, .noise = 0, .seed = 5});
    for (int64_t n = 0; n < d.size(); ++n) {
      const float* x = d.x.data() + n * T;
      const auto [lo, hi] = std::minmax_element(x, x + T);
      const float amplitude = std::max(std::abs(*lo), std::abs(*hi));
      QVERIFY(amplitude >= 0.45f && amplitude <= 1.5f);
      const int cls = int(d.y[size_t(n)]);
      if (cls == 1) {  // square: ±A only
        for (int64_t t = 0; t < T; ++t) QVERIFY(std::abs(std::abs(x[t]) - amplitude) < 1e-6f);
      } else {
        std::set<float> values(x, x + T);
        QVERIFY2(values.size() > 10, "sine, sawtooth and chirp take many values");
      }
      if (cls == 2) {  // sawtooth: rises step by step, drops once a period (8 to 16 steps)
        int drops = 0;
        for (int64_t t = 1; t < T; ++t) drops += x[t] < x[t - 1];
        QVERIFY2(drops >= 3 && drops <= 9, qPrintable(QString("%1 drops").arg(drops)));
      }
    }
  }

  void noiseAndLengthThroughTheCatalogue() {
    DatasetOptions o;
    o.points = 100;
    o.seed = 1;
    const Split plain = loadBuiltin("waveforms", o);
    QCOMPARE(plain.train.xShape, (Shape{64, 1}));  // the set's default length
    QCOMPARE(plain.train.size() + plain.test.size(), int64_t(100));
    o.length = 32;
    o.noise = 0.3;
    const Split noisy = loadBuiltin("waveforms", o);
    QCOMPARE(noisy.train.xShape, (Shape{32, 1}));
    const Dataset clean = makeWaveforms({.samples = 8, .length = 32, .noise = 0, .seed = 4});
    const Dataset rough = makeWaveforms({.samples = 8, .length = 32, .noise = 0.3, .seed = 4});
    double sq = 0;
    for (size_t i = 0; i < clean.x.size(); ++i) sq += std::pow(rough.x[i] - clean.x[i], 2);
    const double sd = std::sqrt(sq / double(clean.x.size()));
    QVERIFY2(sd > 0.2 && sd < 0.4, qPrintable(QString("noise sd %1").arg(sd)));
  }

  void optionsOutOfRange() {
    auto message = [](const WaveformOptions& o) {
      try {
        makeWaveforms(o);
      } catch (const Error& e) {
        return std::string(e.what());
      }
      return std::string("no error");
    };
    QVERIFY(message({.samples = 10, .length = 4}).find("a length of 4 steps is out of range; use 8") !=
            std::string::npos);
    QVERIFY(message({.samples = 0}).find("0 samples is out of range") != std::string::npos);
    QVERIFY(message({.samples = 10, .noise = -1}).find("must be a standard deviation") !=
            std::string::npos);
    QVERIFY(message({.samples = 10, .noise = NAN}).find("must be a standard deviation") !=
            std::string::npos);
  }

  void conv1dLstmLearnsFromRawSamples();
};

void TstWaveforms::conv1dLstmLearnsFromRawSamples() {
  const QString file = gradlab::test::sourcePath("examples/waveforms-conv1d-lstm.net.json");
  const NetworkSpec spec = loadNetwork(file.toStdString());
  DatasetOptions d;
  d.points = 1000;
  d.noise = 0.2;
  d.seed = 1;
  d.testFraction = 0.2;
  TrainConfig c;
  c.seed = 1;
  if (auto t = loadNetworkTraining(file.toStdString())) c = t->over(c);
  Backend& be = cpuBackend();
  be.setThreads(1);
  Trainer trainer(spec, loadBuiltin("waveforms", d), c, be, DType::F32);
  const Metrics before = trainer.evaluate(trainer.data().test);
  const int steps = 400;
  for (int i = 0; i < steps; ++i) trainer.step();
  const Metrics after = trainer.evaluate(trainer.data().test);
  QVERIFY(before.accuracy && after.accuracy);
  qInfo("test accuracy %.3f before training, %.3f after %d steps (test loss %.4g)",
        *before.accuracy, *after.accuracy, steps, after.loss);
  QVERIFY2(*before.accuracy < 0.5, "the task must not be solved before training");
  QVERIFY2(*after.accuracy >= 0.9, qPrintable(QString("test accuracy %1").arg(*after.accuracy)));
}

QTEST_APPLESS_MAIN(TstWaveforms)
#include "tst_waveforms.moc"
