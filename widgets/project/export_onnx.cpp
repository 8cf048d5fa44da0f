#include "project/export_onnx.h"

#include "export/onnx_export.h"
#include "project/with_weights.h"

namespace gradlab::widgets {

void exportOnnxInBackground(QObject* context, NetworkSpec spec, std::future<TensorMap> weights,
                            QString path, std::function<void(const QString&)> done,
                            int weightsTimeoutMs) {
  withWeightsInBackground(
      context, std::move(weights),
      [spec = std::move(spec), path](const TensorMap& w) { writeOnnx(path.toStdString(), spec, w); },
      std::move(done), weightsTimeoutMs);
}

}  // namespace gradlab::widgets
