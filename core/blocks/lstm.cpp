#include "blocks/lstm.h"

namespace gradlab {

LstmBlock::LstmBlock(const BlockArgs& a) : RecurrentBlock(a, 4) {}

void LstmBlock::resize(int64_t batch) {
  RecurrentBlock::resize(batch);
  allocate(gates_, 4 * H_, /*projection=*/true);
  allocate(cells_, H_);
  allocate(delta_, 4 * H_);
  dc_ = be_.empty({B_, H_}, dtype_);
}

// a_t = W_ih·x_t + b_ih + b_hh (already in gates_) + W_hh·h_{t−1}   (all four gates, [n, 4H])
// i, f, g, o = σ, σ, tanh, σ of a_t;  c_t = f⊙c_{t−1} + i⊙g;  h_t = o⊙tanh(c_t)
void LstmBlock::forwardLane(size_t l) {
  auto& a = gates_.step[l];
  auto& c = cells_.step[l];
  auto& h = hs_.step[l];
  const Tensor zero = laneRows(zeros_, l);
  for (size_t t = 0; t < size_t(T_); ++t) {
    if (t > 0) be_.gemm(false, true, 1.0, h[t - 1], weightHh(), 1.0, a[t]);
    be_.lstmCellForward(a[t], t > 0 ? c[t - 1] : zero, c[t], h[t]);
  }
}

// ∂L/∂h_t = (∂L/∂out)_t + δ_{t+1}·W_hh;  δ_t and dc_{t−1} from the cell (lstm.h)
void LstmBlock::backwardLane(size_t l) {
  auto& a = gates_.step[l];
  auto& c = cells_.step[l];
  auto& dh = dhs_.step[l];
  auto& delta = delta_.step[l];
  const Tensor zero = laneRows(zeros_, l);
  Tensor dc = laneRows(dc_, l);
  be_.fill(dc, 0.0);  // nothing flows back from after the last step
  for (size_t t = size_t(T_); t-- > 0;) {
    be_.lstmCellBackward(a[t], t > 0 ? c[t - 1] : zero, c[t], dh[t], dc, delta[t]);
    if (t > 0) be_.gemm(false, false, 1.0, delta[t], weightHh(), dhsBeta(), dh[t - 1]);
  }
}

void LstmBlock::internals(std::vector<std::pair<std::string, Tensor>>& out) const {
  if (B_ == 0) return;
  const char* names[] = {"gates.i", "gates.f", "gates.g", "gates.o"};
  for (int k = 0; k < 4; ++k) out.emplace_back(names[k], batchMajor(gates_, k * H_));
  out.emplace_back("cell", batchMajor(cells_, 0));
  out.emplace_back("hidden", batchMajor(hs_, 0));
}

BlockInfo lstmInfo() {
  BlockInfo info = recurrentInfo(
      "LSTM", 4, "cₜ = fₜ⊙cₜ₋₁ + iₜ⊙gₜ,  hₜ = oₜ⊙tanh(cₜ)",
      "Long short-term memory: gates decide what the cell forgets (f), takes in (i, g) and "
      "shows (o), so it can keep information over long lags.",
      {{"forget_bias", ParamInfo::Kind::Float, 0.0, {}, -10, 10,
        "added to the forget gate's bias at initialisation (rows H to 2H of bias_ih_l0): 1 starts "
        "with f ≈ σ(1) ≈ 0.73, holding the cell longer (Jozefowicz et al. 2015); 0 is PyTorch's "
        "init"}});
  // forget_bias b: bias_ih_l0[H:2H] += b after the draw, as in PyTorch
  //   with torch.no_grad(): lstm.bias_ih_l0[H:2 * H] += b
  const auto decls = info.paramDecls;
  info.paramDecls = [decls](const BlockSpec& s, const std::vector<Shape>& in) {
    std::vector<ParamDecl> p = decls(s, in);
    const int64_t H = paramInt(s, "units");
    for (ParamDecl& d : p) {
      if (d.name != "bias_ih_l0") continue;
      d.shift = paramFloat(s, "forget_bias");
      d.shiftBegin = H, d.shiftEnd = 2 * H;
    }
    return p;
  };
  info.create = [](const BlockArgs& a) { return std::make_unique<LstmBlock>(a); };
  return info;
}

}  // namespace gradlab
