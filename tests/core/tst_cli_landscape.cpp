// gradlab-cli landscape, end to end: on weights `gradlab-cli train` saved, the landscape's
// centre value is the "test loss" train printed for them (the same samples, chunks and sum);
// the dump holds loss [grid, grid], x, y, path [K, 2] and the slice; the planes and the
// options' range checks (a clear message and a non-zero exit, never a crash).
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>
#include <cmath>

#include "io/safetensors.h"
#include "support/cli_runner.h"

using gradlab::HostTensor;
using gradlab::readSafetensors;
using gradlab::TensorMap;
using gradlab::test::describe;
using gradlab::test::runCli;
using gradlab::test::sourcePath;

namespace {
// The number after `label` in `text` ("test loss 0.68" → 0.68), as printed (%.10g).
QString numberAfter(const QString& text, const QString& label) {
  const QRegularExpression re(QRegularExpression::escape(label) + R"(\s*([-+0-9.eE]+))");
  const auto m = re.match(text);
  return m.hasMatch() ? m.captured(1) : QString();
}
}  // namespace

class TestCliLandscape : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;
  QString tmp(const QString& name) { return dir_.filePath(name); }
  QString spiral() { return sourcePath("examples/spiral.net.json"); }
  QString trainLoss_;  // train's "test loss" for w300

 private slots:
  void initTestCase() {
    for (const char* steps : {"100", "200", "300"}) {
      const auto r = runCli({"train", spiral(), "--dataset", "spiral", "--steps", steps, "--seed", "3",
                             "--backend", "cpu", "--save", tmp(QString("w%1.safetensors").arg(steps))});
      QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
      if (QString(steps) == "300") trainLoss_ = numberAfter(r.out, "test loss");
    }
    QVERIFY(!trainLoss_.isEmpty());
  }

  // The centre of the filter plane is the weights themselves: its loss is train's test loss,
  // digit for digit.
  void centreEqualsTrainsTestLoss() {
    const auto r = runCli({"landscape", spiral(), "--weights", tmp("w300.safetensors"), "--dataset",
                           "spiral", "--seed", "3", "--directions", "filter", "--grid", "21",
                           "--dump", tmp("f.safetensors")});
    QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
    QCOMPARE(numberAfter(r.out, "loss at the centre (the weights " + tmp("w300.safetensors") + "):"),
             trainLoss_);
    QVERIFY2(r.out.contains("test samples") && r.out.contains(" s\n"), qPrintable(r.out));
    const TensorMap m = readSafetensors(tmp("f.safetensors").toStdString());
    QCOMPARE(m.at("loss").shape, (gradlab::Shape{21, 21}));
    QCOMPARE(m.at("x").shape, (gradlab::Shape{21}));
    QCOMPARE(m.at("x").values.front(), -1.0);
    QCOMPARE(m.at("x").values[10], 0.0);
    QCOMPARE(m.at("y").values.back(), 1.0);
    QCOMPARE(QString::number(m.at("loss").values[10 * 21 + 10], 'g', 7),
             QString::number(trainLoss_.toDouble(), 'g', 7));  // stored as float32
    QVERIFY(!m.count("path") && !m.count("slice_t"));  // no --path: neither
    // The same seed draws the same directions; another seed, others.
    QCOMPARE(runCli({"landscape", spiral(), "--weights", tmp("w300.safetensors"), "--dataset", "spiral",
                     "--seed", "3", "--directions", "filter", "--grid", "21", "--dump",
                     tmp("f2.safetensors")}).exitCode, 0);
    QCOMPARE(readSafetensors(tmp("f2.safetensors").toStdString()).at("loss").values,
             m.at("loss").values);
  }

  // The path plane with --path: path [K, 2] ending at (0, 0), the slice from the first file,
  // on the training set when asked.
  void pathPlaneWithThePath() {
    const auto r = runCli({"landscape", spiral(), "--weights", tmp("w300.safetensors"), "--dataset",
                           "spiral", "--seed", "3", "--path",
                           tmp("w100.safetensors") + "," + tmp("w200.safetensors"), "--grid", "15",
                           "--set", "train", "--samples", "64", "--dump", tmp("p.safetensors")});
    QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
    QVERIFY(r.out.contains("64 training samples"));
    const TensorMap m = readSafetensors(tmp("p.safetensors").toStdString());
    const HostTensor& path = m.at("path");
    QCOMPARE(path.shape, (gradlab::Shape{3, 2}));
    QVERIFY(path.values[0] > 0 && std::abs(path.values[1]) < 1e-12);  // the start on d₁
    QCOMPARE(path.values[4], 0.0);
    QCOMPARE(path.values[5], 0.0);
    const HostTensor &t = m.at("slice_t"), &l = m.at("slice_loss");
    QCOMPARE(t.shape, l.shape);
    QCOMPARE(t.values.front(), -0.5);
    QCOMPARE(t.values.back(), 1.5);
    for (double v : m.at("loss").values) QVERIFY(std::isfinite(v) && v > 0);
    // Every path point inside the axes' range.
    const auto& x = m.at("x").values;
    const auto& y = m.at("y").values;
    for (int i = 0; i < 3; ++i) {
      QVERIFY(path.values[size_t(2 * i)] >= x.front() && path.values[size_t(2 * i)] <= x.back());
      QVERIFY(path.values[size_t(2 * i + 1)] >= y.front() && path.values[size_t(2 * i + 1)] <= y.back());
    }
  }

  void checkpointPlane() {
    const auto r = runCli({"landscape", spiral(), "--weights", tmp("w300.safetensors"), "--dataset",
                           "spiral", "--seed", "3", "--directions", "checkpoints", "--path",
                           tmp("w100.safetensors") + "," + tmp("w200.safetensors"), "--through",
                           "1", "--span", "1.5", "--grid", "11", "--dump", tmp("c.safetensors")});
    QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
    const TensorMap m = readSafetensors(tmp("c.safetensors").toStdString());
    const HostTensor& path = m.at("path");
    QVERIFY(std::abs(path.values[0] - 1) < 1e-9 && std::abs(path.values[1]) < 1e-9);
    QVERIFY(path.values[3] > 0);  // the point through which the plane passes
    QCOMPARE(m.at("x").values.front(), -1.5);
    QCOMPARE(numberAfter(r.out, "loss at the centre (the weights " + tmp("w300.safetensors") + "):"),
             trainLoss_);
  }

  void errors_data() {
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("message");
    QTest::newRow("grid") << QStringList{"--grid", "500"} << "--grid must be between 5 and 101";
    QTest::newRow("span") << QStringList{"--span", "-1"} << "--span must be between";
    QTest::newRow("samples") << QStringList{"--samples", "0"} << "--samples must be between";
    QTest::newRow("threads") << QStringList{"--threads", "0"} << "--threads must be between";
    QTest::newRow("directions") << QStringList{"--directions", "sideways"} << "--directions must be";
    QTest::newRow("set") << QStringList{"--set", "valid"} << "--set must be";
    QTest::newRow("path needed") << QStringList{"--directions", "path"} << "give --path";
    QTest::newRow("through") << QStringList{"--through", "3"} << "--through picks the third point";
    QTest::newRow("through the start")
        << QStringList{"--directions", "checkpoints", "--path",
                       tmp("w100.safetensors") + "," + tmp("w200.safetensors"), "--through", "0"}
        << "--through 0 is not the index of a --path file after the start";
    QTest::newRow("test split") << QStringList{"--test-split", "1"} << "--test-split must be";
    QTest::newRow("no test set") << QStringList{"--test-split", "0", "--set", "test"}
                                 << "the test set is empty";
  }
  void errors() {
    QFETCH(QStringList, args);
    QFETCH(QString, message);
    QStringList base{"landscape", spiral(), "--weights", tmp("w300.safetensors"), "--dataset",
                     "spiral", "--dump", tmp("e.safetensors")};
    if (!args.contains("--directions")) base << "--directions" << "filter";
    EXPECT_CLEAN_FAILURE(runCli(base + args), message);
  }

  void badFiles() {
    EXPECT_CLEAN_FAILURE(runCli({"landscape", spiral(), "--weights", tmp("none.safetensors"),
                                 "--dataset", "spiral", "--directions", "filter", "--dump",
                                 tmp("e.safetensors")}),
                         "none.safetensors");
    EXPECT_CLEAN_FAILURE(runCli({"landscape", sourcePath("examples/xor-mlp.net.json"), "--weights",
                                 tmp("w300.safetensors"), "--dataset", "xor", "--directions",
                                 "filter", "--dump", tmp("e.safetensors")}),
                         "w300.safetensors");
    EXPECT_CLEAN_FAILURE(runCli({"landscape", spiral(), "--weights", tmp("w300.safetensors"),
                                 "--dataset", "spiral", "--directions", "filter", "--dump",
                                 tmp("no/such/folder/e.safetensors")}),
                         "does not exist");
  }
};

QTEST_GUILESS_MAIN(TestCliLandscape)
#include "tst_cli_landscape.moc"
