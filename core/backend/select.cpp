#include "backend/select.h"

#include <cstdlib>

#include "util/error.h"

#ifdef GRADLAB_HAVE_CUDA
#include "backend/cuda/cuda_entry.h"
#endif

namespace gradlab {

namespace {
constexpr const char* kNoCuda =
    "this Gradlab was built without CUDA (configured with GRADLAB_CUDA=OFF, or the CUDA toolkit "
    "and cuDNN were not found at build time)";

// "cuda" -> 0, "cuda:2" -> 2; -1 for anything else.
int cudaIndex(const std::string& name) {
  if (name == "cuda") return 0;
  if (name.rfind("cuda:", 0) != 0 || name.size() == 5 || name.size() > 8) return -1;
  int index = 0;
  for (char c : name.substr(5)) {
    if (c < '0' || c > '9') return -1;
    index = index * 10 + (c - '0');
  }
  return index;
}

// The device's backend, or an Error saying why it cannot be used.
Backend& cudaBackend(int index) {
  std::string why;
  const std::vector<DeviceInfo> devices = listDevices(why);
  if (index >= int(devices.size())) {
    if (!why.empty()) throw Error(why);
    throw Error("there is no CUDA device " + std::to_string(index) + " (this machine has " +
                std::to_string(devices.size()) + ")");
  }
  const DeviceInfo& d = devices[size_t(index)];
  if (!d.usable) throw Error("GPU " + std::to_string(index) + " (" + d.name + "): " + d.reason);
#ifdef GRADLAB_HAVE_CUDA
  return cuda::backendFor(index);
#else
  throw Error(kNoCuda);
#endif
}
}  // namespace

bool cudaCompiledIn() {
#ifdef GRADLAB_HAVE_CUDA
  return true;
#else
  return false;
#endif
}

std::string cudaVersions() {
#ifdef GRADLAB_HAVE_CUDA
  return cuda::versions();
#else
  return kNoCuda;
#endif
}

std::vector<DeviceInfo> listDevices(std::string& whyNone, bool withFreeMemory) {
  whyNone.clear();
#ifdef GRADLAB_HAVE_CUDA
  return cuda::probeDevices(whyNone, withFreeMemory);
#else
  (void)withFreeMemory;
  whyNone = kNoCuda;
  return {};
#endif
}

BackendChoice selectBackend(const std::string& name) {
  if (name == "cpu") return {&cpuBackend(), {}};
  if (name == "auto") {
    std::string why;
    const std::vector<DeviceInfo> devices = listDevices(why);
    for (const DeviceInfo& d : devices) {
      if (!d.usable) continue;
      try {
        return {&cudaBackend(d.index), {}};
      } catch (const Error& e) {
        why = e.what();
        break;
      }
    }
    if (why.empty()) why = "no usable CUDA device";
    return {&cpuBackend(), "no usable GPU (" + why + "): training on the CPU"};
  }
  const int index = cudaIndex(name);
  if (index < 0) throw Error("unknown backend \"" + name + "\" (use auto, cpu, cuda or cuda:N)");
  try {
    return {&cudaBackend(index), {}};
  } catch (const Error& e) {
    throw Error(std::string("the cuda backend cannot run: ") + e.what() +
                " — choose the cpu backend, or auto (which falls back to the CPU)");
  }
}

}  // namespace gradlab
