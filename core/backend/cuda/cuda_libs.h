#pragma once
// cuBLAS and cuDNN, loaded with dlopen when a GPU backend first needs them — not linked — so
// that a Gradlab built with CUDA starts as fast on a machine without a GPU as one built
// without (linking them costs every process, GPU or not, ~0.3 s and ~250 MB of mapped
// libraries), and so that a missing or too old cuDNN is a clear message, not a loader error.
// The CUDA runtime itself is linked statically (it loads the driver, libcuda.so.1, itself).
//
// Calls go through a table whose members carry the libraries' own names and types:
//   CUDNN_CHECK(libs().cudnnConvolutionForward(...));
//   CUBLAS_CHECK(libs().cublasSgemm(...));   // cublas_v2.h maps the name to cublasSgemm_v2
#include <cublas_v2.h>
#include <cudnn.h>

#include <string>

namespace gradlab::cuda {

// clang-format off
#define GRADLAB_CUBLAS_API(X) \
  X(cublasCreate_v2)          \
  X(cublasDestroy_v2)         \
  X(cublasSetStream_v2)       \
  X(cublasSetWorkspace_v2)    \
  X(cublasSgemm_v2)           \
  X(cublasGetStatusName)      \
  X(cublasGetStatusString)

#define GRADLAB_CUDNN_API(X)                        \
  X(cudnnGetVersion)                                \
  X(cudnnGetErrorString)                            \
  X(cudnnGetLastErrorString)                        \
  X(cudnnCreate)                                    \
  X(cudnnDestroy)                                   \
  X(cudnnSetStream)                                 \
  X(cudnnCreateTensorDescriptor)                    \
  X(cudnnDestroyTensorDescriptor)                   \
  X(cudnnSetTensor4dDescriptor)                     \
  X(cudnnCreateFilterDescriptor)                    \
  X(cudnnDestroyFilterDescriptor)                   \
  X(cudnnSetFilter4dDescriptor)                     \
  X(cudnnCreateConvolutionDescriptor)               \
  X(cudnnDestroyConvolutionDescriptor)              \
  X(cudnnSetConvolution2dDescriptor)                \
  X(cudnnSetConvolutionMathType)                    \
  X(cudnnGetConvolution2dForwardOutputDim)          \
  X(cudnnGetConvolutionForwardAlgorithm_v7)         \
  X(cudnnGetConvolutionBackwardDataAlgorithm_v7)    \
  X(cudnnGetConvolutionBackwardFilterAlgorithm_v7)  \
  X(cudnnGetConvolutionForwardWorkspaceSize)        \
  X(cudnnGetConvolutionBackwardDataWorkspaceSize)   \
  X(cudnnGetConvolutionBackwardFilterWorkspaceSize) \
  X(cudnnConvolutionForward)                        \
  X(cudnnConvolutionBackwardData)                   \
  X(cudnnConvolutionBackwardFilter)                 \
  X(cudnnConvolutionBackwardBias)                   \
  X(cudnnAddTensor)                                 \
  X(cudnnCreatePoolingDescriptor)                   \
  X(cudnnDestroyPoolingDescriptor)                  \
  X(cudnnSetPooling2dDescriptor)                    \
  X(cudnnPoolingForward)                            \
  X(cudnnPoolingBackward)                           \
  X(cudnnBatchNormalizationForwardTraining)         \
  X(cudnnBatchNormalizationForwardInference)        \
  X(cudnnBatchNormalizationBackward)
// clang-format on

struct Libs {
#define GRADLAB_LIBS_MEMBER(fn) decltype(&::fn) fn = nullptr;
  GRADLAB_CUBLAS_API(GRADLAB_LIBS_MEMBER)
  GRADLAB_CUDNN_API(GRADLAB_LIBS_MEMBER)
#undef GRADLAB_LIBS_MEMBER
};

// Loads both libraries once per process. Null with `why` set when one is missing or too old:
// "cuDNN 9 is not installed (libcudnn.so.9 not found: …)".
const Libs* loadLibs(std::string& why);
// The loaded table; only valid after loadLibs succeeded (every CudaBackend does that first).
const Libs& libs();

}  // namespace gradlab::cuda
