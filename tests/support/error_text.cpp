#include "support/error_text.h"

#include "util/error.h"

namespace gradlab::test {

QString errorOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return QString::fromUtf8(e.what());
  }
  return {};
}

}  // namespace gradlab::test
