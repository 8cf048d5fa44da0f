// gradlab-cli train NET.json --dataset NAME | --data FILE [options]
// gradlab-cli train PROJECT.gradlab [options]: the project's network, data source, settings,
// seed and weights, as the window would train them; every flag given overrides the project.
// Trains on the chosen backend (--backend auto: the GPU when usable, else the cpu with one line
// saying why), logs one CSV row per step, ends with one summary line. When the GPU fails
// mid-training, it stops, saves the last good weights and says how to continue on the cpu.
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <vector>

#include "backend/backend.h"
#include "backend/device_error.h"
#include "backend/select.h"
#include "cli/commands.h"
#include "cli/option_ranges.h"
#include "cli/run_flags.h"
#include "data/catalog.h"
#include "data/data_source.h"
#include "data/dataset.h"
#include "io/project.h"
#include "io/safetensors.h"
#include "io/training_settings.h"
#include "record/training_frames.h"
#include "spec/fit_to_data.h"
#include "spec/network_spec.h"
#include "train/divergence.h"
#include "train/early_stopping.h"
#include "train/trainer.h"
#include "train/weight_keeper.h"
#include "util/error.h"

namespace gradlab::cli {

namespace {
struct TrainOptions {
  std::string network, init, save, log, dtype = "f32", backend = "auto";
  DataFlags d;  // --dataset, --data, --test-split, --points, ... (cli/run_flags.h)
  double epochs = 0;
  int64_t steps = 0, evalEvery = 0;
  int threads = 1;
  bool noShuffle = false;
  std::string frames;        // --frames DIR: PNG frames of the loss curve and boundary
  int64_t frameEvery = 0;    // --frame-every N (0: 100 frames a run)
  TrainConfig config;
  CLI::App* cmd = nullptr;  // to tell the flags given from their defaults (projects)
};

std::string fmt(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}

// Where the last good weights go when the GPU fails: beside --save, else (or when that
// folder cannot be written) in the temp folder.
std::vector<std::string> lastGoodPaths(const TrainOptions& o) {
  namespace fs = std::filesystem;
  std::vector<std::string> out;
  if (!o.save.empty()) {
    fs::path p(o.save);
    const std::string stem =
        p.extension() == ".safetensors" ? p.stem().string() : p.filename().string();
    out.push_back((p.parent_path() / (stem + ".lastgood.safetensors")).string());
  }
  out.push_back((fs::temp_directory_path() /
                 ("gradlab-lastgood-" + std::to_string(getpid()) + ".safetensors"))
                    .string());
  return out;
}

// The GPU failed at step `step`: save what the keeper holds and explain how to go on.
[[noreturn]] void stopOnDeviceError(const DeviceError& e, const TrainOptions& o,
                                    const WeightKeeper& keeper, int64_t step) {
  std::string msg = "training stopped at step " + std::to_string(step) +
                    ": the GPU failed — " + e.what() + "\n";
  if (keeper.empty())
    throw Error(msg + "No weights were saved (the GPU failed before the first step). Run again "
                      "on the CPU with --backend cpu.");
  std::string path, failures;
  for (const std::string& candidate : lastGoodPaths(o)) {
    try {
      writeSafetensors(candidate, keeper.weights());
      path = candidate;
      break;
    } catch (const Error& we) {
      failures += std::string("\n  ") + we.what();
    }
  }
  if (path.empty())
    throw Error(msg + "The last good weights (step " + std::to_string(keeper.step()) +
                ") could not be saved:" + failures);
  const std::string data = !o.d.dataset.empty() ? " --dataset " + o.d.dataset
                           : !o.d.data.empty()   ? " --data " + o.d.data
                                               : "";  // a project names its data
  throw Error(msg + "The weights of step " + std::to_string(keeper.step()) + " are saved in " +
              path + ". To continue on the CPU from them:\n  gradlab-cli train " + o.network +
              data + " --init " + path + " --backend cpu  (and your other options)");
}

// A project (*.gradlab) with the flags given on the command line applied over it.
Project projectWithFlags(const TrainOptions& o) {
  if (!o.d.dataset.empty() && !o.d.data.empty())
    throw UsageError("give at most one of --dataset NAME or --data FILE (the project names its data)");
  Project p = loadProject(o.network);
  // --seed draws the data too, as without a project.
  p.data = givenDataFlags(*o.cmd, o.d, o.config, p.data);
  p.training = givenTrainingFlags(*o.cmd, o.config, p.training);
  if (!o.init.empty()) p.weights.reset();  // --init's weights replace the project's
  return p;
}

// The project's data, with the flag that DataSource does not hold (--target).
Split loadProjectData(const Project& p, const TrainOptions& o) {
  DatasetOptions dopt = p.data.options();
  dopt.target = o.d.target;
  Split split = p.data.builtin.empty() ? loadDataFile(p.data.path, dopt)
                                       : loadBuiltin(p.data.builtin, dopt);
  if (p.data.reconstruct) makeReconstruction(split);
  return split;
}

// What a project run starts from, in one line before training.
std::string projectStart(const Project& p, const NetworkSpec& spec, const TrainOptions& o) {
  std::string line = std::filesystem::path(o.network).filename().string() + ": " +
                     (spec.name.empty() ? "the network" : "\"" + spec.name + "\"") + " on " +
                     p.data.label() + ", " + o.config.optimizer + ", batch " +
                     std::to_string(o.config.batch) + ", seed " + std::to_string(o.config.seed) +
                     "; starting from ";
  if (!o.init.empty()) return line + o.init;
  if (p.weights)
    return line + "its weights " + p.weightsFile + " (step " + std::to_string(p.step) + ")";
  return line + "fresh weights drawn with the seed";
}

// What the ranges checked while parsing (cli/option_ranges.h) cannot: the settings a project or
// a network file brings, and --save's folder.
void checkOptions(const TrainOptions& o) {
  const std::map<std::string, std::string> flags = {
      {"lr", "--lr"},       {"l1", "--l1"},       {"l2", "--l2"},     {"clipNorm", "--clip"},
      {"batch", "--batch"}, {"seed", "--seed"},   {"earlyStopping", "--early-stopping"}};
  checkTrainConfig(o.config, [&](const std::string& key) { return flags.at(key); });
  // A typo in --save's folder must not cost the whole run: checked before training, as --log.
  for (const auto& [flag, path] : {std::pair{"--save", o.save}}) {
    if (path.empty()) continue;
    const std::filesystem::path dir = std::filesystem::path(path).parent_path();
    std::error_code ec;
    if (!dir.empty() && !std::filesystem::is_directory(dir, ec))
      throw Error(std::string(flag) + " " + path + ": the folder " + dir.string() +
                  " does not exist; create it or give another path");
    if (std::filesystem::is_directory(path, ec))
      throw Error(std::string(flag) + " " + path + ": is a folder; give a file name such as " +
                  (std::filesystem::path(path) / "weights.safetensors").string());
  }
}

void run(TrainOptions& o) {
  std::optional<Project> project;
  if (isProjectPath(o.network)) {
    project = projectWithFlags(o);
    o.config = project->training;  // shuffle stays the command line's (--no-shuffle)
  } else if (o.d.dataset.empty() == o.d.data.empty()) {
    throw UsageError("give exactly one of --dataset NAME (a built-in set) or --data FILE, or "
                     "train a project (*.gradlab) that names its data");
  } else if (auto file = loadNetworkTraining(o.network)) {
    // The network file's own "training" settings, for the options not given here.
    o.config = givenTrainingFlags(*o.cmd, o.config, file->over(o.config));
  }
  checkOptions(o);
  const DType dtype = o.dtype == "f64" ? DType::F64 : DType::F32;
  if (o.dtype != "f32" && o.dtype != "f64") throw UsageError("--dtype must be f32 or f64");

  NetworkSpec spec = project ? project->network : loadNetwork(o.network);
  DatasetOptions dopt;
  dopt.testFraction = o.d.testSplit;
  dopt.seed = o.config.seed;
  if (o.d.points > 0) dopt.points = o.d.points;
  dopt.noise = o.d.noise;
  if (o.d.lag > 0) dopt.lag = o.d.lag;
  if (o.d.length > 0) dopt.length = o.d.length;
  if (o.d.symbols > 0) dopt.symbols = int(o.d.symbols);
  dopt.target = o.d.target;
  Split split = project               ? loadProjectData(*project, o)  // reconstructs when asked
                : o.d.dataset.empty() ? loadDataFile(o.d.data, dopt)
                                      : loadBuiltin(o.d.dataset, dopt);
  if (o.d.reconstruct && !project) makeReconstruction(split);
  if (project && !project->weights && o.init.empty()) {
    // As the window does: a network without weights is fitted to its data first.
    FitToData fit = fitSpecToData(spec, split.train);
    spec = std::move(fit.spec);
    std::string changes;
    for (const std::string& c : fit.changes) changes += (changes.empty() ? "" : ", ") + c;
    if (!changes.empty())
      std::printf("%s: to fit %s, set %s\n",
                  std::filesystem::path(o.network).filename().string().c_str(),
                  project->data.label().c_str(), changes.c_str());
  }
  if (project) std::printf("%s\n", projectStart(*project, spec, o).c_str());

  BackendChoice choice = selectBackend(o.backend);
  if (!choice.backend->supports(dtype) && o.backend == "auto")
    choice = {&cpuBackend(),
              std::string(toString(dtype)) + " runs on the CPU only: training on the CPU"};
  if (!choice.message.empty()) std::fprintf(stderr, "%s\n", choice.message.c_str());
  Backend& be = *choice.backend;
  be.setThreads(o.threads);
  o.config.shuffle = !o.noShuffle;
  Trainer trainer(spec, std::move(split), o.config, be, dtype);
  if (!o.init.empty()) trainer.network().loadWeights(readSafetensors(o.init), o.init);
  else if (project && project->weights)
    trainer.network().loadWeights(*project->weights, project->weightsFile);
  // A host copy of the weights every 2 s, so that a failing GPU loses at most that much.
  // GRADLAB_TEST_DEVICE_ERROR_AT_STEP=N makes step N fail as a GPU would (tests, any backend).
  const char* inject = std::getenv("GRADLAB_TEST_DEVICE_ERROR_AT_STEP");
  const int64_t failAt = inject ? std::atoll(inject) : 0;
  const bool keepWeights = be.name() != "cpu" || failAt > 0;
  WeightKeeper keeper(2.0);

  const Dataset& test = trainer.data().test;
  int64_t total = o.steps;
  if (o.epochs > 0) total = int64_t(std::ceil(o.epochs * double(trainer.stepsPerEpoch())));
  if (total <= 0) total = 1000;
  const int64_t evalEvery = o.evalEvery > 0 ? o.evalEvery : std::max<int64_t>(1, total / 20);
  std::optional<EarlyStopping> stopper;
  if (o.config.earlyStopping > 0) {
    if (test.size() == 0)
      throw Error("early stopping needs a test set: it watches the test loss, but a test split "
                  "of 0 holds nothing out — give --test-split 0.2, or leave out --early-stopping");
    stopper.emplace(o.config.earlyStopping);
  }

  std::optional<TrainingFrames> frames;
  if (!o.frames.empty())
    frames.emplace(o.frames, o.frameEvery > 0 ? o.frameEvery : std::max<int64_t>(1, total / 100), total);
  std::ofstream log;
  if (!o.log.empty()) {
    log.open(o.log, std::ios::trunc);
    if (!log) throw Error(o.log + ": cannot write the log file");
    log << "step,train_loss,test_loss,test_acc\n";
  }
  const bool tty = isatty(STDERR_FILENO);
  const auto start = std::chrono::steady_clock::now();
  auto lastShown = start;
  double lastLoss = 0;
  Metrics lastTest;
  int64_t done = 0;  // steps trained (fewer than total after an early stop)
  if (keepWeights) keeper.keep(trainer.network(), 0);
  // The weights at the last checkpoint where they were sane: what an explosion falls back to.
  std::pair<int64_t, TensorMap> lastGood{0, trainer.network().weights()};
  double firstLoss = 0, windowLoss = 0;  // the first step's loss; the losses since the last checkpoint
  int64_t windowSteps = 0;
  for (int64_t s = 1; s <= total; ++s) {
    StepResult r;
    try {
      if (s == failAt)
        throw DeviceError("an injected failure",
                          "an injected failure (GRADLAB_TEST_DEVICE_ERROR_AT_STEP=" +
                              std::to_string(failAt) + ")",
                          true);
      r = trainer.step();
      if (keepWeights) keeper.maybeKeep(trainer.network(), trainer.steps());
    } catch (const DeviceError& e) {
      if (tty) std::fprintf(stderr, "\n");
      stopOnDeviceError(e, o, keeper, s);
    }
    lastLoss = r.loss;
    done = s;
    if (!r.finite) {
      if (log.is_open()) log << r.step << "," << fmt(r.loss) << ",,\n";
      throw Error(divergenceAdvice(r, trainer.config(), RetryIn::CommandLine));
    }
    const bool checkpoint = s % evalEvery == 0 || s == total;
    if (s == 1) firstLoss = r.loss;
    windowLoss += r.loss, ++windowSteps;
    if (checkpoint) {
      const std::string sign = explosionSign(firstLoss, windowLoss / double(windowSteps),
                                             largestWeight(trainer.network()));
      windowLoss = 0, windowSteps = 0;
      if (!sign.empty()) {
        std::string msg = explosionAdvice(s, sign, trainer.config(), RetryIn::CommandLine);
        trainer.network().loadWeights(lastGood.second, "the last good weights");
        msg += " The weights of step " + std::to_string(lastGood.first) + " are kept";
        if (!o.save.empty()) {
          writeSafetensors(o.save, lastGood.second);
          msg += " in " + o.save;
        }
        throw Error(msg + ".");
      }
      lastGood = {s, trainer.network().weights()};
    }
    const bool eval = test.size() > 0 && checkpoint;
    if (eval) {
      try {
        lastTest = trainer.evaluate(test);
      } catch (const DeviceError& e) {
        stopOnDeviceError(e, o, keeper, s);
      }
    }
    if (log.is_open()) {
      log << r.step << "," << fmt(r.loss) << ",";
      if (eval) {
        log << fmt(lastTest.loss) << ",";
        if (lastTest.accuracy) log << fmt(*lastTest.accuracy);
      } else {
        log << ",";
      }
      log << "\n";
      if (!log) throw Error(o.log + ": writing the log failed at step " + std::to_string(s) + " (" +
                            std::strerror(errno) + "); is the disk full?");
    }
    if (frames)
      frames->add(trainer, r.step, r.loss, eval ? std::optional(lastTest.loss) : std::nullopt,
                  eval ? lastTest.accuracy : std::nullopt);
    if (eval && stopper && stopper->update(s, lastTest.loss, trainer.network())) break;
    const auto now = std::chrono::steady_clock::now();
    if (tty && now - lastShown > std::chrono::milliseconds(250)) {
      std::fprintf(stderr, "\rstep %lld/%lld (%.0f%%)  loss %.4g   ", (long long)s,
                   (long long)total, 100.0 * double(s) / double(total), r.loss);
      lastShown = now;
    }
  }
  if (tty) std::fprintf(stderr, "\r%60s\r", "");
  if (frames) {
    frames->finish(trainer);
    std::printf("wrote %d frames to %s\n", frames->frames(), o.frames.c_str());
  }
  if (log.is_open()) {
    log.close();  // the last buffered rows reach the disk (or fail) here
    if (!log) throw Error(o.log + ": writing the log failed (" + std::strerror(errno) + "); is the disk full?");
  }
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (stopper && stopper->stopped()) {
    // Back to the best evaluation's weights: what --save writes and the summary measures.
    trainer.network().loadWeights(stopper->bestWeights(), "the best evaluation's weights");
    lastTest = trainer.evaluate(test);
    std::printf("stopped early at step %lld: the test loss has not improved for %lld "
                "evaluations; kept the weights of step %lld (test loss %s)\n",
                (long long)done, (long long)stopper->patience(), (long long)stopper->bestStep(),
                fmt(stopper->bestLoss()).c_str());
  } else if (stopper) {
    std::printf("early stopping: the test loss was still improving (best at step %lld of %lld); "
                "kept the last weights\n",
                (long long)stopper->bestStep(), (long long)done);
  }
  if (!o.save.empty()) writeSafetensors(o.save, trainer.network().weights());

  std::string summary = "trained " + std::to_string(done) + " steps (" +
                        fmt(std::round(trainer.epochs() * 100) / 100) + " epochs) in " +
                        fmt(std::round(secs * 100) / 100) + " s: train loss " + fmt(lastLoss);
  if (o.config.randomLabels) {
    // Fitting random labels is memorising: the accuracy on the (relabelled) training set.
    const Metrics train = trainer.evaluate(trainer.data().train);
    if (train.accuracy) summary += ", train accuracy " + fmt(*train.accuracy) + " (random labels)";
  }
  if (test.size() > 0) {
    summary += ", test loss " + fmt(lastTest.loss);
    if (lastTest.accuracy) summary += ", test accuracy " + fmt(*lastTest.accuracy);
  }
  std::printf("%s\n", summary.c_str());
}
}  // namespace

void addTrain(CLI::App& app, int& exitCode) {
  static TrainOptions o;
  auto* cmd = app.add_subcommand("train", "Train a network on a dataset");
  o.cmd = cmd;
  cmd->add_option("network", o.network,
                  "network file (*.net.json), or a project (*.gradlab): its network, data, "
                  "settings and weights; flags override them")
      ->required();
  addDataFlags(cmd, o.d);
  addNumber(cmd, "--steps", o.steps, kSteps, "number of training steps (batches)")
      ->excludes(addNumber(cmd, "--epochs", o.epochs, Range{1e-6, 1e6},
                           "number of passes over the training set"));
  addTrainingFlags(cmd, o.config);
  cmd->get_option("--batch")->default_val(10);
  cmd->get_option("--optimizer")->default_val("adam");
  cmd->get_option("--seed")->default_val(0);
  cmd->add_flag("--no-shuffle", o.noShuffle, "take batches in data order, cycling");
  cmd->add_option("--init", o.init, "start from these weights (safetensors)");
  cmd->add_option("--save", o.save, "save the trained weights (safetensors)");
  cmd->add_option("--log", o.log, "write a CSV log: step, train_loss, test_loss, test_acc");
  cmd->add_option("--frames", o.frames,
                  "draw the run into this folder as PNG frames (frame-000001.png, …): the loss "
                  "curve so far and, for 2-D data, the decision boundary")
      ->type_name("DIR");
  addNumber(cmd, "--frame-every", o.frameEvery, kSteps,
            "with --frames: a frame every N steps (default: 100 frames a run)")
      ->type_name("N");
  addNumber(cmd, "--eval-every", o.evalEvery, kSteps,
            "evaluate the test set every N steps (default: 20 times a run)");
  addNumber(cmd, "--threads", o.threads, kThreads, "cpu threads")->default_val(1);
  cmd->add_option("--dtype", o.dtype, "f32 or f64 (f64: exact comparisons; cpu only)")
      ->default_val("f32");
  cmd->add_option("--backend", o.backend,
                  "auto (the GPU when usable, else the CPU), cpu, cuda or cuda:N")
      ->default_val("auto");
  cmd->callback([&exitCode] {
    run(o);
    exitCode = 0;
  });
}

}  // namespace gradlab::cli
