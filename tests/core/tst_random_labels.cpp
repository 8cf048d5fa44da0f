// Random labels (TrainConfig::randomLabels; Zhang et al. 2017): the Trainer trains on its own
// copy of the data whose training labels are classes drawn uniformly from the seed, the test
// labels and every input kept, the shared data untouched; turning it on or off between steps
// swaps the labels; data without classes is refused with a message.
#include <QTest>
#include <array>

#include "data/catalog.h"
#include "spec/network_spec.h"
#include "support/cli_runner.h"
#include "train/trainer.h"
#include "util/error.h"

using namespace gradlab;

namespace {
NetworkSpec spiralNet() {
  return loadNetwork(test::sourcePath("examples/spiral.net.json").toStdString());
}

TrainConfig config(uint64_t seed, bool randomLabels) {
  TrainConfig c;
  c.seed = seed;
  c.randomLabels = randomLabels;
  return c;
}

std::vector<float> weightsOf(Trainer& t) {
  std::vector<float> out;
  for (auto& [name, p] : t.network().params()) {
    const auto v = p->value.toHostF32();
    out.insert(out.end(), v.begin(), v.end());
  }
  return out;
}
}  // namespace

class TestRandomLabels : public QObject {
  Q_OBJECT
 private slots:
  void onlyTheTrainingLabelsChange() {
    auto data = std::make_shared<const Split>(loadBuiltin("spiral", {.seed = 1}));
    const Split before = *data;
    Trainer t(spiralNet(), data, config(7, true), cpuBackend(), DType::F32);
    const Split& used = t.data();
    QVERIFY(&used != data.get());  // its own copy
    // The shared data is untouched; inputs and test labels are the same in the copy.
    QCOMPARE(data->train.y, before.train.y);
    QCOMPARE(used.train.x, data->train.x);
    QCOMPARE(used.test.x, data->test.x);
    QCOMPARE(used.test.y, data->test.y);
    QCOMPARE(used.train.numClasses, 2);
    // Uniform classes, independent of the true ones: about half of 400 of each class and about
    // half the labels changed (binomial, sd 10: 0.4–0.6 is 4 sd).
    const auto n = used.train.y.size();
    QCOMPARE(n, size_t(400));
    size_t ones = 0, changed = 0;
    for (size_t i = 0; i < n; ++i) {
      const float y = used.train.y[i];
      QVERIFY(y == 0.f || y == 1.f);
      ones += y == 1.f;
      changed += y != data->train.y[i];
    }
    QVERIFY2(ones > 0.4 * n && ones < 0.6 * n, qPrintable(QString::number(ones)));
    QVERIFY2(changed > 0.4 * n && changed < 0.6 * n, qPrintable(QString::number(changed)));
  }

  void manyClassesAreAllDrawn() {
    // Three classes (the spiral's points with every third one made class 2): the random
    // labels are class indices 0–2, each drawn about a third of the time (400 / 3 ± 4 sd).
    Split three = loadBuiltin("spiral", {.seed = 2});
    three.train.numClasses = three.test.numClasses = 3;
    for (size_t i = 0; i < three.train.y.size(); i += 3) three.train.y[i] = 2.f;
    for (size_t i = 0; i < three.test.y.size(); i += 3) three.test.y[i] = 2.f;
    const NetworkSpec net = parseNetwork(R"({
      "format": "gradlab.network/1",
      "blocks": [{"id": "x", "type": "Input", "shape": [2]},
                 {"id": "out", "type": "Dense", "units": 3, "activation": "identity"}],
      "edges": [["x", "out"]], "loss": {"type": "cross_entropy", "block": "out"}})",
                                         "three classes");
    Trainer t(net, three, config(3, true), cpuBackend(), DType::F32);
    std::array<int, 3> counts{};
    for (float y : t.data().train.y) {
      QVERIFY(y >= 0.f && y < 3.f && y == float(int(y)));
      ++counts[size_t(y)];
    }
    for (int c : counts) QVERIFY2(c > 100 && c < 167, qPrintable(QString::number(c)));
  }

  void theSeedDecides() {
    auto data = std::make_shared<const Split>(loadBuiltin("spiral", {.seed = 1}));
    Trainer a(spiralNet(), data, config(7, true), cpuBackend(), DType::F32);
    Trainer b(spiralNet(), data, config(7, true), cpuBackend(), DType::F32);
    Trainer c(spiralNet(), data, config(8, true), cpuBackend(), DType::F32);
    QCOMPARE(a.data().train.y, b.data().train.y);
    QVERIFY(a.data().train.y != c.data().train.y);
  }

  // setConfig between steps: off gives the shared data back, on again the same labels as a
  // trainer built with them; a new seed while on draws new ones.
  void setConfigTogglesTheCopy() {
    auto data = std::make_shared<const Split>(loadBuiltin("spiral", {.seed = 1}));
    Trainer fresh(spiralNet(), data, config(7, true), cpuBackend(), DType::F32);
    Trainer t(spiralNet(), data, config(7, false), cpuBackend(), DType::F32);
    QVERIFY(t.sharedData() == data);
    t.step();
    t.setConfig(config(7, true));
    QVERIFY(t.sharedData() != data);
    QCOMPARE(t.data().train.y, fresh.data().train.y);
    QCOMPARE(t.steps(), int64_t(1));  // the weights and the step count stay
    t.setConfig(config(9, true));
    QVERIFY(t.data().train.y != fresh.data().train.y);
    t.setConfig(config(9, false));
    QVERIFY(t.sharedData() == data);
    QCOMPARE(t.data().train.y, data->train.y);
  }

  // The steps train on the relabelled copy: a plain trainer given that copy as its data takes
  // the very same steps (same seed: same initial weights, same batches), bit for bit.
  void stepsTrainOnTheCopy() {
    auto data = std::make_shared<const Split>(loadBuiltin("spiral", {.seed = 1}));
    Trainer random(spiralNet(), data, config(5, true), cpuBackend(), DType::F32);
    Trainer plain(spiralNet(), Split(random.data()), config(5, false), cpuBackend(), DType::F32);
    Trainer truth(spiralNet(), data, config(5, false), cpuBackend(), DType::F32);
    for (int i = 0; i < 50; ++i) {
      random.step();
      plain.step();
      truth.step();
    }
    QCOMPARE(weightsOf(random), weightsOf(plain));
    QVERIFY(weightsOf(random) != weightsOf(truth));
  }

  void regressionIsRefused() {
    const Split sine = loadBuiltin("fn-sine", {});
    const NetworkSpec net = parseNetwork(R"({
      "format": "gradlab.network/1",
      "blocks": [{"id": "x", "type": "Input", "shape": [1]},
                 {"id": "out", "type": "Dense", "units": 1, "activation": "identity"}],
      "edges": [["x", "out"]], "loss": {"type": "mse", "block": "out"}})",
                                         "sine");
    try {
      Trainer t(net, sine, config(1, true), cpuBackend(), DType::F32);
      QFAIL("random labels on regression data were accepted");
    } catch (const Error& e) {
      QVERIFY2(QString(e.what()).contains("random labels need a classification dataset"), e.what());
      QVERIFY2(QString(e.what()).contains("turn random labels off"), e.what());
    }
    // Between steps: refused, and nothing changes.
    Trainer t(net, sine, config(1, false), cpuBackend(), DType::F32);
    QVERIFY_THROWS_EXCEPTION(Error, t.setConfig(config(1, true)));
    QVERIFY(!t.config().randomLabels);
    t.step();
  }
};

QTEST_GUILESS_MAIN(TestRandomLabels)
#include "tst_random_labels.moc"
