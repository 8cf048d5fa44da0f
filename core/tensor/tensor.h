#pragma once
// Tensor: a shape, an element type and a view into storage that a Backend owns.
//
// A Tensor never exposes a pointer: all work on it goes through its Backend (core/backend/
// backend.h), so the same block code runs on the CPU and on a GPU. Copies are shallow (views
// share storage); host copies are explicit (toHost / fromHost).
//
//   Backend& be = cpuBackend();
//   Tensor w = be.empty({4, 2}, DType::F32);   // storage on the backend
//   w.fromHost(std::vector<float>{...});        // explicit host -> backend copy
//   Tensor row = w.slice(1, 2);                 // rows [1, 2) of w, a view
//   std::vector<double> h = w.toHost();         // explicit backend -> host copy
#include <memory>
#include <span>
#include <vector>

#include "tensor/shape.h"

namespace gradlab {

enum class DType : uint8_t { F32, F64 };

inline size_t sizeOf(DType t) { return t == DType::F32 ? 4 : 8; }
inline const char* toString(DType t) { return t == DType::F32 ? "f32" : "f64"; }

class Backend;

// Storage owned by a backend (host memory for cpu, device memory for cuda).
struct Buffer {
  virtual ~Buffer() = default;
  Backend* backend = nullptr;
  size_t bytes = 0;
};

class Tensor {
 public:
  Tensor() = default;
  Tensor(std::shared_ptr<Buffer> buffer, Shape shape, DType dtype, int64_t offset = 0);

  bool defined() const { return buffer_ != nullptr; }
  const Shape& shape() const { return shape_; }
  int rank() const { return int(shape_.size()); }
  int64_t dim(int i) const { return shape_[size_t(i)]; }
  int64_t numel() const { return gradlab::numel(shape_); }
  DType dtype() const { return dtype_; }
  Backend& backend() const { return *buffer_->backend; }
  Buffer* buffer() const { return buffer_.get(); }
  // Offset of the first element in the buffer, in elements.
  int64_t offset() const { return offset_; }

  // As a matrix: rows = first extent, cols = the rest (a [B, C, H, W] tensor is B × CHW).
  int64_t rows() const { return shape_.empty() ? 1 : shape_[0]; }
  int64_t cols() const { return shape_.empty() ? 1 : numel() / std::max<int64_t>(1, shape_[0]); }

  // The same elements under another shape with the same element count.
  Tensor reshaped(const Shape& shape) const;
  // Rows [begin, end) of the first extent.
  Tensor slice(int64_t begin, int64_t end) const;

  std::vector<double> toHost() const;
  std::vector<float> toHostF32() const;
  void fromHost(std::span<const double> values);
  void fromHost(std::span<const float> values);

 private:
  std::shared_ptr<Buffer> buffer_;
  Shape shape_;
  DType dtype_ = DType::F32;
  int64_t offset_ = 0;
};

}  // namespace gradlab
