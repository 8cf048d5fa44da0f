#pragma once
// The message of the gradlab::Error a piece of code throws, for tests that check what a user
// reads:
//   QCOMPARE(errorOf([] { parseOptimKind("adamw"); }).left(17), "unknown optimizer");
//   VERIFY_ERROR(errorOf([] { loadCsv("a.csv", {}); }), "a.csv:3: ");
#include <QString>
#include <QTest>
#include <functional>

namespace gradlab::test {

// The message of the Error that f throws, or "" when it throws none (any other exception
// passes through and fails the test).
QString errorOf(const std::function<void()>& f);

}  // namespace gradlab::test

// Fails the current test slot unless `message` starts with `expectedStart`, showing both.
#define VERIFY_ERROR(message, expectedStart)                                                 \
  do {                                                                                     \
    const QString m_ = (message);                                                          \
    QVERIFY2(m_.startsWith(expectedStart),                                                 \
             qPrintable("got: " + m_ + "\nexpected: " + QString(expectedStart)));          \
  } while (0)
