#include "blocks/merge.h"

namespace gradlab {

// y = Σᵢ xᵢ
void AddBlock::forward(std::span<const Tensor> in, Tensor& out, bool) {
  be_.copy(in[0], out);
  for (size_t i = 1; i < in.size(); ++i) be_.axpy(1.0, in[i], out);
}

// ∂L/∂xᵢ += ∂L/∂y
void AddBlock::backward(std::span<const Tensor>, const Tensor&, const Tensor& dout,
                        std::span<Tensor> din) {
  for (auto& d : din)
    if (d.defined()) be_.axpy(1.0, dout, d);
}

int concatAxis(size_t rank) { return rank == 2 ? 1 : 0; }

// Rows of the 2-D view: batch × the extents before the concat axis.
int64_t ConcatBlock::rows(int64_t batch) const {
  int64_t r = batch;
  const int axis = concatAxis(outShape_.size());
  for (int a = 0; a < axis; ++a) r *= outShape_[size_t(a)];
  return r;
}

// Columns of input i in that view: its extents from the concat axis on.
int64_t ConcatBlock::cols(size_t i) const {
  const Shape& s = inShapes_[i];
  int64_t c = 1;
  for (size_t a = size_t(concatAxis(s.size())); a < s.size(); ++a) c *= s[a];
  return c;
}

// y = [x₁, x₂, …]
void ConcatBlock::forward(std::span<const Tensor> in, Tensor& out, bool) {
  const int64_t r = rows(out.dim(0));
  int64_t total = 0;
  for (size_t i = 0; i < in.size(); ++i) total += cols(i);
  int64_t at = 0;
  for (size_t i = 0; i < in.size(); ++i) {
    be_.copyColumns(in[i], cols(i), 0, out, total, at, r, cols(i), false);
    at += cols(i);
  }
}

// ∂L/∂xᵢ += ∂L/∂y[:, slice i]
void ConcatBlock::backward(std::span<const Tensor>, const Tensor&, const Tensor& dout,
                           std::span<Tensor> din) {
  const int64_t r = rows(dout.dim(0));
  int64_t total = 0;
  for (size_t i = 0; i < din.size(); ++i) total += cols(i);
  int64_t at = 0;
  for (size_t i = 0; i < din.size(); ++i) {
    if (din[i].defined()) be_.copyColumns(dout, total, at, din[i], cols(i), 0, r, cols(i), true);
    at += cols(i);
  }
}

}  // namespace gradlab

namespace gradlab {

namespace {
std::vector<ParamDecl> noParams(const BlockSpec&, const std::vector<Shape>&) { return {}; }
}  // namespace

BlockInfo addInfo() {
  BlockInfo info;
  info.type = "Add";
  info.category = "Merge";
  info.formula = "y = x₁ + x₂ + …";
  info.help = "Sums two or more inputs of the same shape (a residual connection).";
  info.minInputs = 2;
  info.maxInputs = -1;
  info.infer = [](const BlockSpec&, const std::vector<Shape>& in) -> Shape {
    for (size_t i = 1; i < in.size(); ++i)
      if (in[i] != in[0])
        throw Error("inputs must have one shape, got " + toString(in[0]) + " and " +
                    toString(in[i]) + " — make the branches' outputs the same size");
    return in[0];
  };
  info.paramDecls = noParams;
  info.create = [](const BlockArgs& a) { return std::make_unique<AddBlock>(a); };
  return info;
}

BlockInfo concatInfo() {
  BlockInfo info;
  info.type = "Concat";
  info.category = "Merge";
  info.formula = "y = [x₁, x₂, …]";
  info.help = "Joins its inputs along the feature axis (channels for images).";
  info.minInputs = 2;
  info.maxInputs = -1;
  info.infer = [](const BlockSpec&, const std::vector<Shape>& in) -> Shape {
    Shape out = in[0];
    const size_t axis = size_t(concatAxis(out.size()));
    for (size_t i = 1; i < in.size(); ++i) {
      Shape a = in[i], b = in[0];
      if (a.size() != b.size())
        throw Error("inputs must have the same rank, got " + toString(in[0]) + " and " +
                    toString(in[i]));
      a[axis] = b[axis] = 0;
      if (a != b)
        throw Error("inputs must agree except along the joined axis, got " + toString(in[0]) +
                    " and " + toString(in[i]));
      out[axis] += in[i][axis];
    }
    return out;
  };
  info.paramDecls = noParams;
  info.create = [](const BlockArgs& a) { return std::make_unique<ConcatBlock>(a); };
  return info;
}

}  // namespace gradlab
