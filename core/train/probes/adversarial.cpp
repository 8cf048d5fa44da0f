#include "train/probes/adversarial.h"

#include <algorithm>
#include <cmath>

#include "train/readout.h"
#include "train/trainer.h"
#include "util/error.h"

namespace gradlab {

namespace {

constexpr int64_t kMaxAttackSamples = 10000;

// The predicted class and the class probabilities of the network's last forward (one sample).
void readOutput(Network& net, int& predicted, std::vector<float>& probabilities) {
  const Readout readout(net);
  const std::vector<float> out = net.output(net.lossBlock()).toHostF32();
  predicted = readout.predicted(out.data());
  probabilities = classProbabilities(net.lossKind(), out.data(), readout.k);
}

}  // namespace

std::vector<float> classProbabilities(LossKind kind, const float* row, int64_t k) {
  if (k == 1) {
    const double p = kind == LossKind::BceLogits ? 1.0 / (1.0 + std::exp(-double(row[0])))
                                                 : double(row[0]);
    return {float(1 - p), float(p)};
  }
  if (kind != LossKind::CrossEntropy) return std::vector<float>(row, row + k);
  // softmax(z)_i = exp(z_i − max z) / Σ_j exp(z_j − max z)
  const double mx = double(*std::max_element(row, row + k));
  std::vector<float> p(static_cast<size_t>(k));
  double sum = 0;
  for (int64_t i = 0; i < k; ++i) sum += std::exp(double(row[i]) - mx);
  for (int64_t i = 0; i < k; ++i) p[size_t(i)] = float(std::exp(double(row[i]) - mx) / sum);
  return p;
}

AttackOptions attackOptions(const nlohmann::json& options) {
  AttackOptions o;
  const nlohmann::json method = options.value("method", nlohmann::json("fgsm"));
  if (!method.is_string()) throw Error("attack: \"method\" must be \"fgsm\" or \"pgd\"");
  o.method = parseAttackMethod(method.get<std::string>());
  const nlohmann::json eps = options.value("eps", nlohmann::json(0.1));
  if (!eps.is_number() || !std::isfinite(eps.get<double>()) || eps.get<double>() < 0 ||
      eps.get<double>() > 1)
    throw Error("attack: eps must be a number between 0 and 1 (the pixels' range is [0, 1]), got " +
                eps.dump());
  o.eps = eps.get<double>();
  const nlohmann::json steps = options.value("steps", nlohmann::json(10));
  if (!steps.is_number_integer() || steps.get<int64_t>() < 1 || steps.get<int64_t>() > 1000)
    throw Error("attack: steps (PGD's iterations) must be a whole number from 1 to 1000, got " +
                steps.dump());
  o.steps = steps.get<int>();
  return o;
}

std::shared_ptr<const ProbeResult> measureAdversarial(const ProbeContext& ctx) {
  Trainer& trainer = ctx.trainer;
  Network& net = trainer.network();
  const Split& data = trainer.data();
  auto r = std::make_shared<AdversarialProbe>();
  const AttackOptions options = attackOptions(ctx.options);
  r->method = options.method;
  r->eps = options.eps;
  r->steps = options.method == AttackMethod::Pgd ? options.steps : 1;
  r->shape = net.inputShape();
  r->onTest = data.test.size() > 0;
  const Dataset& d = r->onTest ? data.test : data.train;
  if (!d.isClassification()) {
    r->why = "Adversarial examples need a classifier: load data with classes (Fashion-MNIST).";
    return r;
  }
  const int64_t size = numel(r->shape);
  // The sample as a one-sample data set: a test sample, or the user's image with the class the
  // network gives it as its label (filled in below).
  Dataset one;
  one.xShape = d.xShape;
  one.yShape = d.yShape;
  one.numClasses = d.numClasses;
  if (const auto image = ctx.options.find("image"); image != ctx.options.end() && image->is_array()) {
    if (int64_t(image->size()) != size) {
      r->why = "The image has " + std::to_string(image->size()) + " values; the network takes " +
               toString(r->shape) + " (" + std::to_string(size) + "). Drop it again.";
      return r;
    }
    r->ownImage = true;
    one.x = image->get<std::vector<float>>();
  } else {
    if (d.size() == 0) return nullptr;
    r->sample = std::clamp<int64_t>(ctx.options.value("sample", int64_t(0)), 0, d.size() - 1);
    one.x.assign(d.x.begin() + r->sample * size, d.x.begin() + (r->sample + 1) * size);
    r->truth = int(d.y[size_t(r->sample * std::max<int64_t>(1, d.yStride()))]);
  }
  const Tensor x = trainer.makeInput(one, 0, 1);
  net.forward(x, /*training=*/false);
  readOutput(net, r->before, r->probabilitiesBefore);
  one.y.assign(size_t(std::max<int64_t>(1, d.yStride())), float(r->ownImage ? r->before : r->truth));
  const Tensor adversarial = attack(net, x, trainer.makeTarget(one, 0, 1), options);
  r->original = one.x;
  r->adversarial = adversarial.toHostF32();
  for (int64_t i = 0; i < size; ++i)
    r->change = std::max(r->change, double(std::abs(r->adversarial[size_t(i)] - r->original[size_t(i)])));
  Dataset attacked = one;
  attacked.x = r->adversarial;
  net.forward(trainer.makeInput(attacked, 0, 1), /*training=*/false);
  readOutput(net, r->after, r->probabilitiesAfter);
  return r;
}

std::shared_ptr<const ProbeResult> measureAttack(const ProbeContext& ctx) {
  Trainer& trainer = ctx.trainer;
  const Dataset& test = trainer.data().test;
  if (!test.isClassification() || test.size() == 0) return nullptr;
  auto r = std::make_shared<AttackProbe>();
  const AttackOptions options = attackOptions(ctx.options);
  r->method = options.method;
  r->eps = options.eps;
  r->samples = std::clamp<int64_t>(ctx.options.value("samples", int64_t(200)), 1,
                                   std::min(test.size(), kMaxAttackSamples));
  const std::vector<double> eps{0, options.eps};
  const std::vector<EpsAccuracy> curve =
      accuracyUnderAttack(trainer.network(), test, eps, options, r->samples);
  if (curve.size() != 2) return nullptr;
  r->cleanAccuracy = curve[0].accuracy;
  r->accuracy = curve[1].accuracy;
  return r;
}

}  // namespace gradlab
