// Comparison (train/compare.h): variants start from the same weights and see the same batches,
// so that the only difference between two runs is the setting compared — with identical
// settings they are bit-identical step by step; a variant that diverges stops with the advice
// while the others train on.
#include <QtTest>
#include <cmath>

#include "backend/backend.h"
#include "data/catalog.h"
#include "spec/network_spec.h"
#include "train/compare.h"

using namespace gradlab;

namespace {

NetworkSpec xorMlp() { return loadNetwork(std::string(GRADLAB_SOURCE_DIR) + "/examples/xor-mlp.net.json"); }

std::shared_ptr<const Split> xorData() {
  return std::make_shared<const Split>(
      loadBuiltin("xor", {.points = 200, .noise = 0.05, .testFraction = 0.5, .seed = 1}));
}

TrainConfig adam(double lr, uint64_t seed) {
  TrainConfig c;
  c.optimizer = "adam";
  c.lr = lr;
  c.seed = seed;
  return c;
}

// x [1] -> out Dense 1 (linear regression), mse: sgd with a huge rate overflows within steps.
NetworkSpec line() {
  return parseNetwork(R"({"format": "gradlab.network/1", "name": "line",
    "blocks": [{"id": "x", "type": "Input", "shape": [1]},
               {"id": "h", "type": "Dense", "units": 8, "activation": "identity"},
               {"id": "out", "type": "Dense", "units": 1}],
    "edges": [["x", "h"], ["h", "out"]], "loss": {"type": "mse", "block": "out"}})",
                      "line.net.json");
}

}  // namespace

class TestCompare : public QObject {
  Q_OBJECT

 private slots:
  // Same settings: run 1 gets run 0's weights and the same batch order, so the two runs are
  // one run twice — every step's loss equal to the bit.
  void identicalSettingsAreBitIdentical() {
    TrainConfig c0 = adam(0.03, 5), c1 = adam(0.03, 5);
    Comparison c({{"a", xorMlp(), c0}, {"b", xorMlp(), c1}}, xorData(), cpuBackend());
    QCOMPARE(c.runs()[0].trainer->network().weights().at("h1.weight").values,
             c.runs()[1].trainer->network().weights().at("h1.weight").values);
    for (int s = 1; s <= 300; ++s) {
      c.step();
      QCOMPARE(c.runs()[0].last.step, int64_t(s));
      QVERIFY2(c.runs()[0].last.loss == c.runs()[1].last.loss,
               qPrintable(QString("step %1: %2 vs %3").arg(s).arg(c.runs()[0].last.loss, 0, 'g', 17)
                              .arg(c.runs()[1].last.loss, 0, 'g', 17)));
    }
    c.evaluate();
    QCOMPARE(c.runs()[0].metrics.back().testLoss, c.runs()[1].metrics.back().testLoss);
    QCOMPARE(c.runs()[0].trainer->network().weights().at("out.weight").values,
             c.runs()[1].trainer->network().weights().at("out.weight").values);
  }

  // The initial weights are the first variant's even where a variant's own seed differs.
  void initialWeightsCopiedAcrossSeeds() {
    Comparison c({{"a", xorMlp(), adam(0.03, 1)}, {"b", xorMlp(), adam(0.03, 99)}}, xorData(),
                 cpuBackend());
    QCOMPARE(c.runs()[0].trainer->network().weights().at("h1.weight").values,
             c.runs()[1].trainer->network().weights().at("h1.weight").values);
    // A wider hidden layer keeps its own h1 (another shape) and takes nothing that does not fit.
    NetworkSpec wide = xorMlp();
    wide.find("h1")->params["units"] = 8;
    Comparison w({{"a", xorMlp(), adam(0.03, 1)}, {"wide", wide, adam(0.03, 1)}}, xorData(),
                 cpuBackend());
    QCOMPARE(w.runs()[1].trainer->network().weights().at("h1.weight").shape, (Shape{8, 2}));
    QCOMPARE(w.runs()[0].trainer->network().weights().at("out.bias").values,
             w.runs()[1].trainer->network().weights().at("out.bias").values);
  }

