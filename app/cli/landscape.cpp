// gradlab-cli landscape NET.json --weights W.safetensors (--dataset NAME | --data FILE)
//                     --dump OUT.safetensors [--directions path|filter|checkpoints] [--grid 51]
//                     [--span S] [--samples N] [--set auto|test|train] [--path W1,W2,…]
//                     [--through I] [--seed S] [--threads N] [--dump-directions D.safetensors]
// The loss landscape around the weights W (train/landscape.h): the loss on a grid × grid plane
// through them, measured in evaluation mode on the test set — the very samples, chunks and sum
// `gradlab-cli train` reports its "test loss" on, so the value at the centre equals it — or on
// the training set (--set train). Writes
//   loss [grid, grid]  row i at y[i], column j at x[j]     x [grid], y [grid]  the axes
//   path [K, 2]        the --path points, then W (at 0, 0)  (with --path)
//   slice_t, slice_loss  the loss on θ₀ + t·(W − θ₀), t from −½ to 3/2, θ₀ the first --path point
// and prints the time the grid took and the loss at the centre. The data are made as train
// makes them: the same --seed (else the network file's), --test-split, --points, --noise.
//
//   gradlab-cli landscape examples/spiral.net.json --weights w.safetensors --dataset spiral
//       --directions filter --grid 51 --dump land.safetensors
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>

#include "backend/backend.h"
#include "cli/commands.h"
#include "cli/option_ranges.h"
#include "data/catalog.h"
#include "data/dataset.h"
#include "io/safetensors.h"
#include "io/training_settings.h"
#include "spec/network_spec.h"
#include "train/landscape.h"
#include "train/landscape_directions.h"
#include "train/trainer.h"
#include "util/error.h"

