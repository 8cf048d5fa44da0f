// gradlab-cli train NET.json --dataset NAME | --data FILE [options]
// Trains on the cpu backend, logs one CSV row per step, ends with one summary line.
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <optional>

#include "backend/backend.h"
#include "cli/commands.h"
#include "data/catalog.h"
#include "io/safetensors.h"
#include "spec/network_spec.h"
#include "train/trainer.h"
#include "util/error.h"

namespace gradlab::cli {

namespace {
struct TrainOptions {
  std::string network, dataset, data, target, init, save, log, dtype = "f32";
  double testSplit = 0.2, epochs = 0, noise = 0;
  int64_t steps = 0, points = 0, lag = 0, evalEvery = 0;
  int threads = 1;
  bool noShuffle = false;
  TrainConfig config;
};

std::string fmt(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}

void run(TrainOptions& o) {
  if (o.dataset.empty() == o.data.empty())
    throw Error("give exactly one of --dataset NAME (a built-in set) or --data FILE");
  if (o.steps > 0 && o.epochs > 0) throw Error("give --steps or --epochs, not both");
  if (!(o.testSplit >= 0 && o.testSplit < 1))
    throw Error("--test-split must be a fraction in [0, 1), got " + fmt(o.testSplit));
  const DType dtype = o.dtype == "f64" ? DType::F64 : DType::F32;
  if (o.dtype != "f32" && o.dtype != "f64") throw Error("--dtype must be f32 or f64");

  const NetworkSpec spec = loadNetwork(o.network);
  DatasetOptions dopt;
  dopt.testFraction = o.testSplit;
  dopt.seed = o.config.seed;
  if (o.points > 0) dopt.points = o.points;
  dopt.noise = o.noise;
  if (o.lag > 0) dopt.lag = o.lag;
  dopt.target = o.target;
  Split split = o.dataset.empty() ? loadDataFile(o.data, dopt) : loadBuiltin(o.dataset, dopt);

  Backend& be = cpuBackend();
  be.setThreads(o.threads);
  o.config.shuffle = !o.noShuffle;
  Trainer trainer(spec, std::move(split), o.config, be, dtype);
  if (!o.init.empty()) trainer.network().loadWeights(readSafetensors(o.init), o.init);

  const Dataset& test = trainer.data().test;
  int64_t total = o.steps;
  if (o.epochs > 0) total = int64_t(std::ceil(o.epochs * double(trainer.stepsPerEpoch())));
  if (total <= 0) total = 1000;
  const int64_t evalEvery = o.evalEvery > 0 ? o.evalEvery : std::max<int64_t>(1, total / 20);

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
  for (int64_t s = 1; s <= total; ++s) {
    const StepResult r = trainer.step();
    lastLoss = r.loss;
    if (!r.finite) {
      if (log) log << r.step << "," << fmt(r.loss) << ",,\n";
      throw Error("training diverged at step " + std::to_string(r.step) + ": the loss became " +
                  fmt(r.loss) + ". Lower the learning rate (now " +
                  fmt(*trainer.config().lr) + ") and try again.");
    }
    const bool eval = test.size() > 0 && (s % evalEvery == 0 || s == total);
    if (eval) lastTest = trainer.evaluate(test);
    if (log) {
      log << r.step << "," << fmt(r.loss) << ",";
      if (eval) {
        log << fmt(lastTest.loss) << ",";
        if (lastTest.accuracy) log << fmt(*lastTest.accuracy);
      } else {
        log << ",";
      }
      log << "\n";
    }
    const auto now = std::chrono::steady_clock::now();
    if (tty && now - lastShown > std::chrono::milliseconds(250)) {
      std::fprintf(stderr, "\rstep %lld/%lld (%.0f%%)  loss %.4g   ", (long long)s,
                   (long long)total, 100.0 * double(s) / double(total), r.loss);
      lastShown = now;
    }
  }
  if (tty) std::fprintf(stderr, "\r%60s\r", "");
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!o.save.empty()) writeSafetensors(o.save, trainer.network().weights());

  std::string summary = "trained " + std::to_string(total) + " steps (" +
                        fmt(std::round(trainer.epochs() * 100) / 100) + " epochs) in " +
                        fmt(std::round(secs * 100) / 100) + " s: train loss " + fmt(lastLoss);
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
  cmd->add_option("network", o.network, "network file (*.net.json)")->required();
  cmd->add_option("--dataset", o.dataset, "built-in dataset: circle, xor, gauss, spiral, ...");
  cmd->add_option("--data", o.data, "your data: a CSV file, a safetensors file (x, y) or a folder of images");
  cmd->add_option("--target", o.target, "CSV: the column to predict");
  cmd->add_option("--test-split", o.testSplit, "fraction held out for testing (0: train on every row)");
  cmd->add_option("--steps", o.steps, "number of training steps (batches)");
  cmd->add_option("--epochs", o.epochs, "number of passes over the training set");
  cmd->add_option("--batch", o.config.batch, "batch size")->default_val(10);
  cmd->add_option("--optimizer", o.config.optimizer, "sgd, momentum, nesterov, adagrad, adadelta, rmsprop, adam")
      ->default_val("adam");
  cmd->add_option("--lr", o.config.lr, "learning rate (default: the optimizer's)");
  cmd->add_option("--l1", o.config.l1, "L1 penalty on weights");
  cmd->add_option("--l2", o.config.l2, "L2 penalty on weights (½·l2·Σw²)");
  cmd->add_option("--clip", o.config.clipNorm, "clip the gradient norm to this (0: off)");
  cmd->add_option("--seed", o.config.seed, "random seed: weights, shuffling, data")->default_val(0);
  cmd->add_flag("--no-shuffle", o.noShuffle, "take batches in data order, cycling");
  cmd->add_option("--init", o.init, "start from these weights (safetensors)");
  cmd->add_option("--save", o.save, "save the trained weights (safetensors)");
  cmd->add_option("--log", o.log, "write a CSV log: step, train_loss, test_loss, test_acc");
  cmd->add_option("--eval-every", o.evalEvery, "evaluate the test set every N steps (default: 20 times a run)");
  cmd->add_option("--threads", o.threads, "cpu threads")->default_val(1);
  cmd->add_option("--dtype", o.dtype, "f32 or f64 (f64: exact comparisons)")->default_val("f32");
  cmd->add_option("--points", o.points, "built-in 2-D/1-D sets: number of points");
  cmd->add_option("--noise", o.noise, "built-in sets: noise level");
  cmd->add_option("--lag", o.lag, "long-lag task: steps between symbol and recall");
  cmd->callback([&exitCode] {
    run(o);
    exitCode = 0;
  });
}

}  // namespace gradlab::cli
