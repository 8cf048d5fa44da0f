// gradlab-cli explain saliency|adversarial|visualize NET.json --weights W.safetensors ...
// What a trained network looks at and how it can be fooled (core/explain):
//   explain saliency NET --weights W --input X.safetensors --dump OUT.safetensors
//           [--class K] [--smooth N] [--noise F]
//     writes "saliency" [N, ...input shape] = ∂(pre-softmax score of each sample's class)/∂x
//     (the predicted class, or K), "class" [N] and "probabilities" [N, classes].
//   explain adversarial NET --weights W --dataset fashion-mnist --eps 0,0.05,0.1
//           [--samples N] [--method fgsm|pgd] [--steps K] [--dump OUT.safetensors]
//     prints the test accuracy under attack for each ε; --dump writes the first samples'
//     adversarial images ("adv_<i>" for the i-th ε) beside "x", "y" and "eps".
//   explain visualize NET --weights W (--class K | --unit BLOCK:CHANNEL) [--steps N] [--seed S]
//           --dump OUT.safetensors
//     writes "image" [...input shape] that maximises the class score or the channel's mean.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>

#include "backend/select.h"
#include "cli/commands.h"
#include "cli/option_ranges.h"
#include "data/catalog.h"
#include "explain/adversarial.h"
#include "explain/saliency.h"
#include "explain/visualize.h"
#include "io/safetensors.h"
#include "network/network.h"
#include "spec/network_spec.h"
#include "util/error.h"

