// gradlab-cli train --early-stopping PATIENCE: training stops after exactly PATIENCE
// evaluations without a lower test loss, says which step was best, and what it keeps (the
// summary, --save) is that step's weights; bad patience values and a run without a test set
// are refused with a message.
#include <QtTest>

#include "io/safetensors.h"
#include "support/cli_runner.h"

using gradlab::test::runCli;
using gradlab::test::sourcePath;

namespace {
// The CSV log's rows by step: step -> [train_loss, test_loss, test_acc].
QMap<int, QStringList> readLog(const QString& path) {
  QMap<int, QStringList> rows;
  QFile f(path);
  if (!f.open(QIODevice::ReadOnly)) return rows;
  const QStringList lines = QString::fromUtf8(f.readAll()).split('\n', Qt::SkipEmptyParts);
  for (int i = 1; i < lines.size(); ++i) {
    const QStringList r = lines[i].split(',');
    if (r.size() == 4) rows[r[0].toInt()] = r.mid(1);
  }
  return rows;
}

// The memorising network on 200 circle points with random labels: the test loss is lowest
// early and then rises as the network memorises (measured: best at step 50, stops at 200).
QStringList overfitting() {
  return {"train", sourcePath("examples/memorise-mlp.net.json"), "--dataset", "circle",
          "--points", "1000", "--test-split", "0.8", "--seed", "1", "--random-labels",
          "--steps", "2000", "--eval-every", "50"};
}
}  // namespace

class TestCliEarlyStopping : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;
  QString tmp(const QString& name) { return dir_.filePath(name); }

 private slots:
  void stopsAndKeepsTheBestWeights() {
    const auto r = runCli(overfitting() << "--early-stopping" << "3" << "--log" << tmp("es.csv")
                                        << "--save" << tmp("es.safetensors"));
    QVERIFY2(r.exitCode == 0, qPrintable(gradlab::test::describe(r)));
    const QRegularExpression re(
        "stopped early at step (\\d+): the test loss has not improved for 3 evaluations; kept "
        "the weights of step (\\d+) \\(test loss ([0-9.e+-]+)\\)");
    const auto m = re.match(r.out);
    QVERIFY2(m.hasMatch(), qPrintable(r.out));
    const int stop = m.captured(1).toInt(), best = m.captured(2).toInt();
    qInfo("early stopping: best step %d, stopped at step %d", best, stop);
    QCOMPARE(stop, best + 3 * 50);  // exactly patience evaluations after the best
    QVERIFY2(r.out.contains(QString("trained %1 steps").arg(stop)), qPrintable(r.out));

    // The log ends at the stop; the best step's test loss is the lowest one logged, and the
    // summary measures the kept weights: that very loss again.
    const auto log = readLog(tmp("es.csv"));
    QCOMPARE(log.lastKey(), stop);
    double lowest = 1e300;
    for (const QStringList& row : log)
      if (!row[1].isEmpty()) lowest = std::min(lowest, row[1].toDouble());
    QCOMPARE(log[best][1].toDouble(), lowest);
    QCOMPARE(m.captured(3), log[best][1]);
    QVERIFY2(r.out.contains("test loss " + log[best][1] + ","), qPrintable(r.out));
    QVERIFY(log[stop][1].toDouble() > lowest);

    // What --save wrote is the best step's weights, bit for bit: the same run stopped there.
    QStringList upToBest = overfitting();
    upToBest[upToBest.indexOf("--steps") + 1] = QString::number(best);
    const auto again = runCli(upToBest << "--save" << tmp("best.safetensors"));
    QVERIFY2(again.exitCode == 0, qPrintable(gradlab::test::describe(again)));
    const auto kept = gradlab::readSafetensors(tmp("es.safetensors").toStdString());
    const auto atBest = gradlab::readSafetensors(tmp("best.safetensors").toStdString());
    QCOMPARE(kept.size(), size_t(6));
    for (const auto& [name, t] : atBest) {
      QVERIFY2(kept.count(name), name.c_str());
      QVERIFY2(kept.at(name).values == t.values, name.c_str());
    }
  }

  void badPatienceIsRefused() {
    EXPECT_CLEAN_FAILURE(runCli(overfitting() << "--early-stopping" << "-2"),
                         "--early-stopping must be between 0 and 1000000, got -2");
    EXPECT_CLEAN_FAILURE(runCli(overfitting() << "--early-stopping" << "many"), "--early-stopping");
  }

  void needsATestSet() {
    EXPECT_CLEAN_FAILURE(runCli({"train", sourcePath("examples/xor-mlp.net.json"), "--dataset",
                                 "xor", "--test-split", "0", "--early-stopping", "5"}),
                         "early stopping needs a test set");
  }
};

QTEST_GUILESS_MAIN(TestCliEarlyStopping)
#include "tst_cli_early_stopping.moc"
