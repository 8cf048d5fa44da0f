#include "backend/cuda/cuda_libs.h"

#include <dlfcn.h>

#include "util/error.h"

namespace gradlab::cuda {

namespace {
struct Loaded {
  Libs libs;
  std::string why;  // empty: loaded
};

// dlopen by soname (LD_LIBRARY_PATH, the loader cache, the program's RUNPATH), then from the
// folder the build found the library in.
void* open(const std::string& soname, const char* buildDir, std::string& error) {
  void* h = dlopen(soname.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (h) return h;
  error = dlerror();
  if (buildDir && *buildDir)
    h = dlopen((std::string(buildDir) + "/" + soname).c_str(), RTLD_NOW | RTLD_LOCAL);
  return h;
}

bool present(const std::string& soname) {
  void* h = dlopen(soname.c_str(), RTLD_LAZY | RTLD_LOCAL);
  if (h) dlclose(h);
  return h != nullptr;
}

Loaded load() {
  Loaded out;
  std::string error;
  const std::string cublasName = "libcublas.so." + std::to_string(CUBLAS_VER_MAJOR);
  void* cublas = open(cublasName, GRADLAB_CUBLAS_DIR, error);
  if (!cublas) {
    out.why = "cuBLAS " + std::to_string(CUBLAS_VER_MAJOR) + " is not installed (" + cublasName +
              " not found: " + error + ")";
    return out;
  }
  const std::string cudnnName = "libcudnn.so." + std::to_string(CUDNN_MAJOR);
  void* cudnn = open(cudnnName, GRADLAB_CUDNN_DIR, error);
  if (!cudnn) {
    for (int older = CUDNN_MAJOR - 1; older >= 7; --older)
      if (present("libcudnn.so." + std::to_string(older))) {
        out.why = "cuDNN " + std::to_string(older) + " is too old: Gradlab needs cuDNN " +
                  std::to_string(CUDNN_MAJOR) + " (" + cudnnName + ")";
        return out;
      }
    out.why = "cuDNN " + std::to_string(CUDNN_MAJOR) + " is not installed (" + cudnnName +
              " not found: " + error + ")";
    return out;
  }
#define GRADLAB_LIBS_LOAD(lib, fn)                                                                \
  out.libs.fn = reinterpret_cast<decltype(&::fn)>(dlsym(lib, #fn));                               \
  if (!out.libs.fn) {                                                                             \
    out.why = std::string(#fn) + " is missing from " + (lib == cublas ? cublasName : cudnnName) + \
              " (an incompatible version?)";                                                      \
    return out;                                                                                   \
  }
#define GRADLAB_LOAD_CUBLAS(fn) GRADLAB_LIBS_LOAD(cublas, fn)
#define GRADLAB_LOAD_CUDNN(fn) GRADLAB_LIBS_LOAD(cudnn, fn)
  GRADLAB_CUBLAS_API(GRADLAB_LOAD_CUBLAS)
  GRADLAB_CUDNN_API(GRADLAB_LOAD_CUDNN)
#undef GRADLAB_LOAD_CUDNN
#undef GRADLAB_LOAD_CUBLAS
#undef GRADLAB_LIBS_LOAD
  const size_t v = out.libs.cudnnGetVersion();
  if (v / 10000 != CUDNN_MAJOR)
    out.why = "cuDNN " + std::to_string(v / 10000) + "." + std::to_string(v / 100 % 100) +
              " does not match: Gradlab was built with cuDNN " + std::to_string(CUDNN_MAJOR) + "." +
              std::to_string(CUDNN_MINOR);
  return out;
}

const Loaded& loaded() {
  static const Loaded l = load();  // once; the libraries stay loaded for the process
  return l;
}
}  // namespace

const Libs* loadLibs(std::string& why) {
  why = loaded().why;
  return why.empty() ? &loaded().libs : nullptr;
}

const Libs& libs() {
  if (!loaded().why.empty()) throw Error("cuda: " + loaded().why);
  return loaded().libs;
}

}  // namespace gradlab::cuda
