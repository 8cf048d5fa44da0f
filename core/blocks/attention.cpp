#include "blocks/attention.h"

#include <cmath>

namespace gradlab {

namespace {
// A batch of sequences [B, T, F] as one matrix of B·T rows (a view).
Tensor stepRows(const Tensor& t) { return t.reshaped({t.dim(0) * t.dim(1), t.dim(2)}); }
// Sample b's T rows of such a matrix (a view).
Tensor sample(const Tensor& rows, int64_t b, int64_t T) { return rows.slice(b * T, (b + 1) * T); }
}  // namespace

AttentionBlock::AttentionBlock(const BlockArgs& a)
    : Block(a), units_(paramInt(a.spec, "units")), tq_(a.inShapes[0][0]),
      tk_(a.inShapes.back()[0]), d_(units_ > 0 ? units_ : a.inShapes.back()[1]) {}

void AttentionBlock::resize(int64_t batch) {
  s_ = be_.empty({batch * tq_, tk_}, dtype_);
  a_ = be_.empty({batch * tq_, tk_}, dtype_);
  da_ = be_.empty({batch * tq_, tk_}, dtype_);
  ds_ = be_.empty({batch * tq_, tk_}, dtype_);
  if (units_ == 0) return;
  q_ = be_.empty({batch * tq_, d_}, dtype_);
  k_ = be_.empty({batch * tk_, d_}, dtype_);
  v_ = be_.empty({batch * tk_, d_}, dtype_);
  dq_ = be_.empty({batch * tq_, d_}, dtype_);
  dk_ = be_.empty({batch * tk_, d_}, dtype_);
  dv_ = be_.empty({batch * tk_, d_}, dtype_);
}

// Q = X_q·W_qᵀ, K = X_kv·W_kᵀ, V = X_kv·W_vᵀ (or the inputs);  per sample:
// S = Q·Kᵀ/√d;  A = softmax(S) per row;  Y = A·V
void AttentionBlock::forward(std::span<const Tensor> in, Tensor& out, bool) {
  const int64_t B = in[0].dim(0);
  const Tensor xq = stepRows(in[0]), xkv = stepRows(kvInput(in));
  Tensor Q = xq, K = xkv, V = xkv;
  if (units_ > 0) {
    be_.gemm(false, true, 1.0, xq, params_[0].value, 0.0, q_);
    be_.gemm(false, true, 1.0, xkv, params_[1].value, 0.0, k_);
    be_.gemm(false, true, 1.0, xkv, params_[2].value, 0.0, v_);
    Q = q_, K = k_, V = v_;
  }
  const double scale = 1.0 / std::sqrt(double(d_));
  for (int64_t b = 0; b < B; ++b) {
    Tensor s = sample(s_, b, tq_);
    be_.gemm(false, true, scale, sample(Q, b, tq_), sample(K, b, tk_), 0.0, s);
  }
  be_.actForward(Act::Softmax, s_, a_);
  const Tensor y = stepRows(out);
  for (int64_t b = 0; b < B; ++b) {
    Tensor yb = sample(y, b, tq_);
    be_.gemm(false, false, 1.0, sample(a_, b, tq_), sample(V, b, tk_), 0.0, yb);
  }
}

// Per sample, G = ∂L/∂Y:  ∂L/∂A = G·Vᵀ;  ∂L/∂V = Aᵀ·G;  ∂L/∂S = softmax′ of ∂L/∂A;
// ∂L/∂Q = ∂L/∂S·K/√d;  ∂L/∂K = ∂L/∂Sᵀ·Q/√d;  then through the projections:
// ∂L/∂W_q = ∂L/∂Qᵀ·X_q,  ∂L/∂X_q += ∂L/∂Q·W_q  (K, V likewise on X_kv)
void AttentionBlock::backward(std::span<const Tensor> in, const Tensor&, const Tensor& dout,
                              std::span<Tensor> din) {
  const int64_t B = in[0].dim(0);
  const Tensor xq = stepRows(in[0]), xkv = stepRows(kvInput(in));
  Tensor& dinQ = din[0];
  Tensor& dinKV = din[din.size() > 1 ? 1 : 0];
  const bool project = units_ > 0;
  // Where ∂L/∂Q, ∂L/∂K and ∂L/∂V go: the projections' scratch, else straight into the inputs'
  // gradients (added), or nowhere when an input needs none.
  const bool wantQ = project || dinQ.defined(), wantKV = project || dinKV.defined();
  const Tensor Q = project ? q_ : xq, K = project ? k_ : xkv, V = project ? v_ : xkv;
  const Tensor dQ = project ? dq_ : (dinQ.defined() ? stepRows(dinQ) : Tensor());
  const Tensor dK = project ? dk_ : (dinKV.defined() ? stepRows(dinKV) : Tensor());
  const Tensor dV = project ? dv_ : dK;
  const double beta = project ? 0.0 : 1.0;  // projections: overwrite scratch; else add
  const Tensor g = stepRows(dout);
  for (int64_t b = 0; b < B; ++b) {
    Tensor dab = sample(da_, b, tq_);
    be_.gemm(false, true, 1.0, sample(g, b, tq_), sample(V, b, tk_), 0.0, dab);
    if (wantKV) {
      Tensor dvb = sample(dV, b, tk_);
      be_.gemm(true, false, 1.0, sample(a_, b, tq_), sample(g, b, tq_), beta, dvb);
    }
  }
  be_.actBackward(Act::Softmax, s_, a_, da_, ds_, /*accumulate=*/false);
  const double scale = 1.0 / std::sqrt(double(d_));
  for (int64_t b = 0; b < B; ++b) {
    const Tensor dsb = sample(ds_, b, tq_);
    if (wantQ) {
      Tensor dqb = sample(dQ, b, tq_);
      be_.gemm(false, false, scale, dsb, sample(K, b, tk_), beta, dqb);
    }
    if (wantKV) {
      // Keys and values on the same rows: the values' gradient is in dK already without
      // projections (dV = dK), so this adds the keys' share to it.
      Tensor dkb = sample(dK, b, tk_);
      be_.gemm(true, false, scale, dsb, sample(Q, b, tq_), project ? 0.0 : 1.0, dkb);
    }
  }
  if (!project) return;
  be_.gemm(true, false, 1.0, dq_, xq, 0.0, params_[0].grad);
  be_.gemm(true, false, 1.0, dk_, xkv, 0.0, params_[1].grad);
  be_.gemm(true, false, 1.0, dv_, xkv, 0.0, params_[2].grad);
  if (dinQ.defined()) {
    Tensor dx = stepRows(dinQ);
    be_.gemm(false, false, 1.0, dq_, params_[0].value, 1.0, dx);
  }
  if (dinKV.defined()) {
    Tensor dx = stepRows(dinKV);
    be_.gemm(false, false, 1.0, dk_, params_[1].value, 1.0, dx);
    be_.gemm(false, false, 1.0, dv_, params_[2].value, 1.0, dx);
  }
}

void AttentionBlock::internals(std::vector<std::pair<std::string, Tensor>>& out) const {
  if (a_.defined()) out.emplace_back("weights", a_.reshaped({a_.dim(0) / tq_, tq_, tk_}));
}

BlockInfo attentionInfo() {
  using K = ParamInfo::Kind;
  BlockInfo info;
  info.type = "Attention";
  info.category = "Recurrent";
  info.formula = "y = softmax(Q·Kᵀ/√d)·V";
  info.help = "Each step of the first input (the queries) takes a weighted mean of the second "
              "input's steps (the values), weighted by how well it matches each of them (the "
              "keys); with one input, a sequence attends to itself.";
  info.params = {
      {"units", K::Int, 0, {}, 0, 1e5,
       "width d of the learned projections W_q, W_k, W_v; 0 = none (queries and keys are the "
       "inputs themselves)"},
  };
  info.minInputs = 1;
  info.maxInputs = 2;
  info.infer = [](const BlockSpec& s, const std::vector<Shape>& in) -> Shape {
    const char* role[] = {"queries", "keys and values"};
    for (size_t i = 0; i < in.size(); ++i)
      if (in[i].size() != 2)
        throw Error(std::string("expects sequences [steps, features], got ") + toString(in[i]) +
                    " for its " + (in.size() == 1 ? "input" : role[i]) +
                    " — give it a sequence (an LSTM with return_sequences, or RepeatVector)");
    const Shape& q = in[0];
    const Shape& kv = in.back();
    const int64_t units = paramInt(s, "units");
    if (units == 0 && q[1] != kv[1])
      throw Error("queries have " + std::to_string(q[1]) + " features but keys " +
                  std::to_string(kv[1]) + ", so they cannot be compared — set \"units\" to "
                  "project both to one width, or give both inputs as many features");
    return {q[0], units > 0 ? units : kv[1]};
  };
  info.paramDecls = [](const BlockSpec& s, const std::vector<Shape>& in) {
    const int64_t d = paramInt(s, "units"), dq = in[0][1], dkv = in.back()[1];
    if (d == 0) return std::vector<ParamDecl>{};
    // MultiheadAttention's separate projection weights, drawn as it draws them (Glorot).
    return std::vector<ParamDecl>{{"q_proj_weight", {d, dq}, "glorot_uniform", dq, d},
                                  {"k_proj_weight", {d, dkv}, "glorot_uniform", dkv, d},
                                  {"v_proj_weight", {d, dkv}, "glorot_uniform", dkv, d}};
  };
  info.create = [](const BlockArgs& a) { return std::make_unique<AttentionBlock>(a); };
  return info;
}

}  // namespace gradlab
