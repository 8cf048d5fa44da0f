// gradlab-cli train, end to end: logs, determinism, the lessons' XOR and spiral claims, and
// clear errors (no crash, non-zero exit) for every kind of bad input.
#include <QtTest>

#include "io/safetensors.h"
#include "support/cli_runner.h"

using gradlab::test::runCli;
using gradlab::test::sourcePath;
using gradlab::test::writeFile;

namespace {
struct Log {
  QStringList header;
  QList<QStringList> rows;
};

Log readLog(const QString& path) {
  Log log;
  QFile f(path);
  if (!f.open(QIODevice::ReadOnly)) return log;
  const QStringList lines = QString::fromUtf8(f.readAll()).split('\n', Qt::SkipEmptyParts);
  if (lines.isEmpty()) return log;
  log.header = lines[0].split(',');
  for (int i = 1; i < lines.size(); ++i) log.rows.push_back(lines[i].split(','));
  return log;
}

// Highest and lowest test accuracy logged during a run.
std::pair<double, double> accuracyRange(const Log& log) {
  double hi = -1, lo = 2;
  for (const auto& r : log.rows)
    if (r.size() == 4 && !r[3].isEmpty()) {
      hi = std::max(hi, r[3].toDouble());
      lo = std::min(lo, r[3].toDouble());
    }
  return {hi, lo};
}

}  // namespace

