#include "support/wait.h"

#include <QElapsedTimer>
#include <QTest>

namespace gradlab::test {

bool waitUntil(const std::function<bool()>& done, int limitMs) {
  QElapsedTimer t;
  t.start();
  while (!done()) {
    if (t.elapsed() > limitMs) return false;
    QTest::qWait(5);
  }
  return true;
}

}  // namespace gradlab::test
