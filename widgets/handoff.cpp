#include "handoff.h"

#include <QCoreApplication>
#include <QEvent>
#include <QObject>
#include <QRunnable>
#include <QThreadPool>
#include <utility>

// gcc says __SANITIZE_THREAD__, clang __has_feature(thread_sanitizer).
#if defined(__SANITIZE_THREAD__)
#define GRADLAB_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define GRADLAB_TSAN 1
#endif
#endif

#ifdef GRADLAB_TSAN
extern "C" void __tsan_acquire(void* addr);
extern "C" void __tsan_release(void* addr);
#endif

namespace gradlab::widgets {
namespace {

// The sender's last write to `pack` comes before this...
void handedOver(void* pack) {
#ifdef GRADLAB_TSAN
  __tsan_release(pack);
#else
  (void)pack;
#endif
}
// ...and this before the receiver's first read of it.
void received(void* pack) {
#ifdef GRADLAB_TSAN
  __tsan_acquire(pack);
#else
  (void)pack;
#endif
}

class PoolWork final : public QRunnable {
 public:
  explicit PoolWork(std::function<void()> work) : work_(std::move(work)) { setAutoDelete(true); }
  // The pool may also delete it unrun (QThreadPool::clear), on another thread.
  ~PoolWork() override { received(this); }
  void run() override {
    received(this);
    work_();
  }

 private:
  std::function<void()> work_;
};

class GuiWork final : public QEvent {
 public:
  GuiWork(QPointer<QObject> context, std::function<void()> work)
      : QEvent(kind()), context_(std::move(context)), work_(std::move(work)) {}
  ~GuiWork() override { received(this); }
  static QEvent::Type kind() {
    static const auto type = QEvent::Type(QEvent::registerEventType());
    return type;
  }
  void run() {
    received(this);
    if (context_) work_();
  }

 private:
  QPointer<QObject> context_;
  std::function<void()> work_;
};

// Receives GuiWork on the window's thread. It lives as long as the process: work can be posted
// while the window closes.
class Courier final : public QObject {
 public:
  bool event(QEvent* e) override {
    if (e->type() != GuiWork::kind()) return QObject::event(e);
    static_cast<GuiWork*>(e)->run();
    return true;
  }
};

Courier* courier() {
  static Courier* const c = [] {
    auto* made = new Courier;
    if (QCoreApplication* app = QCoreApplication::instance()) made->moveToThread(app->thread());
    return made;
  }();
  return c;
}

}  // namespace

void runInPool(QThreadPool& pool, std::function<void()> work) {
  auto* pack = new PoolWork(std::move(work));
  handedOver(pack);
  pool.start(pack);
}

void postToGui(QPointer<QObject> context, std::function<void()> work) {
  auto* pack = new GuiWork(std::move(context), std::move(work));
  handedOver(pack);
  QCoreApplication::postEvent(courier(), pack);
}

void runPostedToGui() { QCoreApplication::sendPostedEvents(courier(), GuiWork::kind()); }

}  // namespace gradlab::widgets
