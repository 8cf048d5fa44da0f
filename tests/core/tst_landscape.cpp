// The loss landscape and the weights' path (train/landscape.h): the plane through the current
// weights, the path's coordinates on it, the losses on the grid, and that looking at it never
// changes training (the weights come back bit for bit).
#include <QTest>
#include <algorithm>
#include <cmath>

#include "data/catalog.h"
#include "spec/network_spec.h"
#include "support/cli_runner.h"
#include "support/wait.h"
#include "train/landscape.h"
#include "optim/optimizer.h"
#include "train/session.h"
#include "train/trainer.h"

using namespace gradlab;
using gradlab::test::waitUntil;

namespace {
NetworkSpec example(const char* name) {
  return loadNetwork(test::sourcePath(QString("examples/") + name).toStdString());
}

std::vector<float> weightsOf(Trainer& t) {
  std::vector<float> out;
  for (const Param* p : trainableParams(t.network())) {
    const auto v = p->value.toHostF32();
    out.insert(out.end(), v.begin(), v.end());
  }
  return out;
}

// Trains exactly n more steps on the session, then syncs: the snapshot shows the step the
// training stopped at, with its metrics and probes.
bool stepAndSync(TrainingSession& s, int64_t n) {
  if (!s.sync()) return false;
  const int64_t target = s.snapshot()->step + n;
  s.step(n);
  return waitUntil([&] { return !s.snapshot()->running && s.snapshot()->step == target; }) &&
         s.sync() && s.snapshot()->step == target;
}

TrainConfig sgd(double lr) {
  TrainConfig c;
  c.optimizer = "sgd";
  c.lr = lr;
  c.seed = 3;
  return c;
}
}  // namespace

class TestLandscape : public QObject {
  Q_OBJECT
 private slots:
  void planeThroughTheWeightsAndThePath() {
    const Split data = loadBuiltin("spiral", {.seed = 1});
    Trainer t(example("spiral.net.json"), data, sgd(0.1), cpuBackend(), DType::F32);
    LandscapeTracker path;
    path.record(t.network(), 0);
    const Tensor x = t.makeInput(data.train, 0, 200), y = t.makeTarget(data.train, 0, 200);
    QVERIFY(!path.compute(t.network(), x, y, {.grid = 9}).why.empty());  // one point: no plane yet
    for (int i = 1; i <= 300; ++i) {
      t.step();
      if (i % 10 == 0) path.record(t.network(), i);
    }
    QCOMPARE(path.points(), size_t(31));
    const std::vector<float> before = weightsOf(t);
    const LandscapeProbe p = path.compute(t.network(), x, y, {.grid = 9});
    QVERIFY2(p.why.empty(), p.why.c_str());
    QCOMPARE(weightsOf(t), before);  // restored bit for bit
    QCOMPARE(p.step, int64_t(300));
    QCOMPARE(p.samples, int64_t(200));
    QCOMPARE(p.weights, int64_t(2 * 16 + 16 + 16 * 16 + 16 + 16 + 1));
    QCOMPARE(p.pathX.size(), size_t(31));
    QCOMPARE(p.pathSteps.front(), int64_t(0));
    // The newest point is the centre (0, 0); the start lies on d₁ (x = ‖θ₀ − θ‖, y = 0).
    QCOMPARE(p.pathX.back(), 0.0);
    QCOMPARE(p.pathY.back(), 0.0);
    QVERIFY(p.pathX.front() > 0.1);
    QVERIFY(std::abs(p.pathY.front()) < 1e-9 * p.pathX.front() + 1e-12);
    QVERIFY(p.explained > 0.5 && p.explained <= 1.0 + 1e-9);
    // Every path point lies inside the grid, which is square.
    QVERIFY(p.loss.x1 - p.loss.x0 > 0);
    QCOMPARE(p.loss.x1 - p.loss.x0, p.loss.y1 - p.loss.y0);
    for (size_t i = 0; i < p.pathX.size(); ++i) {
      QVERIFY(p.pathX[i] > p.loss.x0 && p.pathX[i] < p.loss.x1);
      QVERIFY(p.pathY[i] > p.loss.y0 && p.pathY[i] < p.loss.y1);
    }
    QCOMPARE(p.loss.values.size(), size_t(81));
    for (float v : p.loss.values) QVERIFY(std::isfinite(v) && v > 0);
    // The loss at the centre is the network's loss on those samples, and training went
    // downhill: the start's neighbourhood lies higher than where the weights are now.
    const Metrics m = t.evaluate(data.train, 200);
    QVERIFY2(std::abs(p.lossHere - m.loss) < 1e-5, qPrintable(QString("%1 vs %2").arg(p.lossHere).arg(m.loss)));
    const int startCol = int((p.pathX.front() - p.loss.x0) / (p.loss.x1 - p.loss.x0) * 9);
    const int startRow = int((p.pathY.front() - p.loss.y0) / (p.loss.y1 - p.loss.y0) * 9);
    QVERIFY(p.loss.values[size_t(startRow * 9 + startCol)] > p.lossHere);
  }

