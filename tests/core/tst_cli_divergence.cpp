// Divergence advice (train/divergence.h): the message the window and gradlab-cli give when a
// step's loss or gradients are NaN or infinite, and gradlab-cli train stopping with it — a
// clean exit code 1 that names the step, the learning rate in use (the optimizer's default
// when --lr is not given) and a smaller one to try.
#include <QRegularExpression>
#include <QtTest>
#include <cmath>
#include <limits>

#include "io/safetensors.h"
#include "support/cli_runner.h"
#include "train/divergence.h"

using namespace gradlab;
using gradlab::test::runCli;
using gradlab::test::writeFile;

namespace {
// A straight line to fit: y = 0.5·x + 0.25 (never a whole number, so it is regression) for
// x spread evenly over [−scale, scale].
QByteArray lineCsv(double scale) {
  QByteArray csv = "x,y\n";
  for (int i = 0; i < 64; ++i) {
    const double x = scale * (2.0 * i / 63 - 1);
    csv += QByteArray::number(x, 'g', 10) + "," + QByteArray::number(0.5 * x + 0.25, 'g', 10) + "\n";
  }
  return csv;
}

const char* kLinear = R"({"format": "gradlab.network/1", "blocks": [
    {"id": "x", "type": "Input", "shape": [1]}, {"id": "o", "type": "Dense", "units": 1}],
    "edges": [["x", "o"]], "loss": {"type": "mse", "block": "o"}})";

// The step the message names (0 when it names none).
int stepIn(const QString& message) {
  const auto m = QRegularExpression("at step (\\d+)").match(message);
  return m.hasMatch() ? m.captured(1).toInt() : 0;
}
}  // namespace

