#include "explain/visualize.h"

#include <algorithm>
#include <cmath>

#include "explain/explain_support.h"
#include "util/error.h"
#include "util/rng.h"

namespace gradlab {

namespace {
// The target as a seed: ∂S/∂(output of `block`) for S = the class score, or the mean of one
// channel's values (the first extent of the block's output picks the channel).
struct Objective {
  std::string block;        // where the seed goes (the loss block for a class)
  std::vector<float> seed;  // [1, ...that block's output shape]
  int64_t at = 0, count = 1;  // S = Σ out[at .. at + count) / count
};

std::string blockList(const Network& net) {
  std::string out;
  for (const auto& b : net.blocks()) out += (out.empty() ? "" : ", ") + b->id();
  return out;
}

Objective objective(const Network& net, const VisualizeTarget& t) {
  Objective o;
  if (t.block.empty()) {
    if (t.cls < 0)
      throw Error("visualize: say what to maximise — a class (0 to the number of classes − 1) "
                  "or a block and channel");
    const int64_t classes = explain::classCount(net, "visualizing a class");
    if (t.cls >= classes)
      throw Error("visualize: class " + std::to_string(t.cls) + " is out of range — the network "
                  "has " + std::to_string(classes) + " classes, 0 to " +
                  std::to_string(classes - 1));
    o.block = net.lossBlock();
    o.at = t.cls;
  } else {
    if (t.cls >= 0)
      throw Error("visualize: give a class or a block and channel, not both");
    const Block* b = net.block(t.block);
    if (!b)
      throw Error("visualize: no block " + quoteText(t.block) + " in the network (its blocks: " +
                  blockList(net) + ")");
    const Shape& s = b->outShape();
    const int64_t channels = s.empty() ? 1 : s[0];
    if (t.channel < 0 || t.channel >= channels)
      throw Error("visualize: channel " + std::to_string(t.channel) + " of block \"" + t.block +
                  "\" is out of range — its output is " + toString(s) + ", so channels 0 to " +
                  std::to_string(channels - 1));
    o.block = t.block;
    o.count = s.empty() ? 1 : numel(s) / channels;
    o.at = t.channel * o.count;
  }
  o.seed.assign(size_t(numel(net.block(o.block)->outShape())), 0.0f);
  for (int64_t i = 0; i < o.count; ++i) o.seed[size_t(o.at + i)] = 1.0f / float(o.count);
  return o;
}

double score(const Network& net, const Objective& o) {
  const std::vector<float> out = net.output(o.block).toHostF32();
  double s = 0;
  for (int64_t i = 0; i < o.count; ++i) s += out[size_t(o.at + i)];
  return s / double(o.count);
}

// Rolls every [H, W] plane of a [C, H, W] image by (dy, dx), wrapping around.
std::vector<float> roll(const std::vector<float>& x, const Shape& s, int dy, int dx) {
  std::vector<float> out(x.size());
  const int64_t c = s[0], h = s[1], w = s[2];
  for (int64_t k = 0; k < c; ++k)
    for (int64_t i = 0; i < h; ++i)
      for (int64_t j = 0; j < w; ++j) {
        const int64_t ii = ((i + dy) % h + h) % h, jj = ((j + dx) % w + w) % w;
        out[size_t((k * h + ii) * w + jj)] = x[size_t((k * h + i) * w + j)];
      }
  return out;
}

// Separable Gaussian blur of every [H, W] plane, edges clamped:
//   k(t) = exp(−t²/(2σ²)) / Σ, t = −r..r, r = ⌈3σ⌉; rows first, then columns.
void blur(std::vector<float>& x, const Shape& s, double sigma) {
  const int64_t c = s[0], h = s[1], w = s[2];
  const int r = int(std::ceil(3 * sigma));
  std::vector<float> k(size_t(2 * r + 1));
  double sum = 0;
  for (int t = -r; t <= r; ++t) sum += k[size_t(t + r)] = float(std::exp(-t * t / (2 * sigma * sigma)));
  for (auto& v : k) v = float(v / sum);
  std::vector<float> tmp(x.size());
  for (int64_t p = 0; p < c; ++p) {
    float* img = x.data() + p * h * w;
    float* t = tmp.data() + p * h * w;
    for (int64_t i = 0; i < h; ++i)
      for (int64_t j = 0; j < w; ++j) {
        float acc = 0;
        for (int q = -r; q <= r; ++q)
          acc += k[size_t(q + r)] * img[i * w + std::clamp<int64_t>(j + q, 0, w - 1)];
        t[i * w + j] = acc;
      }
    for (int64_t i = 0; i < h; ++i)
      for (int64_t j = 0; j < w; ++j) {
        float acc = 0;
        for (int q = -r; q <= r; ++q)
          acc += k[size_t(q + r)] * t[std::clamp<int64_t>(i + q, 0, h - 1) * w + j];
        img[i * w + j] = acc;
      }
  }
}

void checkOptions(const VisualizeOptions& o, const Shape& in) {
  auto bad = [](const std::string& what) { throw Error("visualize: " + what); };
  if (o.steps < 0 || o.steps > 100000) bad("steps must be 0 to 100000, got " + std::to_string(o.steps));
  if (!(o.lr > 0 && o.lr < 1e3)) bad("the learning rate must be > 0, got " + std::to_string(o.lr));
  if (!(o.l2 >= 0 && o.l2 < 1e3)) bad("the L2 decay must be ≥ 0, got " + std::to_string(o.l2));
  if (!(o.blurSigma >= 0 && o.blurSigma <= 10))
    bad("the blur's σ must be 0 (none) to 10 pixels, got " + std::to_string(o.blurSigma));
  if (o.blurEvery < 1) bad("blurEvery must be ≥ 1, got " + std::to_string(o.blurEvery));
  if (!(std::isfinite(o.lo) && std::isfinite(o.hi) && o.lo < o.hi))
    bad("the image range [lo, hi] must have lo < hi");
  if (o.jitter < 0 || (in.size() == 3 && (o.jitter >= in[1] || o.jitter >= in[2])))
    bad("the jitter must be ≥ 0 and smaller than the image, got " + std::to_string(o.jitter));
}
}  // namespace

Visualization visualize(Network& net, const VisualizeTarget& target,
                        const VisualizeOptions& options,
                        const std::function<bool(double)>& progress) {
  const Shape in = net.inputShape();
  checkOptions(options, in);
  const Objective obj = objective(net, target);
  const bool image = in.size() == 3;  // jitter and blur need [C, H, W]
  explain::ExplainScope scope(net);
  Shape seedShape = withBatch(1, net.block(obj.block)->outShape());
  const Tensor seed = explain::upload(net, obj.seed, seedShape);

  Rng rng(options.seed);
  const float lo = float(options.lo), hi = float(options.hi);
  Visualization v;
  v.shape = in;
  v.image.resize(size_t(numel(in)));
  for (auto& p : v.image) p = float(rng.uniform(lo + 0.4 * (hi - lo), lo + 0.6 * (hi - lo)));
  auto measure = [&] {
    net.forward(explain::upload(net, v.image, withBatch(1, in)), false);
    return score(net, obj);
  };
  v.startScore = measure();

  for (int k = 0; k < options.steps; ++k) {
    int dy = 0, dx = 0;
    if (image && options.jitter > 0) {
      dy = int(rng.below(uint64_t(2 * options.jitter + 1))) - options.jitter;
      dx = int(rng.below(uint64_t(2 * options.jitter + 1))) - options.jitter;
    }
    const std::vector<float> shifted = dy || dx ? roll(v.image, in, dy, dx) : v.image;
    net.forward(explain::upload(net, shifted, withBatch(1, in)), false);
    net.backwardFrom(seed, obj.block);
    std::vector<float> g = net.inputGradient().toHostF32();
    if (dy || dx) g = roll(g, in, -dy, -dx);
    double meanAbs = 0;
    for (float x : g) meanAbs += std::abs(x);
    meanAbs /= double(g.size());
    // Ascent on S − ½·l2·‖x − lo‖², the gradient scaled to a mean step of lr per value.
    const float step = float(options.lr / (meanAbs + 1e-8)), decay = float(options.lr * options.l2);
    for (size_t i = 0; i < g.size(); ++i) v.image[i] += step * g[i] - decay * (v.image[i] - lo);
    if (image && options.blurSigma > 0 && (k + 1) % options.blurEvery == 0)
      blur(v.image, in, options.blurSigma);
    for (auto& p : v.image) p = std::clamp(p, lo, hi);
    if (progress && !progress(double(k + 1) / double(options.steps))) break;
  }
  v.score = measure();
  return v;
}

}  // namespace gradlab