  // Another learning rate: the first step's loss is the same (measured before any update),
  // later ones differ.
  void differentRatesDiffer() {
    Comparison c({{"slow", xorMlp(), adam(0.001, 3)}, {"fast", xorMlp(), adam(0.1, 3)}},
                 xorData(), cpuBackend());
    c.step();
    QCOMPARE(c.runs()[0].last.loss, c.runs()[1].last.loss);
    int differing = 0;
    for (int s = 2; s <= 50; ++s) {
      c.step();
      differing += c.runs()[0].last.loss != c.runs()[1].last.loss;
    }
    QCOMPARE(differing, 49);
    c.evaluate();
    QVERIFY(c.runs()[1].metrics.back().trainLoss < c.runs()[0].metrics.back().trainLoss);
  }

  void divergingVariantStopsOthersTrainOn() {
    auto data = std::make_shared<const Split>(
        loadBuiltin("fn-sine", {.points = 100, .testFraction = 0.2, .seed = 1}));
    TrainConfig ok, wild;
    ok.optimizer = wild.optimizer = "sgd";
    ok.lr = 0.01;
    wild.lr = 1e8;
    Comparison c({{"ok", line(), ok}, {"wild", line(), wild}}, data, cpuBackend());
    c.evaluate();
    const double startLoss = c.runs()[0].metrics.back().trainLoss;
    for (int s = 0; s < 200; ++s) c.step();
    c.evaluate();
    const auto& wildRun = c.runs()[1];
    QVERIFY(wildRun.diverged);
    QVERIFY(!wildRun.running());
    QVERIFY2(wildRun.steps < 20, qPrintable(QString::number(wildRun.steps)));
    QVERIFY2(wildRun.message.find("learning rate") != std::string::npos, wildRun.message.c_str());
    // Its weights are those of its last good step: finite.
    for (const auto& [name, t] : wildRun.trainer->network().weights())
      for (double v : t.values) QVERIFY2(std::isfinite(v), name.c_str());
    const auto& okRun = c.runs()[0];
    QVERIFY(!okRun.diverged);
    QCOMPARE(okRun.steps, int64_t(200));
    QVERIFY(okRun.metrics.back().trainLoss < startLoss);
    // Stepping on leaves the diverged variant where it stopped.
    const int64_t stoppedAt = wildRun.steps;
    c.step();
    QCOMPARE(c.runs()[1].steps, stoppedAt);
    QCOMPARE(c.runs()[0].steps, int64_t(201));
    // Reset brings it back, from the first variant's fresh weights.
    c.reset();
    QVERIFY(c.runs()[1].running());
    QCOMPARE(c.runs()[1].steps, int64_t(0));
    QVERIFY(c.runs()[1].metrics.empty());
  }

  // reconfigure: another block parameter rebuilds the network keeping what still fits.
  void reconfigureKeepsMatchingWeights() {
    Comparison c({{"a", xorMlp(), adam(0.03, 1)}}, xorData(), cpuBackend());
    for (int s = 0; s < 100; ++s) c.step();
    const TensorMap before = c.runs()[0].trainer->network().weights();
    NetworkSpec relu = xorMlp();
    relu.find("h1")->params["activation"] = "relu";
    c.reconfigure(0, relu, adam(0.01, 1));
    const TensorMap after = c.runs()[0].trainer->network().weights();
    QCOMPARE(after.at("h1.weight").values, before.at("h1.weight").values);
    QCOMPARE(after.at("out.weight").values, before.at("out.weight").values);
    QCOMPARE(c.runs()[0].steps, int64_t(100));
    QCOMPARE(*c.runs()[0].trainer->config().lr, 0.01);
    c.step();
    QCOMPARE(c.runs()[0].steps, int64_t(101));
  }
};

QTEST_GUILESS_MAIN(TestCompare)
#include "tst_compare.moc"
