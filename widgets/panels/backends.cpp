#include "panels/backends.h"

#include "backend/backend.h"
#include "backend/select.h"

namespace gradlab::widgets {

std::vector<BackendChoice> backendChoices() {
  Backend& cpu = cpuBackend();
  std::vector<BackendChoice> out{
      {"cpu", QString::fromStdString(cpu.description()), &cpu, {}}};
  // One entry per GPU (core/backend/select.h); the backend of a usable one starts here, once
  // per process. Without any: one disabled entry saying exactly why.
  std::string whyNone;
  const std::vector<DeviceInfo> devices = listDevices(whyNone);
  for (const DeviceInfo& d : devices) {
    const std::string name = "cuda:" + std::to_string(d.index);
    BackendChoice c{QString::fromStdString(name),
                    QStringLiteral("GPU %1 — %2").arg(d.index).arg(QString::fromStdString(d.name)),
                    nullptr, QString::fromStdString(d.reason)};
    if (d.usable) {
      try {
        c.backend = selectBackend(name).backend;
        c.label = QStringLiteral("GPU %1 — ").arg(d.index) +
                  QString::fromStdString(c.backend->description());
      } catch (const std::exception& e) {
        c.reason = QString::fromUtf8(e.what());
      }
    }
    out.push_back(c);
  }
  if (devices.empty())
    out.push_back({"cuda", QStringLiteral("CUDA (GPU)"), nullptr,
                   QStringLiteral("no usable GPU: ") + QString::fromStdString(whyNone)});
  return out;
}

}  // namespace gradlab::widgets
