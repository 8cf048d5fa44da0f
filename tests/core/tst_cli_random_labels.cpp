// gradlab-cli train --random-labels (Zhang et al. 2017): a network big enough to memorise fits
// 200 training points whose labels are coin flips — train accuracy ≥ 0.95 — while its test
// accuracy on the true labels stays at chance (within 0.1 of 0.5); with the true labels the
// same run generalises. Bad uses are refused with a message.
#include <QtTest>

#include "support/cli_runner.h"

using gradlab::test::runCli;
using gradlab::test::sourcePath;

namespace {
// "… NAME 0.93 …" -> 0.93; -1 when absent.
double number(const QString& out, const QString& name) {
  const int i = out.lastIndexOf(name + " ");
  return i < 0 ? -1 : out.mid(i + name.size() + 1).section(QRegularExpression("[ ,\n]"), 0, 0).toDouble();
}

// 1000 points on the circle set, 200 to train on, 800 to test (the test accuracy of a coin
// flip has a standard deviation of 0.018 there); the network file's own training settings:
// Adam, lr 0.005, batch 200 (every step sees every training point).
QStringList memorise() {
  return {"train", sourcePath("examples/memorise-mlp.net.json"), "--dataset", "circle",
          "--points", "1000", "--test-split", "0.8", "--seed", "1", "--steps", "2000"};
}
}  // namespace

class TestCliRandomLabels : public QObject {
  Q_OBJECT
 private slots:
  void memorisesRandomLabels() {
    const auto r = runCli(memorise() << "--random-labels");
    QVERIFY2(r.exitCode == 0, qPrintable(gradlab::test::describe(r)));
    const double train = number(r.out, "train accuracy"), test = number(r.out, "test accuracy");
    qInfo("random labels: train accuracy %g, test accuracy %g (chance 0.5)", train, test);
    QVERIFY2(r.out.contains("(random labels)"), qPrintable(r.out));
    QVERIFY2(train >= 0.95, qPrintable(r.out));
    QVERIFY2(std::abs(test - 0.5) <= 0.1, qPrintable(r.out));

    // The same run on the true labels: it fits them and generalises (the gap above comes from
    // the labels, not from the network or the data).
    const auto truth = runCli(memorise());
    QVERIFY2(truth.exitCode == 0, qPrintable(gradlab::test::describe(truth)));
    qInfo("true labels: test accuracy %g", number(truth.out, "test accuracy"));
    QVERIFY2(number(truth.out, "test accuracy") >= 0.95, qPrintable(truth.out));
    QVERIFY(!truth.out.contains("train accuracy"));
  }

  void regressionIsRefused() {
    EXPECT_CLEAN_FAILURE(runCli({"train", sourcePath("examples/fit-1d.net.json"), "--dataset",
                                 "fn-sine", "--random-labels", "--steps", "5"}),
                         "random labels need a classification dataset");
  }
};

QTEST_GUILESS_MAIN(TestCliRandomLabels)
#include "tst_cli_random_labels.moc"
