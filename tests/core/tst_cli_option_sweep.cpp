// Every numeric option of every gradlab-cli subcommand, swept with values out of its range
// (issue 15): 0, -1, NaN, ±inf, 1e18, a value just beyond each end, a fraction for a whole
// number, text — each is refused while the command line is parsed, with exit code 2 and a
// message naming the option, the value and the range. The files named on these command lines do
// not exist: a value that slipped through would reach the command, which fails with exit 1
// on the missing file — so the check cannot pass by accident. A value inside the range gets
// past the check (exit 1 on that missing file, no range message), so no range is empty or
// refuses what it should take.
#include <QtTest>
#include <cmath>

#include "support/cli_runner.h"

using gradlab::test::describe;
using gradlab::test::runCli;

namespace {
struct Option {
  QString flag;
  double lo, hi;
  bool whole = false;
  bool open = false;  // hi excluded
};

struct Command {
  QString name;       // for the row names
  QStringList args;   // the subcommand with every required argument (files that do not exist)
  QList<Option> options;
};

// Seeds, threads, fractions: the ranges every subcommand shares (app/cli/option_ranges.h).
const Option seed{"--seed", 0, 1e15, true};
const Option threads{"--threads", 1, 256, true};
const Option testSplit{"--test-split", 0, 1, false, true};
const Option points{"--points", 1, 1e7, true};
const Option noise{"--noise", 0, 10};
// The training flags: the ranges of a project's "training" object (io/training_settings.cpp).
const QList<Option> training{{"--lr", 1e-12, 1e6},          {"--l1", 0, 1e6},
                             {"--l2", 0, 1e6},              {"--clip", 0, 1e12},
                             {"--batch", 1, 1e6, true},     seed,
                             {"--early-stopping", 0, 1e6, true}};
const QList<Option> data{testSplit, points, noise, {"--lag", 1, 10000, true},
                         {"--length", 1, 100000, true}, {"--symbols", 2, 26, true}};

QList<Command> commands() {
  const QString net = "/nonexistent/net.net.json", w = "/nonexistent/w.safetensors",
                out = "/nonexistent/out.safetensors";
  return {
      {"train", {"train", net, "--dataset", "spiral"},
       training + data + QList<Option>{{"--steps", 1, 1e9, true}, {"--epochs", 1e-6, 1e6},
                                       {"--eval-every", 1, 1e9, true},
                                       {"--frame-every", 1, 1e9, true}, threads}},
      {"compare", {"compare", net, "--dataset", "spiral", "--vary", "lr=0.1,0.3"},
       training + QList<Option>{{"--steps", 1, 1e9, true}, points, noise, testSplit, threads}},
      {"landscape", {"landscape", net, "--weights", w, "--dataset", "spiral", "--dump", out},
       {{"--grid", 5, 101, true}, {"--span", 1e-9, 1e6}, {"--samples", 1, 1e7, true},
        {"--through", 0, 120, true}, seed, testSplit, points, noise, threads}},
      {"saliency", {"explain", "saliency", net, "--weights", w, "--input", out, "--dump", out},
       {{"--class", -1, 1e6, true}, {"--smooth", 0, 10000, true}, {"--noise", 0, 10}, seed, threads}},
      {"adversarial", {"explain", "adversarial", net, "--weights", w, "--dataset", "spiral"},
       {{"--eps", 0, 1}, {"--samples", 0, 1e7, true}, {"--steps", 1, 1e6, true},
        {"--step-size", 0, 1}, seed, {"--dump-samples", 1, 1e6, true}, threads}},
      {"visualize", {"explain", "visualize", net, "--weights", w, "--dump", out},
       {{"--class", 0, 1e6, true}, {"--steps", 1, 1e6, true}, {"--lr", 1e-12, 1e6},
        {"--jitter", 0, 1000, true}, {"--l2", 0, 1e6}, {"--blur", 0, 100},
        {"--blur-every", 1, 1e6, true}, seed, threads}},
      {"forward", {"forward", net, "--input", w, "--dump", out}, {seed, threads}},
      {"export onnx", {"export", "onnx", net, "-o", "/nonexistent/m.onnx"},
       {{"--batch", 0, 1e6, true}, seed}},
      {"export pytorch", {"export", "pytorch", net, "-o", "/nonexistent/dir", "--dataset", "spiral"},
       training.mid(0, training.size() - 1) + data},  // no --early-stopping: train.py has none
      {"pca-angles", {"pca-angles", net, "--weights", w, "--dataset", "spiral"},
       {{"--k", 0, 1e6, true}, {"--samples", 0, 1e7, true}, testSplit, seed, threads}},
      {"lesson check", {"lesson", "check", "/nonexistent/lesson"}, {threads}},
      {"bench", {"bench", "--case", "no-such-case"}, {threads, {"--seconds", 0.01, 3600}}},
  };
}

QString text(double v) { return QString::number(v, 'g', 17); }

QString above(const Option& o) { return o.whole ? text(o.hi + 1) : text(o.hi * 2); }

// Values outside `o`'s range, as typed.
QStringList outside(const Option& o) {
  QStringList v{"nan", "inf", "1e18", "ten"};
  v << (o.whole ? text(o.lo - 1) : o.lo > 0 ? text(o.lo / 10) : "-0.001");
  v << above(o);
  if (o.lo > -1) v << "-1";
  if (o.lo > 0) v << "0";
  if (o.whole) v << text(o.lo + 0.5);
  if (o.open) v << text(o.hi);
  v.removeDuplicates();
  return v;
}
// An option with the same range in an earlier subcommand ("--seed", "--threads") goes through the
// same check (the one function): there two values show that it is wired to it with its range.
// (Every gradlab-cli start links ~145 libraries, 0.1 s of CPU: the sweep is kept to ~600 runs.)
bool seen(QSet<QString>& earlier, const Option& o) {
  const QString key = o.flag + "|" + text(o.lo) + "|" + text(o.hi);
  if (earlier.contains(key)) return true;
  earlier.insert(key);
  return false;
}
}  // namespace