  // Looking at the landscape while training changes nothing about the training.
  void trainingIsUnchanged() {
    const Split data = loadBuiltin("spiral", {.seed = 1});
    Trainer a(example("spiral-dropout.net.json"), data, sgd(0.05), cpuBackend(), DType::F32);
    Trainer b(example("spiral-dropout.net.json"), data, sgd(0.05), cpuBackend(), DType::F32);
    LandscapeTracker path;
    const Tensor x = b.makeInput(data.train, 0, 64), y = b.makeTarget(data.train, 0, 64);
    for (int i = 1; i <= 60; ++i) {
      a.step();
      b.step();
      path.record(b.network(), i);
      if (i % 20 == 0) path.compute(b.network(), x, y, {.grid = 5});
    }
    QCOMPARE(weightsOf(a), weightsOf(b));
  }

  // A learning rate that crawls (curriculum topic 7) still gets its plane: the path is tiny,
  // not absent.
  void tinyStepsStillGiveAPlane() {
    const Split data = loadBuiltin("xor", {.seed = 1});
    Trainer t(example("xor-mlp.net.json"), data, sgd(1e-6), cpuBackend(), DType::F32);
    LandscapeTracker path;
    for (int i = 0; i <= 12; ++i) {
      if (i > 0) t.step();
      path.record(t.network(), i);
    }
    const LandscapeProbe p = path.compute(t.network(), t.makeInput(data.train, 0, 50),
                                          t.makeTarget(data.train, 0, 50), {.grid = 5});
    QVERIFY2(p.why.empty(), p.why.c_str());
    QVERIFY(p.pathX.front() > 0 && p.pathX.front() < 1e-3);
    QVERIFY(p.explained > 0.5);
    for (float v : p.loss.values) QVERIFY(std::isfinite(v));
  }

  void pathThinsKeepingStartAndNow() {
    const Split data = loadBuiltin("xor", {.seed = 1});
    Trainer t(example("xor-mlp.net.json"), data, sgd(0.1), cpuBackend(), DType::F32);
    LandscapeTracker path;
    for (int i = 0; i <= 1000; ++i) {
      if (i > 0) t.step();
      path.record(t.network(), i);
    }
    QVERIFY(path.points() <= LandscapeTracker::kMaxPoints);
    QVERIFY(path.points() > LandscapeTracker::kMaxPoints / 2);
    const LandscapeProbe p = path.compute(t.network(), t.makeInput(data.train, 0, 50),
                                          t.makeTarget(data.train, 0, 50), {.grid = 3});
    QCOMPARE(p.pathSteps.front(), int64_t(0));
    QCOMPARE(p.pathSteps.back(), int64_t(1000));
    QVERIFY(std::is_sorted(p.pathSteps.begin(), p.pathSteps.end()));
  }

  // In the window: the path grows at every landscape measurement, and once training stops the
  // landscape is measured where the weights stopped — without any further command.
  void sessionCatchesUpWhenPaused() {
    TrainingSession s;
    s.setData(std::make_shared<Split>(loadBuiltin("spiral", {.seed = 1})));
    s.setNetwork(example("spiral.net.json"));
    ProbeRequest r;
    r.ask<LandscapeProbe>();
    s.setProbes(r);
    QVERIFY(s.sync());
    QVERIFY(stepAndSync(s, 40));  // the path: the start, step 40, step 80, …
    QVERIFY(stepAndSync(s, 40));
    s.step(40);  // … and 120, with no sync: the worker catches up on its own
    std::shared_ptr<const Snapshot> snap;
    QVERIFY(waitUntil([&] {
      snap = s.snapshot();
      const LandscapeProbe* l = snap->probe<LandscapeProbe>();
      return !snap->running && snap->step == 120 && l && l->step == 120;
    }));
    const LandscapeProbe* l = snap->probe<LandscapeProbe>();
    QVERIFY2(l->why.empty(), l->why.c_str());
    QVERIFY2(l->pathX.size() >= 3, qPrintable(QString("%1 points").arg(l->pathX.size())));
    QCOMPARE(l->pathX.size(), l->pathSteps.size());
    QCOMPARE(l->pathSteps.front(), int64_t(0));
    QCOMPARE(l->pathSteps.back(), int64_t(120));
  }

