#include "train/probes/saliency.h"

#include <algorithm>

#include "explain/saliency.h"
#include "train/readout.h"
#include "train/trainer.h"
#include "util/error.h"

namespace gradlab {

std::shared_ptr<const ProbeResult> measureSaliency(const ProbeContext& ctx) {
  Trainer& trainer = ctx.trainer;
  Network& net = trainer.network();
  const Split& data = trainer.data();
  const nlohmann::json& o = ctx.options;
  auto p = std::make_shared<SaliencyProbe>();
  p->inputShape = net.inputShape();
  p->onTest = data.test.size() > 0;
  const Dataset& d = p->onTest ? data.test : data.train;
  // Saliency explains a class score: a classifier whose output is one row of class scores.
  const Shape& out = net.outputShape();
  if (!d.isClassification() || out.size() != 1 || out[0] < 2) {
    p->why = "Saliency explains a class score: it needs a classifier whose last block gives one "
             "score per class (this network's output is " + toString(out) +
             (d.isClassification() ? "" : ", and the data is not classes") + ").";
    return p;
  }
  const int64_t size = numel(p->inputShape);
  std::vector<float> x;
  if (o.contains("image") && o["image"].is_array()) {
    p->ownImage = true;
    p->sample = -1;
    for (const auto& v : o["image"]) x.push_back(v.is_number() ? v.get<float>() : 0.0f);
    if (int64_t(x.size()) != size) {
      p->why = "The image has " + std::to_string(x.size()) + " values; the network's input " +
               toString(p->inputShape) + " takes " + std::to_string(size) + ". Drop it again.";
      return p;
    }
  } else {
    if (d.size() == 0) return nullptr;
    p->sample = std::clamp<int64_t>(o.value("sample", int64_t(0)), 0, d.size() - 1);
    x.assign(d.x.begin() + p->sample * d.xStride(), d.x.begin() + (p->sample + 1) * d.xStride());
    p->truth = int(d.y[size_t(p->sample * std::max<int64_t>(1, d.yStride()))]);
  }
  const int classes = int(out[0]);
  int asked = o.value("class", -1);
  if (asked >= classes) asked = -1;  // a class of an earlier network
  p->predictedClass = asked < 0;
  p->smooth = std::clamp(o.value("smooth", 0), 0, SaliencyProbe::kMaxSmooth);
  Tensor in = net.backend().empty(withBatch(1, p->inputShape), net.dtype());
  in.fromHost(std::span<const float>(x));
  SaliencyOptions so;
  so.smoothSamples = p->smooth;
  const std::vector<int> cls{asked};
  Saliency s = saliency(net, in, cls, so);
  p->cls = s.classes.at(0);
  p->probabilities = std::move(s.probabilities.at(0));
  p->predicted = int(std::max_element(p->probabilities.begin(), p->probabilities.end()) -
                     p->probabilities.begin());
  p->gradient = std::move(s.gradient);
  p->input = std::move(x);
  return p;
}

}  // namespace gradlab
