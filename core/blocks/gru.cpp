#include "blocks/gru.h"

namespace gradlab {

GruBlock::GruBlock(const BlockArgs& a) : RecurrentBlock(a, 3) {}

void GruBlock::resize(int64_t batch) {
  RecurrentBlock::resize(batch);
  allocate(xp_, 3 * H_, /*projection=*/true);
  allocate(rz_, 2 * H_);
  allocate(g_, H_);
  allocate(rh_, H_);
  allocate(drz_, 2 * H_);
  allocate(dg_, H_);
  hh_ = be_.empty({B_, 2 * H_}, dtype_);
  hg_ = be_.empty({B_, H_}, dtype_);
  drh_ = be_.empty({B_, H_}, dtype_);
  dh0_ = be_.empty({B_, H_}, dtype_);
}

// [r z] = σ(xp_rz + h_{t−1}·[W_hr; W_hz]ᵀ);  g = tanh(xp_g + (r⊙h_{t−1})·W_hgᵀ);
// h_t = z⊙h_{t−1} + (1 − z)⊙g        (xp = W_ih·x_t + b_ih + b_hh, already in xp_)
void GruBlock::forwardLane(size_t l) {
  const Tensor Wrz = weightHh().slice(0, 2 * H_), Wg = weightHh().slice(2 * H_, 3 * H_);
  auto& xp = xp_.step[l];
  auto& rz = rz_.step[l];
  auto& g = g_.step[l];
  auto& rh = rh_.step[l];
  auto& h = hs_.step[l];
  Tensor hh = laneRows(hh_, l), hg = laneRows(hg_, l);
  const Tensor zero = laneRows(zeros_, l);
  for (size_t t = 0; t < size_t(T_); ++t) {
    const Tensor& hPrev = t > 0 ? h[t - 1] : zero;
    if (t > 0) be_.gemm(false, true, 1.0, hPrev, Wrz, 0.0, hh);
    else be_.fill(hh, 0.0);  // h_0 = 0
    be_.gruGatesForward(xp[t], hh, hPrev, rz[t], rh[t]);
    if (t > 0) be_.gemm(false, true, 1.0, rh[t], Wg, 0.0, hg);
    else be_.fill(hg, 0.0);
    be_.gruCandidateForward(xp[t], hg, rz[t], hPrev, g[t], h[t]);
  }
}

// Per step, from ∂L/∂h_t: δ_z, δ_g; ∂L/∂(r⊙h_{t−1}) = δ_g·W_hg; δ_r; ∂L/∂h_{t−1} (gru.h)
void GruBlock::backwardLane(size_t l) {
  const Tensor Wrz = weightHh().slice(0, 2 * H_), Wg = weightHh().slice(2 * H_, 3 * H_);
  auto& rz = rz_.step[l];
  auto& g = g_.step[l];
  auto& h = hs_.step[l];
  auto& dh = dhs_.step[l];
  auto& drz = drz_.step[l];
  auto& dg = dg_.step[l];
  Tensor drh = laneRows(drh_, l), dh0 = laneRows(dh0_, l);
  const Tensor zero = laneRows(zeros_, l);
  for (size_t t = size_t(T_); t-- > 0;) {
    const Tensor& hPrev = t > 0 ? h[t - 1] : zero;
    Tensor& dhPrev = t > 0 ? dh[t - 1] : dh0;
    be_.gruCandidateBackward(dh[t], rz[t], g[t], hPrev, drz[t], dg[t]);
    be_.gemm(false, false, 1.0, dg[t], Wg, 0.0, drh);
    be_.gruResetBackward(dh[t], drh, rz[t], hPrev, drz[t], dhPrev,
                         /*accumulate=*/t > 0 && returnSequences_);
    if (t > 0) be_.gemm(false, false, 1.0, drz[t], Wrz, 1.0, dhPrev);
  }
}

// Rows [0, 2H) of the weights are r and z, [2H, 3H) are g:
//   ∂L/∂W_ih = Σ_t [δ_r δ_z δ_g]_tᵀ·x_t,  ∂L/∂[W_hr; W_hz] = Σ_{t≥1} [δ_r δ_z]_tᵀ·h_{t−1},
//   ∂L/∂W_hg = Σ_t δ_g,tᵀ·(r_t⊙h_{t−1}) (rh_0 = 0),  ∂L/∂b_ih = Σ [δ_r δ_z δ_g]
void GruBlock::weightGradsLane(size_t l, std::span<Tensor> grad) {
  const int64_t H = H_, n = drz_.step[l][0].rows();
  const Tensor& drz = drz_.lane[l];
  const Tensor& dg = dg_.lane[l];
  const Tensor& xs = xs_.lane[l];
  Tensor dWihRz = grad[0].slice(0, 2 * H), dWihG = grad[0].slice(2 * H, 3 * H);
  Tensor dWhhRz = grad[1].slice(0, 2 * H), dWhhG = grad[1].slice(2 * H, 3 * H);
  Tensor dbRz = grad[2].slice(0, 2 * H), dbG = grad[2].slice(2 * H, 3 * H);
  be_.gemm(true, false, 1.0, drz, xs, 0.0, dWihRz);
  be_.gemm(true, false, 1.0, dg, xs, 0.0, dWihG);
  if (T_ > 1)
    be_.gemm(true, false, 1.0, drz.slice(n, T_ * n), hs_.lane[l].slice(0, (T_ - 1) * n), 0.0,
             dWhhRz);
  else
    be_.fill(dWhhRz, 0.0);
  be_.gemm(true, false, 1.0, dg, rh_.lane[l], 0.0, dWhhG);
  be_.sumRows(drz, 0.0, dbRz);
  be_.sumRows(dg, 0.0, dbG);
}

// ∂L/∂x_t = [δ_r δ_z]_t·[W_ir; W_iz] + δ_g,t·W_ig
void GruBlock::inputGradLane(size_t l, Tensor& dxs) {
  be_.gemm(false, false, 1.0, drz_.lane[l], weightIh().slice(0, 2 * H_), 0.0, dxs);
  be_.gemm(false, false, 1.0, dg_.lane[l], weightIh().slice(2 * H_, 3 * H_), 1.0, dxs);
}

void GruBlock::internals(std::vector<std::pair<std::string, Tensor>>& out) const {
  if (B_ == 0) return;
  out.emplace_back("gates.z", batchMajor(rz_, H_));
  out.emplace_back("gates.r", batchMajor(rz_, 0));
  out.emplace_back("gates.g", batchMajor(g_, 0));
  out.emplace_back("hidden", batchMajor(hs_, 0));
}

BlockInfo gruInfo() {
  BlockInfo info = recurrentInfo(
      "GRU", 3, "hₜ = zₜ⊙hₜ₋₁ + (1 − zₜ)⊙tanh(W·[rₜ⊙hₜ₋₁, xₜ] + b)",
      "Gated recurrent unit: an update gate z mixes the old state with a candidate computed "
      "from the reset (r) part of it; fewer parameters than an LSTM.");
  info.create = [](const BlockArgs& a) { return std::make_unique<GruBlock>(a); };
  return info;
}

}  // namespace gradlab
