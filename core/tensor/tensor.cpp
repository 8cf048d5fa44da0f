#include "tensor/tensor.h"

#include "backend/backend.h"
#include "util/error.h"

namespace gradlab {

Tensor::Tensor(std::shared_ptr<Buffer> buffer, Shape shape, DType dtype, int64_t offset)
    : buffer_(std::move(buffer)), shape_(std::move(shape)), dtype_(dtype), offset_(offset) {}

Tensor Tensor::reshaped(const Shape& shape) const {
  if (gradlab::numel(shape) != numel())
    throw Error("cannot view a " + toString(shape_) + " tensor as " + toString(shape));
  return Tensor(buffer_, shape, dtype_, offset_);
}

Tensor Tensor::slice(int64_t begin, int64_t end) const {
  if (shape_.empty() || begin < 0 || end > shape_[0] || begin > end)
    throw Error("slice [" + std::to_string(begin) + ", " + std::to_string(end) +
                ") is outside a " + toString(shape_) + " tensor");
  Shape s = shape_;
  s[0] = end - begin;
  const int64_t rowElems = shape_[0] ? numel() / shape_[0] : 0;
  return Tensor(buffer_, s, dtype_, offset_ + begin * rowElems);
}

std::vector<double> Tensor::toHost() const {
  std::vector<double> out(static_cast<size_t>(numel()));
  if (!out.empty()) backend().download(*this, out.data(), DType::F64);
  return out;
}

std::vector<float> Tensor::toHostF32() const {
  std::vector<float> out(static_cast<size_t>(numel()));
  if (!out.empty()) backend().download(*this, out.data(), DType::F32);
  return out;
}

void Tensor::fromHost(std::span<const double> values) {
  if (int64_t(values.size()) != numel())
    throw Error("fromHost: " + std::to_string(values.size()) + " values for a " +
                toString(shape_) + " tensor");
  if (!values.empty()) backend().upload(*this, values.data(), DType::F64);
}

void Tensor::fromHost(std::span<const float> values) {
  if (int64_t(values.size()) != numel())
    throw Error("fromHost: " + std::to_string(values.size()) + " values for a " +
                toString(shape_) + " tensor");
  if (!values.empty()) backend().upload(*this, values.data(), DType::F32);
}

}  // namespace gradlab
