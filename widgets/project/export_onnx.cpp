#include "project/export_onnx.h"

#include <QMetaObject>
#include <QThread>
#include <chrono>

#include "export/onnx_export.h"
#include "util/error.h"

namespace gradlab::widgets {

void exportOnnxInBackground(QObject* context, NetworkSpec spec, std::future<TensorMap> weights,
                            QString path, std::function<void(const QString&)> done,
                            int weightsTimeoutMs) {
  QThread* worker = QThread::create([context, spec = std::move(spec), weights = std::move(weights),
                                     path, done = std::move(done), weightsTimeoutMs]() mutable {
    QString error;
    try {
      if (!weights.valid() || weights.wait_for(std::chrono::milliseconds(weightsTimeoutMs)) !=
                                  std::future_status::ready)
        throw Error("the trainer did not hand over the weights within " +
                    std::to_string((weightsTimeoutMs + 500) / 1000) +
                    " s (it is busy with a long step) — pause and export again");
      writeOnnx(path.toStdString(), spec, weights.get());
    } catch (const std::future_error&) {
      error = QObject::tr("The trainer stopped before handing over the weights, so nothing was "
                          "written.");
    } catch (const std::exception& e) {
      error = QString::fromUtf8(e.what());
    }
    // Queued to the window's thread; dropped with the context if the window is gone.
    QMetaObject::invokeMethod(context, [done, error] { done(error); }, Qt::QueuedConnection);
  });
  QObject::connect(worker, &QThread::finished, worker, &QObject::deleteLater);
  worker->start();
}

}  // namespace gradlab::widgets
