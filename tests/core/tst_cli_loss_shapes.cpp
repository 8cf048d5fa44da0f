// The command line with losses on any shape: gradlab-cli forward runs a network whose loss
// reads a [C, H, W] block, one whose loss does not fit its block, and one without a loss —
// dumping every block's output each time, with one line on stderr when the loss is left out —
// while train and validate refuse the latter two with the reason; train --reconstruct makes
// the targets the inputs for any dataset.
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>
#include <cmath>

#include "backend/backend.h"
#include "io/safetensors.h"
#include "network/network.h"
#include "support/cli_runner.h"
#include "util/rng.h"

using namespace gradlab;
using gradlab::test::CliResult;
using gradlab::test::describe;
using gradlab::test::runCli;
using gradlab::test::writeFile;

namespace {

constexpr int64_t kBatch = 3;

// Input [1, 6, 6] → Conv2D 2 filters (same, relu) → MaxPool2D 2 → [2, 3, 3]; the loss is
// spliced in by the test ("" for none).
QByteArray imageNet(const char* loss) {
  QByteArray net = R"({"format": "gradlab.network/1", "name": "image-out",
 "blocks": [{"id": "x", "type": "Input", "shape": [1, 6, 6]},
            {"id": "c", "type": "Conv2D", "filters": 2, "kernel": 3, "padding": "same",
             "activation": "relu"},
            {"id": "p", "type": "MaxPool2D", "size": 2}],
 "edges": [["x", "c"], ["c", "p"]])";
  if (*loss) net += QByteArray(R"(, "loss": {"type": ")") + loss + R"(", "block": "p"})";
  return net + "}";
}

}  // namespace

