// The cuda backend's entry points for gradlab_core (cuda_entry.h): probing the machine for
// usable GPUs — saying exactly why there is none — and the process-wide backends.
#include <cuda_runtime_api.h>
#include <cudnn.h>
#include <dlfcn.h>

#include <cstdlib>
#include <map>
#include <mutex>

#include "backend/cuda/cuda_backend.h"
#include "backend/cuda/cuda_entry.h"

namespace gradlab::cuda {

namespace {
constexpr int kMinMajor = 7, kMinMinor = 5;  // the oldest compute capability compiled for

std::string version(int v) {  // 12040 -> "12.4"
  return std::to_string(v / 1000) + "." + std::to_string(v % 1000 / 10);
}

bool driverLibraryPresent() {
  void* h = dlopen("libcuda.so.1", RTLD_LAZY | RTLD_LOCAL);
  if (!h) return false;
  dlclose(h);
  return true;
}

// Why cudaGetDeviceCount failed, in words.
std::string whyNoDevice(cudaError_t e) {
  switch (e) {
    case cudaErrorInsufficientDriver: {
      if (!driverLibraryPresent()) return "no NVIDIA driver found (libcuda.so.1 missing)";
      int driver = 0, runtime = 0;
      cudaDriverGetVersion(&driver);
      cudaRuntimeGetVersion(&runtime);
      if (driver == 0)
        return "the NVIDIA driver is installed but not loaded (is the kernel module loaded?)";
      return "the NVIDIA driver supports CUDA " + version(driver) + ", this build needs CUDA " +
             version(runtime) + " — update the driver";
    }
    case cudaErrorNoDevice: {
      const char* visible = std::getenv("CUDA_VISIBLE_DEVICES");
      std::string why = "no CUDA device found";
      if (visible) why += std::string(" (CUDA_VISIBLE_DEVICES=\"") + visible + "\")";
      return why;
    }
    default:
      return std::string("the CUDA runtime cannot start: ") + cudaGetErrorName(e) + " (" +
             cudaGetErrorString(e) + ")";
  }
}

// cuBLAS and cuDNN are loaded now (cuda_libs.h): missing or too old, that is the reason.
std::string whyNoLibraries() {
  std::string why;
  loadLibs(why);
  return why;
}

std::mutex& backendsMutex() {
  static std::mutex m;
  return m;
}
}  // namespace

std::vector<DeviceInfo> probeDevices(std::string& whyNone, bool withFreeMemory) {
  whyNone.clear();
  int count = 0;
  const cudaError_t e = cudaGetDeviceCount(&count);
  if (e != cudaSuccess) {
    cudaGetLastError();
    whyNone = whyNoDevice(e);
    return {};
  }
  if (count <= 0) {
    whyNone = whyNoDevice(cudaErrorNoDevice);
    return {};
  }
  const std::string cudnn = whyNoLibraries();
  std::vector<DeviceInfo> out;
  bool anyUsable = false;
  for (int i = 0; i < count; ++i) {
    cudaDeviceProp p{};
    DeviceInfo d;
    d.index = i;
    if (cudaGetDeviceProperties(&p, i) != cudaSuccess) {
      cudaGetLastError();
      d.name = "GPU " + std::to_string(i);
      d.usable = false;
      d.reason = "its properties cannot be read";
      out.push_back(d);
      continue;
    }
    d.name = p.name;
    d.major = p.major;
    d.minor = p.minor;
    d.totalBytes = int64_t(p.totalGlobalMem);
    d.multiprocessors = p.multiProcessorCount;
    d.freeBytes = -1;
    if (withFreeMemory) {  // needs a context on that device (a fraction of a second)
      int previous = 0;
      size_t freeBytes = 0, totalBytes = 0;
      if (cudaGetDevice(&previous) == cudaSuccess && cudaSetDevice(i) == cudaSuccess &&
          cudaMemGetInfo(&freeBytes, &totalBytes) == cudaSuccess)
        d.freeBytes = int64_t(freeBytes);
      cudaSetDevice(previous);
      cudaGetLastError();
    }
    if (p.major < kMinMajor || (p.major == kMinMajor && p.minor < kMinMinor)) {
      d.usable = false;
      d.reason = "compute capability " + std::to_string(p.major) + "." + std::to_string(p.minor) +
                 " is too old: Gradlab's kernels need " + std::to_string(kMinMajor) + "." +
                 std::to_string(kMinMinor) + " or newer";
    } else if (!cudnn.empty()) {
      d.usable = false;
      d.reason = cudnn;
    } else if (const std::string lost = lostBecause(i); !lost.empty()) {
      d.usable = false;
      d.reason = "it stopped working earlier in this session (" + lost + "); restart Gradlab";
    }
    anyUsable = anyUsable || d.usable;
    out.push_back(d);
  }
  if (!anyUsable) {
    whyNone = !cudnn.empty()    ? cudnn
              : out.size() == 1 ? out[0].name + ": " + out[0].reason
                                : "none of the " + std::to_string(out.size()) +
                                      " CUDA devices is usable (see gradlab-cli devices)";
  }
  return out;
}

Backend& backendFor(int index) {
  std::lock_guard lock(backendsMutex());
  // Created once per device and kept for the process (never destroyed: tensors anywhere may
  // still point at its allocator when static destructors run, and the CUDA runtime may
  // already be unloaded by then).
  static std::map<int, CudaBackend*> backends;
  if (const std::string lost = lostBecause(index); !lost.empty())
    throw Error("GPU " + std::to_string(index) + " stopped working earlier in this session (" +
                lost + "); restart Gradlab to use it again — the CPU works meanwhile");
  auto it = backends.find(index);
  if (it != backends.end()) return *it->second;
  CudaBackend* be = nullptr;
  try {
    be = new CudaBackend(index);
  } catch (const DeviceError& e) {
    throw Error(std::string("GPU ") + std::to_string(index) + " cannot start: " + e.what());
  }
  backends[index] = be;
  return *be;
}

std::string versions() {
  int runtime = 0, driver = 0;
  cudaRuntimeGetVersion(&runtime);
  cudaDriverGetVersion(&driver);
  cudaGetLastError();
  std::string out = "CUDA runtime " + version(runtime) + ", driver " +
                    (driver ? "for CUDA " + version(driver) : std::string("none"));
  std::string why;
  if (const Libs* l = loadLibs(why)) {
    const size_t v = l->cudnnGetVersion();
    out += ", cuDNN " + std::to_string(v / 10000) + "." + std::to_string(v / 100 % 100) + "." +
           std::to_string(v % 100);
  } else {
    out += "; " + why;
  }
  return out;
}

}  // namespace gradlab::cuda
