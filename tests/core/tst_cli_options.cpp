// gradlab-cli train's options at and beyond their ranges (issue 16): each value out of range is
// refused before anything runs, with a message naming the option (they used to be coerced:
// --steps 0|-1 and --epochs nan|1e18 trained 1000 steps, --threads 2000 died in libgomp, --l2 nan
// gave the learning-rate advice); a folder that does not exist for --save is found before
// training; a log that cannot be written stops the run; training that blows up while its loss
// stays finite (--lr 1000 on a bce net: loss 0.7 -> 57, exit 0) stops with the advice and keeps
// the last good weights.
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include "io/safetensors.h"
#include "support/cli_runner.h"

using namespace gradlab;
using gradlab::test::describe;
using gradlab::test::runCli;
using gradlab::test::sourcePath;

class TstCliOptions : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;
  QStringList train(const QStringList& extra) {
    return QStringList{"train", sourcePath("examples/spiral.net.json"), "--dataset", "spiral"} + extra;
  }

 private slots:
  void outOfRangeValuesAreRefused_data() {
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("message");
    QTest::newRow("steps 0") << QStringList{"--steps", "0"} << "--steps must be between 1 and 1000000000, got 0";
    QTest::newRow("steps -1") << QStringList{"--steps", "-1"} << "--steps must be between 1";
    QTest::newRow("epochs nan") << QStringList{"--epochs", "nan"} << "--epochs must be between 1e-06 and 1000000, got nan";
    QTest::newRow("epochs inf") << QStringList{"--epochs", "inf"} << "--epochs must be between";
    QTest::newRow("epochs 1e18") << QStringList{"--epochs", "1e18"} << "--epochs must be between";
    QTest::newRow("epochs 0") << QStringList{"--epochs", "0"} << "--epochs must be between";
    QTest::newRow("points 0") << QStringList{"--points", "0"} << "--points must be between 1 and 10000000, got 0";
    QTest::newRow("points -5") << QStringList{"--points", "-5"} << "--points must be between";
    QTest::newRow("batch 0") << QStringList{"--batch", "0"} << "--batch must be between 1 and 1000000, got 0";
    QTest::newRow("batch 2.5") << QStringList{"--batch", "2.5"} << "--batch must be a whole number between 1 and 1000000, got 2.5";
    QTest::newRow("lr 0") << QStringList{"--lr", "0"} << "--lr must be between 1e-12 and 1000000, got 0";
    QTest::newRow("lr -1") << QStringList{"--lr", "-1"} << "--lr must be between";
    QTest::newRow("lr nan") << QStringList{"--lr", "nan"} << "--lr must be between 1e-12 and 1000000, got nan";
    QTest::newRow("lr text") << QStringList{"--lr", "fast"} << "--lr must be a number (between 1e-12 and 1000000), got \"fast\"";
    QTest::newRow("l2 nan") << QStringList{"--l2", "nan"} << "--l2 must be between 0 and 1000000, got nan";
    QTest::newRow("l1 -1") << QStringList{"--l1", "-1"} << "--l1 must be between";
    QTest::newRow("clip -1") << QStringList{"--clip", "-1"} << "--clip must be between 0 and 1000000000000, got -1";
    QTest::newRow("clip nan") << QStringList{"--clip", "nan"} << "--clip must be between";
    QTest::newRow("seed beyond 64 bits") << QStringList{"--seed", "18446744073709551616"} << "--seed must be between 0 and 1000000000000000, got 18446744073709551616";
    QTest::newRow("seed 1e16") << QStringList{"--seed", "10000000000000000"} << "--seed must be between 0 and 1000000000000000";
    QTest::newRow("threads 0") << QStringList{"--threads", "0"} << "--threads must be between 1 and 256, got 0";
    QTest::newRow("threads -1") << QStringList{"--threads", "-1"} << "--threads must be between";
    QTest::newRow("threads 100000") << QStringList{"--threads", "100000"} << "--threads must be between";
    QTest::newRow("noise inf") << QStringList{"--noise", "inf"} << "--noise must be between 0 and 10, got inf";
    QTest::newRow("test split 1") << QStringList{"--test-split", "1"} << "--test-split must be a fraction in [0, 1), got 1";
    QTest::newRow("eval every 0") << QStringList{"--eval-every", "0"} << "--eval-every must be between";
    QTest::newRow("patience -3") << QStringList{"--early-stopping", "-3"} << "--early-stopping must be between 0 and 1000000, got -3";
  }
  void outOfRangeValuesAreRefused() {
    QFETCH(QStringList, args);
    QFETCH(QString, message);
    const auto r = runCli(train(args + QStringList{"--log", dir_.filePath("never.csv")}));
    QVERIFY2(!r.crashed && r.exitCode == 2, qPrintable(describe(r)));  // a usage error
    EXPECT_CLEAN_FAILURE(r, message);
    QVERIFY2(!QFile::exists(dir_.filePath("never.csv")), "training started before the check");
  }

  void saveIntoAMissingFolderIsFoundBeforeTraining() {
    const QString save = dir_.filePath("no-such-folder/w.safetensors");
    EXPECT_CLEAN_FAILURE(runCli(train({"--save", save, "--log", dir_.filePath("never.csv")})),
                         "the folder " + dir_.filePath("no-such-folder") + " does not exist");
    QVERIFY(!QFile::exists(dir_.filePath("never.csv")));
    EXPECT_CLEAN_FAILURE(runCli(train({"--save", dir_.path()})), "is a folder; give a file name");
  }

  void aLogThatCannotBeWrittenStopsTheRun() {
    if (!QFile::exists("/dev/full")) QSKIP("no /dev/full here");
    EXPECT_CLEAN_FAILURE(runCli(train({"--steps", "5000", "--log", "/dev/full"})),
                         "/dev/full: writing the log failed");
  }

  void trainingThatBlowsUpStopsWithAdviceAndKeepsTheLastGoodWeights() {
    const QString save = dir_.filePath("blown.safetensors");
    const auto r = runCli(train({"--optimizer", "sgd", "--lr", "1000", "--steps", "1000", "--save", save}));
    QVERIFY2(!r.crashed && r.exitCode == 1, qPrintable(describe(r)));
    QVERIFY2(QRegularExpression("Training blew up by step \\d+ \\(the loss rose from 0\\.\\d+ to \\d+")
                 .match(r.err).hasMatch(), qPrintable(r.err));
    QVERIFY2(r.err.contains("the learning rate 1000 is too large for this network — lower it (try --lr 10)"),
             qPrintable(r.err));
    QVERIFY2(r.err.contains(" are kept in " + save), qPrintable(r.err));
    // The kept weights are sane: training on from them at a good rate works.
    const auto ok = runCli(train({"--init", save, "--steps", "300"}));
    QVERIFY2(ok.exitCode == 0, qPrintable(describe(ok)));
    // A rate that is merely large but trains is not stopped.
    const auto fine = runCli(train({"--optimizer", "sgd", "--lr", "1", "--steps", "1000"}));
    QVERIFY2(fine.exitCode == 0, qPrintable(describe(fine)));
  }

  // Issue 16: bce targets outside [0, 1] trained quietly.
  void bceTargetsOutsideZeroToOneAreRefused() {
    const QString net = gradlab::test::writeFile(dir_.filePath("bce.net.json"), R"({"format": "gradlab.network/1",
      "blocks": [{"id": "x", "type": "Input", "shape": [1]},
                 {"id": "o", "type": "Dense", "units": 1, "activation": "sigmoid"}],
      "edges": [["x", "o"]], "loss": {"type": "bce", "block": "o"}})");
    const QString csv = gradlab::test::writeFile(dir_.filePath("t.csv"), "x,y\n0,0.5\n1,1001\n2,-1\n3,1\n");
    EXPECT_CLEAN_FAILURE(runCli({"train", net, "--data", csv, "--test-split", "0", "--steps", "5"}),
                         "the training data has the target 1001 (sample 1) but binary cross-entropy needs "
                         "targets in [0, 1]");
  }
};

QTEST_GUILESS_MAIN(TstCliOptions)
#include "tst_cli_options.moc"