class TstCliLossShapes : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() {
    QVERIFY(dir_.isValid());
    Rng rng(11);
    HostTensor x{{kBatch, 1, 6, 6}, DType::F64, std::vector<double>(size_t(kBatch * 36))};
    for (auto& v : x.values) v = rng.uniform(-1, 1);
    writeSafetensors(path("x.safetensors").toStdString(), {{"x", x}});
    // What every run must dump: the network run in-process with the CLI's default seed (0).
    Network net(parseNetwork(imageNet("mse").toStdString(), "net.json"), cpuBackend(), DType::F64, 0);
    Tensor xt = cpuBackend().empty(x.shape, DType::F64);
    xt.fromHost(std::span<const double>(x.values));
    net.forward(xt, false);
    for (const char* id : {"x", "c", "p"}) expected_[id] = net.output(id).toHost();
  }

  // mse reads the pooled [2, 3, 3] maps: a valid network; forward dumps every block, no note.
  void forwardWithLossOnImage() {
    const CliResult r = forward("mse", "mse.safetensors");
    QVERIFY2(!r.crashed && r.exitCode == 0, qPrintable(describe(r)));
    QVERIFY2(!r.err.contains("without a loss"), qPrintable(r.err));
    checkDump("mse.safetensors");
  }

  // cross_entropy cannot read [2, 3, 3]: forward still dumps every block (the same numbers),
  // with one line on stderr; train and validate refuse with the reason.
  void forwardWithLossThatDoesNotFit() {
    const CliResult r = forward("cross_entropy", "ce.safetensors");
    QVERIFY2(!r.crashed && r.exitCode == 0, qPrintable(describe(r)));
    QCOMPARE(r.err.trimmed().count('\n'), 0);
    QVERIFY2(r.err.contains("running without a loss") &&
                 r.err.contains("cross_entropy reads [classes] or [time, classes]"),
             qPrintable(r.err));
    checkDump("ce.safetensors");

    const CliResult t = runCli({"train", path("cross_entropy.net.json"), "--dataset", "xor",
                                "--steps", "1"});
    QVERIFY2(!t.crashed && t.exitCode != 0, qPrintable(describe(t)));
    QVERIFY2(t.err.contains("p: feeds cross_entropy with a 2×3×3 output"), qPrintable(t.err));
    const CliResult v = runCli({"validate", path("cross_entropy.net.json")});
    QVERIFY2(!v.crashed && v.exitCode != 0, qPrintable(describe(v)));
    QVERIFY2((v.out + v.err).contains("cross_entropy reads [classes] or [time, classes]"),
             qPrintable(describe(v)));
  }

  // No loss at all: forward dumps every block and says the loss is missing; train refuses.
  void forwardWithoutLoss() {
    const CliResult r = forward("", "none.safetensors");
    QVERIFY2(!r.crashed && r.exitCode == 0, qPrintable(describe(r)));
    QCOMPARE(r.err.trimmed().count('\n'), 0);
    QVERIFY2(r.err.contains("running without a loss") && r.err.contains("has no loss"),
             qPrintable(r.err));
    checkDump("none.safetensors");
    const CliResult t = runCli({"train", path("none.net.json"), "--dataset", "xor", "--steps", "1"});
    QVERIFY2(!t.crashed && t.exitCode != 0 && t.err.contains("has no loss"), qPrintable(describe(t)));
  }

  // Problems beyond the loss still stop forward, with the problem named.
  void forwardRefusesBrokenBlocks() {
    QByteArray net = imageNet("");
    net.replace(R"("filters": 2)", R"("filters": 0)");
    writeFile(path("broken.net.json"), net);
    const CliResult r = runCli({"forward", path("broken.net.json"), "--input",
                                path("x.safetensors"), "--dump", path("broken.safetensors")});
    QVERIFY2(!r.crashed && r.exitCode != 0 && r.err.contains("\"filters\""), qPrintable(describe(r)));
    QVERIFY(!QFile::exists(path("broken.safetensors")));
  }

  // --reconstruct on a 2-D point set: the targets are the points, so a 2 → 8 → 2 network
  // learns the identity (the loss falls by 10× and more) and no accuracy is reported.
  void reconstructPoints() {
    writeFile(path("ae2.net.json"), R"({"format": "gradlab.network/1",
 "blocks": [{"id": "x", "type": "Input", "shape": [2]},
            {"id": "h", "type": "Dense", "units": 8, "activation": "tanh"},
            {"id": "o", "type": "Dense", "units": 2}],
 "edges": [["x", "h"], ["h", "o"]], "loss": {"type": "mse", "block": "o"}})");
    const CliResult r = runCli({"train", path("ae2.net.json"), "--dataset", "circle",
                                "--reconstruct", "--steps", "400", "--batch", "20", "--lr", "0.02",
                                "--log", path("ae2.csv")});
    QVERIFY2(!r.crashed && r.exitCode == 0, qPrintable(describe(r)));
    QVERIFY2(r.out.contains("test loss") && !r.out.contains("accuracy"), qPrintable(r.out));
    QFile log(path("ae2.csv"));
    QVERIFY(log.open(QIODevice::ReadOnly));
    const QList<QByteArray> rows = log.readAll().trimmed().split('\n');
    QCOMPARE(rows.size(), 401);
    const double first = rows[1].split(',')[1].toDouble(), last = rows.last().split(',')[2].toDouble();
    QVERIFY2(last < 0.1 * first, qPrintable(QString("test loss %1 vs first step %2").arg(last).arg(first)));
  }

  // --reconstruct with an output of the wrong size: the message gives both counts and the fix.
  void reconstructWrongOutput() {
    writeFile(path("ae3.net.json"), R"({"format": "gradlab.network/1",
 "blocks": [{"id": "x", "type": "Input", "shape": [2]},
            {"id": "o", "type": "Dense", "units": 3}],
 "edges": [["x", "o"]], "loss": {"type": "mse", "block": "o"}})");
    const CliResult r = runCli({"train", path("ae3.net.json"), "--dataset", "circle",
                                "--reconstruct", "--steps", "1"});
    QVERIFY2(!r.crashed && r.exitCode != 0, qPrintable(describe(r)));
    QVERIFY2(r.err.contains("has 2 target values per sample but the loss block \"o\" gives 3 — "
                            "give it 2 units"),
             qPrintable(r.err));
  }

 private:
  QString path(const QString& name) const { return dir_.filePath(name); }

  CliResult forward(const char* loss, const QString& dump) {
    const QString net = path(QString(*loss ? loss : "none") + ".net.json");
    writeFile(net, imageNet(loss));
    return runCli({"forward", net, "--input", path("x.safetensors"), "--dump", path(dump),
                   "--dtype", "f64"});
  }

  // Every block's output, with the batch first and the numbers of the in-process run.
  void checkDump(const QString& file) {
    const TensorMap dump = readSafetensors(path(file).toStdString());
    const std::map<std::string, Shape> shapes{
        {"x", {kBatch, 1, 6, 6}}, {"c", {kBatch, 2, 6, 6}}, {"p", {kBatch, 2, 3, 3}}};
    for (const auto& [id, shape] : shapes) {
      QVERIFY2(dump.count(id), qPrintable(QString::fromStdString("no \"" + id + "\" in the dump")));
      QVERIFY2(dump.at(id).shape == shape, qPrintable(QString::fromStdString(id)));
      const auto& got = dump.at(id).values;
      const auto& want = expected_.at(id);
      QCOMPARE(got.size(), want.size());
      for (size_t i = 0; i < got.size(); ++i) QVERIFY(std::abs(got[i] - want[i]) < 1e-12);
    }
  }

  QTemporaryDir dir_;
  std::map<std::string, std::vector<double>> expected_;
};

QTEST_APPLESS_MAIN(TstCliLossShapes)
#include "tst_cli_loss_shapes.moc"
