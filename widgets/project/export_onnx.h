#pragma once
// File › Export › ONNX…: the network with the trainer's current weights as an ONNX model
// (core/export/onnx_export.h). The weights are asked of the trainer (answered between two
// steps) and waited for, and the model is built, checked and written, on a worker thread, so the
// window never blocks; `done` runs on the window's thread with an empty string on success or the
// error (what went wrong and how to fix it, nothing written).
#include <QString>
#include <functional>
#include <future>

#include "io/safetensors.h"
#include "spec/network_spec.h"

class QObject;

namespace gradlab::widgets {

void exportOnnxInBackground(QObject* context, NetworkSpec spec, std::future<TensorMap> weights,
                            QString path, std::function<void(const QString& error)> done,
                            int weightsTimeoutMs = 10000);

}  // namespace gradlab::widgets
