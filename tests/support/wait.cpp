#include "support/wait.h"

#include <QElapsedTimer>
#include <QTest>

namespace gradlab::test {

namespace {
// The limit only stops a hang. ThreadSanitizer runs the same work 5–50 times slower (every
// access is checked), AddressSanitizer 5–60 times, so there a limit sized for the plain build
// would fail tests that are merely slow (GRADLAB_SANITIZE=thread, =1).
#if defined(__SANITIZE_THREAD__)
constexpr qint64 kSlowdown = 10;
#elif defined(__SANITIZE_ADDRESS__)
constexpr qint64 kSlowdown = 5;
#else
constexpr qint64 kSlowdown = 1;
#endif
}  // namespace

bool waitUntil(const std::function<bool()>& done, int limitMs) {
  QElapsedTimer t;
  t.start();
  while (!done()) {
    if (t.elapsed() > limitMs * kSlowdown) return false;
    QTest::qWait(5);
  }
  return true;
}

}  // namespace gradlab::test
