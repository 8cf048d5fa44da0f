// TrainingSession: commands are applied in order between steps; pause, step, reset and settings
// mean what the window's buttons say while training runs; the optimizer race runs in the
// background (commands keep answering, it reports progress, it can be cancelled) and every
// trainer shares the one copy of the data.
#include <QElapsedTimer>
#include <QTest>
#include <fstream>
#include <unistd.h>

#include "data/catalog.h"
#include "support/cli_runner.h"
#include "support/wait.h"
#include "train/landscape.h"
#include "train/session.h"

using namespace gradlab;
using gradlab::test::waitUntil;

namespace {
NetworkSpec example(const char* name) {
  return loadNetwork(test::sourcePath(QString("examples/") + name).toStdString());
}

// Until the steps asked for are taken (sync() returns once the commands are applied: a step
// command queues its steps).
bool settle(TrainingSession& s) {
  return waitUntil([&] { return s.sync() && !s.snapshot()->running; });
}

std::shared_ptr<const Split> spiral() {
  return std::make_shared<const Split>(loadBuiltin("spiral", {.seed = 1}));
}

// Resident memory of this process, in MB.
double residentMB() {
  std::ifstream statm("/proc/self/statm");
  long pages = 0, resident = 0;
  statm >> pages >> resident;
  return double(resident) * double(sysconf(_SC_PAGESIZE)) / (1024.0 * 1024.0);
}

std::vector<double> flat(const TensorMap& w) {
  std::vector<double> out;
  for (const auto& [name, t] : w) out.insert(out.end(), t.values.begin(), t.values.end());
  return out;
}
}  // namespace

class TestSession : public QObject {
  Q_OBJECT
 private slots:
  // Commands apply in the order given: the network and data first, then the config, then the
  // steps — the steps run with the config sent before them.
  void commandsInOrder() {
    TrainingSession s;
    s.setData(spiral());
    s.setNetwork(example("spiral.net.json"));
    TrainConfig c;
    c.optimizer = "sgd";
    c.lr = 0.05;
    c.batch = 7;
    s.setConfig(c);
    s.step(5);
    QVERIFY(settle(s));
    auto snap = s.snapshot();
    QVERIFY(snap->ready);
    QCOMPARE(snap->step, int64_t(5));
    QCOMPARE(snap->config.optimizer, std::string("sgd"));
    QCOMPARE(snap->config.lr.value(), 0.05);
    QCOMPARE(snap->epoch, 5.0 * 7 / double(snap->data->train.size()));
    QVERIFY(!snap->running);
  }

  // Pause stops a run at once; Step while running stops the run and takes exactly that many.
  void pauseAndStepWhileRunning() {
    TrainingSession s;
    s.setData(spiral());
    s.setNetwork(example("spiral.net.json"));
    s.play();
    QVERIFY(waitUntil([&] { return s.snapshot()->step > 50; }));
    QVERIFY(s.snapshot()->running);
    s.pause();
    QVERIFY(s.sync());
    const int64_t paused = s.snapshot()->step;
    QVERIFY(!s.snapshot()->running);
    QTest::qWait(100);
    QVERIFY(s.sync());
    QCOMPARE(s.snapshot()->step, paused);  // nothing moves while paused

    s.play();
    QVERIFY(waitUntil([&] { return s.snapshot()->step > paused + 50; }));
    s.step(3);  // from a run: the run stops, then three steps
    QVERIFY(settle(s));
    const int64_t after = s.snapshot()->step;
    QTest::qWait(100);
    QVERIFY(s.sync());
    QCOMPARE(s.snapshot()->step, after);  // the run did not go on
    s.step(3);
    QVERIFY(settle(s));
    QCOMPARE(s.snapshot()->step, after + 3);
  }

