#include "panels/backends.h"

#include "backend/backend.h"

namespace gradlab::widgets {

std::vector<BackendChoice> backendChoices() {
  Backend& cpu = cpuBackend();
  // The engine has no backend-selection function with CUDA yet: offer it, disabled, with the
  // reason; when core gains one, list its devices here.
  return {
      {"cpu", QStringLiteral("CPU — ") + QString::fromStdString(cpu.description()), &cpu, {}},
      {"cuda", QStringLiteral("CUDA (GPU)"), nullptr,
       QStringLiteral("this build has no CUDA backend")},
  };
}

}  // namespace gradlab::widgets
