// PyTorch parity for losses on outputs that are not flat: mse, bce and bce_logits on
// [C, H, W] and [T, F] outputs (PyTorch's reduction="mean" over every element) and
// cross_entropy on [T, classes] outputs with one class per step (nn.CrossEntropyLoss on
// [N, classes, T]). Per case, tests/parity/shapes_ref.py writes the data and torch's seeded
// init and trains in float64; then a Trainer here trains the same network from the same init
// on the same batches (file order, no shuffling, float64), and the per-step losses must agree
// to a relative 1e-6.
//
// The trainer reads the data as gradlab-cli does (loadTensorFile, targets as values); the
// per-step classes of the cross_entropy case become a Dataset with numClasses 4 and yShape {T},
// one class index per step.
//
// Skipped (loudly) only when /usr/bin/python3 cannot import torch (apt-get install python3-torch).
#include <QTemporaryDir>
#include <QtTest>
#include <cmath>

#include "backend/backend.h"
#include "data/tensor_file.h"
#include "io/safetensors.h"
#include "support/cli_runner.h"
#include "support/torch_reference.h"
#include "train/trainer.h"

using namespace gradlab;
using gradlab::test::readStepLosses;
using gradlab::test::runPython;
using gradlab::test::sourcePath;
using gradlab::test::writeFile;

namespace {

constexpr double kRelTol = 1e-6;

// Input [1, 6, 6] → Conv2D 2 filters, 3×3 same, tanh → [2, 6, 6], mse.
const char* kImageMse = R"({"format": "gradlab.network/1", "name": "image-mse",
 "blocks": [{"id": "x", "type": "Input", "shape": [1, 6, 6]},
            {"id": "c", "type": "Conv2D", "filters": 2, "kernel": 3, "padding": "same",
             "activation": "tanh"}],
 "edges": [["x", "c"]], "loss": {"type": "mse", "block": "c"}})";

// Input [1, 6, 6] → Conv2D 3 filters relu → Conv2D 1 filter sigmoid → [1, 6, 6], bce.
const char* kImageBce = R"({"format": "gradlab.network/1", "name": "image-bce",
 "blocks": [{"id": "x", "type": "Input", "shape": [1, 6, 6]},
            {"id": "c1", "type": "Conv2D", "filters": 3, "kernel": 3, "padding": "same",
             "activation": "relu"},
            {"id": "c2", "type": "Conv2D", "filters": 1, "kernel": 3, "padding": "same",
             "activation": "sigmoid"}],
 "edges": [["x", "c1"], ["c1", "c2"]], "loss": {"type": "bce", "block": "c2"}})";

// Input [5, 3] → SimpleRNN 4 (every step) → [5, 4] logits, bce_logits.
const char* kSeqBceLogits = R"({"format": "gradlab.network/1", "name": "seq-bce-logits",
 "blocks": [{"id": "x", "type": "Input", "shape": [5, 3]},
            {"id": "r", "type": "SimpleRNN", "units": 4, "return_sequences": true}],
 "edges": [["x", "r"]], "loss": {"type": "bce_logits", "block": "r"}})";

// Input [5, 3] → SimpleRNN 4 (every step) → [5, 4], mse.
const char* kSeqMse = R"({"format": "gradlab.network/1", "name": "seq-mse",
 "blocks": [{"id": "x", "type": "Input", "shape": [5, 3]},
            {"id": "r", "type": "SimpleRNN", "units": 4, "return_sequences": true}],
 "edges": [["x", "r"]], "loss": {"type": "mse", "block": "r"}})";

// Input [6, 3] → SimpleRNN 8 (every step) → Flatten → Dense 24 → Reshape [6, 4]: 4 class
// scores per step, cross_entropy with one class per step.
const char* kSeqCe = R"({"format": "gradlab.network/1", "name": "seq-ce",
 "blocks": [{"id": "x", "type": "Input", "shape": [6, 3]},
            {"id": "r", "type": "SimpleRNN", "units": 8, "return_sequences": true},
            {"id": "f", "type": "Flatten"},
            {"id": "d", "type": "Dense", "units": 24},
            {"id": "scores", "type": "Reshape", "shape": [6, 4]}],
 "edges": [["x", "r"], ["r", "f"], ["f", "d"], ["d", "scores"]],
 "loss": {"type": "cross_entropy", "block": "scores"}})";

}  // namespace

class TstParityLossShapes : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() {
    if (const QString why = gradlab::test::torchMissing(); !why.isEmpty()) QSKIP(qPrintable(why));
  }
  void parity_data();
  void parity();
};

