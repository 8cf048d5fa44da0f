#include "optim/optimizer.h"

#include <cmath>

#include "util/error.h"

namespace gradlab {

namespace {
const std::vector<std::string> kNames{"sgd",      "momentum", "nesterov", "adagrad",
                                      "adadelta", "rmsprop",  "adam"};
}

std::vector<std::string> optimNames() { return kNames; }

OptimKind parseOptimKind(const std::string& name) {
  for (size_t i = 0; i < kNames.size(); ++i)
    if (kNames[i] == name) return OptimKind(i);
  std::string list;
  for (const auto& n : kNames) list += (list.empty() ? "" : ", ") + n;
  throw Error("unknown optimizer \"" + name + "\" (use one of: " + list + ")");
}

OptimHyper defaultHyper(OptimKind kind) {
  OptimHyper h;
  switch (kind) {
    case OptimKind::Sgd:
    case OptimKind::Momentum:
    case OptimKind::Nesterov: h.lr = 0.01; break;
    case OptimKind::Adagrad: h.lr = 0.01, h.eps = 1e-10; break;
    case OptimKind::Adadelta: h.lr = 1.0, h.rho = 0.9, h.eps = 1e-6; break;
    case OptimKind::RmsProp: h.lr = 0.01, h.rho = 0.99, h.eps = 1e-8; break;
    case OptimKind::Adam: h.lr = 0.001, h.beta1 = 0.9, h.beta2 = 0.999, h.eps = 1e-8; break;
  }
  return h;
}

Optimizer::Optimizer(OptimKind kind, OptimHyper hyper, Backend& backend)
    : kind_(kind), hyper_(hyper), be_(backend) {}

void Optimizer::setKind(OptimKind kind) { kind_ = kind; }

double Optimizer::penalty(const std::vector<std::pair<std::string, Param*>>& params) const {
  double total = 0;
  for (const auto& [name, p] : params) {
    if (!p->decl.penalised || !p->decl.trainable) continue;
    if (l1_ != 0) total += l1_ * be_.reduce(Reduce::SumAbs, p->value);
    if (l2_ != 0) total += 0.5 * l2_ * be_.reduce(Reduce::SumSquares, p->value);
  }
  return total;
}

void Optimizer::resetState(const std::vector<std::pair<std::string, Param*>>& params) {
  for (const auto& [name, p] : params) {
    if (p->s1.defined()) be_.fill(p->s1, 0.0);
    if (p->s2.defined()) be_.fill(p->s2, 0.0);
  }
  step_ = 0;
}

void Optimizer::update(const std::vector<std::pair<std::string, Param*>>& params) {
  ++step_;
  // g ← g + l2·w + l1·sign(w)
  for (const auto& [name, p] : params) {
    if (!p->decl.penalised || !p->decl.trainable) continue;
    if (l2_ != 0) be_.axpy(l2_, p->value, p->grad);
    if (l1_ != 0) be_.addSign(l1_, p->value, p->grad);
  }
  // g ← g · min(1, c / (‖g‖ + 1e−6))
  if (clip_ > 0) {
    std::vector<Tensor> grads;
    for (const auto& [name, p] : params)
      if (p->decl.trainable) grads.push_back(p->grad);
    lastNorm_ = std::sqrt(be_.sumOfSquares(grads));  // one synchronisation for all of them
    const double scale = clip_ / (lastNorm_ + 1e-6);
    if (scale < 1)
      for (const auto& [name, p] : params)
        if (p->decl.trainable) be_.scale(p->grad, scale);
  }
  for (const auto& [name, p] : params)
    if (p->decl.trainable)
      be_.optimizerUpdate(kind_, hyper_, step_, p->value, p->grad, p->s1, p->s2);
}

void initParam(Param& p, Rng& rng) {
  const ParamDecl& d = p.decl;
  const int64_t n = numel(d.shape);
  std::vector<double> v(size_t(n), 0.0);
  const double fanIn = double(std::max<int64_t>(1, d.fanIn));
  const double fanOut = double(std::max<int64_t>(1, d.fanOut));
  auto uniform = [&](double a) {
    for (auto& x : v) x = rng.uniform(-a, a);
  };
  auto normal = [&](double s) {
    for (auto& x : v) x = rng.normal(0.0, s);
  };
  if (d.init == "glorot_uniform") uniform(std::sqrt(6.0 / (fanIn + fanOut)));
  else if (d.init == "glorot_normal") normal(std::sqrt(2.0 / (fanIn + fanOut)));
  else if (d.init == "he_uniform") uniform(std::sqrt(6.0 / fanIn));
  else if (d.init == "he_normal") normal(std::sqrt(2.0 / fanIn));
  else if (d.init == "uniform") uniform(1.0 / std::sqrt(fanIn));
  else if (d.init == "ones") std::fill(v.begin(), v.end(), 1.0);
  else if (d.init != "zeros") throw Error("unknown initialiser \"" + d.init + "\"");
  for (int64_t i = std::max<int64_t>(0, d.shiftBegin); i < std::min(n, d.shiftEnd); ++i)
    v[size_t(i)] += d.shift;
  p.value.fromHost(std::span<const double>(v));
}

}  // namespace gradlab
