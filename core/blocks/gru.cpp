#include "blocks/gru.h"

namespace gradlab {

GruBlock::GruBlock(const BlockArgs& a) : RecurrentBlock(a, 3) {}

void GruBlock::resize(int64_t batch) {
  RecurrentBlock::resize(batch);
  xp_ = be_.empty({T_, B_, 3 * H_}, dtype_);
  rz_ = be_.empty({T_, B_, 2 * H_}, dtype_);
  g_ = be_.empty({T_, B_, H_}, dtype_);
  rh_ = be_.empty({T_, B_, H_}, dtype_);
  drz_ = be_.empty({T_, B_, 2 * H_}, dtype_);
  dg_ = be_.empty({T_, B_, H_}, dtype_);
  hh_ = be_.empty({B_, 2 * H_}, dtype_);
  hg_ = be_.empty({B_, H_}, dtype_);
  drh_ = be_.empty({B_, H_}, dtype_);
  dh0_ = be_.empty({B_, H_}, dtype_);
  xpStep_ = steps(xp_);
  rzStep_ = steps(rz_);
  gStep_ = steps(g_);
  rhStep_ = steps(rh_);
  drzStep_ = steps(drz_);
  dgStep_ = steps(dg_);
}

// [r z] = σ(xp_rz + h_{t−1}·[W_hr; W_hz]ᵀ);  g = tanh(xp_g + (r⊙h_{t−1})·W_hgᵀ);
// h_t = z⊙h_{t−1} + (1 − z)⊙g
void GruBlock::forward(std::span<const Tensor> in, Tensor& out, bool) {
  project(in[0], xp_);  // the x_t part of every step's pre-activations at once
  const Tensor Wrz = weightHh().slice(0, 2 * H_), Wg = weightHh().slice(2 * H_, 3 * H_);
  // Samples are independent: each block of batch rows runs the whole loop over time.
  be_.forRowBlocks(B_, [&](int64_t b0, int64_t b1) {
    Tensor hh = hh_.slice(b0, b1), hg = hg_.slice(b0, b1), hPrev = zeros_.slice(b0, b1);
    for (size_t t = 0; t < size_t(T_); ++t) {
      const Tensor xp = xpStep_[t].slice(b0, b1);
      Tensor rz = rzStep_[t].slice(b0, b1), rh = rhStep_[t].slice(b0, b1);
      Tensor g = gStep_[t].slice(b0, b1), h = hStep_[t].slice(b0, b1);
      if (t > 0) be_.gemm(false, true, 1.0, hPrev, Wrz, 0.0, hh);
      else be_.fill(hh, 0.0);  // h_0 = 0
      be_.gruGatesForward(xp, hh, hPrev, rz, rh);
      if (t > 0) be_.gemm(false, true, 1.0, rh, Wg, 0.0, hg);
      else be_.fill(hg, 0.0);
      be_.gruCandidateForward(xp, hg, rz, hPrev, g, h);
      hPrev = h;
    }
  });
  writeOutput(out);
}

// Per step, from ∂L/∂h_t: δ_z, δ_g; ∂L/∂(r⊙h_{t−1}) = δ_g·W_hg; δ_r; ∂L/∂h_{t−1} (gru.h)
void GruBlock::backward(std::span<const Tensor>, const Tensor&, const Tensor& dout,
                        std::span<Tensor> din) {
  readOutputGrad(dout);
  const int64_t H = H_, TB = T_ * B_;
  const Tensor Wrz = weightHh().slice(0, 2 * H), Wg = weightHh().slice(2 * H, 3 * H);
  be_.forRowBlocks(B_, [&](int64_t b0, int64_t b1) {
    Tensor drh = drh_.slice(b0, b1);
    for (int64_t t = T_ - 1; t >= 0; --t) {
      const size_t s = size_t(t);
      const Tensor hPrev = (t > 0 ? hStep_[s - 1] : zeros_).slice(b0, b1);
      const Tensor dh = dhStep_[s].slice(b0, b1), rz = rzStep_[s].slice(b0, b1);
      Tensor drz = drzStep_[s].slice(b0, b1), dg = dgStep_[s].slice(b0, b1);
      Tensor dhPrev = (t > 0 ? dhStep_[s - 1] : dh0_).slice(b0, b1);
      be_.gruCandidateBackward(dh, rz, gStep_[s].slice(b0, b1), hPrev, drz, dg);
      be_.gemm(false, false, 1.0, dg, Wg, 0.0, drh);
      be_.gruResetBackward(dh, drh, rz, hPrev, drz, dhPrev,
                           /*accumulate=*/t > 0 && returnSequences_);
      if (t > 0) be_.gemm(false, false, 1.0, drz, Wrz, 1.0, dhPrev);
    }
  });

  // Weight gradients over all steps at once; rows [0, 2H) are r and z, [2H, 3H) are g.
  const Tensor drz = drz_.reshaped({TB, 2 * H}), dg = dg_.reshaped({TB, H});
  const Tensor xs = xs_.reshaped({TB, I_});
  Tensor& dWih = params_[0].grad;
  Tensor& dWhh = params_[1].grad;
  Tensor dWihRz = dWih.slice(0, 2 * H), dWihG = dWih.slice(2 * H, 3 * H);
  Tensor dWhhRz = dWhh.slice(0, 2 * H), dWhhG = dWhh.slice(2 * H, 3 * H);
  be_.gemm(true, false, 1.0, drz, xs, 0.0, dWihRz);
  be_.gemm(true, false, 1.0, dg, xs, 0.0, dWihG);
  if (T_ > 1)
    be_.gemm(true, false, 1.0, drz.slice(B_, TB), hs_.reshaped({TB, H}).slice(0, TB - B_), 0.0,
             dWhhRz);
  else
    be_.fill(dWhhRz, 0.0);
  be_.gemm(true, false, 1.0, dg, rh_.reshaped({TB, H}), 0.0, dWhhG);  // rh_0 = 0
  Tensor dbRz = params_[2].grad.slice(0, 2 * H), dbG = params_[2].grad.slice(2 * H, 3 * H);
  be_.sumRows(drz, 0.0, dbRz);
  be_.sumRows(dg, 0.0, dbG);
  be_.copy(params_[2].grad, params_[3].grad);
  if (din[0].defined()) {
    Tensor dxs = dxs_.reshaped({TB, I_});
    be_.gemm(false, false, 1.0, drz, weightIh().slice(0, 2 * H), 0.0, dxs);
    be_.gemm(false, false, 1.0, dg, weightIh().slice(2 * H, 3 * H), 1.0, dxs);
    addInputGrad(din);
  }
}

void GruBlock::internals(std::vector<std::pair<std::string, Tensor>>& out) const {
  if (B_ == 0) return;
  out.emplace_back("gates.z", batchMajor(rz_, 2 * H_, H_));
  out.emplace_back("gates.r", batchMajor(rz_, 2 * H_, 0));
  out.emplace_back("gates.g", batchMajor(g_, H_, 0));
  out.emplace_back("hidden", batchMajor(hs_, H_, 0));
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
