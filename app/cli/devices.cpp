// gradlab-cli devices — the GPUs this machine offers Gradlab, with memory and compute
// capability, or exactly why none is usable (no driver, no device, cuDNN missing or too old,
// a build without CUDA). Exit status 0 when at least one GPU is usable, 1 otherwise.
#include <cstdio>

#include "backend/select.h"
#include "cli/commands.h"

namespace gradlab::cli {

namespace {
std::string gib(int64_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f GiB", double(bytes) / double(int64_t(1) << 30));
  return buf;
}
}  // namespace

void addDevices(CLI::App& app, int& exitCode) {
  auto* cmd = app.add_subcommand(
      "devices", "List the GPUs Gradlab can train on, or say why there is none (exit 1 then)");
  cmd->callback([&exitCode] {
    std::string whyNone;
    const std::vector<DeviceInfo> devices = listDevices(whyNone, /*withFreeMemory=*/true);
    for (const DeviceInfo& d : devices) {
      std::string line = "GPU " + std::to_string(d.index) + ": " + d.name + " — compute " +
                         std::to_string(d.major) + "." + std::to_string(d.minor) + ", " +
                         std::to_string(d.multiprocessors) + " SMs, " + gib(d.totalBytes);
      if (d.freeBytes >= 0) line += " (" + gib(d.freeBytes) + " free)";
      if (!d.usable) line += " — not usable: " + d.reason;
      std::printf("%s\n", line.c_str());
    }
    if (!whyNone.empty()) std::printf("no usable GPU: %s\n", whyNone.c_str());
    if (cudaCompiledIn()) std::printf("%s\n", cudaVersions().c_str());
    exitCode = whyNone.empty() ? 0 : 1;
  });
}

}  // namespace gradlab::cli
