#include "blocks/simple_rnn.h"

#include "blocks/activation.h"

namespace gradlab {

SimpleRnnBlock::SimpleRnnBlock(const BlockArgs& a)
    : RecurrentBlock(a, 1), f_(parseAct(paramString(a.spec, "activation"))) {}

void SimpleRnnBlock::resize(int64_t batch) {
  RecurrentBlock::resize(batch);
  allocate(pre_, H_, /*projection=*/true);
  allocate(delta_, H_);
}

// a_t = W_ih·x_t + b_ih + b_hh (already in pre_) + W_hh·h_{t−1};  h_t = f(a_t)
void SimpleRnnBlock::forwardLane(size_t l) {
  auto& a = pre_.step[l];
  auto& h = hs_.step[l];
  for (size_t t = 0; t < size_t(T_); ++t) {
    if (t > 0) be_.gemm(false, true, 1.0, h[t - 1], weightHh(), 1.0, a[t]);
    be_.actForward(f_, a[t], h[t]);
  }
}

// ∂L/∂h_t = (∂L/∂out)_t + δ_{t+1}·W_hh;  δ_t = f′(a_t) ⊙ ∂L/∂h_t
void SimpleRnnBlock::backwardLane(size_t l) {
  auto& a = pre_.step[l];
  auto& h = hs_.step[l];
  auto& dh = dhs_.step[l];
  auto& delta = delta_.step[l];
  for (size_t t = size_t(T_); t-- > 0;) {
    be_.actBackward(f_, a[t], h[t], dh[t], delta[t], /*accumulate=*/false);
    if (t > 0) be_.gemm(false, false, 1.0, delta[t], weightHh(), dhsBeta(), dh[t - 1]);
  }
}

void SimpleRnnBlock::internals(std::vector<std::pair<std::string, Tensor>>& out) const {
  if (B_ > 0) out.emplace_back("hidden", batchMajor(hs_, 0));
}

BlockInfo simpleRnnInfo() {
  BlockInfo info = recurrentInfo(
      "SimpleRNN", 1, "hₜ = f(W·[hₜ₋₁, xₜ] + b)",
      "A plain recurrent layer: the hidden state is fed back at every step of the sequence.",
      {{"activation", ParamInfo::Kind::Choice, "tanh", {"tanh", "relu"}, 0, 0,
        "the nonlinearity f (PyTorch's nn.RNN offers the same two)"}});
  info.create = [](const BlockArgs& a) { return std::make_unique<SimpleRnnBlock>(a); };
  return info;
}

}  // namespace gradlab
