// gradlab-cli export onnx NET.json [--weights W.safetensors] -o MODEL.onnx [--batch N] [--seed S]
// Writes the network with its weights as an ONNX model (opset 11, evaluation mode; see
// core/export/onnx_export.h): the input named after the Input block, [batch, ...] with a dynamic
// batch unless --batch fixes it (OpenCV 4.6 reads LSTM and GRU only with a fixed batch).
// Without --weights the weights are fresh ones drawn from --seed, as `forward` draws them.
#include <cstdio>

#include "backend/backend.h"
#include "cli/commands.h"
#include "cli/option_ranges.h"
#include "export/onnx_export.h"
#include "io/safetensors.h"
#include "network/network.h"
#include "spec/network_spec.h"

namespace gradlab::cli {

namespace {
struct ExportOnnxOptions {
  std::string network, weights, output;
  int64_t batch = 0;
  uint64_t seed = 0;
};

void run(const ExportOnnxOptions& o) {
  const NetworkSpec spec = loadNetwork(o.network);
  Network net(spec, cpuBackend(), DType::F32, o.seed, LossUse::Optional);
  if (!o.weights.empty()) net.loadWeights(readSafetensors(o.weights), o.weights);
  writeOnnx(o.output, spec, net.weights(), OnnxExportOptions{o.batch});

  const Analysis& a = net.analysis();
  const std::string batch = o.batch > 0 ? std::to_string(o.batch) : "batch";
  auto dims = [&](const Shape& s) {
    std::string out = "[" + batch;
    for (int64_t d : s) out += ", " + std::to_string(d);
    return out + "]";
  };
  std::printf("%s: ONNX opset %d, input \"%s\" %s, %zu blocks, %lld parameters, %s\n",
              o.output.c_str(), kOnnxOpset, a.inputBlock.c_str(),
              dims(a.outShapes.at(a.inputBlock)).c_str(), a.order.size(),
              (long long)a.totalParams,
              o.weights.empty() ? ("fresh weights from seed " + std::to_string(o.seed)).c_str()
                                : ("weights from " + o.weights).c_str());
}
}  // namespace

void addExportOnnx(CLI::App& exportCommand, int& exitCode) {
  static ExportOnnxOptions o;
  auto* cmd = exportCommand.add_subcommand(
      "onnx", "Write the network and its weights as an ONNX model (opset 11, evaluation mode)");
  cmd->add_option("network", o.network, "network file (*.net.json)")->required();
  cmd->add_option("-o,--output", o.output, "the ONNX file to write")->required();
  cmd->add_option("--weights", o.weights, "the network's weights (default: fresh ones from --seed)");
  addNumber(cmd, "--batch", o.batch, Range{0, 1e6, true},
            "fix the batch size (default 0: dynamic; OpenCV 4.6 needs a fixed one for LSTM "
            "and GRU)")
      ->default_val(0);
  addNumber(cmd, "--seed", o.seed, kSeed, "seed for fresh weights")->default_val(0);
  cmd->callback([&exitCode] {
    run(o);
    exitCode = 0;
  });
}

}  // namespace gradlab::cli