  // Curriculum topic 8: every optimizer from the same start — different paths, different
  // speeds, on one plane; the session shows the race until training moves on.
  void optimizerRace() {
    const Split data = loadBuiltin("circle", {.seed = 1});
    Trainer t(example("xor-mlp.net.json"), data, sgd(0.1), cpuBackend(), DType::F32);
    for (int i = 0; i < 20; ++i) t.step();
    const std::vector<float> before = weightsOf(t);
    const double startLoss = t.evaluate(data.train, 256).loss;
    const RaceProbe r = raceOptimizers(example("xor-mlp.net.json"), std::make_shared<Split>(data),
                                       sgd(0.1), cpuBackend(), DType::F32, t.network().weights(),
                                       20, 300, 256, 11);
    QCOMPARE(weightsOf(t), before);  // the race runs on copies
    QCOMPARE(r.runners.size(), optimNames().size());
    QCOMPARE(r.fromStep, int64_t(20));
    QCOMPARE(r.loss.values.size(), size_t(121));
    QVERIFY(r.explained > 0.3 && r.explained <= 1 + 1e-9);
    std::vector<std::pair<double, double>> ends;
    for (const auto& run : r.runners) {
      QCOMPARE(run.x.size(), run.y.size());
      QVERIFY(run.x.size() >= 20);
      QCOMPARE(run.x.front(), 0.0);  // everyone starts at the start
      QVERIFY(std::isfinite(run.finalLoss));
      ends.emplace_back(run.x.back(), run.y.back());
      qInfo("%-9s lr %-6g loss %.4f -> %.4f", run.optimizer.c_str(), run.lr, startLoss, run.finalLoss);
    }
    for (size_t i = 0; i < ends.size(); ++i)  // different paths: no two end at the same place
      for (size_t j = i + 1; j < ends.size(); ++j)
        QVERIFY(std::hypot(ends[i].first - ends[j].first, ends[i].second - ends[j].second) > 1e-4);
    const auto adam = std::find_if(r.runners.begin(), r.runners.end(),
                                   [](const auto& run) { return run.optimizer == "adam"; });
    QVERIFY(adam != r.runners.end() && adam->finalLoss < startLoss);
    // At the same learning rate momentum gets further downhill than plain SGD (measured on
    // the circle: 0.36 against 0.64 after 300 steps).
    auto finalOf = [&](const char* name) {
      for (const auto& run : r.runners)
        if (run.optimizer == name) return run.finalLoss;
      return double(NAN);
    };
    QVERIFY(finalOf("momentum") < finalOf("sgd"));

    TrainingSession s;
    s.setData(std::make_shared<Split>(data));
    s.setNetwork(example("spiral.net.json"));
    s.race(50);  // in the background: the snapshot reports it until its paths are there
    QVERIFY(waitUntil([&] { return s.sync() && s.snapshot()->probe<RaceProbe>(); }));
    QCOMPARE(s.snapshot()->probe<RaceProbe>()->steps, int64_t(50));
    QVERIFY(s.snapshot()->job.empty());
    QVERIFY(stepAndSync(s, 1));
    QCOMPARE(s.snapshot()->step, int64_t(1));
    QVERIFY2(!s.snapshot()->probe<RaceProbe>(), "the race stays on view only until training moves on");
  }

  void bigNetworksSaySo() {
    const Split data = loadBuiltin("fashion-mnist", {.limit = 20});
    Trainer t(example("fashion-cnn.net.json"), data, sgd(0.01), cpuBackend(), DType::F32);
    LandscapeTracker path;
    path.record(t.network(), 0);
    t.step();
    path.record(t.network(), 1);
    const LandscapeProbe p = path.compute(t.network(), t.makeInput(data.train, 0, 4),
                                          t.makeTarget(data.train, 0, 4), {.grid = 5});
    QVERIFY2(QString::fromStdString(p.why).contains("up to 10000"), p.why.c_str());
    QVERIFY(p.loss.values.empty());
  }
};

QTEST_GUILESS_MAIN(TestLandscape)
#include "tst_landscape.moc"