void TstParityLossShapes::parity_data() {
  QTest::addColumn<QString>("net");
  QTest::addColumn<QString>("task");  // shapes_ref.py --task
  QTest::addColumn<QString>("optimizer");
  QTest::addColumn<double>("lr");
  QTest::addColumn<int>("seed");
  QTest::newRow("mse-image") << kImageMse << "image-mse" << "adam" << 0.02 << 51;
  QTest::newRow("bce-image") << kImageBce << "image-bce" << "adam" << 0.02 << 52;
  QTest::newRow("bce_logits-sequence") << kSeqBceLogits << "seq-bce" << "sgd" << 0.5 << 53;
  QTest::newRow("mse-sequence") << kSeqMse << "seq-bce" << "adam" << 0.02 << 54;
  QTest::newRow("cross_entropy-per-step") << kSeqCe << "seq-ce" << "adam" << 0.01 << 55;
}

void TstParityLossShapes::parity() {
  QFETCH(QString, net);
  QFETCH(QString, task);
  QFETCH(QString, optimizer);
  QFETCH(double, lr);
  QFETCH(int, seed);
  constexpr int kRows = 48, kBatch = 8, kSteps = 30;  // 5 epochs

  QTemporaryDir tmp;
  QVERIFY(tmp.isValid());
  const QString netPath = writeFile(tmp.filePath("net.net.json"), net.toUtf8());
  const QString data = tmp.filePath("data.safetensors"), init = tmp.filePath("init.safetensors");
  const QString log = tmp.filePath("torch.csv");
  const auto py = runPython({sourcePath("tests/parity/shapes_ref.py"), netPath, "--task", task,
                             "--rows", QString::number(kRows), "--data-seed", QString::number(seed),
                             "--data", data, "--init", init, "--log", log, "--steps",
                             QString::number(kSteps), "--batch", QString::number(kBatch),
                             "--optimizer", optimizer, "--lr", QString::number(lr), "--seed",
                             QString::number(seed)});
  if (!py.ok) {
    tmp.setAutoRemove(false);
    QFAIL(qPrintable("shapes_ref.py failed (files kept in " + tmp.path() + "): " + py.message));
  }
  QString error;
  const auto ref = readStepLosses(log, error);
  QVERIFY2(ref, qPrintable(error));
  QCOMPARE(int(ref->size()), kSteps);

  Split split;
  split.train = loadTensorFile(data.toStdString(), {.classify = Classify::No});
  if (task == "seq-ce") {  // y [N, 6]: one class 0..3 per step
    split.train.numClasses = 4;
    split.train.classNames = {"0", "1", "2", "3"};
    QCOMPARE(split.train.yShape, Shape{6});
  }
  TrainConfig config;
  config.optimizer = optimizer.toStdString();
  config.lr = lr;
  config.batch = kBatch;
  config.shuffle = false;
  config.seed = uint64_t(seed);
  const NetworkSpec spec = parseNetwork(net.toStdString(), "net.net.json");
  Trainer trainer(spec, std::move(split), config, cpuBackend(), DType::F64);
  trainer.network().loadWeights(readSafetensors(init.toStdString()), init.toStdString());

  double worst = 0;
  for (int i = 0; i < kSteps; ++i) {
    const double got = trainer.step().loss, want = (*ref)[size_t(i)];
    worst = std::max(worst, std::abs(got - want) / std::max(std::abs(want), 1e-8));
    if (!(std::abs(got - want) <= kRelTol * std::max(std::abs(want), 1e-8))) {
      tmp.setAutoRemove(false);
      QFAIL(qPrintable(QString("step %1: gradlab loss %2, torch %3 (relative tolerance %4; "
                               "files kept in %5)")
                           .arg(i + 1)
                           .arg(got, 0, 'g', 17)
                           .arg(want, 0, 'g', 17)
                           .arg(kRelTol)
                           .arg(tmp.path())));
    }
  }
  qInfo("%d steps, loss %.6g → %.6g, largest relative difference %.2g", kSteps, ref->front(),
        ref->back(), worst);
  // The loss moved: the comparison covers training, not only the first forward pass.
  QVERIFY2(ref->back() < 0.98 * ref->front(),
           qPrintable(QString("torch's loss went from %1 to %2").arg(ref->front()).arg(ref->back())));

  // The trainer's evaluation reads the same shapes: per-step accuracy for the classes.
  const Metrics m = trainer.evaluate(trainer.data().train);
  QVERIFY(std::isfinite(m.loss));
  QCOMPARE(m.accuracy.has_value(), task == "seq-ce");
  if (m.accuracy) QVERIFY(*m.accuracy >= 0 && *m.accuracy <= 1);
}

QTEST_MAIN(TstParityLossShapes)
#include "tst_parity_loss_shapes.moc"
