#include "project/export_pytorch.h"

#include <memory>

#include "data/data_source.h"
#include "export/pytorch_export.h"
#include "project/with_weights.h"
#include "util/error.h"

namespace gradlab::widgets {

void exportPytorchInBackground(QObject* context, Project project, std::future<TensorMap> weights,
                               QString dir, std::function<void(const QString&)> done,
                               int weightsTimeoutMs) {
  withWeightsInBackground(
      context, std::move(weights),
      [project = std::move(project), dir](const TensorMap& w) {
        if (w.empty()) throw Error("there is no network to export yet — fix the problems listed first");
        auto data = std::make_shared<const Split>(loadSource(project.data));
        exportPytorch(makePytorchRun(project.network, data, project.training, &w,
                                     pytorchDataLabel(project.data, *data)),
                      dir.toStdString());
      },
      std::move(done), weightsTimeoutMs);
}

}  // namespace gradlab::widgets
