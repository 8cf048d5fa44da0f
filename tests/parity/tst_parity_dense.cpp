// PyTorch parity for dense networks: the same network, data, initial weights, optimizer and
// batches, trained by gradlab-cli (float64) and by tests/parity/torch_ref.py (PyTorch, float64);
// the per-step training losses must agree to a relative 1e-4.
//
// Per case, one python process makes the dataset (F32, deterministic), writes torch's default
// init (seeded) as F64 safetensors and trains the reference; then gradlab-cli trains from the
// same files. Covered: every optimizer, every loss, L2 and L1 penalties, a graph with Add and
// Concat, and the activations relu, leaky_relu, elu, tanh, sigmoid and softmax.
//
// Skipped (loudly) only when /usr/bin/python3 cannot import torch (apt-get install python3-torch).
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>
#include <cmath>

#include "support/cli_runner.h"
#include "support/torch_reference.h"

using gradlab::test::readStepLosses;
using gradlab::test::runCli;
using gradlab::test::runPython;
using gradlab::test::sourcePath;
using gradlab::test::writeFile;

namespace {

constexpr double kRelTol = 1e-4;
constexpr int kMinSteps = 50;

// ---- networks -------------------------------------------------------------------------------

// 2 -> 8 tanh -> 1 sigmoid, BCE: the network every optimizer trains.
const char* kMlpBce = R"({"format": "gradlab.network/1", "name": "mlp-bce",
 "blocks": [{"id": "x", "type": "Input", "shape": [2]},
            {"id": "h1", "type": "Dense", "units": 8, "activation": "tanh"},
            {"id": "out", "type": "Dense", "units": 1, "activation": "sigmoid"}],
 "edges": [["x", "h1"], ["h1", "out"]],
 "loss": {"type": "bce", "block": "out"}})";

// 2 -> 16 relu -> 8 tanh -> 1 sigmoid, BCE.
const char* kDeepBce = R"({"format": "gradlab.network/1", "name": "deep-bce",
 "blocks": [{"id": "x", "type": "Input", "shape": [2]},
            {"id": "h1", "type": "Dense", "units": 16, "activation": "relu"},
            {"id": "h2", "type": "Dense", "units": 8, "activation": "tanh"},
            {"id": "out", "type": "Dense", "units": 1, "activation": "sigmoid"}],
 "edges": [["x", "h1"], ["h1", "h2"], ["h2", "out"]],
 "loss": {"type": "bce", "block": "out"}})";

// 2 -> 8 tanh -> 1 logit, BCEWithLogits.
const char* kLogitBce = R"({"format": "gradlab.network/1", "name": "logit-bce",
 "blocks": [{"id": "x", "type": "Input", "shape": [2]},
            {"id": "h1", "type": "Dense", "units": 8, "activation": "tanh"},
            {"id": "logit", "type": "Dense", "units": 1}],
 "edges": [["x", "h1"], ["h1", "logit"]],
 "loss": {"type": "bce_logits", "block": "logit"}})";

// 2 -> 16 relu -> 3 logits, cross-entropy.
const char* kCe3 = R"({"format": "gradlab.network/1", "name": "ce3",
 "blocks": [{"id": "x", "type": "Input", "shape": [2]},
            {"id": "h1", "type": "Dense", "units": 16, "activation": "relu"},
            {"id": "logits", "type": "Dense", "units": 3, "activation": "identity"}],
 "edges": [["x", "h1"], ["h1", "logits"]],
 "loss": {"type": "cross_entropy", "block": "logits"}})";

// 3 -> 16 tanh -> 2, MSE regression (mean over every element, as torch's MSELoss).
const char* kRegression = R"({"format": "gradlab.network/1", "name": "regression",
 "blocks": [{"id": "x", "type": "Input", "shape": [3]},
            {"id": "h1", "type": "Dense", "units": 16, "activation": "tanh"},
            {"id": "y", "type": "Dense", "units": 2}],
 "edges": [["x", "h1"], ["h1", "y"]],
 "loss": {"type": "mse", "block": "y"}})";

// A graph: two branches (relu, leaky_relu) summed by Add, an elu Activation block, Concat with
// the raw input, a Dense without bias, a tanh Activation block, 3 logits, cross-entropy.
const char* kGraph = R"({"format": "gradlab.network/1", "name": "add-concat",
 "blocks": [{"id": "x", "type": "Input", "shape": [2]},
            {"id": "a", "type": "Dense", "units": 8, "activation": "relu"},
            {"id": "b", "type": "Dense", "units": 8, "activation": "leaky_relu"},
            {"id": "sum", "type": "Add"},
            {"id": "e", "type": "Activation", "function": "elu"},
            {"id": "cat", "type": "Concat"},
            {"id": "mix", "type": "Dense", "units": 6, "use_bias": false},
            {"id": "t", "type": "Activation", "function": "tanh"},
            {"id": "logits", "type": "Dense", "units": 3}],
 "edges": [["x", "a"], ["x", "b"], ["a", "sum"], ["b", "sum"], ["sum", "e"],
           ["e", "cat"], ["x", "cat"], ["cat", "mix"], ["mix", "t"], ["t", "logits"]],
 "loss": {"type": "cross_entropy", "block": "logits"}})";

