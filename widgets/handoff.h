#pragma once
// Work handed to another thread through Qt: onto a thread pool, or back to the window's thread
// through its event queue. One way to do both, and ThreadSanitizer sees the handover.
//
//   QPointer<QObject> guard(this);  // taken on the window's thread
//   runInPool(pool_, [=, this] {
//     Result r = slowWork();
//     postToGui(guard, [=, this] { show(r); });  // dropped if `this` is gone by then
//   });
//
// Why not QThreadPool::start(lambda) and QMetaObject::invokeMethod(this, lambda, Queued): Qt
// passes the lambda over under its own futex-based QMutex, and Debian's Qt is not built with
// -fsanitize=thread, so a TSan build (GRADLAB_SANITIZE=thread) cannot see that order and reports
// every capture as a race. Here the work is packed on the sending thread, the handover is marked
// after the last write to the pack (__tsan_release) and the receipt before the first read
// (__tsan_acquire): TSan sees exactly the order Qt's queue guarantees, and races that are not
// ordered by it still show. In other builds the marks compile to nothing.
#include <QPointer>
#include <functional>

class QObject;
class QThreadPool;

namespace gradlab::widgets {

// Runs `work` on one of `pool`'s threads.
void runInPool(QThreadPool& pool, std::function<void()> work);

// Runs `work` on the window's (main) thread, after what that thread has queued already, unless
// `context` has been destroyed by then (then it is dropped unrun). Callable from any thread;
// take the QPointer on the thread that owns `context`.
void postToGui(QPointer<QObject> context, std::function<void()> work);

// On the window's thread: runs what postToGui has queued so far now, for a caller that has just
// waited for the workers that queue it.
void runPostedToGui();

}  // namespace gradlab::widgets
