// Early stopping (train/early_stopping.h): it stops after exactly `patience` evaluations in a
// row without a lower test loss, remembers the best step and loss, and the weights it keeps
// are the best step's bit for bit, however far training went on after it.
#include <QTest>
#include <map>

#include "data/catalog.h"
#include "spec/network_spec.h"
#include "support/cli_runner.h"
#include "train/early_stopping.h"
#include "train/trainer.h"
#include "util/error.h"

using namespace gradlab;

namespace {
NetworkSpec spiralNet() {
  return loadNetwork(test::sourcePath("examples/spiral.net.json").toStdString());
}

// Every value of every weight, in name order (exact comparison).
std::vector<double> flat(const TensorMap& weights) {
  std::vector<double> out;
  for (const auto& [name, t] : weights) out.insert(out.end(), t.values.begin(), t.values.end());
  return out;
}
}  // namespace

class TestEarlyStopping : public QObject {
  Q_OBJECT
 private slots:
  // Losses 1.0 0.8 0.9 0.85 0.8 (equal is no improvement) with patience 3: the 5th evaluation
  // is the 3rd without improvement and stops; 0.7 after a 2nd one would have reset the count.
  void stopsAfterExactlyPatienceEvaluations_data() {
    QTest::addColumn<QList<double>>("losses");
    QTest::addColumn<int>("patience");
    QTest::addColumn<int>("stopsAt");  // 1-based evaluation that returns true; 0 = never
    QTest::addColumn<int>("bestAt");   // 1-based evaluation that is the best
    QTest::newRow("plateau") << QList<double>{1.0, 0.8, 0.9, 0.85, 0.8, 0.1} << 3 << 5 << 2;
    QTest::newRow("recovers") << QList<double>{1.0, 0.8, 0.9, 0.85, 0.7, 0.9, 0.9} << 3 << 0 << 5;
    QTest::newRow("patience 1") << QList<double>{0.5, 0.4, 0.41} << 1 << 3 << 2;
    QTest::newRow("improving") << QList<double>{5, 4, 3, 2, 1} << 1 << 0 << 5;
    QTest::newRow("NaN never improves") << QList<double>{0.3, qQNaN(), qQNaN()} << 2 << 3 << 1;
    QTest::newRow("NaN first") << QList<double>{qQNaN(), 0.9, 0.95} << 1 << 3 << 2;
  }
  void stopsAfterExactlyPatienceEvaluations() {
    QFETCH(QList<double>, losses);
    QFETCH(int, patience);
    QFETCH(int, stopsAt);
    QFETCH(int, bestAt);
    const Split data = loadBuiltin("spiral", {.seed = 1});
    Trainer t(spiralNet(), data, TrainConfig{}, cpuBackend(), DType::F32);
    EarlyStopping es(patience);
    QCOMPARE(es.bestStep(), int64_t(-1));
    int stoppedAt = 0;
    for (int i = 1; i <= int(losses.size()) && stoppedAt == 0; ++i) {
      const int64_t step = 100 * i;
      if (es.update(step, losses[i - 1], t.network())) stoppedAt = i;
      QCOMPARE(es.stopped(), stoppedAt != 0);
    }
    QCOMPARE(stoppedAt, stopsAt);
    QCOMPARE(es.bestStep(), int64_t(100 * bestAt));
    if (!qIsNaN(losses[bestAt - 1])) QCOMPARE(es.bestLoss(), losses[bestAt - 1]);
    if (stoppedAt) QVERIFY(es.update(100 * (stoppedAt + 1), 0.0, t.network()));  // stays stopped
  }

  // Real training with its real test loss, evaluated every 25 steps: the weights kept are the
  // ones the network had at the best evaluation, bit for bit, after training went on past it.
  void keepsTheBestWeightsBitForBit() {
    const Split data = loadBuiltin("spiral", {.testFraction = 0.5, .seed = 1});
    TrainConfig c;
    c.lr = 0.3;  // a bumpy test loss, so that the best is not simply the last
    c.seed = 4;
    Trainer t(spiralNet(), data, c, cpuBackend(), DType::F32);
    EarlyStopping es(4);
    std::map<int64_t, TensorMap> seen;
    bool stopped = false;
    while (!stopped && t.steps() < 20000) {
      for (int i = 0; i < 25; ++i) t.step();
      seen[t.steps()] = t.network().weights();
      stopped = es.update(t.steps(), t.evaluate(data.test).loss, t.network());
    }
    QVERIFY2(stopped, "the test loss kept improving for 20000 steps at lr 0.3");
    qInfo("best step %lld (test loss %.4f), stopped at %lld", (long long)es.bestStep(),
          es.bestLoss(), (long long)t.steps());
    QVERIFY(es.bestStep() < t.steps());
    QCOMPARE(t.steps(), es.bestStep() + 4 * 25);  // exactly patience evaluations after the best
    QVERIFY(flat(t.network().weights()) != flat(es.bestWeights()));
    QCOMPARE(flat(es.bestWeights()), flat(seen.at(es.bestStep())));
    t.network().loadWeights(es.bestWeights(), "early stopping");
    QCOMPARE(flat(t.network().weights()), flat(seen.at(es.bestStep())));
    QCOMPARE(t.evaluate(data.test).loss, es.bestLoss());  // the best test loss, restored exactly
  }

  void patienceBelowOneIsRefused() {
    QVERIFY_THROWS_EXCEPTION(Error, EarlyStopping(0));
    QVERIFY_THROWS_EXCEPTION(Error, EarlyStopping(-3));
  }
};

QTEST_GUILESS_MAIN(TestEarlyStopping)
#include "tst_early_stopping.moc"
