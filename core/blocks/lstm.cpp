#include "blocks/lstm.h"

namespace gradlab {

LstmBlock::LstmBlock(const BlockArgs& a) : RecurrentBlock(a, 4) {}

void LstmBlock::resize(int64_t batch) {
  RecurrentBlock::resize(batch);
  gates_ = be_.empty({T_, B_, 4 * H_}, dtype_);
  cells_ = be_.empty({T_, B_, H_}, dtype_);
  delta_ = be_.empty({T_, B_, 4 * H_}, dtype_);
  dc_ = be_.empty({B_, H_}, dtype_);
  gateStep_ = steps(gates_);
  cellStep_ = steps(cells_);
  deltaStep_ = steps(delta_);
}

// a_t = W_ih·x_t + b_ih + b_hh + W_hh·h_{t−1}   (all four gates, [B, 4H])
// i, f, g, o = σ, σ, tanh, σ of a_t;  c_t = f⊙c_{t−1} + i⊙g;  h_t = o⊙tanh(c_t)
void LstmBlock::forward(std::span<const Tensor> in, Tensor& out, bool) {
  project(in[0], gates_);  // the x_t part of every a_t at once
  // Samples are independent: each block of batch rows runs the whole loop over time.
  be_.forRowBlocks(B_, [&](int64_t b0, int64_t b1) {
    Tensor hPrev, cPrev = zeros_.slice(b0, b1);
    for (size_t t = 0; t < size_t(T_); ++t) {
      Tensor a = gateStep_[t].slice(b0, b1), c = cellStep_[t].slice(b0, b1);
      Tensor h = hStep_[t].slice(b0, b1);
      if (t > 0) be_.gemm(false, true, 1.0, hPrev, weightHh(), 1.0, a);
      be_.lstmCellForward(a, cPrev, c, h);
      hPrev = h;
      cPrev = c;
    }
  });
  writeOutput(out);
}

// ∂L/∂h_t = (∂L/∂out)_t + δ_{t+1}·W_hh;  δ_t and dc_{t−1} from the cell (lstm.h)
void LstmBlock::backward(std::span<const Tensor>, const Tensor&, const Tensor& dout,
                         std::span<Tensor> din) {
  readOutputGrad(dout);
  be_.fill(dc_, 0.0);
  be_.forRowBlocks(B_, [&](int64_t b0, int64_t b1) {
    Tensor dc = dc_.slice(b0, b1);
    for (int64_t t = T_ - 1; t >= 0; --t) {
      const size_t s = size_t(t);
      Tensor delta = deltaStep_[s].slice(b0, b1);
      be_.lstmCellBackward(gateStep_[s].slice(b0, b1),
                           (t > 0 ? cellStep_[s - 1] : zeros_).slice(b0, b1),
                           cellStep_[s].slice(b0, b1), dhStep_[s].slice(b0, b1), dc, delta);
      if (t > 0) {
        Tensor dhPrev = dhStep_[s - 1].slice(b0, b1);
        be_.gemm(false, false, 1.0, delta, weightHh(), dhsBeta(), dhPrev);
      }
    }
  });
  backwardWeights(delta_, din);
}

void LstmBlock::internals(std::vector<std::pair<std::string, Tensor>>& out) const {
  if (B_ == 0) return;
  const char* names[] = {"gates.i", "gates.f", "gates.g", "gates.o"};
  for (int k = 0; k < 4; ++k) out.emplace_back(names[k], batchMajor(gates_, 4 * H_, k * H_));
  out.emplace_back("cell", batchMajor(cells_, H_, 0));
  out.emplace_back("hidden", batchMajor(hs_, H_, 0));
}

BlockInfo lstmInfo() {
  BlockInfo info = recurrentInfo(
      "LSTM", 4, "cₜ = fₜ⊙cₜ₋₁ + iₜ⊙gₜ,  hₜ = oₜ⊙tanh(cₜ)",
      "Long short-term memory: gates decide what the cell forgets (f), takes in (i, g) and "
      "shows (o), so it can keep information over long lags.");
  info.create = [](const BlockArgs& a) { return std::make_unique<LstmBlock>(a); };
  return info;
}

}  // namespace gradlab