// 2 -> 8 elu -> 3 softmax, MSE against targets on the probability simplex.
const char* kSoftmaxMse = R"({"format": "gradlab.network/1", "name": "softmax-mse",
 "blocks": [{"id": "x", "type": "Input", "shape": [2]},
            {"id": "h1", "type": "Dense", "units": 8, "activation": "elu"},
            {"id": "p", "type": "Dense", "units": 3, "activation": "softmax"}],
 "edges": [["x", "h1"], ["h1", "p"]],
 "loss": {"type": "mse", "block": "p"}})";

}  // namespace

class TstParityDense : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase();
  void parity_data();
  void parity();
};

void TstParityDense::initTestCase() {
  QString version;
  if (const QString why = gradlab::test::torchMissing(&version); !why.isEmpty())
    QSKIP(qPrintable(why));
  QVERIFY2(QFile::exists(sourcePath("tests/parity/torch_ref.py")),
           "tests/parity/torch_ref.py is missing");
  qInfo("reference: PyTorch %s", qPrintable(version));
}

void TstParityDense::parity_data() {
  QTest::addColumn<QString>("net");
  QTest::addColumn<QString>("task");  // torch_ref.py --make-data TASK
  QTest::addColumn<int>("rows");
  QTest::addColumn<int>("batch");
  QTest::addColumn<int>("steps");
  QTest::addColumn<QString>("optimizer");
  QTest::addColumn<QString>("lr");
  QTest::addColumn<QStringList>("extra");  // penalties
  QTest::addColumn<int>("seed");

  // Every optimizer on one network and loss (learning rates chosen so the loss moves).
  const struct {
    const char* opt;
    const char* lr;
  } optimizers[] = {{"sgd", "0.5"},      {"momentum", "0.1"}, {"nesterov", "0.1"}, {"adagrad", "0.1"},
                    {"adadelta", "1.0"}, {"rmsprop", "0.01"}, {"adam", "0.03"}};
  int seed = 11;
  for (const auto& o : optimizers)
    QTest::newRow(qPrintable(QString("optimizer-%1").arg(o.opt)))
        << kMlpBce << "two-class" << 64 << 16 << 80 << o.opt << o.lr << QStringList{} << seed++;

  // Every loss with a network that suits it.
  QTest::newRow("loss-bce") << kDeepBce << "two-class" << 64 << 16 << 80 << "adam" << "0.01"
                            << QStringList{} << 21;
  QTest::newRow("loss-bce_logits") << kLogitBce << "two-class" << 64 << 16 << 80 << "momentum"
                                   << "0.1" << QStringList{} << 22;
  QTest::newRow("loss-cross_entropy") << kCe3 << "three-class" << 96 << 12 << 80 << "adam"
                                      << "0.02" << QStringList{} << 23;
  QTest::newRow("loss-mse") << kRegression << "regression" << 64 << 16 << 80 << "sgd" << "0.05"
                            << QStringList{} << 24;

  // Penalties on the weights only (not the biases).
  QTest::newRow("penalty-l2") << kMlpBce << "two-class" << 64 << 16 << 80 << "momentum" << "0.1"
                              << QStringList{"--l2", "0.05"} << 31;
  QTest::newRow("penalty-l1") << kCe3 << "three-class" << 96 << 12 << 80 << "adam" << "0.02"
                              << QStringList{"--l1", "0.005"} << 32;

  // Graph blocks and the remaining activations.
  QTest::newRow("graph-add-concat") << kGraph << "three-class" << 96 << 8 << 80 << "rmsprop"
                                    << "0.01" << QStringList{} << 41;
  QTest::newRow("activation-softmax-mse") << kSoftmaxMse << "simplex" << 64 << 16 << 80 << "adam"
                                          << "0.03" << QStringList{} << 42;
}

