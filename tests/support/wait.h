#pragma once
// Waiting in a test for what another thread or the event loop does: polls, processing events,
// until it holds. The limit only stops a test that hangs; no speed is asserted by it.
//   s.step(100);
//   QVERIFY(waitUntil([&] { return s.snapshot()->step == 100; }));
#include <functional>

namespace gradlab::test {

// True once done() holds; false if it still does not after limitMs.
bool waitUntil(const std::function<bool()>& done, int limitMs = 120000);

}  // namespace gradlab::test
