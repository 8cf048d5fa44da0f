#include "explain/adversarial.h"

#include <algorithm>
#include <cmath>

#include "explain/explain_support.h"
#include "util/error.h"
#include "util/rng.h"

namespace gradlab {

namespace {
constexpr int64_t kBatch = 256;  // samples per forward/backward pass

void checkOptions(const AttackOptions& o, std::span<const double> eps) {
  if (!(std::isfinite(o.lo) && std::isfinite(o.hi) && o.lo < o.hi))
    throw Error("attack: the input range [lo, hi] must have lo < hi, got [" +
                std::to_string(o.lo) + ", " + std::to_string(o.hi) + "]");
  for (double e : eps)
    if (!(e >= 0 && e <= o.hi - o.lo))
      throw Error("attack: ε = " + std::to_string(e) + " is outside 0 to " +
                  std::to_string(o.hi - o.lo) + " (the width of the input range)");
  if (o.method == AttackMethod::Pgd) {
    if (o.steps < 1 || o.steps > 10000)
      throw Error("attack: PGD needs 1 to 10000 steps, got " + std::to_string(o.steps));
    if (!(o.stepSize >= 0 && std::isfinite(o.stepSize)))
      throw Error("attack: PGD's step size must be ≥ 0 (0: 2.5·ε/steps), got " +
                  std::to_string(o.stepSize));
  }
}

// ∇ₓ L(x, y) of `rows` samples (the batch mean's: the same sign per sample as each sample's own).
std::vector<float> lossGradient(Network& net, std::span<const float> x, int64_t rows,
                                const Tensor& y) {
  net.forward(explain::upload(net, x, withBatch(rows, net.inputShape())), false);
  net.loss(y, /*withGrad=*/true);
  net.backward();
  return net.inputGradient().toHostF32();
}

float sign(float v) { return v > 0 ? 1.0f : v < 0 ? -1.0f : 0.0f; }

// One batch: x' per AttackOptions (attack() in the header); y already on the backend.
std::vector<float> attackBatch(Network& net, std::span<const float> x, int64_t rows,
                               const Tensor& y, const AttackOptions& o, double eps, Rng& rng) {
  std::vector<float> adv(x.begin(), x.end());
  if (eps == 0) return adv;
  const float lo = float(o.lo), hi = float(o.hi), e = float(eps);
  if (o.method == AttackMethod::Fgsm) {
    const std::vector<float> g = lossGradient(net, x, rows, y);
    for (size_t i = 0; i < adv.size(); ++i) adv[i] = std::clamp(x[i] + e * sign(g[i]), lo, hi);
    return adv;
  }
  const float alpha = float(o.stepSize > 0 ? o.stepSize : 2.5 * eps / o.steps);
  if (o.randomStart)
    for (size_t i = 0; i < adv.size(); ++i)
      adv[i] = std::clamp(x[i] + float(rng.uniform(-eps, eps)), lo, hi);
  for (int k = 0; k < o.steps; ++k) {
    const std::vector<float> g = lossGradient(net, adv, rows, y);
    for (size_t i = 0; i < adv.size(); ++i) {
      const float step = std::clamp(adv[i] + alpha * sign(g[i]) - x[i], -e, e);  // Π onto the ε-ball
      adv[i] = std::clamp(x[i] + step, lo, hi);
    }
  }
  return adv;
}

// y rows [r0, r0 + rows) of a target tensor with `per` values per sample, on the backend.
Tensor targetRows(Network& net, const std::vector<float>& y, const Shape& yShape, int64_t r0,
                  int64_t rows) {
  const int64_t per = yShape.empty() ? 1 : numel(yShape) / std::max<int64_t>(1, yShape[0]);
  Shape shape = yShape.empty() ? Shape{1} : yShape;
  shape[0] = rows;
  return explain::upload(
      net, std::span<const float>(y).subspan(size_t(r0 * per), size_t(rows * per)), shape);
}
}  // namespace

AttackMethod parseAttackMethod(const std::string& name) {
  if (name == "fgsm") return AttackMethod::Fgsm;
  if (name == "pgd") return AttackMethod::Pgd;
  throw Error("unknown attack " + quoteText(name) +
              " (use fgsm — one signed-gradient step — or pgd — iterated, projected steps)");
}

std::string toString(AttackMethod method) { return method == AttackMethod::Fgsm ? "fgsm" : "pgd"; }

Tensor attack(Network& net, const Tensor& x, const Tensor& y, const AttackOptions& options) {
  const double eps[1] = {options.eps};
  checkOptions(options, eps);
  if (!net.hasLoss()) explain::classCount(net, "an adversarial attack");  // throws, saying why
  const int64_t n = explain::sampleCount(net, x.shape(), "attack");
  if (y.rank() < 1 || y.dim(0) != n)
    throw Error("attack: " + std::to_string(n) + " samples but targets of shape " +
                toString(y.shape()) + " — give one target per sample");
  explain::ExplainScope scope(net);
  const int64_t d = numel(net.inputShape());
  const std::vector<float> host = x.toHostF32(), targets = y.toHostF32();
  std::vector<float> out(host.size());
  Rng rng(options.seed);
  for (int64_t b0 = 0; b0 < n; b0 += kBatch) {
    const int64_t rows = std::min(kBatch, n - b0);
    const std::vector<float> adv =
        attackBatch(net, std::span<const float>(host).subspan(size_t(b0 * d), size_t(rows * d)),
                    rows, targetRows(net, targets, y.shape(), b0, rows), options, options.eps, rng);
    std::copy(adv.begin(), adv.end(), out.begin() + b0 * d);
  }
  Tensor result = cpuBackend().empty(x.shape(), DType::F32);
  result.fromHost(std::span<const float>(out));
  return result;
}

std::vector<EpsAccuracy> accuracyUnderAttack(Network& net, const Dataset& data,
                                             std::span<const double> eps, AttackOptions options,
                                             int64_t samples,
                                             const std::function<bool(double)>& progress) {
  checkOptions(options, eps);
  const int64_t classes = explain::classCount(net, "accuracy under attack");
  if (!data.isClassification())
    throw Error("accuracy under attack needs class labels, but \"" + data.name +
                "\" holds values to regress");
  if (data.numClasses > classes)
    throw Error("accuracy under attack: \"" + data.name + "\" has " +
                std::to_string(data.numClasses) + " classes but the network scores only " +
                std::to_string(classes));
  if (data.xShape != net.inputShape())
    throw Error("accuracy under attack: \"" + data.name + "\"'s samples are " +
                toString(data.xShape) + ", but the Input block \"" + net.analysis().inputBlock +
                "\" takes " + toString(net.inputShape()));
  if (samples < 0) throw Error("accuracy under attack: the number of samples must be ≥ 0 (0: all)");
  const int64_t n = samples == 0 ? data.size() : std::min(samples, data.size());
  if (n == 0) throw Error("accuracy under attack: \"" + data.name + "\" has no samples");

  explain::ExplainScope scope(net);
  const int64_t d = data.xStride();
  const int64_t batches = (n + kBatch - 1) / kBatch;
  const double total = double(batches) * double(eps.size());
  std::vector<EpsAccuracy> out;
  Rng rng(options.seed);
  for (size_t e = 0; e < eps.size(); ++e) {
    int64_t correct = 0;
    for (int64_t b = 0; b < batches; ++b) {
      const int64_t b0 = b * kBatch, rows = std::min(kBatch, n - b0);
      const std::span<const float> xs(data.x.data() + b0 * d, size_t(rows * d));
      const std::vector<float> adv = attackBatch(
          net, xs, rows, targetRows(net, data.y, {n}, b0, rows), options, eps[e], rng);
      net.forward(explain::upload(net, adv, withBatch(rows, net.inputShape())), false);
      const std::vector<float> scores = net.output(net.lossBlock()).toHostF32();
      for (int64_t r = 0; r < rows; ++r) {
        const float* row = scores.data() + r * classes;
        correct += int64_t(std::max_element(row, row + classes) - row) ==
                   int64_t(data.y[size_t(b0 + r)]);
      }
      if (progress && !progress((double(e) * double(batches) + double(b + 1)) / total)) {
        if (b + 1 == batches) out.push_back({eps[e], double(correct) / double(n), n});
        return out;
      }
    }
    out.push_back({eps[e], double(correct) / double(n), n});
  }
  return out;
}

}  // namespace gradlab
