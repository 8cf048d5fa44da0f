#pragma once
// Error checks for every CUDA, cuBLAS and cuDNN call of the cuda backend — the one place they
// are defined:
//   CUDA_CHECK(cudaMemcpyAsync(...));
//   launchSomething<<<blocks, threads, 0, stream>>>(...); CUDA_CHECK_LAUNCH();
//   CUBLAS_CHECK(cublasSgemm(...));
//   CUDNN_CHECK(cudnnConvolutionForward(...));
// A failure throws DeviceError (backend/device_error.h) naming the cause in words ("out of GPU
// memory"), the CUDA error's name, the call and the source line — training stops cleanly, and
// the caller can continue on the cpu.
#include <cublas_v2.h>
#include <cuda_runtime_api.h>
#include <cudnn.h>

#include "backend/cuda/cuda_libs.h"
#include "backend/device_error.h"

namespace gradlab::cuda {

[[noreturn]] void throwCuda(cudaError_t error, const char* call, const char* file, int line);
[[noreturn]] void throwCublas(cublasStatus_t status, const char* call, const char* file, int line);
[[noreturn]] void throwCudnn(cudnnStatus_t status, const char* call, const char* file, int line);

// A short phrase for a CUDA error ("out of GPU memory", "an illegal memory access").
const char* describe(cudaError_t error);
// Whether the context is unusable after this error (sticky errors: every later call fails).
bool isSticky(cudaError_t error);
// Why the current thread's device was lost earlier in this process (a sticky error), or empty.
// A lost device stays lost until the process restarts: backendFor refuses it with this.
std::string lostBecause(int device);

}  // namespace gradlab::cuda

#define CUDA_CHECK(call)                                                  \
  do {                                                                    \
    const cudaError_t gradlabErr_ = (call);                               \
    if (gradlabErr_ != cudaSuccess)                                       \
      ::gradlab::cuda::throwCuda(gradlabErr_, #call, __FILE__, __LINE__); \
  } while (0)

// After a kernel launch: reports a bad launch configuration at once (failures inside the
// kernel surface at the next synchronising call).
#define CUDA_CHECK_LAUNCH() CUDA_CHECK(cudaGetLastError())

#define CUBLAS_CHECK(call)                                                 \
  do {                                                                     \
    const cublasStatus_t gradlabSt_ = (call);                              \
    if (gradlabSt_ != CUBLAS_STATUS_SUCCESS)                               \
      ::gradlab::cuda::throwCublas(gradlabSt_, #call, __FILE__, __LINE__); \
  } while (0)

#define CUDNN_CHECK(call)                                                 \
  do {                                                                    \
    const cudnnStatus_t gradlabSt_ = (call);                              \
    if (gradlabSt_ != CUDNN_STATUS_SUCCESS)                               \
      ::gradlab::cuda::throwCudnn(gradlabSt_, #call, __FILE__, __LINE__); \
  } while (0)