namespace gradlab::cli {

namespace {
struct Common {
  std::string network, weights, backend = "auto", dump;
  int threads = 1;
};

struct SaliencyArgs : Common {
  std::string input;
  int cls = -1, smooth = 0;
  double noise = 0.15;
  uint64_t seed = 1;
};

struct AdversarialArgs : Common {
  std::string dataset, data, method = "fgsm";
  std::vector<double> eps{0, 0.05, 0.1};
  int64_t samples = 0, dumpSamples = 16;
  int steps = 10;
  double stepSize = 0;
  bool randomStart = false;
  uint64_t seed = 1;
};

struct VisualizeArgs : Common {
  int cls = -1, steps = 200, jitter = 2, blurEvery = 4;
  std::string unit;
  double lr = 0.05, l2 = 1e-3, blur = 0.5;
  uint64_t seed = 1;
};

// The network with its weights, on the chosen backend. The class-score network must have a
// loss (cross_entropy: the scores are its input).
std::unique_ptr<Network> openNetwork(const Common& o) {
  const NetworkSpec spec = loadNetwork(o.network);
  BackendChoice choice = selectBackend(o.backend);
  if (!choice.message.empty()) std::fprintf(stderr, "%s\n", choice.message.c_str());
  choice.backend->setThreads(o.threads);
  auto net = std::make_unique<Network>(spec, *choice.backend, DType::F32, 0);
  net->loadWeights(readSafetensors(o.weights), o.weights);
  return net;
}

std::string names(const TensorMap& m) {
  std::string out;
  for (const auto& [name, t] : m) out += (out.empty() ? "\"" : ", \"") + name + "\"";
  return out.empty() ? "no tensors" : out;
}

// Tensor "x" of the input file as [B, ...input shape] (one sample of the Input's shape is a
// batch of 1) — as `gradlab-cli forward --input` reads it.
HostTensor readBatch(const std::string& file, const Network& net) {
  const TensorMap input = readSafetensors(file);
  auto it = input.find("x");
  if (it == input.end())
    throw Error(file + ": has no tensor \"x\" (it holds " + names(input) +
                ") — store the input batch as \"x\"");
  HostTensor x = it->second;
  const Shape& want = net.inputShape();
  if (x.shape == want) {
    x.shape = withBatch(1, want);
    return x;
  }
  Shape got(x.shape.begin() + std::min<size_t>(1, x.shape.size()), x.shape.end());
  if (x.shape.empty() || got != want)
    throw Error(file + ": tensor \"x\" is " + toString(x.shape) + ", but the Input block \"" +
                net.analysis().inputBlock + "\" takes samples of shape " + toString(want) +
                " — give x the shape [batch, " + toString(want) + "]");
  if (x.shape[0] < 1) throw Error(file + ": tensor \"x\" holds no samples (its batch extent is 0)");
  return x;
}

int64_t classesOf(const Network& net) {
  if (!net.hasLoss() || net.outputShape().size() != 1)
    throw Error("explain needs a classifier: a cross_entropy loss on a block of [classes] scores");
  return net.outputShape()[0];
}

void checkClass(int cls, int64_t classes) {
  if (cls < -1 || cls >= classes)
    throw Error("--class " + std::to_string(cls) + " is out of range: the network has " +
                std::to_string(classes) + " classes, 0 to " + std::to_string(classes - 1));
}

HostTensor hostTensor(Shape shape, const std::vector<float>& v) {
  return HostTensor{std::move(shape), DType::F32, std::vector<double>(v.begin(), v.end())};
}

void runSaliency(const SaliencyArgs& o) {
  auto net = openNetwork(o);
  const int64_t classes = classesOf(*net);
  checkClass(o.cls, classes);
  const HostTensor in = readBatch(o.input, *net);
  Tensor x = cpuBackend().empty(in.shape, DType::F32);
  x.fromHost(std::span<const double>(in.values));
  const std::vector<int> cls(size_t(in.shape[0]), o.cls);
  SaliencyOptions so;
  so.smoothSamples = o.smooth;
  so.smoothNoise = o.noise;
  so.seed = o.seed;
  const Saliency s = saliency(*net, x, cls, so);

  TensorMap dump;
  dump["saliency"] = hostTensor(in.shape, s.gradient);
  HostTensor c{{in.shape[0]}, DType::F32, {}};
  HostTensor p{{in.shape[0], classes}, DType::F32, {}};
  for (size_t i = 0; i < s.classes.size(); ++i) {
    c.values.push_back(s.classes[i]);
    p.values.insert(p.values.end(), s.probabilities[i].begin(), s.probabilities[i].end());
  }
  dump["class"] = c;
  dump["probabilities"] = p;
  writeSafetensors(o.dump, dump,
                   {{"network", o.network}, {"smooth", std::to_string(o.smooth)}});
  const int64_t d = numel(s.inputShape);
  for (size_t i = 0; i < s.classes.size() && i < 10; ++i) {
    float mx = 0;
    for (int64_t k = 0; k < d; ++k) mx = std::max(mx, std::abs(s.gradient[i * d + k]));
    std::printf("sample %zu: class %d (p = %.3f), max |∂score/∂x| = %.4g\n", i, s.classes[i],
                s.probabilities[i][size_t(s.classes[i])], mx);
  }
  std::printf("%s: saliency %s, class [%lld]%s\n", o.dump.c_str(), toString(in.shape).c_str(),
              (long long)in.shape[0], o.smooth ? (", SmoothGrad over " +
              std::to_string(o.smooth) + " noisy copies").c_str() : "");
}

void runAdversarial(const AdversarialArgs& o) {
  if (o.dataset.empty() == o.data.empty())
    throw Error("give exactly one of --dataset NAME (a built-in set, e.g. fashion-mnist) or "
                "--data FILE");
  if (o.eps.empty()) throw Error("--eps needs at least one value, e.g. --eps 0,0.05,0.1");
  auto net = openNetwork(o);
  classesOf(*net);
  AttackOptions a;
  a.method = parseAttackMethod(o.method);
  a.steps = o.steps;
  a.stepSize = o.stepSize;
  a.randomStart = o.randomStart;
  a.seed = o.seed;
  DatasetOptions dopt;
  const Split split = o.dataset.empty() ? loadDataFile(o.data, dopt) : loadBuiltin(o.dataset, dopt);
  const Dataset& test = split.test.size() > 0 ? split.test : split.train;
  const auto curve = accuracyUnderAttack(*net, test, o.eps, a, o.samples);
  std::printf("%-8s %-9s %s\n", "eps", "accuracy", "samples");
  for (const auto& p : curve)
    std::printf("%-8.4g %-9.4f %lld\n", p.eps, p.accuracy, (long long)p.samples);
  std::printf("%s attack%s on the test set of %s\n", toString(a.method).c_str(),
              a.method == AttackMethod::Pgd ? (" (" + std::to_string(a.steps) + " steps)").c_str() : "",
              test.name.c_str());
  if (o.dump.empty()) return;

  const int64_t m = std::min<int64_t>(o.dumpSamples, test.size());
  const int64_t d = test.xStride();
  Shape shape = withBatch(m, test.xShape);
  std::vector<float> xs(test.x.begin(), test.x.begin() + m * d);
  Tensor x = cpuBackend().empty(shape, DType::F32);
  x.fromHost(std::span<const float>(xs));
  Tensor y = cpuBackend().empty({m}, DType::F32);
  y.fromHost(std::span<const float>(test.y.data(), size_t(m)));
  TensorMap dump;
  dump["x"] = hostTensor(shape, xs);
  dump["y"] = hostTensor({m}, std::vector<float>(test.y.begin(), test.y.begin() + m));
  dump["eps"] = HostTensor{{int64_t(o.eps.size())}, DType::F32, o.eps};
  for (size_t e = 0; e < o.eps.size(); ++e) {
    a.eps = o.eps[e];
    dump["adv_" + std::to_string(e)] = hostTensor(shape, attack(*net, x, y, a).toHostF32());
  }
  writeSafetensors(o.dump, dump, {{"network", o.network}, {"method", o.method}});
  std::printf("%s: x, y and adv_0..adv_%zu of the first %lld test samples\n", o.dump.c_str(),
              o.eps.size() - 1, (long long)m);
}

void runVisualize(const VisualizeArgs& o) {
  if ((o.cls >= 0) == !o.unit.empty() || o.cls < -1)
    throw Error(o.cls < -1 ? "--class must be ≥ 0"
                           : "give exactly one of --class K or --unit BLOCK:CHANNEL (e.g. c1:3)");
  auto net = openNetwork(o);
  VisualizeTarget t;
  if (!o.unit.empty()) {
    const auto colon = o.unit.rfind(':');
    size_t used = 0;
    int channel = -1;
    try {
      if (colon != std::string::npos) channel = std::stoi(o.unit.substr(colon + 1), &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (colon == std::string::npos || colon == 0 || used == 0 ||
        used != o.unit.size() - colon - 1)
      throw Error("--unit " + quoteText(o.unit) +
                  " is not BLOCK:CHANNEL — give a block id and a channel number, e.g. c1:3");
    t.block = o.unit.substr(0, colon);
    t.channel = channel;
  } else {
    checkClass(o.cls, classesOf(*net));
    t.cls = o.cls;
  }
  VisualizeOptions v;
  v.steps = o.steps;
  v.lr = o.lr;
  v.jitter = o.jitter;
  v.l2 = o.l2;
  v.blurSigma = o.blur;
  v.blurEvery = o.blurEvery;
  v.seed = o.seed;
  const Visualization r = visualize(*net, t, v);
  TensorMap dump;
  dump["image"] = hostTensor(r.shape, r.image);
  dump["score"] = HostTensor{{1}, DType::F32, {r.score}};
  dump["start_score"] = HostTensor{{1}, DType::F32, {r.startScore}};
  writeSafetensors(o.dump, dump, {{"network", o.network},
                                  {"target", o.unit.empty() ? "class " + std::to_string(o.cls) : o.unit}});
  std::printf("%s: score %.4g → %.4g after %d steps; %s: image %s\n",
              o.unit.empty() ? ("class " + std::to_string(o.cls)).c_str() : o.unit.c_str(),
              r.startScore, r.score, o.steps, o.dump.c_str(), toString(r.shape).c_str());
}

void addCommon(CLI::App* cmd, Common& o) {
  cmd->add_option("network", o.network, "network file (*.net.json)")->required();
  cmd->add_option("--weights", o.weights, "the trained weights (safetensors)")->required();
  cmd->add_option("--backend", o.backend, "cpu, auto (the GPU when usable), cuda or cuda:N")
      ->default_val("auto");
  addNumber(cmd, "--threads", o.threads, kThreads, "cpu threads")->default_val(1);
}
}  // namespace

void addExplain(CLI::App& app, int& exitCode) {
  auto* explain = app.add_subcommand(
      "explain", "What a trained network looks at: saliency, adversarial examples, feature "
                 "visualisation");
  explain->require_subcommand(1);

  static SaliencyArgs s;
  auto* sal = explain->add_subcommand(
      "saliency", "∂(class score)/∂input for each sample of a batch (SmoothGrad with --smooth)");
  addCommon(sal, s);
  sal->add_option("--input", s.input, "safetensors file with the batch as tensor \"x\"")->required();
  sal->add_option("--dump", s.dump, "where to write saliency, class, probabilities")->required();
  addNumber(sal, "--class", s.cls, Range{-1, 1e6, true}, "the class whose score to differentiate (-1: the predicted one)")
      ->default_val(-1);
  addNumber(sal, "--smooth", s.smooth, Range{0, 10000, true}, "SmoothGrad: average over this many noisy copies (0: off)")
      ->default_val(0);
  addNumber(sal, "--noise", s.noise, Range{0, 10}, "SmoothGrad noise σ as a share of the input's range")
      ->default_val(0.15);
  addNumber(sal, "--seed", s.seed, kSeed, "SmoothGrad noise seed")->default_val(1);
  sal->callback([&exitCode] {
    runSaliency(s);
    exitCode = 0;
  });

  static AdversarialArgs a;
  auto* adv = explain->add_subcommand(
      "adversarial", "Test accuracy under an FGSM or PGD attack, for each ε");
  addCommon(adv, a);
  adv->add_option("--dataset", a.dataset, "built-in dataset (e.g. fashion-mnist): its test set");
  adv->add_option("--data", a.data, "your data file: its held-out test set");
  addNumber(adv, "--eps", a.eps, Range{0, 1}, "L∞ budgets, comma-separated (pixels in [0, 1])")
      ->delimiter(',')
      ->default_str("0,0.05,0.1");
  addNumber(adv, "--samples", a.samples, kSamples, "the first N test samples (0: all)")->default_val(0);
  adv->add_option("--method", a.method, "fgsm or pgd")->default_val("fgsm");
  addNumber(adv, "--steps", a.steps, Range{1, 1e6, true}, "PGD iterations")->default_val(10);
  addNumber(adv, "--step-size", a.stepSize, Range{0, 1}, "PGD step (0: 2.5·ε/steps)")->default_val(0);
  adv->add_flag("--random-start", a.randomStart, "PGD: start at a random point of the ε-ball");
  addNumber(adv, "--seed", a.seed, kSeed, "PGD random start seed")->default_val(1);
  adv->add_option("--dump", a.dump, "write the first samples' adversarial images (safetensors)");
  addNumber(adv, "--dump-samples", a.dumpSamples, Range{1, 1e6, true}, "how many samples --dump writes")
      ->default_val(16);
  adv->callback([&exitCode] {
    runAdversarial(a);
    exitCode = 0;
  });

  static VisualizeArgs v;
  auto* vis = explain->add_subcommand(
      "visualize", "The input that maximises a class score or a channel (Olah et al. 2017)");
  addCommon(vis, v);
  addNumber(vis, "--class", v.cls, Range{0, 1e6, true}, "maximise this class's pre-softmax score");
  vis->add_option("--unit", v.unit, "maximise the mean of this block's channel, BLOCK:CHANNEL");
  vis->add_option("--dump", v.dump, "where to write the image (safetensors)")->required();
  addNumber(vis, "--steps", v.steps, Range{1, 1e6, true}, "gradient-ascent steps")->default_val(200);
  addNumber(vis, "--lr", v.lr, Range{1e-12, 1e6}, "mean change per value and step")->default_val(0.05);
  addNumber(vis, "--jitter", v.jitter, Range{0, 1000, true}, "random shift of up to ± this many pixels per step")
      ->default_val(2);
  addNumber(vis, "--l2", v.l2, Range{0, 1e6}, "L2 decay of the image")->default_val(1e-3);
  addNumber(vis, "--blur", v.blur, Range{0, 100}, "Gaussian blur σ in pixels (0: none)")->default_val(0.5);
  addNumber(vis, "--blur-every", v.blurEvery, Range{1, 1e6, true}, "blur every N steps")->default_val(4);
  addNumber(vis, "--seed", v.seed, kSeed, "the starting noise and the jitter")->default_val(1);
  vis->callback([&exitCode] {
    runVisualize(v);
    exitCode = 0;
  });
}

}  // namespace gradlab::cli
