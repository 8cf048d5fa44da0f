// CompareJob: a comparison on its own thread, as the compare view and the lesson player use it —
// every variant's history, boundary and gradients arrive in snapshots; the pace holds; pause
// stops the steps and resume goes on; a variant that does not fit the data is an error message,
// never a crash; the lesson metrics read each variant's own numbers.
#include <QElapsedTimer>
#include <QTest>
#include <cmath>

#include "data/catalog.h"
#include "lesson/metrics.h"
#include "support/cli_runner.h"
#include "train/compare_job.h"
#include "util/error.h"

using namespace gradlab;

namespace {
NetworkSpec example(const char* name) {
  return loadNetwork(test::sourcePath(QString("examples/") + name).toStdString());
}

std::shared_ptr<const Split> xorData() {
  return std::make_shared<const Split>(loadBuiltin("xor", {.seed = 1}));
}

TrainConfig adam(double lr) {
  TrainConfig c;
  c.optimizer = "adam";
  c.lr = lr;
  c.seed = 1;
  return c;
}

// Waits until `done(snapshot)` or 30 s.
bool waitSnap(const CompareJob& job, const std::function<bool(const CompareSnapshot&)>& done) {
  QElapsedTimer t;
  t.start();
  while (t.elapsed() < 30000) {
    if (done(*job.snapshot())) return true;
    QTest::qWait(5);
  }
  return done(*job.snapshot());
}
}  // namespace

class TestCompareJob : public QObject {
  Q_OBJECT
 private slots:
  // Learning rates 0.0003 and 0.03 on xor, 400 steps: both histories run from step 0 to 400,
  // the larger rate ends with the lower test loss, each variant has its own boundary and
  // gradients, and metricValue reads each variant's last point.
  void twoVariantsToTheEnd() {
    CompareJob job;
    const NetworkSpec net = example("xor-mlp.net.json");
    job.start({{"lr 0.0003", net, adam(0.0003)}, {"lr 0.03", net, adam(0.03)}}, xorData(),
              {.steps = 400});
    QVERIFY(job.waitFinished(120));
    auto s = job.snapshot();
    QVERIFY2(s->error.empty(), s->error.c_str());
    QVERIFY(s->finished && !s->running);
    QCOMPARE(s->step, int64_t(400));
    QCOMPARE(s->classes, 2);
    QCOMPARE(s->runs.size(), size_t(2));
    QCOMPARE(s->runs[0].name, std::string("lr 0.0003"));
    QCOMPARE(s->runs[1].name, std::string("lr 0.03"));
    for (const CompareSeries& r : s->runs) {
      QCOMPARE(r.steps, int64_t(400));
      QVERIFY(r.metrics.size() >= 100);  // every 2 steps (400 / 200)
      QCOMPARE(r.metrics.front().step, int64_t(0));
      QCOMPARE(r.metrics.back().step, int64_t(400));
      for (size_t i = 1; i < r.metrics.size(); ++i) QVERIFY(r.metrics[i].step > r.metrics[i - 1].step);
      QVERIFY(r.boundary);
      QCOMPARE(r.boundary->output.w, 50);
      QVERIFY(r.gradients);
      QCOMPARE(r.gradients->layers.size(), size_t(2));  // h1, out
      QCOMPARE(r.gradients->step, int64_t(400));
      QVERIFY(!r.diverged);
    }
    // The same initial weights: the two runs start from the same loss.
    QCOMPARE(s->runs[0].metrics.front().testLoss, s->runs[1].metrics.front().testLoss);
    const double slow = s->runs[0].metrics.back().testLoss, fast = s->runs[1].metrics.back().testLoss;
    qInfo("xor, 400 steps: test loss %.4f at lr 0.0003, %.4f at lr 0.03", slow, fast);
    QVERIFY(fast < slow - 0.05);
    // Two different runs: their boundaries differ.
    QVERIFY(s->runs[0].boundary->output.values != s->runs[1].boundary->output.values);
    for (size_t i = 0; i < 2; ++i) {
      const auto acc = metricValue(measuresOf(*s, i), "test.accuracy");
      QVERIFY(acc.has_value());
      QCOMPARE(*acc, s->runs[i].metrics.back().testAcc);
    }
    QVERIFY_THROWS_EXCEPTION(Error, measuresOf(*s, 2));
  }

  // At 200 steps/s the comparison keeps the pace; paused, no step is taken; resumed, it goes on;
  // cancelled, the thread ends and the last snapshot says finished.
  void pacedPausedResumedCancelled() {
    CompareJob job;
    const NetworkSpec net = example("xor-mlp.net.json");
    QElapsedTimer t;
    t.start();
    job.start({{"a", net, adam(0.01)}, {"b", net, adam(0.03)}}, xorData(),
              {.steps = 0, .speed = 200, .evalEvery = 5});
    QVERIFY(waitSnap(job, [](const CompareSnapshot& s) { return s.step >= 60; }));
    const double seconds = t.elapsed() / 1000.0;
    const int64_t at = job.snapshot()->step;
    qInfo("paced at 200 steps/s: step %lld after %.2f s", (long long)at, seconds);
    QVERIFY2(at <= 200 * seconds + 10, "faster than the pace asked for");
    QVERIFY(job.busy());

    job.pause();
    QVERIFY(waitSnap(job, [](const CompareSnapshot& s) { return s.paused; }));
    const int64_t paused = job.snapshot()->step;
    QTest::qWait(300);
    QCOMPARE(job.snapshot()->step, paused);
    QCOMPARE(job.snapshot()->runs[0].metrics.back().step, paused);  // measured where it paused

    job.setSpeed(0);  // flat out
    job.resume();
    QVERIFY(waitSnap(job, [&](const CompareSnapshot& s) { return s.step >= paused + 200; }));
    job.cancel();
    auto s = job.snapshot();
    QVERIFY(s->finished && !s->running);
    QVERIFY(!job.busy());
    QVERIFY(s->runs[0].metrics.size() >= 2);
  }

  // A variant whose network takes 3 inputs, on 2-D data: the snapshot names the variant and
  // the problem; nothing crashes, and a new start works.
  void variantThatDoesNotFit() {
    CompareJob job;
    NetworkSpec wide = example("xor-mlp.net.json");
    for (auto& b : wide.blocks)
      if (b.type == "Input") b.params["shape"] = nlohmann::json::array({3});
    job.start({{"fits", example("xor-mlp.net.json"), adam(0.03)}, {"three inputs", wide, adam(0.03)}},
              xorData(), {.steps = 50});
    QVERIFY(job.waitFinished(30));
    auto s = job.snapshot();
    QVERIFY(s->finished);
    qInfo("error: %s", s->error.c_str());
    QVERIFY2(s->error.find("three inputs") != std::string::npos, s->error.c_str());
    QCOMPARE(s->runs.size(), size_t(2));  // the names stay for the view to show

    job.start({{"only", example("xor-mlp.net.json"), adam(0.03)}}, nullptr, {.steps = 10});
    QVERIFY(job.waitFinished(30));
    QVERIFY2(job.snapshot()->error.find("no data") != std::string::npos, job.snapshot()->error.c_str());
  }
};

QTEST_MAIN(TestCompareJob)
#include "tst_compare_job.moc"
