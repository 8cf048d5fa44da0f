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
  std::string network, weights, project, out, dataset, data, target;
  double testSplit = 0.2, noise = 0;
  int64_t points = 0, lag = 0;
  bool reconstruct = false;
  TrainConfig config;
  CLI::App* cmd = nullptr;
};

void run(ExportOptions& o) {
  auto given = [&](const char* flag) { return o.cmd->count(flag) > 0; };
  if (!o.dataset.empty() && !o.data.empty()) throw Error("give at most one of --dataset NAME or --data FILE");
  if (isProjectPath(o.network) && !o.project.empty())
    throw Error("give the project either as NET or as --project, not both");
  const std::string projectPath = isProjectPath(o.network) ? o.network : o.project;
  std::optional<Project> project;
  if (!projectPath.empty()) project = loadProject(projectPath);

  NetworkSpec spec = isProjectPath(o.network) ? project->network : loadNetwork(o.network);
  TrainConfig config = project ? project->training : o.config;
  DataSource source = project ? project->data : DataSource{};
  if (!project) {
    if (o.dataset.empty() == o.data.empty())
      throw Error("give the data: --dataset NAME (a built-in set) or --data FILE, or a project "
                  "(*.gradlab) that names its data");
    if (auto file = loadNetworkTraining(o.network)) config = file->over(config);
    source.testFraction = 0.2;  // gradlab-cli train's defaults
    source.points = 0;
    source.noise = 0;
    source.lag = 0;
    source.seed = config.seed;
  }
  // The flags given override, as for `gradlab-cli train`.
  if (!o.dataset.empty()) source.builtin = o.dataset, source.path.clear();
  if (!o.data.empty()) source.builtin.clear(), source.path = o.data;
  if (given("--test-split")) source.testFraction = o.testSplit;
  if (given("--points")) source.points = int(o.points);
  if (given("--noise")) source.noise = o.noise;
  if (given("--lag")) source.lag = o.lag;
  if (given("--reconstruct")) source.reconstruct = o.reconstruct;
  if (given("--seed")) source.seed = config.seed = o.config.seed;
  if (given("--optimizer")) config.optimizer = o.config.optimizer;
  if (given("--lr")) config.lr = o.config.lr;
  if (given("--l1")) config.l1 = o.config.l1;
  if (given("--l2")) config.l2 = o.config.l2;
  if (given("--clip")) config.clipNorm = o.config.clipNorm;
  if (given("--batch")) config.batch = o.config.batch;
  if (given("--random-labels")) config.randomLabels = o.config.randomLabels;
  checkTrainConfig(config, [](const std::string& key) { return "the setting \"" + key + "\""; });
  if (!(source.testFraction >= 0 && source.testFraction < 1))
    throw Error("--test-split must be a fraction in [0, 1)");

  // A project's data source as the window loads it; else the options as `train` sets them
  // (there --points does not limit Fashion-MNIST, and sequences keep their default length).
  DatasetOptions dopt = project ? source.options() : DatasetOptions{};
  if (!project) {
    dopt.testFraction = source.testFraction;
    dopt.seed = source.seed;
    if (source.points > 0) dopt.points = source.points;
    dopt.noise = source.noise;
    if (source.lag > 0) dopt.lag = source.lag;
  }
  dopt.target = o.target;
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
  cmd->add_option("--dataset", o.dataset, "built-in dataset: circle, xor, gauss, spiral, ...");
  cmd->add_option("--data", o.data, "your data: a CSV file, a safetensors file (x, y) or a folder of images");
  cmd->add_option("--target", o.target, "CSV: the column to predict");
  cmd->add_option("--test-split", o.testSplit, "fraction held out for testing (0: train on every row)");
  cmd->add_option("--points", o.points, "built-in 2-D/1-D sets: number of points");
  cmd->add_option("--noise", o.noise, "built-in sets: noise level");
  cmd->add_option("--lag", o.lag, "long-lag task: steps between symbol and recall");
  cmd->add_flag("--reconstruct", o.reconstruct, "autoencoder: every sample's target is the sample itself");
  cmd->add_option("--optimizer", o.config.optimizer, "sgd, momentum, nesterov, adagrad, adadelta, rmsprop, adam");
  cmd->add_option("--lr", o.config.lr, "learning rate (default: the optimizer's)");
  cmd->add_option("--l1", o.config.l1, "L1 penalty on weights");
  cmd->add_option("--l2", o.config.l2, "L2 penalty on weights (½·l2·Σw²)");
  cmd->add_option("--clip", o.config.clipNorm, "clip the gradient norm to this (0: off)");
  cmd->add_option("--batch", o.config.batch, "batch size");
  cmd->add_option("--seed", o.config.seed, "random seed: weights, shuffling, data");
  cmd->add_flag("--random-labels", o.config.randomLabels, "train on labels drawn at random from the seed");
  cmd->callback([&exitCode] {
    run(o);
    exitCode = 0;
  });
}

}  // namespace gradlab::cli