void TstParityDense::parity() {
  QFETCH(QString, net);
  QFETCH(QString, task);
  QFETCH(int, rows);
  QFETCH(int, batch);
  QFETCH(int, steps);
  QFETCH(QString, optimizer);
  QFETCH(QString, lr);
  QFETCH(QStringList, extra);
  QFETCH(int, seed);
  QVERIFY(steps >= kMinSteps);

  QTemporaryDir tmp;
  QVERIFY2(tmp.isValid(), "cannot create a temporary folder");
  const QString netPath = writeFile(tmp.filePath("net.net.json"), net.toUtf8());
  const QString dataPath = tmp.filePath("data.safetensors");
  const QString initPath = tmp.filePath("init.safetensors");
  const QString torchLog = tmp.filePath("torch.csv");
  const QString gradlabLog = tmp.filePath("gradlab.csv");

  // The same training flags for both sides.
  QStringList common = {"--data", dataPath, "--test-split", "0", "--steps", QString::number(steps),
                        "--batch", QString::number(batch), "--optimizer", optimizer, "--lr", lr};
  common += extra;
  common += {"--seed", QString::number(seed), "--no-shuffle", "--init", initPath, "--dtype", "f64",
             "--threads", "1"};

  // PyTorch: data, init, reference training, in one process.
  QStringList pyArgs = {sourcePath("tests/parity/torch_ref.py"), "train", netPath, "--make-data",
                        task, "--data-seed", QString::number(seed), "--rows", QString::number(rows),
                        "--write-init", initPath};
  pyArgs += common;
  pyArgs += {"--log", torchLog};
  const auto py = runPython(pyArgs);
  if (!py.ok) {
    tmp.setAutoRemove(false);
    QFAIL(qPrintable("torch_ref.py failed (files kept in " + tmp.path() + "): " + py.message));
  }

  // Gradlab.
  QStringList cliArgs = {"train", netPath};
  cliArgs += common;
  cliArgs += {"--log", gradlabLog};
  const auto cli = runCli(cliArgs);
  if (cli.crashed || cli.exitCode != 0) {
    tmp.setAutoRemove(false);
    QFAIL(qPrintable(QString("gradlab-cli %1 %2 (files kept in %3)\nstdout: %4\nstderr: %5")
                         .arg(cliArgs.join(' '))
                         .arg(cli.crashed ? "crashed" : QString("exited %1").arg(cli.exitCode))
                         .arg(tmp.path(), cli.out, cli.err)));
  }

  QString error;
  // Both logs' steps must read 1, 2, … (readStepLosses fails otherwise).
  const auto ref = readStepLosses(torchLog, error);
  const auto got = ref ? readStepLosses(gradlabLog, error) : std::nullopt;
  if (!got) {
    tmp.setAutoRemove(false);
    QFAIL(qPrintable(error + " (files kept in " + tmp.path() + ")"));
  }
  QCOMPARE(int(ref->size()), steps);
  if (int(got->size()) != steps || got->size() < size_t(kMinSteps)) {
    tmp.setAutoRemove(false);
    QFAIL(qPrintable(QString("gradlab log has %1 rows, expected %2 (>= %3); files kept in %4")
                         .arg(got->size())
                         .arg(steps)
                         .arg(kMinSteps)
                         .arg(tmp.path())));
  }

  double worst = 0;
  for (int i = 0; i < steps; ++i) {
    const double a = (*got)[i], b = (*ref)[i];
    const double diff = std::abs(a - b);
    const double scale = std::max(std::abs(b), 1e-8);
    if (!(diff <= kRelTol * scale)) {  // written so that NaN fails too
      tmp.setAutoRemove(false);
      // Step 1 is the loss before any update: a difference there means the two sides do not
      // start from the same weights or do not see the same first batch (rows 0..B-1 in file
      // order with --no-shuffle --test-split 0), not that an optimizer differs.
      const QString hint = i == 0 ? " [step 1 is before any update: same init weights? first "
                                    "batch = rows 0..B-1 of the file?]"
                                  : "";
      QFAIL(qPrintable(QString("first differing step %1 of %2: gradlab train_loss %3, torch %4 "
                               "(|diff| %5 > %6 = 1e-4 relative); step 1: gradlab %7, torch %8; "
                               "files kept in %9")
                           .arg(i + 1)
                           .arg(steps)
                           .arg(a, 0, 'g', 17)
                           .arg(b, 0, 'g', 17)
                           .arg(diff, 0, 'g', 3)
                           .arg(kRelTol * scale, 0, 'g', 3)
                           .arg((*got)[0], 0, 'g', 17)
                           .arg((*ref)[0], 0, 'g', 17)
                           .arg(tmp.path()) +
                       hint));
    }
    worst = std::max(worst, diff / scale);
  }
  qInfo("%d steps agree; largest relative difference %.3g; loss %.6g -> %.6g", steps, worst,
        (*ref)[0], (*ref)[steps - 1]);
}

QTEST_GUILESS_MAIN(TstParityDense)
#include "tst_parity_dense.moc"
