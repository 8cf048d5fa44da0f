#include "blocks/recurrent.h"

namespace gradlab {

RecurrentBlock::RecurrentBlock(const BlockArgs& a, int gates)
    : Block(a), gateCount_(gates), T_(a.inShapes[0][0]), I_(a.inShapes[0][1]),
      H_(paramInt(a.spec, "units")), returnSequences_(paramBool(a.spec, "return_sequences")) {}

void RecurrentBlock::resize(int64_t batch) {
  B_ = batch;
  xs_ = be_.empty({T_, B_, I_}, dtype_);
  dxs_ = be_.empty({T_, B_, I_}, dtype_);
  hs_ = be_.empty({T_, B_, H_}, dtype_);
  dhs_ = be_.empty({T_, B_, H_}, dtype_);
  bias_ = be_.empty({gateCount_ * H_}, dtype_);
  zeros_ = be_.zeros({B_, H_}, dtype_);
  hStep_ = steps(hs_);
  dhStep_ = steps(dhs_);
}

std::vector<Tensor> RecurrentBlock::steps(const Tensor& timeMajor) const {
  const int64_t width = timeMajor.numel() / (T_ * B_);
  std::vector<Tensor> out;
  out.reserve(size_t(T_));
  for (int64_t t = 0; t < T_; ++t) out.push_back(timeMajor.slice(t, t + 1).reshaped({B_, width}));
  return out;
}

// xs = x as [T, B, I];  xp = xs·W_ihᵀ + (b_ih + b_hh)
void RecurrentBlock::project(const Tensor& x, Tensor& xp) {
  be_.transpose01(x, xs_, /*accumulate=*/false);
  Tensor p = xp.reshaped({T_ * B_, gateCount_ * H_});
  be_.gemm(false, true, 1.0, xs_.reshaped({T_ * B_, I_}), weightIh(), 0.0, p);
  be_.copy(params_[2].value, bias_);
  be_.axpy(1.0, params_[3].value, bias_);
  be_.addRowVector(p, bias_);
}

void RecurrentBlock::writeOutput(Tensor& out) {
  if (returnSequences_)
    be_.transpose01(hs_, out, /*accumulate=*/false);
  else
    be_.copy(hStep_[size_t(T_ - 1)], out);
}

void RecurrentBlock::readOutputGrad(const Tensor& dout) {
  if (returnSequences_)
    be_.transpose01(dout, dhs_, /*accumulate=*/false);
  else
    be_.copy(dout, dhStep_[size_t(T_ - 1)]);
}

// ∂L/∂W_ih = δᵀ·xs;  ∂L/∂W_hh = Σ_{t≥1} δ_tᵀ·h_{t−1};  ∂L/∂b_ih = ∂L/∂b_hh = Σ δ;  ∂L/∂xs = δ·W_ih
void RecurrentBlock::backwardWeights(const Tensor& delta, std::span<Tensor> din) {
  const int64_t G = gateCount_ * H_;
  const Tensor d = delta.reshaped({T_ * B_, G});
  be_.gemm(true, false, 1.0, d, xs_.reshaped({T_ * B_, I_}), 0.0, params_[0].grad);
  if (T_ > 1)
    be_.gemm(true, false, 1.0, d.slice(B_, T_ * B_),
             hs_.reshaped({T_ * B_, H_}).slice(0, (T_ - 1) * B_), 0.0, params_[1].grad);
  else
    be_.fill(params_[1].grad, 0.0);
  be_.sumRows(d, 0.0, params_[2].grad);
  be_.copy(params_[2].grad, params_[3].grad);
  if (din[0].defined()) {
    Tensor dxs = dxs_.reshaped({T_ * B_, I_});
    be_.gemm(false, false, 1.0, d, weightIh(), 0.0, dxs);
    addInputGrad(din);
  }
}

void RecurrentBlock::addInputGrad(std::span<Tensor> din) {
  be_.transpose01(dxs_, din[0], /*accumulate=*/true);
}

Tensor RecurrentBlock::batchMajor(const Tensor& timeMajor, int64_t width, int64_t col) const {
  Tensor tm = timeMajor;
  if (width != H_) {
    tm = be_.empty({T_, B_, H_}, dtype_);
    be_.copyColumns(timeMajor, width, col, tm, H_, 0, T_ * B_, H_, /*accumulate=*/false);
  }
  Tensor out = be_.empty({B_, T_, H_}, dtype_);
  be_.transpose01(tm.reshaped({T_, B_, H_}), out, /*accumulate=*/false);
  return out;
}

BlockInfo recurrentInfo(const std::string& type, int gates, const std::string& formula,
                        const std::string& help, std::vector<ParamInfo> extra) {
  using K = ParamInfo::Kind;
  BlockInfo info;
  info.type = type;
  info.category = "Recurrent";
  info.formula = formula;
  info.help = help;
  info.params = {
      {"units", K::Int, nullptr, {}, 1, 1e5, "size H of the hidden state"},
      {"return_sequences", K::Bool, false, {}, 0, 0,
       "output the hidden state of every step ([time, units]) instead of the last ([units])"},
  };
  for (auto& p : extra) info.params.push_back(std::move(p));
  info.infer = [type](const BlockSpec& s, const std::vector<Shape>& in) -> Shape {
    if (in[0].size() != 2)
      throw Error(type + " expects a sequence [time, features], got " + toString(in[0]) +
                  (in[0].size() == 1
                       ? " — give the Input block a shape such as [" + std::to_string(in[0][0]) +
                             ", 1] (" + std::to_string(in[0][0]) + " steps of one feature)"
                       : " — insert Reshape to make it [time, features]"));
    const int64_t units = paramInt(s, "units");
    if (paramBool(s, "return_sequences")) return {in[0][0], units};
    return {units};
  };
  info.paramDecls = [gates](const BlockSpec& s, const std::vector<Shape>& in) {
    const int64_t H = paramInt(s, "units"), I = in[0][1], G = gates * H;
    // "uniform" draws U(−1/√fanIn, 1/√fanIn): fanIn = H gives PyTorch's U(−1/√H, 1/√H).
    return std::vector<ParamDecl>{
        {"weight_ih_l0", {G, I}, "uniform", H, G},
        {"weight_hh_l0", {G, H}, "uniform", H, G},
        {"bias_ih_l0", {G}, "uniform", H, G, /*penalised=*/false},
        {"bias_hh_l0", {G}, "uniform", H, G, /*penalised=*/false},
    };
  };
  return info;
}

}  // namespace gradlab
