#pragma once
// cuDNN descriptors owned by small RAII holders, and the cached plan of one convolution shape:
// its descriptors and the algorithm cuDNN's heuristics chose for each of the three passes
// (cudnnGet*Algorithm_v7: ranked by expected speed, no trial runs; Gradlab prefers, in order,
// algorithms that succeed, use plain FMA arithmetic (no TF32, so results match the cpu to
// float precision; GRADLAB_CUDA_TF32=1 allows tensor cores), are deterministic, and need at
// most 256 MiB of workspace).
#include <cudnn.h>

#include <cstdint>

#include "backend/conv_geometry.h"
#include "backend/cuda/cuda_check.h"

namespace gradlab::cuda {

struct TensorDesc {
  cudnnTensorDescriptor_t d = nullptr;
  TensorDesc() { CUDNN_CHECK(libs().cudnnCreateTensorDescriptor(&d)); }
  ~TensorDesc() { libs().cudnnDestroyTensorDescriptor(d); }
  TensorDesc(const TensorDesc&) = delete;
  TensorDesc& operator=(const TensorDesc&) = delete;
  // A float NCHW tensor.
  void set(int64_t n, int64_t c, int64_t h, int64_t w);
  operator cudnnTensorDescriptor_t() const { return d; }
};

struct FilterDesc {
  cudnnFilterDescriptor_t d = nullptr;
  FilterDesc() { CUDNN_CHECK(libs().cudnnCreateFilterDescriptor(&d)); }
  ~FilterDesc() { libs().cudnnDestroyFilterDescriptor(d); }
  FilterDesc(const FilterDesc&) = delete;
  FilterDesc& operator=(const FilterDesc&) = delete;
  operator cudnnFilterDescriptor_t() const { return d; }
};

struct ConvDesc {
  cudnnConvolutionDescriptor_t d = nullptr;
  ConvDesc() { CUDNN_CHECK(libs().cudnnCreateConvolutionDescriptor(&d)); }
  ~ConvDesc() { libs().cudnnDestroyConvolutionDescriptor(d); }
  ConvDesc(const ConvDesc&) = delete;
  ConvDesc& operator=(const ConvDesc&) = delete;
  operator cudnnConvolutionDescriptor_t() const { return d; }
};

struct PoolDesc {
  cudnnPoolingDescriptor_t d = nullptr;
  PoolDesc() { CUDNN_CHECK(libs().cudnnCreatePoolingDescriptor(&d)); }
  ~PoolDesc() { libs().cudnnDestroyPoolingDescriptor(d); }
  PoolDesc(const PoolDesc&) = delete;
  PoolDesc& operator=(const PoolDesc&) = delete;
  operator cudnnPoolingDescriptor_t() const { return d; }
};

// One convolution shape (geometry and batch), planned once (CudaBackend::convPlan).
struct ConvPlan {
  TensorDesc x, y;
  FilterDesc w;
  ConvDesc conv;
  cudnnConvolutionFwdAlgo_t fwd{};
  cudnnConvolutionBwdDataAlgo_t bwdData{};
  cudnnConvolutionBwdFilterAlgo_t bwdFilter{};
  cudnnMathType_t fwdMath{}, bwdDataMath{}, bwdFilterMath{};
  size_t fwdBytes = 0, bwdDataBytes = 0, bwdFilterBytes = 0;

  ConvPlan(cudnnHandle_t handle, const Conv2dGeometry& g, int64_t batch);
};

}  // namespace gradlab::cuda
