// Early stopping in the window's training session (train/session.h): with
// config.earlyStopping = P, the session pauses after P evaluations without a lower test loss,
// brings back the best evaluation's weights (the last point of the curve measures them: the
// best point's test loss exactly), says so in the message and carries the best step in the
// snapshot; Play goes on from there; 0 turns it off.
#include <QTest>
#include <cmath>

#include "data/catalog.h"
#include "support/cli_runner.h"
#include "support/wait.h"
#include "train/session.h"

using namespace gradlab;
using gradlab::test::waitUntil;

namespace {
NetworkSpec memorise() {
  return loadNetwork(test::sourcePath("examples/memorise-mlp.net.json").toStdString());
}

// 200 training points with random labels: the test loss is lowest early (often before the
// first step: what the network learns from coin flips only hurts on the true labels).
std::shared_ptr<const Split> circle() {
  return std::make_shared<const Split>(
      loadBuiltin("circle", {.points = 1000, .testFraction = 0.8, .seed = 1}));
}

TrainConfig overfitting(int64_t patience) {
  TrainConfig c;
  c.lr = 0.005;
  c.batch = 200;
  c.seed = 1;
  c.randomLabels = true;
  c.earlyStopping = patience;
  return c;
}
}  // namespace

class TestSessionEarlyStopping : public QObject {
  Q_OBJECT
 private slots:
  void stopsAndKeepsTheBestWeights() {
    TrainingSession s;
    s.setData(circle());
    s.setNetwork(memorise());
    s.setConfig(overfitting(3));
    s.setSpeed(400);  // several evaluations a second
    QVERIFY(s.sync());
    s.play();
    QVERIFY(waitUntil([&] { return s.snapshot()->stoppedEarly && !s.snapshot()->running; }));
    QVERIFY(s.sync());
    const auto snap = s.snapshot();
    QVERIFY2(snap->bestStep >= 0 && snap->bestStep < snap->step, snap->message.c_str());
    const std::string expected = "stopped early at step " + std::to_string(snap->step) +
                                 ": the test loss has not improved for 3 evaluations; kept the "
                                 "weights of step " + std::to_string(snap->bestStep);
    QCOMPARE(snap->message, expected);
    // The curve: the best point is the lowest test loss, three evaluations followed it, and the
    // last point (at the stop) measures the weights kept — the best point's loss exactly.
    const auto& curve = snap->metrics;
    QVERIFY(curve.size() >= 4);
    auto best = std::find_if(curve.begin(), curve.end(),
                             [&](const MetricPoint& p) { return p.step == snap->bestStep; });
    QVERIFY(best != curve.end());
    std::string points;
    for (const MetricPoint& p : curve) {  // the curve, for the message when a check fails
      points += ' ';
      points += std::to_string(p.step) + ":" + std::to_string(p.testLoss) + (p.sampled ? "s" : "");
    }
    for (const MetricPoint& p : curve) QVERIFY2(p.testLoss >= best->testLoss, points.c_str());
    QCOMPARE(curve.end() - best, 4);  // best, two rising points, and the stop (re-measured)
    QCOMPARE(curve.back().step, snap->step);
    QCOMPARE(curve.back().testLoss, best->testLoss);
    QCOMPARE(curve.back().testAcc, best->testAcc);
    qInfo("session: best step %lld (test loss %.4f), stopped at step %lld",
          (long long)snap->bestStep, best->testLoss, (long long)snap->step);

    // Play again: training goes on from the kept weights, the patience counted afresh.
    s.play();
    QVERIFY(waitUntil([&] { return s.snapshot()->step > snap->step + 10; }));
    QVERIFY(!s.snapshot()->stoppedEarly);
    s.pause();
  }

  void offByDefault() {
    TrainingSession s;
    s.setData(circle());
    s.setNetwork(memorise());
    TrainConfig c = overfitting(0);
    s.setConfig(c);
    s.step(300);
    QVERIFY(waitUntil([&] { return s.sync() && s.snapshot()->step == 300; }));
    QCOMPARE(s.snapshot()->bestStep, int64_t(-1));
    QVERIFY(!s.snapshot()->stoppedEarly);
    QVERIFY(s.snapshot()->message.empty());
  }
};

QTEST_GUILESS_MAIN(TestSessionEarlyStopping)
#include "tst_session_early_stopping.moc"
