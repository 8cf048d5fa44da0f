#include "train/probes/attention.h"

#include <algorithm>

#include "train/trainer.h"

namespace gradlab {

namespace {
// The name of the largest of n values (a one-hot step's symbol, a row of scores' class).
std::string argmaxName(const float* v, int64_t n, const std::vector<std::string>& names) {
  const int64_t k = int64_t(std::max_element(v, v + n) - v);
  return k < int64_t(names.size()) ? names[size_t(k)] : std::to_string(k);
}
}  // namespace

std::shared_ptr<const ProbeResult> measureAttention(const ProbeContext& ctx) {
  Trainer& trainer = ctx.trainer;
  Network& net = trainer.network();
  auto r = std::make_shared<AttentionProbe>();
  for (const auto& b : net.blocks())
    if (b->type() == "Attention") r->blocks.push_back(b->id());
  if (r->blocks.empty()) {
    r->why = "This network has no Attention block. Open reverse-attention (File › Open "
             "example) to watch a decoder learn where to look.";
    return r;
  }
  r->block = ctx.options.value("block", std::string());
  if (std::find(r->blocks.begin(), r->blocks.end(), r->block) == r->blocks.end())
    r->block = r->blocks.front();
  const Split& data = trainer.data();
  r->onTest = data.test.size() > 0;
  const Dataset& d = r->onTest ? data.test : data.train;
  if (d.size() == 0) return nullptr;
  r->sample = std::clamp<int64_t>(ctx.options.value("sample", int64_t(0)), 0, d.size() - 1);

  net.forward(trainer.makeInput(d, r->sample, 1), /*training=*/false);
  std::vector<std::pair<std::string, Tensor>> internals;
  net.block(r->block)->internals(internals);
  for (const auto& [name, t] : internals)
    if (name == "weights") {
      r->queries = t.dim(1);
      r->keys = t.dim(2);
      r->weights = t.toHost();
    }
  if (r->weights.empty()) return nullptr;

  // Symbols: one-hot input steps, and one class per output step (the reverse task).
  const Shape& xs = d.xShape;
  const std::vector<std::string>& names = d.classNames;
  if (xs.size() == 2 && xs[0] == r->keys) {
    const float* x = d.x.data() + r->sample * d.xStride();
    bool oneHot = true;
    for (int64_t i = 0; i < d.xStride(); ++i) oneHot = oneHot && (x[i] == 0.0f || x[i] == 1.0f);
    if (oneHot)
      for (int64_t t = 0; t < xs[0]; ++t) r->inputs.push_back(argmaxName(x + t * xs[1], xs[1], names));
  }
  const Shape out = net.outputShape();
  if (d.isClassification() && d.yStride() == r->queries && out.size() == 2 && out[0] == r->queries) {
    const std::vector<float> scores = net.output(net.lossBlock()).toHostF32();
    for (int64_t t = 0; t < r->queries; ++t) {
      const int64_t truth = int64_t(d.y[size_t(r->sample * d.yStride() + t)]);
      r->targets.push_back(truth < int64_t(names.size()) ? names[size_t(truth)] : std::to_string(truth));
      r->predicted.push_back(argmaxName(scores.data() + t * out[1], out[1], names));
      r->correct += r->predicted.back() == r->targets.back();
    }
  }
  return r;
}

}  // namespace gradlab
