#include "backend/cuda/cuda_check.h"

#include <map>
#include <mutex>
#include <string>

namespace gradlab::cuda {

namespace {
std::mutex lostMutex;
std::map<int, std::string> lostDevices;  // device -> the error that lost it

// A sticky error poisons the current device's context for the rest of the process: remember
// it, so that the next try says so instead of failing again somewhere else.
void rememberIfLost(bool sticky, const std::string& what) {
  int device = -1;
  if (!sticky || cudaGetDevice(&device) != cudaSuccess) return;
  std::lock_guard lock(lostMutex);
  lostDevices.emplace(device, what);
}

// cuBLAS and cuDNN report a failed kernel as their own status: whether the context itself
// is gone, the runtime's pending error says.
bool contextLost() { return isSticky(cudaPeekAtLastError()); }

std::string where(const char* call, const char* file, int line) {
  std::string f = file;
  const auto slash = f.rfind('/');
  if (slash != std::string::npos) f = f.substr(slash + 1);
  return std::string(call) + " at " + f + ":" + std::to_string(line);
}
}  // namespace

const char* describe(cudaError_t e) {
  switch (e) {
    case cudaErrorMemoryAllocation: return "out of GPU memory";
    case cudaErrorLaunchOutOfResources:
      return "a kernel launch asked for more resources than the GPU has";
    case cudaErrorIllegalAddress: return "an illegal memory access on the GPU";
    case cudaErrorLaunchFailure: return "a kernel launch failed on the GPU";
    case cudaErrorLaunchTimeout: return "a kernel ran too long and was stopped (display watchdog)";
    case cudaErrorECCUncorrectable: return "an uncorrectable ECC memory error on the GPU";
    case cudaErrorNoDevice: return "no CUDA device found";
    case cudaErrorInsufficientDriver: return "the NVIDIA driver is missing or too old";
    case cudaErrorNoKernelImageForDevice:
      return "the GPU is not supported by this build (no kernel image for it)";
    case cudaErrorDevicesUnavailable: return "the GPU is busy or unavailable (exclusive mode?)";
    case cudaErrorStreamCaptureInvalidated:
    case cudaErrorStreamCaptureUnsupported: return "a CUDA graph capture failed";
    default: return "a CUDA error";
  }
}

bool isSticky(cudaError_t e) {
  switch (e) {
    case cudaErrorIllegalAddress:
    case cudaErrorLaunchFailure:
    case cudaErrorLaunchTimeout:
    case cudaErrorECCUncorrectable:
    case cudaErrorHardwareStackError:
    case cudaErrorIllegalInstruction:
    case cudaErrorMisalignedAddress:
    case cudaErrorInvalidAddressSpace:
    case cudaErrorInvalidPc:
    case cudaErrorAssert:
    case cudaErrorTensorMemoryLeak:
    case cudaErrorMpsClientTerminated:
    case cudaErrorUnknown: return true;
    default: return false;
  }
}

void throwCuda(cudaError_t e, const char* call, const char* file, int line) {
  // Clear it: CUDA_CHECK_LAUNCH reads cudaGetLastError, which would otherwise report this
  // error again at the next launch (say, in the plain rerun of a step whose recording failed).
  (void)cudaGetLastError();
  const std::string cause = describe(e);
  const std::string msg = cause + " (" + cudaGetErrorName(e) + ": " + cudaGetErrorString(e) +
                          ", in " + where(call, file, line) + ")";
  rememberIfLost(isSticky(e), msg);
  throw DeviceError(cause, msg, isSticky(e));
}

std::string lostBecause(int device) {
  std::lock_guard lock(lostMutex);
  auto it = lostDevices.find(device);
  return it == lostDevices.end() ? std::string() : it->second;
}

void throwCublas(cublasStatus_t s, const char* call, const char* file, int line) {
  const std::string cause =
      s == CUBLAS_STATUS_ALLOC_FAILED ? "out of GPU memory" : "a cuBLAS call failed";
  const std::string msg = cause + " (" + libs().cublasGetStatusName(s) + ": " +
                          libs().cublasGetStatusString(s) + ", in " + where(call, file, line) + ")";
  const bool lost = contextLost();
  rememberIfLost(lost, msg);
  throw DeviceError(cause, msg, lost);
}

void throwCudnn(cudnnStatus_t s, const char* call, const char* file, int line) {
  std::string cause = "a cuDNN call failed";
  if (s == CUDNN_STATUS_INTERNAL_ERROR_DEVICE_ALLOCATION_FAILED) cause = "out of GPU memory";
  if (s == CUDNN_STATUS_SUBLIBRARY_LOADING_FAILED ||
      s == CUDNN_STATUS_NOT_SUPPORTED_SUBLIBRARY_UNAVAILABLE)
    cause = "a cuDNN library is missing (libcudnn_*.so.9)";
  char detail[512] = {};
  libs().cudnnGetLastErrorString(detail, sizeof detail);
  std::string msg =
      cause + " (" + libs().cudnnGetErrorString(s) + ", in " + where(call, file, line);
  if (detail[0]) msg += std::string(": ") + detail;
  const bool lost = contextLost();
  rememberIfLost(lost, msg + ")");
  throw DeviceError(cause, msg + ")", lost);
}

}  // namespace gradlab::cuda
