#pragma once
// The compute backends the window can offer: the cpu backend always, CUDA where the engine
// has one. An entry without a backend is shown disabled, with the reason.
#include <QString>
#include <vector>

namespace gradlab {
class Backend;
}

namespace gradlab::widgets {

struct BackendChoice {
  QString name;         // "cpu", "cuda"
  QString label;        // shown in the combo
  Backend* backend;     // null: unavailable
  QString reason;       // why it is unavailable
};

std::vector<BackendChoice> backendChoices();

}  // namespace gradlab::widgets