class TestCliTrain : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;
  QString tmp(const QString& name) { return dir_.filePath(name); }
  QString example(const char* name) { return sourcePath(QString("examples/") + name); }

 private slots:
  void logHasOneRowPerStep() {
    const auto r = runCli({"train", example("xor-mlp.net.json"), "--dataset", "xor", "--steps", "40",
                           "--eval-every", "10", "--log", tmp("a.csv")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    const Log log = readLog(tmp("a.csv"));
    QCOMPARE(log.header, (QStringList{"step", "train_loss", "test_loss", "test_acc"}));
    QCOMPARE(log.rows.size(), 40);
    QCOMPARE(log.rows[0][0], QString("1"));
    QVERIFY(log.rows[0][2].isEmpty() && log.rows[0][3].isEmpty());  // not evaluated at step 1
    QVERIFY(!log.rows[9][2].isEmpty() && !log.rows[9][3].isEmpty());
    const double acc = log.rows[9][3].toDouble();
    QVERIFY(acc >= 0 && acc <= 1);
    QVERIFY(r.out.contains("trained 40 steps") && r.out.contains("test accuracy"));
  }

  void sameSeedSameRun() {
    for (const char* f : {"b1.csv", "b2.csv"})
      QCOMPARE(runCli({"train", example("spiral.net.json"), "--dataset", "spiral", "--steps", "300",
                       "--seed", "7", "--threads", "1", "--log", tmp(f)}).exitCode, 0);
    QFile a(tmp("b1.csv")), b(tmp("b2.csv"));
    QVERIFY(a.open(QIODevice::ReadOnly) && b.open(QIODevice::ReadOnly));
    const QByteArray x = a.readAll(), y = b.readAll();
    QVERIFY(x.size() > 1000);
    QCOMPARE(x, y);
    runCli({"train", example("spiral.net.json"), "--dataset", "spiral", "--steps", "300",
            "--seed", "8", "--log", tmp("b3.csv")});
    QFile c(tmp("b3.csv"));
    QVERIFY(c.open(QIODevice::ReadOnly));
    QVERIFY(c.readAll() != x);  // another seed, another run
  }

  void saveAndInit() {
    QCOMPARE(runCli({"train", example("xor-mlp.net.json"), "--dataset", "xor", "--steps", "500",
                     "--lr", "0.03", "--save", tmp("w.safetensors")}).exitCode, 0);
    const auto w = gradlab::readSafetensors(tmp("w.safetensors").toStdString());
    QCOMPARE(w.size(), size_t(4));
    QCOMPARE(w.at("h1.weight").shape, (gradlab::Shape{4, 2}));
    QCOMPARE(w.at("out.bias").shape, (gradlab::Shape{1}));
    // Starting from the trained weights, the first step's loss is already low.
    runCli({"train", example("xor-mlp.net.json"), "--dataset", "xor", "--steps", "1",
            "--init", tmp("w.safetensors"), "--log", tmp("c.csv")});
    runCli({"train", example("xor-mlp.net.json"), "--dataset", "xor", "--steps", "1", "--log", tmp("d.csv")});
    QVERIFY(readLog(tmp("c.csv")).rows[0][1].toDouble() < readLog(tmp("d.csv")).rows[0][1].toDouble() - 0.1);
  }

  // XOR as TF-Playground draws it: one layer stays near chance, one hidden tanh layer of 4
  // solves it. Like PyTorch on the same data, a few seeds get stuck in 3000 steps, so the claim
  // is made over 8 seeds (measured: 6 of 8 reach ≥ 0.95 with lr 0.03).
  void xorNeedsAHiddenLayer() {
    int solved = 0;
    QString seen;
    for (int seed = 1; seed <= 8; ++seed) {
      const QString s = QString::number(seed);
      QCOMPARE(runCli({"train", example("xor-linear.net.json"), "--dataset", "xor", "--steps", "3000",
                       "--batch", "10", "--optimizer", "adam", "--lr", "0.03", "--seed", s,
                       "--eval-every", "100", "--log", tmp("lin.csv")}).exitCode, 0);
      const auto [linMax, linMin] = accuracyRange(readLog(tmp("lin.csv")));
      QVERIFY2(linMax <= 0.80, qPrintable(QString("seed %1: no hidden layer reached %2").arg(seed).arg(linMax)));
      QCOMPARE(runCli({"train", example("xor-mlp.net.json"), "--dataset", "xor", "--steps", "3000",
                       "--batch", "10", "--optimizer", "adam", "--lr", "0.03", "--seed", s,
                       "--eval-every", "100", "--log", tmp("mlp.csv")}).exitCode, 0);
      const double best = accuracyRange(readLog(tmp("mlp.csv"))).first;
      seen += QString(" %1").arg(best);
      solved += best >= 0.95;
    }
    qInfo("xor 2-4-1 tanh, best test accuracy per seed:%s", qPrintable(seen));
    QVERIFY2(solved >= 5, qPrintable("solved in " + QString::number(solved) + " of 8 seeds:" + seen));
  }

  // Spiral 2-16-16-1 tanh, Adam, batch 10 (measured: 6 of 8 seeds reach ≥ 0.95 with lr 0.01).
  void spiralIsSolved() {
    int solved = 0;
    QString seen;
    for (int seed = 1; seed <= 8; ++seed) {
      QCOMPARE(runCli({"train", example("spiral.net.json"), "--dataset", "spiral", "--steps", "3000",
                       "--batch", "10", "--optimizer", "adam", "--lr", "0.01", "--seed",
                       QString::number(seed), "--eval-every", "100", "--log", tmp("sp.csv")}).exitCode, 0);
      const double best = accuracyRange(readLog(tmp("sp.csv"))).first;
      seen += QString(" %1").arg(best);
      solved += best >= 0.95;
    }
    qInfo("spiral 2-16-16-1 tanh, best test accuracy per seed:%s", qPrintable(seen));
    QVERIFY2(solved >= 5, qPrintable("solved in " + QString::number(solved) + " of 8 seeds:" + seen));
  }

  void badNetworkFiles_data() {
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QString>("expected");
    QTest::newRow("truncated json") << QByteArray("{\"blocks\": [{\"id\": \"x\",") << "bad.net.json:1:";
    QTest::newRow("unknown block type")
        << QByteArray(R"({"blocks": [{"id": "x", "type": "Input", "shape": [2]}, {"id": "o", "type": "Dens", "units": 1}],
                         "edges": [["x", "o"]], "loss": {"type": "bce", "block": "o"}})")
        << "unknown block type \"Dens\"";
    QTest::newRow("wrong parameter type")
        << QByteArray(R"({"blocks": [{"id": "x", "type": "Input", "shape": [2]}, {"id": "o", "type": "Dense", "units": "one"}],
                         "edges": [["x", "o"]], "loss": {"type": "bce", "block": "o"}})")
        << "o: Dense \"units\" must be a whole number";
    QTest::newRow("cycle")
        << QByteArray(R"({"blocks": [{"id": "x", "type": "Input", "shape": [2]}, {"id": "a", "type": "Add"},
                         {"id": "o", "type": "Dense", "units": 1}],
                         "edges": [["x", "a"], ["o", "a"], ["a", "o"]], "loss": {"type": "bce", "block": "o"}})")
        << "part of a cycle";
    QTest::newRow("shape mismatch")
        << QByteArray(R"({"blocks": [{"id": "x", "type": "Input", "shape": [2]}, {"id": "h", "type": "Dense", "units": 3},
                         {"id": "a", "type": "Add"}, {"id": "o", "type": "Dense", "units": 1}],
                         "edges": [["x", "h"], ["x", "a"], ["h", "a"], ["a", "o"]], "loss": {"type": "bce", "block": "o"}})")
        << "a: Add inputs must have one shape, got 2 and 3";
    QTest::newRow("data does not fit")
        << QByteArray(R"({"blocks": [{"id": "x", "type": "Input", "shape": [3]}, {"id": "o", "type": "Dense", "units": 1}],
                         "edges": [["x", "o"]], "loss": {"type": "bce", "block": "o"}})")
        << "expects 3 — set the Input block's shape to 2";
  }
  void badNetworkFiles() {
    QFETCH(QByteArray, content);
    QFETCH(QString, expected);
    const QString net = writeFile(tmp("bad.net.json"), content);
    EXPECT_CLEAN_FAILURE(runCli({"train", net, "--dataset", "xor", "--steps", "5"}), expected);
    if (expected.contains("Input block's shape")) return;  // a valid network, the data misfits
    const auto v = runCli({"validate", net});
    QVERIFY(!v.crashed && v.exitCode != 0);
  }

  void badWeightFiles_data() {
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QString>("expected");
    auto file = [](const std::string& header, int dataBytes) {
      QByteArray b;
      const uint64_t n = header.size();
      for (int i = 0; i < 8; ++i) b.append(char((n >> (8 * i)) & 0xff));
      b.append(QByteArray::fromStdString(header));
      b.append(QByteArray(dataBytes, '\0'));
      return b;
    };
    QTest::newRow("header length past the end") << file("{}", 0).replace(0, 1, "\xff") << "w.safetensors";
    QTest::newRow("offsets out of range")
        << file(R"({"h1.weight": {"dtype": "F32", "shape": [4, 2], "data_offsets": [0, 320]}})", 32)
        << "w.safetensors: tensor \"h1.weight\"";
    QTest::newRow("dtype and shape disagree")
        << file(R"({"h1.weight": {"dtype": "F32", "shape": [4, 2], "data_offsets": [0, 16]}})", 16)
        << "w.safetensors: tensor \"h1.weight\"";
    QTest::newRow("shape does not fit the network")
        << file(R"({"h1.weight": {"dtype": "F32", "shape": [2, 2], "data_offsets": [0, 16]}})", 16)
        << "tensor \"h1.weight\" is 2×2, the network needs 4×2";
    QTest::newRow("not safetensors at all") << QByteArray("hello") << "w.safetensors";
    // Names the network does not have: a few are listed, the rest counted.
    std::string junk = "{";
    for (int i = 0; i < 20; ++i) {
      if (i) junk += ",";
      junk += "\"junk" + std::to_string(i) + "\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [";
      junk += std::to_string(4 * i) + ", " + std::to_string(4 * i + 4) + "]}";
    }
    QTest::newRow("many tensors of another network")
        << file(junk + "}", 80) << "  and 12 more tensors that match no parameter\n(were they saved from another network?)";
  }
  void badWeightFiles() {
    QFETCH(QByteArray, content);
    QFETCH(QString, expected);
    const QString w = writeFile(tmp("w.safetensors"), content);
    EXPECT_CLEAN_FAILURE(runCli({"train", example("xor-mlp.net.json"), "--dataset", "xor", "--steps", "5",
                                 "--init", w}), expected);
  }

  void badCsv_data() {
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QString>("expected");
    QTest::newRow("ragged row") << QByteArray("a,b,y\n1,2,0\n3,4\n") << "data.csv:3:";
    QTest::newRow("not a number") << QByteArray("a,b,y\n1,2,0\n3,abc,1\n") << "data.csv:3:";
    QTest::newRow("unknown target") << QByteArray("a,b,c\n1,2,0\n") << "data.csv";
  }
  void badCsv() {
    QFETCH(QByteArray, content);
    QFETCH(QString, expected);
    const QString csv = writeFile(tmp("data.csv"), content);
    EXPECT_CLEAN_FAILURE(runCli({"train", example("xor-mlp.net.json"), "--data", csv, "--target", "y",
                                 "--steps", "5"}), expected);
  }

  void badArguments() {
    EXPECT_CLEAN_FAILURE(runCli({"train", tmp("missing.net.json"), "--dataset", "xor"}), "missing.net.json");
    EXPECT_CLEAN_FAILURE(runCli({"train", example("xor-mlp.net.json"), "--dataset", "nope"}), "nope");
    EXPECT_CLEAN_FAILURE(runCli({"train", example("xor-mlp.net.json"), "--dataset", "xor", "--optimizer", "adamw"}),
                         "unknown optimizer \"adamw\"");
    EXPECT_CLEAN_FAILURE(runCli({"train", example("xor-mlp.net.json"), "--dataset", "xor", "--lr", "-1"}),
                         "--lr must be between 1e-12 and 1000000, got -1");
    EXPECT_CLEAN_FAILURE(runCli({"train", example("xor-mlp.net.json"), "--dataset", "xor", "--test-split", "1.5"}),
                         "--test-split");
  }

  void divergenceIsReported() {
    const QString net = writeFile(tmp("fit.net.json"), R"({"blocks": [
        {"id": "x", "type": "Input", "shape": [1]}, {"id": "h", "type": "Dense", "units": 8, "activation": "tanh"},
        {"id": "o", "type": "Dense", "units": 1}], "edges": [["x", "h"], ["h", "o"]],
        "loss": {"type": "mse", "block": "o"}})");
    const auto r = runCli({"train", net, "--dataset", "fn-sine", "--steps", "2000", "--optimizer", "sgd",
                           "--lr", "100"});
    EXPECT_CLEAN_FAILURE(r, "the learning rate 100 is too large for this network — lower it (try --lr 1)");
  }
};

QTEST_GUILESS_MAIN(TestCliTrain)
#include "tst_cli_train.moc"
