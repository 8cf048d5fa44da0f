#include "blocks/simple_rnn.h"

#include "blocks/activation.h"

namespace gradlab {

SimpleRnnBlock::SimpleRnnBlock(const BlockArgs& a)
    : RecurrentBlock(a, 1), f_(parseAct(paramString(a.spec, "activation"))) {}

void SimpleRnnBlock::resize(int64_t batch) {
  RecurrentBlock::resize(batch);
  pre_ = be_.empty({T_, B_, H_}, dtype_);
  delta_ = be_.empty({T_, B_, H_}, dtype_);
  preStep_ = steps(pre_);
  deltaStep_ = steps(delta_);
}

// a_t = W_ih·x_t + b_ih + b_hh + W_hh·h_{t−1};  h_t = f(a_t)
void SimpleRnnBlock::forward(std::span<const Tensor> in, Tensor& out, bool) {
  project(in[0], pre_);  // the x_t part of every a_t at once
  // Samples are independent: each block of batch rows runs the whole loop over time.
  be_.forRowBlocks(B_, [&](int64_t b0, int64_t b1) {
    Tensor hPrev;
    for (size_t t = 0; t < size_t(T_); ++t) {
      Tensor a = preStep_[t].slice(b0, b1), h = hStep_[t].slice(b0, b1);
      if (t > 0) be_.gemm(false, true, 1.0, hPrev, weightHh(), 1.0, a);
      be_.actForward(f_, a, h);
      hPrev = h;
    }
  });
  writeOutput(out);
}

// ∂L/∂h_t = (∂L/∂out)_t + δ_{t+1}·W_hh;  δ_t = f′(a_t) ⊙ ∂L/∂h_t
void SimpleRnnBlock::backward(std::span<const Tensor>, const Tensor&, const Tensor& dout,
                              std::span<Tensor> din) {
  readOutputGrad(dout);
  be_.forRowBlocks(B_, [&](int64_t b0, int64_t b1) {
    for (int64_t t = T_ - 1; t >= 0; --t) {
      const size_t s = size_t(t);
      Tensor delta = deltaStep_[s].slice(b0, b1);
      be_.actBackward(f_, preStep_[s].slice(b0, b1), hStep_[s].slice(b0, b1),
                      dhStep_[s].slice(b0, b1), delta, /*accumulate=*/false);
      if (t > 0) {
        Tensor dhPrev = dhStep_[s - 1].slice(b0, b1);
        be_.gemm(false, false, 1.0, delta, weightHh(), dhsBeta(), dhPrev);
      }
    }
  });
  backwardWeights(delta_, din);
}

void SimpleRnnBlock::internals(std::vector<std::pair<std::string, Tensor>>& out) const {
  if (B_ > 0) out.emplace_back("hidden", batchMajor(hs_, H_, 0));
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
