#pragma once
// Choosing a backend by name, and listing the GPUs.
//
//   BackendChoice c = selectBackend("auto");   // "auto", "cpu", "cuda" or "cuda:N"
//   if (!c.message.empty()) std::fprintf(stderr, "%s\n", c.message.c_str());
//   Trainer t(spec, split, config, *c.backend, DType::F32);
//
// "auto" takes the first usable GPU and otherwise the cpu, with one line saying why no GPU is
// in use. "cuda" insists: without a usable GPU it throws an Error saying why. Nothing here
// includes CUDA headers: the cuda backend (backend/cuda) is compiled in when the build found
// the CUDA toolkit and cuDNN (GRADLAB_HAVE_CUDA), and probed at run time, so one binary runs on
// machines with and without an NVIDIA driver.
#include <cstdint>
#include <string>
#include <vector>

#include "backend/backend.h"

namespace gradlab {

struct DeviceInfo {
  int index = 0;             // CUDA device number (after CUDA_VISIBLE_DEVICES)
  std::string name;          // "NVIDIA H100 80GB HBM3"
  int major = 0, minor = 0;  // compute capability
  int64_t totalBytes = 0;    // device memory
  int64_t freeBytes = -1;    // -1: not asked for (listDevices' withFreeMemory)
  int multiprocessors = 0;
  bool usable = true;  // false: Gradlab cannot run on it, `reason` says why
  std::string reason;
};

struct BackendChoice {
  Backend* backend = nullptr;  // never null when selectBackend returns
  std::string message;         // "auto" without a usable GPU: one line saying why; else empty
};

// Throws Error for an unknown name, and for "cuda"/"cuda:N" when that GPU is not usable.
BackendChoice selectBackend(const std::string& name);

// Every CUDA device this process can see, usable or not. whyNone is set when none is usable:
// "no NVIDIA driver found (libcuda.so.1 missing)", "no CUDA device found", "cuDNN … too old",
// or "this Gradlab was built without CUDA". withFreeMemory also reads each device's free
// memory, which starts a CUDA context on it (a fraction of a second per device).
std::vector<DeviceInfo> listDevices(std::string& whyNone, bool withFreeMemory = false);

// True when this build contains the cuda backend (whether or not a GPU is present).
bool cudaCompiledIn();
// Versions for `gradlab-cli devices`: "CUDA runtime 13.0, cuDNN 9.19.0, driver: none".
std::string cudaVersions();

}  // namespace gradlab
