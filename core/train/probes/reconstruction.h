#pragma once
// Reconstruction probe (autoencoders, curriculum topic 19): a few samples beside what the
// network makes of them, for a network whose output has the size of its input — trained with
// the inputs as targets (`gradlab-cli train --reconstruct`, the data panel's switch).
//   options: {"count": 8}   `count` test samples (training samples without a test set) …
//            {"first": 0}   … from this one on (the set's last `count` when it runs past the end)
// Images [C, H, W] are shown by their first channel, stacked as [count, H, W]; other samples
// as rows of a [count, features] matrix.
#include <algorithm>

#include "train/probes/inside.h"
#include "train/trainer.h"

namespace gradlab {

std::shared_ptr<const ProbeResult> measureReconstruction(const ProbeContext& ctx);

struct ReconstructionProbe : ProbeResult {
  static constexpr const char* kName = "reconstruction";
  static inline const ProbeType kType{measureReconstruction};
  TensorPicture inputs, outputs;  // [count, H, W] or [count, features]
  int64_t first = 0;              // the index of the first sample shown
  std::vector<double> errors;     // each sample's mean squared error
  bool onTest = true;
  std::string why;  // when there is nothing to show: why, and what to do
};

inline std::shared_ptr<const ProbeResult> measureReconstruction(const ProbeContext& ctx) {
  Trainer& trainer = ctx.trainer;
  Network& net = trainer.network();
  const Split& data = trainer.data();
  auto r = std::make_shared<ReconstructionProbe>();
  r->onTest = data.test.size() > 0;
  const Dataset& d = r->onTest ? data.test : data.train;
  const Shape in = net.inputShape();
  const int64_t size = numel(in);
  const int64_t n = std::min<int64_t>(std::clamp(ctx.options.value("count", 8), 1, 32), d.size());
  if (n == 0) return nullptr;
  const int64_t first =
      std::clamp<int64_t>(ctx.options.value("first", int64_t(0)), 0, d.size() - n);
  // An autoencoder: trained with the inputs as targets (then the loss makes the output as large
  // as a sample). A classifier whose output happens to be as large is none, nor a regression
  // of one number on another (fn-sine: y = f(x), both [1]).
  const bool targetsAreInputs = !d.isClassification() && d.yShape == d.xShape &&
                                std::equal(d.x.begin() + first * size,
                                   d.x.begin() + (first + n) * size, d.y.begin() + first * size);
  if (!targetsAreInputs) {
    r->why = "Reconstructions show for an autoencoder: a network trained with its inputs as "
             "targets (tick \"Reconstruct the inputs\" in the Data panel, or gradlab-cli train "
             "--reconstruct), its last block as large as a sample (" + toString(in) + ").";
    return r;
  }
  if (numel(net.outputShape()) != size) return nullptr;  // the trainer refuses such a network
  net.forward(trainer.makeInput(d, first, n), /*training=*/false);
  r->first = first;
  const std::vector<float> out = net.output(net.lossBlock()).toHostF32();
  // One picture per sample: an image's first channel, else the sample as a row.
  const bool image = in.size() == 3;
  const int64_t shown = image ? in[1] * in[2] : size;
  const Shape shape = image ? Shape{n, in[1], in[2]} : Shape{n, size};
  r->inputs = {"input", shape, {}, false};
  r->outputs = {"reconstruction", shape, {}, false};
  for (int64_t i = 0; i < n; ++i) {
    const float* x = d.x.data() + (first + i) * size;
    const float* y = out.data() + i * size;
    double se = 0;
    for (int64_t j = 0; j < size; ++j) se += double(y[j] - x[j]) * double(y[j] - x[j]);
    r->errors.push_back(se / double(size));
    r->inputs.values.insert(r->inputs.values.end(), x, x + shown);
    r->outputs.values.insert(r->outputs.values.end(), y, y + shown);
  }
  return r;
}

}  // namespace gradlab