  // A setting changed while training runs applies without stopping it; Reset goes back to the
  // weights drawn from the seed, and the loss curve starts again.
  void settingsWhileRunningAndReset() {
    TrainingSession s;
    s.setData(spiral());
    s.setNetwork(example("spiral.net.json"));
    QVERIFY(s.sync());
    const std::vector<double> initial = flat(s.weights().get());
    s.play();
    QVERIFY(waitUntil([&] { return s.snapshot()->step > 20; }));
    TrainConfig c;
    c.lr = 0.001;
    s.setConfig(c);
    QVERIFY(waitUntil([&] { return s.snapshot()->config.lr == 0.001; }));
    QVERIFY(s.snapshot()->running);
    s.reset();
    QVERIFY(s.sync());
    auto snap = s.snapshot();
    QCOMPARE(snap->step, int64_t(0));
    QVERIFY(!snap->running);
    QVERIFY(snap->metrics.size() <= 1);
    QCOMPARE(flat(s.weights().get()), initial);  // the same seed draws the same weights
  }

  // A new seed before the first step draws new weights, and the curve's step-0 point measures
  // them, not the weights of the old seed (the idle worker measures step 0 as soon as it can: a
  // stale point there made early stopping keep a later step as the "best", CI run of stop 22).
  void newSeedMeasuresTheNewWeights() {
    TrainConfig seed7;
    seed7.seed = 7;
    TrainingSession fresh;  // seed 7 from the start: the reference
    fresh.setData(spiral());
    fresh.setConfig(seed7);
    fresh.setNetwork(example("spiral.net.json"));
    QVERIFY(fresh.sync());
    QCOMPARE(fresh.snapshot()->metrics.size(), size_t(1));

    TrainingSession s;
    s.setData(spiral());
    s.setNetwork(example("spiral.net.json"));
    QVERIFY(s.sync());  // step 0 measured with the default seed's weights
    const double oldLoss = s.snapshot()->metrics.at(0).testLoss;
    s.setConfig(seed7);
    QVERIFY(s.sync());
    const auto snap = s.snapshot();
    QCOMPARE(snap->metrics.size(), size_t(1));
    QCOMPARE(snap->metrics[0].step, int64_t(0));
    QVERIFY(snap->metrics[0].testLoss != oldLoss);
    QCOMPARE(snap->metrics[0].testLoss, fresh.snapshot()->metrics[0].testLoss);
    QCOMPARE(flat(s.weights().get()), flat(fresh.weights().get()));
  }

  // Issue 16: a learning rate far too large blew the spiral's bce loss from 0.7 to 57 while it
  // stayed finite, and the window trained on silently. The session pauses with the advice (one
  // core function with gradlab-cli) and keeps the weights of the last sane evaluation.
  void trainingThatBlowsUpPausesWithAdvice() {
    TrainingSession s;
    s.setData(spiral());
    s.setNetwork(example("spiral.net.json"));
    TrainConfig c;
    c.optimizer = "sgd";
    c.lr = 1000;
    s.setConfig(c);
    s.play();
    QVERIFY(waitUntil([&] { return s.sync() && !s.snapshot()->running; }, 20000));
    const auto snap = s.snapshot();
    QVERIFY2(snap->message.find("Training blew up by step ") == 0, snap->message.c_str());
    QVERIFY2(snap->message.find("the learning rate 1000 is too large for this network — lower it "
                                "(try 10) and press Reset.") != std::string::npos,
             snap->message.c_str());
    QVERIFY2(snap->message.find(" are kept.") != std::string::npos, snap->message.c_str());
    for (double w : flat(s.weights().get())) QVERIFY(std::isfinite(w));
  }

