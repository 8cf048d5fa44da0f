#pragma once
// Runs gradlab-cli (the binary built beside the tests) and captures what it prints.
#include <QString>
#include <QStringList>

namespace gradlab::test {

struct CliResult {
  int exitCode = -1;
  bool crashed = false;  // killed by a signal (a crash is always a test failure)
  QString out, err;
};

CliResult runCli(const QStringList& args, int timeoutMs = 600000);
// The exit code (and whether it crashed), stdout and stderr, for a failing check's message:
//   QVERIFY2(!r.crashed && r.exitCode == 0, qPrintable(describe(r)));
QString describe(const CliResult& r);
// Path of a file in the source tree, e.g. sourcePath("tests/data/xor.net.json").
QString sourcePath(const QString& relative);
// Writes bytes to path (creating folders); returns path.
QString writeFile(const QString& path, const QByteArray& bytes);

}  // namespace gradlab::test

// In a Qt Test slot: gradlab-cli refused bad input cleanly — no crash, a non-zero exit and
// `text` in its message. `res` (a CliResult, or the runCli call itself) is evaluated once.
//   EXPECT_CLEAN_FAILURE(runCli({"train", net, "--dataset", "nope"}), "nope");
#define EXPECT_CLEAN_FAILURE(res, text)                                           \
  do {                                                                            \
    const gradlab::test::CliResult failed_ = (res);                               \
    QVERIFY2(!failed_.crashed, "gradlab-cli crashed");                            \
    QVERIFY2(failed_.exitCode != 0, "exit code 0 on bad input");                  \
    QVERIFY2(failed_.err.contains(text), qPrintable("stderr: " + failed_.err));   \
  } while (0)
