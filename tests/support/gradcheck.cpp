#include "support/gradcheck.h"

#include <cmath>

#include "backend/backend.h"
#include "blocks/registry.h"
#include "network/network.h"
#include "util/rng.h"

namespace gradlab::test {

namespace {
void fillRandom(Tensor& t, Rng& rng, double scale) {
  std::vector<double> v(static_cast<size_t>(t.numel()));
  for (auto& x : v) x = rng.uniform(-scale, scale);
  t.fromHost(std::span<const double>(v));
}

double dotSum(const Tensor& a, const Tensor& b) {
  const auto x = a.toHost(), y = b.toHost();
  double s = 0;
  for (size_t i = 0; i < x.size(); ++i) s += x[i] * y[i];
  return s;
}

void setElement(Tensor& t, int64_t i, double v) {
  auto h = t.toHost();
  h[size_t(i)] = v;
  t.fromHost(std::span<const double>(h));
}

void compare(GradCheckResult& r, const std::vector<double>& analytic, Tensor& var,
             const std::function<double()>& lossFn, double h, const std::string& name) {
  const auto base = var.toHost();
  for (int64_t i = 0; i < var.numel(); ++i) {
    setElement(var, i, base[size_t(i)] + h);
    const double up = lossFn();
    setElement(var, i, base[size_t(i)] - h);
    const double down = lossFn();
    setElement(var, i, base[size_t(i)]);
    const double numeric = (up - down) / (2 * h);
    const double a = analytic[size_t(i)];
    const double err = std::abs(a - numeric) / std::max({1.0, std::abs(a), std::abs(numeric)});
    ++r.checked;
    if (err > r.maxError || !std::isfinite(err)) {
      r.maxError = std::isfinite(err) ? err : 1e300;
      r.where = name + " [" + std::to_string(i) + "] analytic " + std::to_string(a) +
                " numeric " + std::to_string(numeric);
    }
  }
}
}  // namespace

GradCheckResult checkBlock(const BlockSpec& spec, const std::vector<Shape>& inShapes,
                           const GradCheckOptions& o) {
  Backend& be = cpuBackend();
  const BlockInfo* info = findBlockType(spec.type);
  if (!info) throw Error("no block type " + spec.type);
  const Shape out = info->infer(spec, inShapes);
  BlockArgs args{spec, inShapes, out, be, DType::F64, o.seed};
  auto block = info->create(args);
  Rng rng(o.seed);
  for (auto& decl : info->paramDecls(spec, inShapes)) {
    Param p;
    p.decl = decl;
    p.value = be.empty(decl.shape, DType::F64);
    fillRandom(p.value, rng, 0.5);
    if (decl.trainable) p.grad = be.zeros(decl.shape, DType::F64);
    block->params().push_back(std::move(p));
  }
  block->resize(o.batch);
  if (o.prepare) o.prepare(*block);

  std::vector<Tensor> ins, dins;
  for (const auto& s : inShapes) {
    ins.push_back(be.empty(withBatch(o.batch, s), DType::F64));
    fillRandom(ins.back(), rng, o.inputScale);
    dins.push_back(be.zeros(withBatch(o.batch, s), DType::F64));
  }
  Tensor y = be.empty(withBatch(o.batch, out), DType::F64);
  Tensor r = be.empty(y.shape(), DType::F64);
  fillRandom(r, rng, 1.0);

  auto lossFn = [&] {
    block->forward(ins, y, o.training);
    return dotSum(r, y);
  };
  lossFn();
  block->backward(ins, y, r, dins);

  GradCheckResult res;
  std::vector<std::vector<double>> paramGrads;
  for (auto& p : block->params()) paramGrads.push_back(p.decl.trainable ? p.grad.toHost() : std::vector<double>{});
  for (size_t i = 0; i < ins.size(); ++i)
    compare(res, dins[i].toHost(), ins[i], lossFn, o.h, "input " + std::to_string(i));
  for (size_t i = 0; i < block->params().size(); ++i) {
    Param& p = block->params()[i];
    if (p.decl.trainable) compare(res, paramGrads[i], p.value, lossFn, o.h, p.decl.name);
  }
  return res;
}

GradCheckResult checkLoss(const std::string& loss, const Shape& predShape, int numClasses,
                          uint64_t seed) {
  Backend& be = cpuBackend();
  const LossKind kind = parseLossKind(loss);
  Rng rng(seed);
  Tensor pred = be.empty(predShape, DType::F64);
  std::vector<double> p(static_cast<size_t>(pred.numel())), t;
  for (auto& v : p) v = kind == LossKind::Bce ? rng.uniform(0.05, 0.95) : rng.uniform(-2, 2);
  pred.fromHost(std::span<const double>(p));
  Tensor target;
  if (kind == LossKind::CrossEntropy) {
    target = be.empty({predShape[0]}, DType::F64);
    for (int64_t i = 0; i < predShape[0]; ++i) t.push_back(double(rng.below(uint64_t(numClasses))));
  } else {
    target = be.empty(predShape, DType::F64);
    for (int64_t i = 0; i < pred.numel(); ++i)
      t.push_back(kind == LossKind::Mse ? rng.uniform(-1, 1) : double(rng.below(2)));
  }
  target.fromHost(std::span<const double>(t));
  Tensor value = be.empty({1}, DType::F64), grad = be.empty(predShape, DType::F64);
  be.loss(kind, pred, target, value, &grad);
  auto lossFn = [&] {
    be.loss(kind, pred, target, value, nullptr);
    return be.readScalar(value);
  };
  GradCheckResult res;
  compare(res, grad.toHost(), pred, lossFn, 1e-6, "pred");
  return res;
}

}  // namespace gradlab::test
