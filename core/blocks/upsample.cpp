#include "blocks/upsample.h"

#include "blocks/conv2d.h"

namespace gradlab {

namespace {
// The convolution that upsampling transposes: one channel of H·f × W·f, an f×f kernel at
// stride f, no padding → one channel of H × W.
Conv2dGeometry upsampleGeometry(const Shape& in, int64_t f) {
  return conv2dGeometry(1, in[1] * f, in[2] * f, 1, f, f, 0);
}
}  // namespace

Upsample2DBlock::Upsample2DBlock(const BlockArgs& a)
    : Block(a), factor_(paramInt(a.spec, "factor")),
      g_(upsampleGeometry(a.inShapes.at(0), factor_)) {
  ones_ = be_.empty({1, 1, factor_, factor_}, dtype_);
  be_.fill(ones_, 1.0);
}

void Upsample2DBlock::resize(int64_t batch) {
  dx_ = be_.empty(withBatch(batch, inShapes_[0]), dtype_);
}

// y[n,c,i,j] = x[n,c,⌊i/f⌋,⌊j/f⌋]   (x's planes transposed-convolved with K, stride f)
void Upsample2DBlock::forward(std::span<const Tensor> in, Tensor& out, bool) {
  const int64_t planes = in[0].dim(0) * inShapes_[0][0];
  Tensor y = out.reshaped({planes, 1, g_.inH, g_.inW});
  be_.conv2dBackwardData(ones_, in[0].reshaped({planes, 1, g_.outH, g_.outW}), g_, y,
                         /*accumulate=*/false);
}

// ∂L/∂x[n,c,h,v] += Σ_{p,q<f} ∂L/∂y[n,c,h·f+p,v·f+q]   (∂L/∂y's planes convolved with K)
void Upsample2DBlock::backward(std::span<const Tensor>, const Tensor&, const Tensor& dout,
                               std::span<Tensor> din) {
  if (!din[0].defined()) return;
  const int64_t planes = dout.dim(0) * inShapes_[0][0];
  Tensor dx = dx_.reshaped({planes, 1, g_.outH, g_.outW});
  be_.conv2dForward(dout.reshaped({planes, 1, g_.inH, g_.inW}), ones_, g_, dx);
  be_.axpy(1.0, dx_, din[0]);
}

BlockInfo upsample2dInfo() {
  using K = ParamInfo::Kind;
  BlockInfo info;
  info.type = "Upsample2D";
  info.category = "Convolution";
  info.formula = "y[c, i, j] = x[c, ⌊i/f⌋, ⌊j/f⌋]";
  info.help = "Makes the image f times larger by repeating every pixel f×f times (nearest "
              "neighbour): the decoder's way back up from a small code.";
  info.params = {
      {"factor", K::Int, 2, {}, 1, 64, "f: each pixel becomes an f×f square"},
  };
  info.infer = [](const BlockSpec& s, const std::vector<Shape>& in) -> Shape {
    requireImage(in[0]);
    const int64_t f = paramInt(s, "factor");
    return {in[0][0], in[0][1] * f, in[0][2] * f};
  };
  info.paramDecls = [](const BlockSpec&, const std::vector<Shape>&) {
    return std::vector<ParamDecl>{};
  };
  info.create = [](const BlockArgs& a) { return std::make_unique<Upsample2DBlock>(a); };
  return info;
}

}  // namespace gradlab