namespace gradlab::cli {

namespace {
struct LandscapeCliOptions {
  std::string network, weights, dataset, data, target, dump, dumpDirections;
  std::string directions = "path", set = "auto";
  std::vector<std::string> path;
  int grid = 51, threads = 1;
  double span = 0, testSplit = 0.2, noise = 0;
  int64_t samples = 0, points = 0, through = -1;
  uint64_t seed = 0;
  CLI::App* cmd = nullptr;
};

std::string fmt(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}

void checkOptions(const LandscapeCliOptions& o) {
  auto given = [&](const char* flag) { return o.cmd && o.cmd->count(flag) > 0; };
  if (o.dataset.empty() == o.data.empty())
    throw Error("give exactly one of --dataset NAME (a built-in set) or --data FILE: the data "
                "the loss is measured on");
  if (o.directions != "path" && o.directions != "pca" && o.directions != "filter" &&
      o.directions != "checkpoints")
    throw Error("--directions must be path (or pca), filter or checkpoints, got \"" +
                quoteText(o.directions) + "\"");
  if (o.set != "auto" && o.set != "test" && o.set != "train")
    throw Error("--set must be auto, test or train, got \"" + quoteText(o.set) + "\"");
  if (o.path.size() > LandscapeTracker::kMaxPoints - 1)
    throw Error("--path takes at most " + std::to_string(LandscapeTracker::kMaxPoints - 1) +
                " weights files, got " + std::to_string(o.path.size()));
  if (o.directions != "filter" && o.path.empty())
    throw Error("--directions " + o.directions + " is laid through the path the weights took: "
                "give --path W0.safetensors,W1.safetensors,… (earlier weights, oldest first), "
                "or use --directions filter");
  if (o.directions == "checkpoints" && o.path.size() < 2)
    throw Error("--directions checkpoints needs the start and a third point: give --path with at "
                "least two weights files (the start first)");
  if (given("--through") && o.directions != "checkpoints")
    throw Error("--through picks the third point of --directions checkpoints; drop it or use "
                "those directions");
  if (given("--through") && (o.through < 1 || o.through >= int64_t(o.path.size())))
    throw Error("--through " + std::to_string(o.through) + " is not the index of a --path file "
                "after the start: give 1 to " + std::to_string(o.path.size() - 1) +
                " (0 is the start itself)");
  for (const std::string& out : {o.dump, o.dumpDirections}) {
    if (out.empty()) continue;
    const std::filesystem::path dir = std::filesystem::path(out).parent_path();
    std::error_code ec;
    if (!dir.empty() && !std::filesystem::is_directory(dir, ec))
      throw Error(out + ": the folder " + dir.string() + " does not exist; create it or give "
                  "another path");
  }
}

HostTensor f64(Shape shape, std::vector<double> values) {
  return HostTensor{std::move(shape), DType::F64, std::move(values)};
}

void run(LandscapeCliOptions& o) {
  if (o.directions == "pca") o.directions = "path";  // the path's principal directions
  checkOptions(o);
  auto given = [&](const char* flag) { return o.cmd && o.cmd->count(flag) > 0; };
  const NetworkSpec spec = loadNetwork(o.network);
  // The data as `gradlab-cli train` makes them: its seed is --seed, else the network file's.
  TrainConfig config;
  config.seed = o.seed;
  if (!given("--seed"))
    if (auto file = loadNetworkTraining(o.network)) config = file->over(config);
  DatasetOptions dopt;
  dopt.testFraction = o.testSplit;
  dopt.seed = config.seed;
  if (o.points > 0) dopt.points = o.points;
  dopt.noise = o.noise;
  dopt.target = o.target;
  Split split = o.dataset.empty() ? loadDataFile(o.data, dopt) : loadBuiltin(o.dataset, dopt);

  Backend& be = cpuBackend();
  be.setThreads(o.threads);
  Trainer trainer(spec, std::move(split), config, be, DType::F32);
  Network& net = trainer.network();
  if (trainableCount(net) > LandscapeTracker::kMaxWeights)
    throw Error(o.network + ": the network has " + std::to_string(trainableCount(net)) +
                " trainable weights; the landscape is drawn for networks of up to " +
                std::to_string(LandscapeTracker::kMaxWeights));

  // The path: each --path file, then --weights (the centre).
  LandscapeTracker tracker;
  for (size_t i = 0; i < o.path.size(); ++i) {
    net.loadWeights(readSafetensors(o.path[i]), o.path[i]);
    tracker.record(net, int64_t(i));
  }
  net.loadWeights(readSafetensors(o.weights), o.weights);
  tracker.record(net, int64_t(o.path.size()));
  if (!o.dumpDirections.empty())
    writeSafetensors(o.dumpDirections, filterDirectionTensors(net, o.seed),
                     {{"seed", std::to_string(o.seed)}, {"normalisation", "filter; biasbn zero"}});

  const Dataset& test = trainer.data().test;
  const bool onTest = o.set == "test" || (o.set == "auto" && test.size() > 0);
  const Dataset& d = onTest ? test : trainer.data().train;
  if (d.size() == 0)
    throw Error(std::string("the ") + (onTest ? "test" : "training") +
                " set is empty: give --set train, or a --test-split above 0");
  const LossSamples samples = lossSamples(trainer, d, o.samples);

  LandscapeOptions lo;
  lo.plane = o.directions;
  lo.grid = o.grid;
  lo.samples = samples.total;
  lo.through = o.through;
  lo.seed = o.seed;
  lo.span = o.span;
  const auto t0 = std::chrono::steady_clock::now();
  const LandscapeProbe p = tracker.compute(net, samples, lo);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (!p.why.empty()) throw Error(p.why);

  TensorMap out;
  const GridMap& g = p.loss;
  std::vector<double> loss(g.values.begin(), g.values.end()), xs(size_t(g.w)), ys(size_t(g.h));
  for (int i = 0; i < g.w; ++i) xs[size_t(i)] = (g.x0 + g.x1) / 2 + (g.x1 - g.x0) / g.w * (i - (g.w - 1) / 2.0);
  for (int i = 0; i < g.h; ++i) ys[size_t(i)] = (g.y0 + g.y1) / 2 + (g.y1 - g.y0) / g.h * (i - (g.h - 1) / 2.0);
  out["loss"] = HostTensor{{g.h, g.w}, DType::F32, std::move(loss)};
  out["x"] = f64({g.w}, xs);
  out["y"] = f64({g.h}, ys);
  if (!o.path.empty()) {
    std::vector<double> path;
    for (size_t i = 0; i < p.pathX.size(); ++i) path.push_back(p.pathX[i]), path.push_back(p.pathY[i]);
    out["path"] = f64({int64_t(p.pathX.size()), 2}, path);
  }
  if (!p.sliceT.empty()) {
    out["slice_t"] = f64({int64_t(p.sliceT.size())}, p.sliceT);
    out["slice_loss"] = f64({int64_t(p.sliceLoss.size())}, p.sliceLoss);
  }
  const std::string setName = onTest ? "test" : "train";
  writeSafetensors(o.dump, out,
                   {{"network", o.network}, {"weights", o.weights}, {"plane", p.plane},
                    {"x_label", p.xLabel}, {"y_label", p.yLabel}, {"set", setName},
                    {"samples", std::to_string(p.samples)}, {"seed", std::to_string(o.seed)}});

  // The centre: the grid point at (0, 0) when the grid has one, else the loss at W.
  const double h = (g.x1 - g.x0) / g.w;
  const int col = int(std::lround((0 - xs[0]) / h)), row = int(std::lround((0 - ys[0]) / h));
  const bool onGrid = col >= 0 && col < g.w && row >= 0 && row < g.h &&
                      xs[size_t(col)] == 0 && ys[size_t(row)] == 0;
  std::printf("%s plane (%s; %s), %d × %d points on the %lld %s samples (%s): %.3f s\n",
              p.plane.c_str(), p.xLabel.c_str(), p.yLabel.c_str(), g.w, g.h,
              (long long)p.samples, onTest ? "test" : "training",
              onTest ? "what gradlab-cli train reports as \"test loss\"" : "the first of the training set",
              secs);
  std::printf("loss at the centre (the weights %s): %s%s\n", o.weights.c_str(),
              fmt(onGrid ? double(g.values[size_t(row * g.w + col)]) : p.lossHere).c_str(),
              onGrid ? "" : " (measured beside the grid, which does not pass through it)");
  std::printf("wrote %s: loss [%d, %d], x, y%s%s\n", o.dump.c_str(), g.h, g.w,
              o.path.empty() ? "" : ", path", p.sliceT.empty() ? "" : ", slice_t, slice_loss");
}
}  // namespace

void addLandscape(CLI::App& app, int& exitCode) {
  static LandscapeCliOptions o;
  auto* cmd = app.add_subcommand(
      "landscape", "Measure the loss on a plane through trained weights (a loss landscape)");
  o.cmd = cmd;
  cmd->add_option("network", o.network, "network file (*.net.json)")->required();
  cmd->add_option("--weights", o.weights, "the weights at the centre (safetensors)")->required();
  cmd->add_option("--dataset", o.dataset, "built-in dataset: circle, xor, gauss, spiral, ...");
  cmd->add_option("--data", o.data, "your data: a CSV file, a safetensors file (x, y) or a folder of images");
  cmd->add_option("--target", o.target, "CSV: the column to predict");
  cmd->add_option("--dump", o.dump, "where to write loss, x, y, path, slice (safetensors)")->required();
  cmd->add_option("--directions", o.directions,
                  "path or pca (the path's principal directions), filter (filter-normalised random, Li et al. "
                  "2018) or checkpoints (the plane through the start, the weights and --through)")
      ->default_val("path");
  addNumber(cmd, "--grid", o.grid, Range{5, 101, true}, "points per side")->default_val(51);
  addNumber(cmd, "--span", o.span, Range{1e-9, 1e6},
                  "the grid covers [-S, S] on both axes around the weights (default: filter 1, "
                  "else the path with a margin)")
      ->type_name("S");
  addNumber(cmd, "--samples", o.samples, Range{1, 1e7, true}, "measure on the first N samples of the set (default: all)");
  cmd->add_option("--set", o.set,
                  "auto (the test set, as train's \"test loss\"; the training set when there is "
                  "none), test or train")
      ->default_val("auto");
  cmd->add_option("--path", o.path, "earlier weights files, oldest first: the path to the weights")
      ->delimiter(',');
  addNumber(cmd, "--through", o.through, Range{0, double(LandscapeTracker::kMaxPoints), true},
                  "checkpoints: the index of the --path file the plane passes through, 1 to the "
                  "number of files − 1 (default: the middle of the path)");
  addNumber(cmd, "--seed", o.seed, kSeed,
                  "the data's seed, as train's (default: the network file's, else 0), and the "
                  "random directions' draw")
      ->default_val(0);
  addNumber(cmd, "--test-split", o.testSplit, kFraction, "fraction held out for testing, as train's");
  addNumber(cmd, "--points", o.points, kPoints, "built-in 2-D/1-D sets: number of points, as train's");
  addNumber(cmd, "--noise", o.noise, kNoise, "built-in sets: noise level, as train's");
  addNumber(cmd, "--threads", o.threads, kThreads, "cpu threads")->default_val(1);
  cmd->add_option("--dump-directions", o.dumpDirections,
                  "also write the filter directions' raw draw, the normalised directions and the "
                  "weights, per tensor (raw1.<name>, raw2.<name>, d1.<name>, d2.<name>, theta.<name>)");
  cmd->callback([&exitCode] {
    run(o);
    exitCode = 0;
  });
}

}  // namespace gradlab::cli
