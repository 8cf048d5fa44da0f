#include "explain/explain_support.h"

#include <algorithm>
#include <cmath>

#include "util/error.h"

namespace gradlab::explain {

ExplainScope::ExplainScope(Network& net) : net_(net), wasOn_(net.inputGradientOn()) {
  Backend& be = net.backend();
  for (auto& [name, p] : net.params())
    if (p->grad.defined()) {
      Tensor copy = be.empty(p->grad.shape(), p->grad.dtype());
      be.copy(p->grad, copy);
      grads_.emplace_back(p, copy);
    }
  net.setInputGradient(true);
}

ExplainScope::~ExplainScope() {
  Backend& be = net_.backend();
  for (auto& [p, copy] : grads_) be.copy(copy, p->grad);
  net_.setInputGradient(wasOn_);
}

Tensor upload(Network& net, std::span<const float> values, const Shape& shape) {
  Tensor t = net.backend().empty(shape, net.dtype());
  t.fromHost(values);
  return t;
}

int64_t classCount(const Network& net, const std::string& what) {
  if (!net.hasLoss())
    throw Error(what + " needs a classifier, but the network's loss is missing or does not fit "
                "(give it a cross_entropy loss on the block of class scores)");
  const Shape& out = net.outputShape();
  if (out.size() != 1 || out[0] < 1)
    throw Error(what + " needs a classifier whose loss block \"" + net.lossBlock() +
                "\" gives one score per class ([classes] per sample), but it gives " +
                toString(out));
  return out[0];
}

int64_t sampleCount(const Network& net, const Shape& x, const std::string& what) {
  const Shape& want = net.inputShape();
  Shape got(x.begin() + std::min<size_t>(1, x.size()), x.end());
  if (x.empty() || got != want)
    throw Error(what + ": the input is " + toString(x) + ", but the Input block \"" +
                net.analysis().inputBlock + "\" takes samples of shape " + toString(want) +
                " — give it the shape N×" + toString(want));
  if (x[0] < 1) throw Error(what + ": the input holds no samples (its batch extent is 0)");
  return x[0];
}

std::vector<float> softmax(std::span<const float> scores) {
  std::vector<float> p(scores.size());
  if (scores.empty()) return p;
  const float m = *std::max_element(scores.begin(), scores.end());
  double sum = 0;
  for (size_t i = 0; i < scores.size(); ++i) sum += p[i] = std::exp(scores[i] - m);
  for (auto& v : p) v = float(v / sum);
  return p;
}

}  // namespace gradlab::explain
