#pragma once
// The message of the gradlab::Error a piece of code throws, for tests that check what a user
// reads:  QCOMPARE(errorOf([] { parseOptimKind("adamw"); }).left(17), "unknown optimizer");
#include <QString>
#include <functional>

namespace gradlab::test {

// The message of the Error that f throws, or "" when it throws none (any other exception
// passes through and fails the test).
QString errorOf(const std::function<void()>& f);

}  // namespace gradlab::test
