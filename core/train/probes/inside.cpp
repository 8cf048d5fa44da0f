#include "train/probes/inside.h"

#include <algorithm>
#include <cmath>

#include "train/readout.h"
#include "train/trainer.h"

namespace gradlab {

namespace {
// Row `row` of a batch-first tensor as a picture (the batch extent dropped).
TensorPicture picture(const std::string& name, const Tensor& t, int64_t row = 0) {
  TensorPicture p;
  p.name = name;
  p.shape.assign(t.shape().begin() + 1, t.shape().end());
  p.values = t.slice(row, row + 1).toHostF32();
  return p;
}
}  // namespace

std::shared_ptr<const ProbeResult> captureTrainingInternals(const ProbeContext& ctx) {
  const std::string id = ctx.options.value("block", std::string());
  const Block* b = ctx.trainer.network().block(id);
  if (!b) return nullptr;
  auto p = std::make_shared<InsideProbe>();
  p->block = id;
  std::vector<std::pair<std::string, Tensor>> internals;
  b->internals(internals);
  for (const auto& [name, t] : internals)
    if (t.defined() && t.rank() >= 2) {
      p->pictures.push_back(picture(name, t));
      p->pictures.back().training = true;
    }
  return p;
}

std::shared_ptr<const ProbeResult> measureInside(const ProbeContext& ctx) {
  Trainer& trainer = ctx.trainer;
  Network& net = trainer.network();
  const Block* b = net.block(ctx.options.value("block", std::string()));
  const Split& data = trainer.data();
  const bool onTest = data.test.size() > 0;
  const Dataset& d = onTest ? data.test : data.train;
  const bool own = ctx.options.contains("image") && ctx.options["image"].is_array();
  if (!b || (d.size() == 0 && !own)) return nullptr;
  auto p = std::make_shared<InsideProbe>();
  p->block = b->id();
  p->type = b->type();
  p->onTest = onTest;
  Tensor x;
  if (own) {  // the user's own image, as the network's input
    p->ownImage = true;
    p->sample = -1;
    std::vector<float> image;
    for (const auto& v : ctx.options["image"]) image.push_back(v.is_number() ? v.get<float>() : 0.0f);
    const Shape& in = net.inputShape();
    if (int64_t(image.size()) != numel(in)) {
      p->why = "The image has " + std::to_string(image.size()) + " values; the network's input " +
               toString(in) + " takes " + std::to_string(numel(in)) + ". Drop it again.";
      return p;
    }
    x = net.backend().empty(withBatch(1, in), net.dtype());
    x.fromHost(std::span<const float>(image));
  } else {
    p->sample = std::clamp<int64_t>(ctx.options.value("sample", int64_t(0)), 0, d.size() - 1);
    x = trainer.makeInput(d, p->sample, 1);
  }
  net.forward(x, /*training=*/false);
  p->input = picture("input", x);
  p->pictures.push_back(picture("output", net.output(b->id())));
  std::vector<std::pair<std::string, Tensor>> internals;
  b->internals(internals);
  auto have = [&](const std::string& name) {
    return std::any_of(p->pictures.begin(), p->pictures.end(),
                       [&](const TensorPicture& q) { return q.name == name; });
  };
  for (const auto& [name, t] : internals)
    if (t.defined() && t.rank() >= 2 && t.dim(0) == 1) p->pictures.push_back(picture(name, t));
  if (auto c = std::dynamic_pointer_cast<const InsideProbe>(ctx.captured); c && c->block == p->block)
    for (const auto& t : c->pictures)
      if (!have(t.name)) p->pictures.push_back(t);
  for (const Param& w : b->params())
    if (w.decl.name == "weight" && w.value.numel() <= InsideProbe::kMaxPictureWeights)
      p->pictures.push_back({"weights", w.value.shape(), w.value.toHostF32()});
  if (d.isClassification()) {
    const Readout readout(net);
    const std::vector<float> out = net.output(net.lossBlock()).toHostF32();
    p->predicted = readout.predicted(out.data());
    if (!own) p->truth = int(d.y[size_t(p->sample * std::max<int64_t>(1, d.yStride()))]);
    // One row of class scores: p_c = exp(z_c − max z) / Σ_k exp(z_k − max z).
    if (readout.kind == LossKind::CrossEntropy && readout.rowsPerSample == 1 && readout.k > 1) {
      const float mx = *std::max_element(out.begin(), out.begin() + readout.k);
      double sum = 0;
      for (int64_t c = 0; c < readout.k; ++c) sum += std::exp(double(out[size_t(c)] - mx));
      for (int64_t c = 0; c < readout.k; ++c)
        p->probabilities.push_back(float(std::exp(double(out[size_t(c)] - mx)) / sum));
    }
  }
  return p;
}

}  // namespace gradlab
