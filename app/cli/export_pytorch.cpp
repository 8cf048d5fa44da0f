// gradlab-cli export pytorch NET [--weights W] [--project P.gradlab] -o DIR
// A standalone PyTorch project of the run (export/pytorch_export.h): model.py, train.py,
// data.safetensors, init.safetensors. NET is a network (*.net.json) or a project (*.gradlab).
// The run's data and settings come from the project (NET, or --project), else from the network
// file's "training" object and --dataset/--data; the flags of `train` override either, as
// there. The starting weights: --weights, else the project's, else drawn from the seed.
#include <cstdio>
#include <filesystem>
#include <optional>

#include "cli/commands.h"
#include "cli/option_ranges.h"
#include "cli/run_flags.h"
#include "data/catalog.h"
#include "data/data_source.h"
#include "export/pytorch_export.h"
#include "io/project.h"
#include "io/safetensors.h"
#include "io/training_settings.h"
#include "spec/fit_to_data.h"
#include "spec/network_spec.h"
#include "util/error.h"

namespace gradlab::cli {

namespace {
struct ExportOptions {
  std::string network, weights, project, out;
  DataFlags d;         // cli/run_flags.h, as train's
  TrainConfig config;  // the training flags given
  CLI::App* cmd = nullptr;
};

void run(ExportOptions& o) {
  if (!o.d.dataset.empty() && !o.d.data.empty())
    throw UsageError("give at most one of --dataset NAME or --data FILE");
  if (isProjectPath(o.network) && !o.project.empty())
    throw UsageError("give the project either as NET or as --project, not both");
  const std::string projectPath = isProjectPath(o.network) ? o.network : o.project;
  std::optional<Project> project;
  if (!projectPath.empty()) project = loadProject(projectPath);

  NetworkSpec spec = isProjectPath(o.network) ? project->network : loadNetwork(o.network);
  TrainConfig config = project ? project->training : TrainConfig{};
  DataSource source = project ? project->data : DataSource{};
  if (!project) {
    if (o.d.dataset.empty() == o.d.data.empty())
      throw UsageError("give the data: --dataset NAME (a built-in set) or --data FILE, or a "
                       "project (*.gradlab) that names its data");
    if (auto file = loadNetworkTraining(o.network)) config = file->over(config);
    source.testFraction = 0.2;  // gradlab-cli train's defaults
    source.points = 0;
    source.noise = 0;
    source.lag = 0;
    source.seed = config.seed;
  }
  // The flags given override, as for `gradlab-cli train` (the same function).
  source = givenDataFlags(*o.cmd, o.d, o.config, source);
  config = givenTrainingFlags(*o.cmd, o.config, config);
  checkTrainConfig(config, [](const std::string& key) { return "the setting \"" + key + "\""; });

  // A project's data source as the window loads it; else the options as `train` sets them
  // (there --points does not limit Fashion-MNIST, and sequences keep their default length).
  DatasetOptions dopt = project ? source.options() : DatasetOptions{};
  if (!project) {
    dopt.testFraction = source.testFraction;
    dopt.seed = source.seed;
    if (source.points > 0) dopt.points = source.points;
    dopt.noise = source.noise;
    if (source.lag > 0) dopt.lag = source.lag;
    if (source.length > 0) dopt.length = source.length;
    dopt.symbols = source.symbols;
  }
  dopt.target = o.d.target;
  auto split = std::make_shared<Split>(source.builtin.empty() ? loadDataFile(source.path, dopt)
                                                              : loadBuiltin(source.builtin, dopt));
  if (source.reconstruct) makeReconstruction(*split);

  std::optional<TensorMap> weights;
  if (!o.weights.empty()) weights = readSafetensors(o.weights);
  else if (project && project->weights) weights = project->weights;
  if (project && !weights) spec = fitSpecToData(spec, split->train).spec;  // as the window does

  const PytorchRun run =
      makePytorchRun(spec, split, config, weights ? &*weights : nullptr,
                     pytorchDataLabel(source, *split));
  exportPytorch(run, o.out);
  const std::filesystem::path dir(o.out);
  std::printf("wrote %s, %s, %s and %s (%lld training rows%s); train with\n  python3 %s "
              "[--steps N] [--no-shuffle] [--log losses.csv]\n  torchrun --nproc_per_node 2 %s\n",
              (dir / "model.py").c_str(), (dir / "train.py").c_str(),
              (dir / "data.safetensors").c_str(), (dir / "init.safetensors").c_str(),
              (long long)run.data->train.size(),
              run.data->test.size() ? (", " + std::to_string(run.data->test.size()) + " test").c_str() : "",
              (dir / "train.py").c_str(), (dir / "train.py").c_str());
}
}  // namespace

void addExportPytorch(CLI::App& exportCommand, int& exitCode) {
  static ExportOptions o;
  auto* cmd = exportCommand.add_subcommand(
      "pytorch", "Write a PyTorch project of the run: model.py, train.py (torchrun-ready), data, init");
  o.cmd = cmd;
  cmd->add_option("network", o.network, "network file (*.net.json) or project (*.gradlab)")->required();
  cmd->add_option("-o,--out", o.out, "the folder to write (created when missing)")->required();
  cmd->add_option("--weights", o.weights, "start from these weights (safetensors); default: the "
                                          "project's, else drawn from the seed");
  cmd->add_option("--project", o.project, "take the data, settings and weights from this project");
  addDataFlags(cmd, o.d);
  addTrainingFlags(cmd, o.config);
  // train.py trains the steps it is given (python3 train.py --steps N): no early stopping.
  cmd->remove_option(cmd->get_option("--early-stopping"));
  cmd->callback([&exitCode] {
    run(o);
    exitCode = 0;
  });
}

}  // namespace gradlab::cli