  // The race runs beside the session: the weights and Pause answer while it runs, it reports
  // its progress, and Cancel stops it without a result.
  void raceAnswersAndCancels() {
    TrainingSession s;
    auto data = spiral();
    s.setData(data);
    s.setNetwork(example("spiral.net.json"));
    s.step(10);
    QVERIFY(settle(s));
    s.race(200000);  // far longer than this test waits
    QVERIFY(waitUntil([&] { return s.snapshot()->job == "race" && s.snapshot()->jobProgress > 0; }));
    QElapsedTimer t;
    t.start();
    auto w = s.weights();
    QVERIFY2(w.wait_for(std::chrono::seconds(2)) == std::future_status::ready,
             "the weights are read while the race runs");
    QVERIFY(!w.get().empty());
    s.pause();
    QVERIFY(s.sync(2000));
    QVERIFY(t.elapsed() < 2000);
    QCOMPARE(s.snapshot()->job, std::string("race"));  // still racing
    QCOMPARE(s.snapshot()->step, int64_t(10));          // the session's weights did not move
    s.cancelRace();
    QVERIFY(waitUntil([&] { return s.sync() && s.snapshot()->job.empty(); }, 5000));
    QVERIFY(!s.snapshot()->probe<RaceProbe>());

    // A step cancels a race too: it moves the weights the race started from.
    s.race(200000);
    QVERIFY(waitUntil([&] { return s.snapshot()->job == "race"; }));
    s.step(1);
    QVERIFY(settle(s));
    QVERIFY(s.snapshot()->job.empty());
    QCOMPARE(s.snapshot()->step, int64_t(11));
  }

  // One copy of the data: the session, its trainer and a race's seven trainers all read the
  // Split the window loaded. With Fashion-MNIST (~220 MB as floats) a copy per trainer would
  // show in the resident memory.
  void oneCopyOfTheData() {
#if defined(__SANITIZE_THREAD__)
    // The race on 20000 images takes longer than Qt Test's 5-minute limit to reach its second
    // optimizer under ThreadSanitizer, and the resident memory there holds TSan's shadow of every
    // page the race touches, so the one-copy bound cannot be read.
    QSKIP("under ThreadSanitizer the race is too slow for Qt Test's limit and resident memory "
          "includes TSan's shadow; the plain and ASan builds check this");
#endif
    Split loaded;
    try {
      loaded = loadBuiltin("fashion-mnist", {.limit = 20000});
    } catch (const std::exception& e) {
      QSKIP(qPrintable(QString("Fashion-MNIST is not installed: %1").arg(e.what())));
    }
    auto data = std::make_shared<const Split>(std::move(loaded));
    const double dataMB = double(data->train.x.size() + data->test.x.size()) * 4 / (1024 * 1024);
    TrainingSession s;
    NetworkSpec spec = parseNetwork(R"({"format": "gradlab.network/1",
      "blocks": [{"id": "x", "type": "Input", "shape": [1, 28, 28]},
                 {"id": "f", "type": "Flatten"},
                 {"id": "out", "type": "Dense", "units": 10}],
      "edges": [["x", "f"], ["f", "out"]], "loss": {"block": "out", "type": "cross_entropy"}})",
                                    "session test");
    s.setData(data);
    s.setNetwork(spec);
    s.step(2);
    QVERIFY(settle(s));
    QVERIFY(s.snapshot()->ready);
    QCOMPARE(s.snapshot()->data.get(), data.get());  // the very Split, not a copy
    const double before = residentMB();
    const long users = data.use_count();
    s.race(100000);
    QVERIFY(waitUntil([&] { return s.snapshot()->job == "race" && s.snapshot()->jobProgress > 0.2; },
                      60000));
    const double during = residentMB();
    QVERIFY2(data.use_count() > users, "the race's trainers hold the same data");
    qInfo("data %.0f MB; resident %.0f MB before the race, %.0f MB while 7 optimizers race",
          dataMB, before, during);
#ifndef __SANITIZE_ADDRESS__
    QVERIFY2(during - before < dataMB / 2,
             qPrintable(QString("resident memory grew by %1 MB during the race (the data is %2 MB)")
                            .arg(during - before).arg(dataMB)));
#else
    // AddressSanitizer keeps freed blocks resident (its quarantine): the race's many small
    // allocations grow the resident memory by tens of MB there, copy or not.
    qInfo("under AddressSanitizer the resident-memory bound is not checked");
#endif
    s.cancelRace();
    QVERIFY(s.sync());
  }
};

QTEST_GUILESS_MAIN(TestSession)
#include "tst_session.moc"