class TestCliDivergence : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;
  QString tmp(const QString& name) { return dir_.filePath(name); }

 private slots:
  void adviceInTheWindowsWords() {
    TrainConfig c;
    c.optimizer = "adam";
    c.lr = 0.03;
    const StepResult nan{.step = 12, .loss = std::nan(""), .finite = false};
    QCOMPARE(QString::fromStdString(divergenceAdvice(nan, c, RetryIn::Window)),
             QString("The loss became NaN at step 12: the learning rate 0.03 is too large for this "
                     "network — lower it (try 0.0003) and press Reset."));
    const StepResult inf{.step = 40, .loss = std::numeric_limits<double>::infinity(), .finite = false};
    QCOMPARE(QString::fromStdString(divergenceAdvice(inf, c, RetryIn::CommandLine)),
             QString("The loss became infinite at step 40: the learning rate 0.03 is too large for "
                     "this network — lower it (try --lr 0.0003) and run again."));
  }

  // No lr set: the optimizer's own default is the one named (sgd 0.01, adadelta 1).
  void adviceNamesTheDefaultLearningRate() {
    TrainConfig c;
    c.optimizer = "sgd";
    const StepResult r{.step = 7, .loss = std::nan(""), .finite = false};
    QVERIFY(divergenceAdvice(r, c, RetryIn::Window).find("the learning rate 0.01 is too large") !=
            std::string::npos);
    c.optimizer = "adadelta";
    QVERIFY(divergenceAdvice(r, c, RetryIn::CommandLine).find("learning rate 1 is too large for "
                                                              "this network — lower it (try --lr "
                                                              "0.01)") != std::string::npos);
  }

  // A finite loss with a non-finite gradient says so, instead of calling the loss infinite.
  void adviceForGradients() {
    TrainConfig c;
    c.lr = 0.5;
    const StepResult r{.step = 3, .loss = 2.5, .finite = false};
    QCOMPARE(QString::fromStdString(divergenceAdvice(r, c, RetryIn::Window)),
             QString("The gradients became NaN or infinite at step 3 (the loss was 2.5): the "
                     "learning rate 0.5 is too large for this network — lower it (try 0.005) and "
                     "press Reset."));
  }

  // At step 1 nothing has been updated yet: the learning rate is not blamed.
  void adviceAtTheFirstStep() {
    TrainConfig c;
    c.lr = 0.5;
    const std::string m =
        divergenceAdvice({.step = 1, .loss = std::numeric_limits<double>::infinity(), .finite = false},
                         c, RetryIn::CommandLine);
    QVERIFY2(m.starts_with("The loss became infinite at step 1, before any update, so the learning "
                           "rate is not the cause"), m.c_str());
    QVERIFY2(m.find("0.5") == std::string::npos, m.c_str());
  }

  // --lr 1e6: the run stops at the first step whose loss is not finite, exit code 1.
  void cliHugeLearningRate() {
    const QString net = writeFile(tmp("line.net.json"), kLinear);
    const QString data = writeFile(tmp("line.csv"), lineCsv(1));
    const auto r = runCli({"train", net, "--data", data, "--target", "y", "--steps", "500",
                           "--optimizer", "sgd", "--lr", "1e6", "--log", tmp("huge.csv")});
    QVERIFY2(!r.crashed, "gradlab-cli crashed");
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(QRegularExpression("error: The loss became (NaN|infinite) at step \\d+: the learning "
                                "rate 1e\\+06 is too large for this network — lower it \\(try --lr "
                                "10000\\) and run again\\.\\n$")
                 .match(r.err)
                 .hasMatch(),
             qPrintable(r.err));
    QVERIFY(stepIn(r.err) >= 2);
    // The log ends with the step that diverged.
    QFile log(tmp("huge.csv"));
    QVERIFY(log.open(QIODevice::ReadOnly));
    const QStringList rows = QString::fromUtf8(log.readAll()).split('\n', Qt::SkipEmptyParts);
    QCOMPARE(rows.size(), 1 + stepIn(r.err));
    QVERIFY2(rows.last().startsWith(QString::number(stepIn(r.err)) + ","), qPrintable(rows.last()));
  }

  // No --lr: sgd's default 0.01 is too large for inputs in the hundreds (the curvature of the
  // mse is about 2·E[x²] ≈ 7·10³, so each step multiplies the error by about 1 − 67). The
  // message names 0.01 — it used to read an lr that was never set.
  void cliDefaultLearningRate() {
    const QString net = writeFile(tmp("line.net.json"), kLinear);
    const QString data = writeFile(tmp("wide.csv"), lineCsv(100));
    const auto r = runCli({"train", net, "--data", data, "--target", "y", "--steps", "500",
                           "--optimizer", "sgd"});
    QVERIFY2(!r.crashed, "gradlab-cli crashed");
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains("the learning rate 0.01 is too large for this network — lower it (try "
                            "--lr 0.0001) and run again."),
             qPrintable(r.err));
    QVERIFY(stepIn(r.err) >= 2);
    // And the advice is right: at 0.0001 (1 − lr·7·10³ ≈ 0.3) the same run trains.
    const auto ok = runCli({"train", net, "--data", data, "--target", "y", "--steps", "500",
                            "--optimizer", "sgd", "--lr", "0.0001"});
    QVERIFY2(ok.exitCode == 0, qPrintable(ok.err));
  }

  // Inputs of 10³⁰: the first loss, (w·x − y)² ≈ 10⁶⁰, overflows float before any update.
  void cliFirstStep() {
    const QString net = writeFile(tmp("line.net.json"), kLinear);
    const QString data = writeFile(tmp("huge-inputs.csv"), lineCsv(1e30));
    const auto r = runCli({"train", net, "--data", data, "--target", "y", "--steps", "50",
                           "--optimizer", "sgd", "--lr", "0.1"});
    QVERIFY2(!r.crashed, "gradlab-cli crashed");
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains("at step 1, before any update, so the learning rate is not the cause"),
             qPrintable(r.err));
  }

  // Issue 16: NaN weights given with --init trained into "training diverged … lower the learning
  // rate" (wrong advice); they are refused when loaded, naming the file and the tensor.
  void cliNonFiniteInitialWeights() {
    const QString net = writeFile(tmp("line.net.json"), kLinear);
    const QString data = writeFile(tmp("line.csv"), lineCsv(1));
    TensorMap w;
    w["o.weight"] = {{1, 1}, DType::F32, {std::nan("")}};
    w["o.bias"] = {{1}, DType::F32, {0.0}};
    const std::string init = tmp("nan.safetensors").toStdString();
    writeSafetensors(init, w);
    const auto r = runCli({"train", net, "--data", data, "--target", "y", "--steps", "5",
                           "--init", QString::fromStdString(init)});
    QVERIFY2(!r.crashed, "gradlab-cli crashed");
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains("nan.safetensors: the weights are not all finite numbers:\n  tensor "
                            "\"o.weight\" holds 1 NaN or infinite value\n"),
             qPrintable(r.err));
    QVERIFY(!r.err.contains("learning rate"));
  }
};

QTEST_GUILESS_MAIN(TestCliDivergence)
#include "tst_cli_divergence.moc"
