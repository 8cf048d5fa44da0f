// The long-lag task (data/sequences.h) with a lag of 20 blank steps: an LSTM of 32 units
// (examples/long-lag-lstm.net.json) learns to recall the symbol, reaching ≥ 0.95 test accuracy
// with a fixed seed — the same run as
//   gradlab-cli train examples/long-lag-lstm.net.json --dataset long-lag --lag 20
//       --steps 6000 --batch 32 --seed 1
// (one command line; Adam at its default lr 0.001; about 2 s on one thread. With PyTorch's
// init the forget gate starts near 0.5 and the loss sits on ln 4 for a thousand steps or more
// before it drops. bench/RESULTS.md records this run beside a SimpleRNN's.)
#include <QtTest>

#include "backend/backend.h"
#include "data/catalog.h"
#include "support/cli_runner.h"
#include "train/trainer.h"

using namespace gradlab;

class TstLongLag : public QObject {
  Q_OBJECT
 private slots:
  void lstmRemembersTwentySteps() {
    const NetworkSpec spec =
        loadNetwork(gradlab::test::sourcePath("examples/long-lag-lstm.net.json").toStdString());
    DatasetOptions d;
    d.lag = 20;
    d.seed = 1;
    d.testFraction = 0.2;
    TrainConfig c;
    c.batch = 32;
    c.seed = 1;
    Backend& be = cpuBackend();
    be.setThreads(1);
    Trainer trainer(spec, loadBuiltin("long-lag", d), c, be, DType::F32);
    QCOMPARE(trainer.data().train.xShape, Shape({21, 4}));
    const Metrics before = trainer.evaluate(trainer.data().test);
    for (int i = 0; i < 6000; ++i) trainer.step();
    const Metrics after = trainer.evaluate(trainer.data().test);
    QVERIFY(before.accuracy && after.accuracy);
    qInfo("test accuracy %.3f before training, %.3f after 6000 steps (test loss %.4g)",
          *before.accuracy, *after.accuracy, after.loss);
    QVERIFY2(*before.accuracy < 0.5, "the task must not be solved before training");
    QVERIFY2(*after.accuracy >= 0.95, qPrintable(QString("test accuracy %1").arg(*after.accuracy)));
  }
};

QTEST_APPLESS_MAIN(TstLongLag)
#include "tst_long_lag.moc"
