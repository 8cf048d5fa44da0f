#pragma once
// Work on the trainer's weights off the window's thread: the exports of File › Export (ONNX,
// PyTorch). The weights are asked of the trainer (answered between two steps, as a future);
// a worker thread waits for them at most `timeoutMs`, runs `work`, and `done` then runs on
// `context`'s thread with an empty string on success or the error (what went wrong and how to
// fix it). If `context` (the window) is gone by then, `done` is dropped, never called on it.
//
//   withWeightsInBackground(window, window->currentWeights(),
//       [spec, path](const TensorMap& w) { writeOnnx(path, spec, w); },
//       [window](const QString& error) { ... show it ... });
#include <QString>
#include <functional>
#include <future>

#include "io/safetensors.h"

class QObject;

namespace gradlab::widgets {

void withWeightsInBackground(QObject* context, std::future<TensorMap> weights,
                             std::function<void(const TensorMap&)> work,
                             std::function<void(const QString& error)> done, int timeoutMs);

}  // namespace gradlab::widgets
