#include "blocks/recurrent.h"

namespace gradlab {

RecurrentBlock::RecurrentBlock(const BlockArgs& a, int gates)
    : Block(a), gateCount_(gates), T_(a.inShapes[0][0]), I_(a.inShapes[0][1]),
      H_(paramInt(a.spec, "units")), returnSequences_(paramBool(a.spec, "return_sequences")) {}

void RecurrentBlock::resize(int64_t batch) {
  B_ = batch;
  sequences_.clear();
  lanes_.clear();
  useLanes(be_.threads());
  allocate(xs_, I_);
  allocate(hs_, H_);
  allocate(dhs_, H_);
  allocate(dxs_, I_);
  bias_ = be_.empty({gateCount_ * H_}, dtype_);
  zeros_ = be_.zeros({B_, H_}, dtype_);
  partials_.clear();
}

void RecurrentBlock::allocate(Sequence& seq, int64_t width, bool projection) {
  seq.width = width;
  seq.all = be_.empty({T_ * B_, width}, dtype_);
  makeViews(seq);
  sequences_.push_back(&seq);
  if (projection) projection_ = &seq;
}

void RecurrentBlock::useLanes(int64_t lanes) {
  lanes = std::max<int64_t>(1, std::min(lanes, B_));
  if (int64_t(lanes_.size()) == lanes) return;
  lanes_.clear();
  for (int64_t l = 0; l < lanes; ++l) lanes_.emplace_back(B_ * l / lanes, B_ * (l + 1) / lanes);
  for (Sequence* seq : sequences_) makeViews(*seq);
}

void RecurrentBlock::makeViews(Sequence& seq) const {
  seq.lane.clear();
  seq.step.clear();
  for (const auto& [b0, b1] : lanes_) {
    const int64_t n = b1 - b0;
    seq.lane.push_back(seq.all.slice(T_ * b0, T_ * b1));
    auto& steps = seq.step.emplace_back();
    for (int64_t t = 0; t < T_; ++t) steps.push_back(seq.lane.back().slice(t * n, (t + 1) * n));
  }
}

Tensor RecurrentBlock::laneRows(const Tensor& t, size_t l) const {
  return t.slice(lanes_[l].first, lanes_[l].second);
}

// Per lane: xs = x time-major;  XP = xs·W_ihᵀ + (b_ih + b_hh);  the loop over time;
// out = h_T (or every h_t).
void RecurrentBlock::forward(std::span<const Tensor> in, Tensor& out, bool) {
  useLanes(be_.threads());
  be_.copy(params_[2].value, bias_);
  be_.axpy(1.0, params_[3].value, bias_);
  be_.forRowBlocks(int64_t(lanes_.size()), [&](int64_t l0, int64_t l1) {
    for (size_t l = size_t(l0); l < size_t(l1); ++l) {
      const int64_t n = lanes_[l].second - lanes_[l].first;
      Tensor xs = xs_.lane[l].reshaped({T_, n, I_});
      be_.transpose01(laneRows(in[0], l), xs, /*accumulate=*/false);
      be_.gemm(false, true, 1.0, xs_.lane[l], weightIh(), 0.0, projection_->lane[l]);
      be_.addRowVector(projection_->lane[l], bias_);
      forwardLane(l);
      Tensor o = laneRows(out, l);
      if (returnSequences_)
        be_.transpose01(hs_.lane[l].reshaped({T_, n, H_}), o, /*accumulate=*/false);
      else
        be_.copy(hs_.step[l][size_t(T_ - 1)], o);
    }
  });
}

// Per lane: dhs = ∂L/∂h_t from dout (every step with return_sequences, else only the last: the
// earlier steps are first written by the step after them, with beta 0); the loop backward;
// the lane's share of the weight gradients (lanes after the first into partials_, added up
// in lane order afterwards); ∂L/∂x.
void RecurrentBlock::backward(std::span<const Tensor>, const Tensor&, const Tensor& dout,
                              std::span<Tensor> din) {
  const size_t lanes = lanes_.size();
  if (partials_.size() != lanes - 1) {
    partials_.assign(lanes - 1, {});
    for (auto& part : partials_)
      for (size_t i = 0; i < 3; ++i) part.push_back(be_.empty(params_[i].decl.shape, dtype_));
  }
  std::vector<Tensor> grads{params_[0].grad, params_[1].grad, params_[2].grad};
  be_.forRowBlocks(int64_t(lanes), [&](int64_t l0, int64_t l1) {
    for (size_t l = size_t(l0); l < size_t(l1); ++l) {
      const int64_t n = lanes_[l].second - lanes_[l].first;
      Tensor dhs = dhs_.lane[l].reshaped({T_, n, H_});
      if (returnSequences_)
        be_.transpose01(laneRows(dout, l), dhs, /*accumulate=*/false);
      else
        be_.copy(laneRows(dout, l), dhs_.step[l][size_t(T_ - 1)]);
      backwardLane(l);
      weightGradsLane(l, l == 0 ? grads : partials_[l - 1]);
      if (din[0].defined()) {
        inputGradLane(l, dxs_.lane[l]);
        Tensor dx = laneRows(din[0], l);
        be_.transpose01(dxs_.lane[l].reshaped({T_, n, I_}), dx, /*accumulate=*/true);
      }
    }
  });
  for (const auto& part : partials_)
    for (size_t i = 0; i < 3; ++i) be_.axpy(1.0, part[i], grads[i]);
  be_.copy(params_[2].grad, params_[3].grad);  // ∂L/∂b_hh = ∂L/∂b_ih
}

// ∂L/∂W_ih = Σ_t δ_tᵀ·x_t;  ∂L/∂W_hh = Σ_{t≥1} δ_tᵀ·h_{t−1} (h_0 = 0);  ∂L/∂b_ih = Σ δ
void RecurrentBlock::weightGradsLane(size_t l, std::span<Tensor> g) {
  const int64_t n = lanes_[l].second - lanes_[l].first;
  const Tensor& d = delta_.lane[l];
  be_.gemm(true, false, 1.0, d, xs_.lane[l], 0.0, g[0]);
  if (T_ > 1)
    be_.gemm(true, false, 1.0, d.slice(n, T_ * n), hs_.lane[l].slice(0, (T_ - 1) * n), 0.0,
             g[1]);
  else
    be_.fill(g[1], 0.0);
  be_.sumRows(d, 0.0, g[2]);
}

// ∂L/∂x_t = δ_t·W_ih
void RecurrentBlock::inputGradLane(size_t l, Tensor& dxs) {
  be_.gemm(false, false, 1.0, delta_.lane[l], weightIh(), 0.0, dxs);
}

Tensor RecurrentBlock::batchMajor(const Sequence& seq, int64_t col) const {
  Tensor out = be_.empty({B_, T_, H_}, dtype_);
  for (size_t l = 0; l < lanes_.size(); ++l) {
    const int64_t n = lanes_[l].second - lanes_[l].first;
    Tensor src = seq.lane[l];
    if (seq.width != H_) {
      src = be_.empty({T_ * n, H_}, dtype_);
      be_.copyColumns(seq.lane[l], seq.width, col, src, H_, 0, T_ * n, H_, /*accumulate=*/false);
    }
    Tensor o = laneRows(out, l);
    be_.transpose01(src.reshaped({T_, n, H_}), o, /*accumulate=*/false);
  }
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
