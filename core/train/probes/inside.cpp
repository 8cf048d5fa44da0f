#include "train/probes/inside.h"

#include <algorithm>

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
  if (!b || d.size() == 0) return nullptr;
  auto p = std::make_shared<InsideProbe>();
  p->block = b->id();
  p->type = b->type();
  p->onTest = onTest;
  p->sample = std::clamp<int64_t>(ctx.options.value("sample", int64_t(0)), 0, d.size() - 1);
  const Tensor x = trainer.makeInput(d, p->sample, 1);
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
    p->truth = int(d.y[size_t(p->sample * std::max<int64_t>(1, d.yStride()))]);
  }
  return p;
}

}  // namespace gradlab
