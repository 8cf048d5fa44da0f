// gradlab-cli forward NET.json --input X.safetensors --dump OUT.safetensors
//                   [--weights W.safetensors] [--train-mode] [--seed S] [--dtype f32|f64]
// Runs the network once on the batch x from the input file and writes what every block
// produced: its output under its id ("h1") and its internals under "<id>.<name>" ("h1.pre",
// "lstm.gates.f", "drop.mask"), each with the batch as its first extent.
// The loss is not needed: a network whose only problems are about its loss (missing, unknown,
// or reading a block of a shape it cannot take) runs too, with one line on stderr saying so.
#include <cstdio>

#include "backend/backend.h"
#include "cli/commands.h"
#include "cli/option_ranges.h"
#include "io/safetensors.h"
#include "network/network.h"
#include "spec/network_spec.h"
#include "util/error.h"

namespace gradlab::cli {

namespace {
struct ForwardOptions {
  std::string network, weights, input, dump, dtype = "f32";
  bool trainMode = false;
  uint64_t seed = 0;
  int threads = 1;
};

std::string names(const TensorMap& m) {
  std::string out;
  for (const auto& [name, t] : m) out += (out.empty() ? "\"" : ", \"") + name + "\"";
  return out.empty() ? "no tensors" : out;
}

// x as [B, ...shape]: a batch, or one sample of exactly the Input's shape.
Shape batchShape(const HostTensor& x, const Shape& want, const std::string& inputId,
                 const std::string& file) {
  if (x.shape == want) return withBatch(1, want);
  Shape got(x.shape.begin() + std::min<size_t>(1, x.shape.size()), x.shape.end());
  if (x.shape.empty() || got != want) {
    std::string dims;
    for (int64_t d : want) dims += ", " + std::to_string(d);
    throw Error(file + ": tensor \"x\" is " + toString(x.shape) + ", but the Input block \"" +
                inputId + "\" takes samples of shape " + toString(want) +
                " — give x the shape [batch" + dims + "] (or the Input block the data's shape)");
  }
  if (x.shape[0] < 1) throw Error(file + ": tensor \"x\" holds no samples (its batch extent is 0)");
  return x.shape;
}

HostTensor toHost(const Tensor& t) { return HostTensor{t.shape(), t.dtype(), t.toHost()}; }

void run(const ForwardOptions& o) {
  if (o.dtype != "f32" && o.dtype != "f64") throw UsageError("--dtype must be f32 or f64");
  const DType dtype = o.dtype == "f64" ? DType::F64 : DType::F32;
  const NetworkSpec spec = loadNetwork(o.network);
  Backend& be = cpuBackend();
  be.setThreads(o.threads);
  Network net(spec, be, dtype, o.seed, LossUse::Optional);
  if (!net.hasLoss()) {
    std::string why;
    for (const auto& p : net.analysis().problems)
      why += (why.empty() ? "" : "; ") + (p.block.empty() ? "network" : p.block) + ": " + p.message;
    std::fprintf(stderr, "note: running without a loss (training needs one) — %s\n", why.c_str());
  }
  if (!o.weights.empty()) net.loadWeights(readSafetensors(o.weights), o.weights);

  const TensorMap input = readSafetensors(o.input);
  auto it = input.find("x");
  if (it == input.end())
    throw Error(o.input + ": has no tensor \"x\" (it holds " + names(input) +
                ") — store the input batch as \"x\"");
  const Shape shape = batchShape(it->second, net.inputShape(), net.analysis().inputBlock, o.input);
  Tensor x = be.empty(shape, dtype);
  x.fromHost(std::span<const double>(it->second.values));
  net.forward(x, o.trainMode);

  TensorMap dump;
  std::vector<std::pair<std::string, Tensor>> internals;
  for (const auto& block : net.blocks()) {
    dump[block->id()] = toHost(net.output(block->id()));
    internals.clear();
    block->internals(internals);
    for (const auto& [name, t] : internals) dump[block->id() + "." + name] = toHost(t);
  }
  writeSafetensors(o.dump, dump,
                   {{"network", o.network}, {"mode", o.trainMode ? "train" : "eval"}});

  std::printf("%-28s %s\n", "tensor", "shape");
  for (const auto& [name, t] : dump) std::printf("%-28s %s\n", name.c_str(), toString(t.shape).c_str());
  std::printf("%s: %zu tensors, batch %lld, %s mode\n", o.dump.c_str(), dump.size(),
              (long long)shape[0], o.trainMode ? "training" : "evaluation");
}
}  // namespace

void addForward(CLI::App& app, int& exitCode) {
  static ForwardOptions o;
  auto* cmd = app.add_subcommand(
      "forward", "Run a network on a batch and dump every block's output and internals");
  cmd->add_option("network", o.network, "network file (*.net.json)")->required();
  cmd->add_option("--input", o.input, "safetensors file with the batch as tensor \"x\" [batch, ...]")
      ->required();
  cmd->add_option("--dump", o.dump, "where to write the outputs (safetensors)")->required();
  cmd->add_option("--weights", o.weights, "the network's weights (default: fresh ones from --seed)");
  cmd->add_flag("--train-mode", o.trainMode,
                "run as in training (dropout masks, batch statistics) instead of evaluation");
  addNumber(cmd, "--seed", o.seed, kSeed, "seed for fresh weights and dropout")->default_val(0);
  cmd->add_option("--dtype", o.dtype, "f32 or f64")->default_val("f32");
  addNumber(cmd, "--threads", o.threads, kThreads, "cpu threads")->default_val(1);
  cmd->callback([&exitCode] {
    run(o);
    exitCode = 0;
  });
}

}  // namespace gradlab::cli
