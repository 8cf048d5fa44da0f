#pragma once
// File › Export › PyTorch…: the session's run as a PyTorch project (core/export/pytorch_export.h)
// in a folder: model.py, train.py, data.safetensors and init.safetensors (the trainer's current
// weights). The weights are asked of the trainer (answered between two steps); they are waited
// for, the data loaded from the project's data source and the files written on a worker thread,
// so the window never blocks. `done` runs on the window's thread with an empty string on
// success or the error (what went wrong and how to fix it; a refused network writes nothing).
#include <QString>
#include <functional>
#include <future>

#include "io/project.h"
#include "io/safetensors.h"

class QObject;

namespace gradlab::widgets {

void exportPytorchInBackground(QObject* context, Project project, std::future<TensorMap> weights,
                               QString dir, std::function<void(const QString& error)> done,
                               int weightsTimeoutMs = 10000);

}  // namespace gradlab::widgets