class TstCliOptionSweep : public QObject {
  Q_OBJECT
 private slots:
  void outOfRangeIsAUsageError_data() {
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("flag");
    QTest::addColumn<QString>("value");
    QSet<QString> earlier;
    for (const Command& c : commands())
      for (const Option& o : c.options)
        for (const QString& v : seen(earlier, o) ? QStringList{"nan", above(o)} : outside(o))
          QTest::newRow(qPrintable(c.name + " " + o.flag + " " + v))
              << (c.args + QStringList{o.flag, v}) << o.flag << v;
  }
  void outOfRangeIsAUsageError() {
    QFETCH(QStringList, args);
    QFETCH(QString, flag);
    QFETCH(QString, value);
    const auto r = runCli(args);
    QVERIFY2(!r.crashed && r.exitCode == 2, qPrintable(describe(r)));
    // "--threads must be between 1 and 256, got 0" (a number that is no number comes quoted).
    const QRegularExpression message(QRegularExpression::escape(flag) + " must be .*(between|in \\[|fraction).*, got \"?" +
                                     QRegularExpression::escape(value));
    QVERIFY2(message.match(r.err).hasMatch(), qPrintable(describe(r)));
  }

  // Each end of each range is accepted: the command goes on and fails on its missing files.
  void theEndsOfEachRangePass_data() {
    QTest::addColumn<QStringList>("args");
    QSet<QString> earlier;
    for (const Command& c : commands())
      for (const Option& o : c.options)
        if (!seen(earlier, o))
          for (double v : {o.lo, o.open ? (o.lo + o.hi) / 2 : o.hi})
            QTest::newRow(qPrintable(c.name + " " + o.flag + " " + text(v)))
                << (c.args + QStringList{o.flag, text(v)});
  }
  void theEndsOfEachRangePass() {
    QFETCH(QStringList, args);
    const auto r = runCli(args);
    QVERIFY2(!r.crashed && r.exitCode == 1, qPrintable(describe(r)));
    QVERIFY2(!r.err.contains(" must be "), qPrintable(describe(r)));
  }

  // Any other mistake on the command line exits with the same code.
  void otherUsageMistakesExitTwo() {
    for (const QStringList& args :
         {QStringList{"train"}, QStringList{"train", "n.json", "--no-such-flag"},
          QStringList{"no-such-command"}, QStringList{"train", "n.json", "--seed", "-inf"},
          QStringList{"train", "n.json", "--seed", "100000000000000000000000"},
          QStringList{"train", "n.json", "--steps", "5", "--epochs", "1", "--dataset", "xor"},
          QStringList{"export", "pytorch", "n.json", "-o", "d", "--early-stopping", "3"}}) {
      const auto r = runCli(args);
      QVERIFY2(!r.crashed && r.exitCode == 2, qPrintable(args.join(' ') + ": " + describe(r)));
    }
    QCOMPARE(runCli({"train", "--help"}).exitCode, 0);
    // A whole number written with an exponent is a whole number.
    const auto r = runCli({"train", "/nonexistent/n.net.json", "--dataset", "xor", "--steps", "1e3"});
    QVERIFY2(r.exitCode == 1 && !r.err.contains("--steps"), qPrintable(describe(r)));
  }
};

QTEST_GUILESS_MAIN(TstCliOptionSweep)
#include "tst_cli_option_sweep.moc"
