#include "cli/run_flags.h"

#include "cli/option_ranges.h"
#include "io/training_settings.h"

namespace gradlab::cli {

namespace {
// A training setting's range as io/training_settings.h holds it for project files.
Range setting(const char* key) {
  const SettingRange r = trainingRange(key);
  return {r.lo, r.hi, r.whole};
}
}  // namespace

bool given(const CLI::App& cmd, const char* flag) {
  // A command may drop one of the shared flags (export pytorch has no --early-stopping).
  const CLI::Option* option = cmd.get_option_no_throw(flag);
  return option && option->count() > 0;
}

void addTrainingFlags(CLI::App* cmd, TrainConfig& c) {
  cmd->add_option("--optimizer", c.optimizer, "sgd, momentum, nesterov, adagrad, adadelta, rmsprop, adam");
  addNumber(cmd, "--lr", c.lr, setting("lr"), "learning rate (default: the optimizer's)");
  addNumber(cmd, "--l1", c.l1, setting("l1"), "L1 penalty on weights");
  addNumber(cmd, "--l2", c.l2, setting("l2"), "L2 penalty on weights (½·l2·Σw²)");
  addNumber(cmd, "--clip", c.clipNorm, setting("clipNorm"), "clip the gradient norm to this (0: off)");
  addNumber(cmd, "--batch", c.batch, setting("batch"), "batch size");
  addNumber(cmd, "--seed", c.seed, setting("seed"), "random seed: weights, shuffling, data");
  cmd->add_flag("--random-labels", c.randomLabels,
                "replace the training labels by classes drawn at random from the seed (test "
                "labels kept): memorisation, Zhang et al. 2017");
  addNumber(cmd, "--early-stopping", c.earlyStopping, setting("earlyStopping"),
            "stop when the test loss has not improved for PATIENCE evaluations (see "
            "--eval-every) and keep the best weights; 0: off")
      ->type_name("PATIENCE");
}

TrainConfig givenTrainingFlags(const CLI::App& cmd, const TrainConfig& f, TrainConfig c) {
  if (given(cmd, "--optimizer")) c.optimizer = f.optimizer;
  if (given(cmd, "--lr")) c.lr = f.lr;
  if (given(cmd, "--l1")) c.l1 = f.l1;
  if (given(cmd, "--l2")) c.l2 = f.l2;
  if (given(cmd, "--clip")) c.clipNorm = f.clipNorm;
  if (given(cmd, "--batch")) c.batch = f.batch;
  if (given(cmd, "--seed")) c.seed = f.seed;
  if (given(cmd, "--random-labels")) c.randomLabels = f.randomLabels;
  if (given(cmd, "--early-stopping")) c.earlyStopping = f.earlyStopping;
  return c;
}

void addDataFlags(CLI::App* cmd, DataFlags& d) {
  cmd->add_option("--dataset", d.dataset, "built-in dataset: circle, xor, gauss, spiral, ...");
  cmd->add_option("--data", d.data, "your data: a CSV file, a safetensors file (x, y) or a folder of images");
  cmd->add_option("--target", d.target, "CSV: the column to predict");
  addNumber(cmd, "--test-split", d.testSplit, kFraction, "fraction held out for testing (0: train on every row)");
  addNumber(cmd, "--points", d.points, kPoints, "built-in 2-D/1-D sets: number of points");
  addNumber(cmd, "--noise", d.noise, kNoise, "built-in sets: noise level");
  addNumber(cmd, "--lag", d.lag, Range{1, 10000, true}, "long-lag task: steps between symbol and recall");
  addNumber(cmd, "--length", d.length, Range{1, 100000, true},
            "sequence sets: steps per sequence (sine, adding, reverse: 20; waveforms: 64)");
  addNumber(cmd, "--symbols", d.symbols, Range{2, 26, true}, "long-lag and reverse: symbols, i.e. classes (4)");
  cmd->add_flag("--reconstruct", d.reconstruct,
                "autoencoder: every sample's target is the sample itself (any dataset)");
}

DataSource givenDataFlags(const CLI::App& cmd, const DataFlags& f, const TrainConfig& t,
                          DataSource d) {
  if (!f.dataset.empty()) d.builtin = f.dataset, d.path.clear();
  if (!f.data.empty()) d.builtin.clear(), d.path = f.data;
  if (given(cmd, "--test-split")) d.testFraction = f.testSplit;
  if (given(cmd, "--points")) d.points = int(f.points);
  if (given(cmd, "--noise")) d.noise = f.noise;
  if (given(cmd, "--lag")) d.lag = f.lag;
  if (given(cmd, "--length")) d.length = f.length;
  if (given(cmd, "--symbols")) d.symbols = int(f.symbols);
  if (given(cmd, "--reconstruct")) d.reconstruct = f.reconstruct;
  if (given(cmd, "--seed")) d.seed = t.seed;
  return d;
}

}  // namespace gradlab::cli
