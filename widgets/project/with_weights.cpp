#include "project/with_weights.h"

#include <QObject>
#include <QThread>
#include <chrono>
#include <memory>

#include "util/error.h"

namespace gradlab::widgets {

void withWeightsInBackground(QObject* context, std::future<TensorMap> weights,
                             std::function<void(const TensorMap&)> work,
                             std::function<void(const QString&)> done, int timeoutMs) {
  auto error = std::make_shared<QString>();
  QThread* worker = QThread::create([weights = std::move(weights), work = std::move(work),
                                     timeoutMs, error]() mutable {
    try {
      if (!weights.valid() ||
          weights.wait_for(std::chrono::milliseconds(timeoutMs)) != std::future_status::ready)
        throw Error("the trainer did not hand over the weights within " +
                    std::to_string((timeoutMs + 500) / 1000) +
                    " s (it is busy with a long step) — pause and export again");
      work(weights.get());
    } catch (const std::future_error&) {
      *error = QObject::tr("The trainer stopped before handing over the weights, so nothing was "
                           "written.");
    } catch (const std::exception& e) {
      *error = QString::fromUtf8(e.what());
    }
  });
  // `finished` comes from the worker: with `context` as the receiver the call is queued to the
  // window's thread, and the connection goes with the window if it is closed first.
  QObject::connect(worker, &QThread::finished, context, [done = std::move(done), error] { done(*error); });
  QObject::connect(worker, &QThread::finished, worker, &QObject::deleteLater);
  worker->start();
}

}  // namespace gradlab::widgets
