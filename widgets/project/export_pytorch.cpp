#include "project/export_pytorch.h"

#include <QMetaObject>
#include <QThread>
#include <chrono>
#include <memory>

#include "data/data_source.h"
#include "export/pytorch_export.h"
#include "util/error.h"

namespace gradlab::widgets {

void exportPytorchInBackground(QObject* context, Project project, std::future<TensorMap> weights,
                               QString dir, std::function<void(const QString&)> done,
                               int weightsTimeoutMs) {
  QThread* worker = QThread::create([context, project = std::move(project),
                                     weights = std::move(weights), dir, done = std::move(done),
                                     weightsTimeoutMs]() mutable {
    QString error;
    try {
      if (!weights.valid() || weights.wait_for(std::chrono::milliseconds(weightsTimeoutMs)) !=
                                  std::future_status::ready)
        throw Error("the trainer did not hand over the weights within " +
                    std::to_string((weightsTimeoutMs + 500) / 1000) +
                    " s (it is busy with a long step) — pause and export again");
      const TensorMap w = weights.get();
      if (w.empty()) throw Error("there is no network to export yet — fix the problems listed first");
      auto data = std::make_shared<const Split>(loadSource(project.data));
      exportPytorch(makePytorchRun(project.network, data, project.training, &w,
                                   pytorchDataLabel(project.data, *data)),
                    dir.toStdString());
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
