// gradlab-cli lesson check / lesson list and gradlab-cli compare, as a lesson author and a
// lecturer run them: the fixture lessons in tests/core/lessons/pass pass with one line per
// check (both sides measured); a check that cannot hold fails with exit 1 and its line; a
// malformed lesson fails with exit 1 and FILE:LINE; compare prints a row per variant.
#include <QtTest>

#include "support/cli_runner.h"

using gradlab::test::CliResult;
using gradlab::test::describe;
using gradlab::test::runCli;
using gradlab::test::sourcePath;
using gradlab::test::writeFile;

namespace {
QString fixtures(const QString& sub) { return sourcePath("tests/core/lessons/" + sub); }
}  // namespace

class TestCliLesson : public QObject {
  Q_OBJECT

 private slots:
  void passingLessonsPass() {
    const CliResult r = runCli({"lesson", "check", fixtures("pass")});
    QVERIFY2(!r.crashed && r.exitCode == 0, qPrintable(describe(r)));
    QVERIFY2(r.out.contains(QRegularExpression(
                 "01-xor  step 2/4 \"A hidden layer is\"  test\\.accuracy >= 0\\.9  measured "
                 "0\\.9\\d* >= 0\\.9  pass  \\(\\d+\\.\\d s\\)")),
             qPrintable(r.out));
    // play, reset, set a block parameter (the network rebuilt), play: 1500 steps since the reset.
    QVERIFY2(r.out.contains("01-xor  step 3/4 \"Start again with ReLU\"  steps <= 1500  measured "
                            "1500 <= 1500  pass"),
             qPrintable(r.out));
    QVERIFY2(r.out.contains("01-xor  step 4/4 \"Prose only\"  no check"), qPrintable(r.out));
    QVERIFY2(r.out.contains(QRegularExpression(
                 "02-compare  step 1/1 \"Two learning rates\"  test\\.loss@fast < test\\.loss@slow  "
                 "measured [0-9.]+ < [0-9.]+  pass")),
             qPrintable(r.out));
    QVERIFY2(r.out.contains(QRegularExpression(
                 "lessons 2, steps 5, checks 10, failures 0, \\d+\\.\\d s")),
             qPrintable(r.out));
    QVERIFY(!r.out.contains("FAIL"));
    // One lesson by its folder, and by its lesson.md.
    QCOMPARE(runCli({"lesson", "check", fixtures("pass/02-compare")}).exitCode, 0);
    QCOMPARE(runCli({"lesson", "check", fixtures("pass/02-compare/lesson.md")}).exitCode, 0);
  }

  void failingCheckExitsOne() {
    const CliResult r = runCli({"lesson", "check", fixtures("fail")});
    QVERIFY2(!r.crashed && r.exitCode == 1, qPrintable(describe(r)));
    QVERIFY2(r.out.contains(QRegularExpression(
                 "01-impossible  step 1/1 \"One line separates XOR\\?\"  test\\.accuracy >= 0\\.99"
                 "  measured 0\\.\\d+ >= 0\\.99  FAIL")),
             qPrintable(r.out));
    QVERIFY2(r.out.contains("failures 1"), qPrintable(r.out));
    // Passing lessons beside it do not hide the failure.
    QCOMPARE(runCli({"lesson", "check", fixtures("pass"), fixtures("fail")}).exitCode, 1);
  }

  void malformedLessonExitsOneWithItsLine() {
    const CliResult r = runCli({"lesson", "check", fixtures("malformed")});
    QVERIFY2(!r.crashed && r.exitCode == 1, qPrintable(describe(r)));
    QVERIFY2(r.err.contains("01-broken/lesson.md:8: lr must be a number, got \"0.o3\""),
             qPrintable(r.err));
    const CliResult l = runCli({"lesson", "list", fixtures("malformed")});
    QVERIFY2(!l.crashed && l.exitCode == 1, qPrintable(describe(l)));
    QVERIFY(l.err.contains("lesson.md:8: "));
  }

  void missingLessonIsAClearError() {
    EXPECT_CLEAN_FAILURE(runCli({"lesson", "check", "no-such-lesson"}), "no lesson \"no-such-lesson\"");
    QTemporaryDir empty;
    EXPECT_CLEAN_FAILURE(runCli({"lesson", "check", empty.path()}), "no lessons here");
  }

  void list() {
    const CliResult r = runCli({"lesson", "list", fixtures("pass")});
    QVERIFY2(!r.crashed && r.exitCode == 0, qPrintable(describe(r)));
    QVERIFY2(r.out.contains("01-xor  topic 4  Tests  \"XOR, for the lesson runner's tests\"  4 steps"),
             qPrintable(r.out));
    QVERIFY2(r.out.contains("02-compare  topic 0  \"Learning rates side by side\"  1 step"),
             qPrintable(r.out));
  }

  void compare() {
    const CliResult r =
        runCli({"compare", sourcePath("examples/xor-mlp.net.json"), "--dataset", "xor", "--points",
                "200", "--noise", "0.05", "--seed", "1", "--steps", "1000", "--vary",
                "lr=0.0003,0.03"});
    QVERIFY2(!r.crashed && r.exitCode == 0, qPrintable(describe(r)));
    QVERIFY2(r.out.contains(QRegularExpression("lr=0\\.0003 +1000 ")), qPrintable(r.out));
    QVERIFY2(r.out.contains(QRegularExpression("lr=0\\.03 +1000 ")), qPrintable(r.out));
    QVERIFY2(r.out.contains("compared 2 variants for 1000 steps"), qPrintable(r.out));
    const CliResult v =
        runCli({"compare", sourcePath("examples/xor-mlp.net.json"), "--dataset", "xor", "--steps",
                "100", "--variant", "tanh:", "--variant", "relu:h1.activation=relu,lr=0.01"});
    QVERIFY2(!v.crashed && v.exitCode == 0, qPrintable(describe(v)));
    QVERIFY2(v.out.contains(QRegularExpression("\nrelu +100 ")), qPrintable(v.out));
    EXPECT_CLEAN_FAILURE(runCli({"compare", sourcePath("examples/xor-mlp.net.json"), "--dataset",
                                 "xor", "--vary", "h1.activation=sigmoid,relux"}),
                         "relux");
    EXPECT_CLEAN_FAILURE(runCli({"compare", sourcePath("examples/xor-mlp.net.json"), "--dataset",
                                 "xor", "--vary", "lr=0.1"}),
                         "2 to 4 variants");
  }
};

QTEST_GUILESS_MAIN(TestCliLesson)
#include "tst_cli_lesson.moc"
