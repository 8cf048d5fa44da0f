#include "explain/saliency.h"

#include <algorithm>

#include "explain/explain_support.h"
#include "util/error.h"
#include "util/rng.h"

namespace gradlab {

namespace {
constexpr int64_t kBatch = 64;  // samples per forward/backward pass (plain gradient)

// One forward/backward of `rows` inputs with seed one-hot(cls[r]) on the class scores:
// returns the scores [rows, C] and leaves ∂score_cls/∂x in net.inputGradient().
std::vector<float> scoresAndGradient(Network& net, std::span<const float> x, int64_t rows,
                                     int64_t classes, const std::vector<int>& cls) {
  net.forward(explain::upload(net, x, withBatch(rows, net.inputShape())), false);
  std::vector<float> scores = net.output(net.lossBlock()).toHostF32();
  std::vector<float> seed(size_t(rows * classes), 0.0f);
  for (int64_t r = 0; r < rows; ++r) {
    int c = cls[size_t(r)];
    if (c < 0) {
      const float* row = scores.data() + r * classes;
      c = int(std::max_element(row, row + classes) - row);
    }
    seed[size_t(r * classes + c)] = 1.0f;
  }
  net.backwardFrom(explain::upload(net, seed, {rows, classes}));
  return scores;
}
}  // namespace

Saliency saliency(Network& net, const Tensor& x, std::span<const int> classes,
                  const SaliencyOptions& options) {
  const int64_t numClasses = explain::classCount(net, "saliency");
  const int64_t n = explain::sampleCount(net, x.shape(), "saliency");
  if (int64_t(classes.size()) != n)
    throw Error("saliency: " + std::to_string(classes.size()) + " classes given for " +
                std::to_string(n) + " samples — give one per sample (-1: the predicted class)");
  for (size_t i = 0; i < classes.size(); ++i)
    if (classes[i] < -1 || classes[i] >= numClasses)
      throw Error("saliency: class " + std::to_string(classes[i]) + " (sample " +
                  std::to_string(i) + ") is out of range — the network has " +
                  std::to_string(numClasses) + " classes, 0 to " +
                  std::to_string(numClasses - 1) + " (-1: the predicted one)");
  if (options.smoothSamples < 0 || options.smoothSamples > 10000)
    throw Error("saliency: SmoothGrad's number of noisy copies must be 0 (off) to 10000, got " +
                std::to_string(options.smoothSamples));
  if (!(options.smoothNoise >= 0 && options.smoothNoise <= 10))
    throw Error("saliency: SmoothGrad's noise must be a share of the input's range from 0 to 10");

  explain::ExplainScope scope(net);
  const Shape& inShape = net.inputShape();
  const int64_t d = numel(inShape);
  const std::vector<float> host = x.toHostF32();
  Saliency out;
  out.inputShape = inShape;
  out.gradient.assign(size_t(n * d), 0.0f);
  out.classes.resize(size_t(n));
  out.probabilities.resize(size_t(n));

  // The class per sample and its probabilities, from the clean input; the plain gradient too.
  for (int64_t b0 = 0; b0 < n; b0 += kBatch) {
    const int64_t rows = std::min(kBatch, n - b0);
    std::vector<int> cls(classes.begin() + b0, classes.begin() + b0 + rows);
    const std::vector<float> scores = scoresAndGradient(
        net, std::span<const float>(host).subspan(size_t(b0 * d), size_t(rows * d)), rows,
        numClasses, cls);
    for (int64_t r = 0; r < rows; ++r) {
      std::span<const float> row(scores.data() + r * numClasses, size_t(numClasses));
      int c = cls[size_t(r)];
      if (c < 0) c = int(std::max_element(row.begin(), row.end()) - row.begin());
      out.classes[size_t(b0 + r)] = c;
      out.probabilities[size_t(b0 + r)] = explain::softmax(row);
    }
    if (options.smoothSamples == 0) {
      const std::vector<float> g = net.inputGradient().toHostF32();
      std::copy(g.begin(), g.end(), out.gradient.begin() + b0 * d);
    }
  }
  if (options.smoothSamples == 0) return out;

  // SmoothGrad: per sample, its n noisy copies as one batch, all seeded with the sample's class;
  // S̄ = the mean of their gradients.
  Rng rng(options.seed);
  const int64_t copies = options.smoothSamples;
  std::vector<float> noisy(size_t(copies * d));
  for (int64_t s = 0; s < n; ++s) {
    const float* xs = host.data() + s * d;
    const auto [mn, mx] = std::minmax_element(xs, xs + d);
    const double sigma = options.smoothNoise * double(*mx - *mn);
    for (int64_t k = 0; k < copies; ++k)
      for (int64_t i = 0; i < d; ++i) noisy[size_t(k * d + i)] = float(xs[i] + sigma * rng.normal());
    scoresAndGradient(net, noisy, copies, numClasses,
                      std::vector<int>(size_t(copies), out.classes[size_t(s)]));
    const std::vector<float> g = net.inputGradient().toHostF32();
    float* dst = out.gradient.data() + s * d;
    for (int64_t k = 0; k < copies; ++k)
      for (int64_t i = 0; i < d; ++i) dst[i] += g[size_t(k * d + i)] / float(copies);
  }
  return out;
}

}  // namespace gradlab
