// Sequence to sequence with attention (issue 12, topic 20): the reverse task at length 20 with 8
// symbols (1000 sequences, 800 train, 200 test). The same encoder, the same training (the files'
// settings: Adam, lr 0.01, batch 32; 300 steps, seed 1); the decoder that attends to the
// encoder's steps (examples/reverse-attention.net.json) reverses the test sequences, the one that
// sees only the encoder's last state (reverse-no-attention.net.json, as many weights) does not:
//   gradlab-cli train examples/reverse-attention.net.json --dataset reverse --length 20
//       --symbols 8 --steps 300 --seed 1          (test accuracy 1, per token)
//   gradlab-cli train examples/reverse-no-attention.net.json …the same…   (0.2525)
// bench/reverse_attention.sh runs more seeds, lengths and training lengths (bench/RESULTS.md).
#include <QtTest>

#include "backend/backend.h"
#include "data/catalog.h"
#include "io/training_settings.h"
#include "support/cli_runner.h"
#include "train/trainer.h"

using namespace gradlab;

namespace {
// Per-token test accuracy of `example` after 300 steps, and before training.
std::pair<double, double> train(const char* example) {
  const std::string path = gradlab::test::sourcePath(QString("examples/%1.net.json").arg(example)).toStdString();
  DatasetOptions d;
  d.length = 20;
  d.symbols = 8;
  d.seed = 1;
  TrainConfig c;
  c.seed = 1;
  c = loadNetworkTraining(path)->over(c);
  Backend& be = cpuBackend();
  be.setThreads(1);
  Trainer trainer(loadNetwork(path), loadBuiltin("reverse", d), c, be, DType::F32);
  const Metrics before = trainer.evaluate(trainer.data().test);
  for (int i = 0; i < 300; ++i) trainer.step();
  const Metrics after = trainer.evaluate(trainer.data().test);
  return {*before.accuracy, *after.accuracy};
}
}  // namespace

class TstReverseAttention : public QObject {
  Q_OBJECT
 private slots:
  void attentionReversesTwentySymbols() {
    const auto [before, after] = train("reverse-attention");
    qInfo("with attention: per-token test accuracy %.4f before, %.4f after 300 steps", before, after);
    QVERIFY2(before < 0.3, "the task must not be solved before training (chance 0.125)");
    QVERIFY2(after >= 0.9, qPrintable(QString("test accuracy %1").arg(after)));
  }
  void lastStateAloneDoesNot() {
    const auto [before, after] = train("reverse-no-attention");
    qInfo("without attention: per-token test accuracy %.4f before, %.4f after 300 steps", before, after);
    QVERIFY2(after > before, "it learns something (the last symbols, first out)");
    QVERIFY2(after <= 0.6, qPrintable(QString("test accuracy %1").arg(after)));
  }
};

QTEST_APPLESS_MAIN(TstReverseAttention)
#include "tst_reverse_attention.moc"
