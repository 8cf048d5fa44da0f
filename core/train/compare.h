#pragma once
// Comparison: two to four variants of one setup trained side by side — the same data, the same
// initial weights where names and shapes allow (copied from the first variant), the same batches
// (the same seed for shuffling) — e.g. dropout 0 vs 0.5, sigmoid vs ReLU, lr 0.001/0.03/3.
// Qt-free and synchronous: `gradlab-cli compare` and the lesson runner step it directly; the
// window runs it on a worker thread (CompareJob) and draws its snapshots.
//
//   Comparison c({{"plain", specA, cfg}, {"dropout", specB, cfg}}, data, cpuBackend());
//   for (int i = 0; i < 2000; ++i) c.step();        // one step of every variant
//   c.evaluate();                                    // appends a MetricPoint per variant
//
// A variant with config.randomLabels trains on its own relabelled copy (the Trainer makes it);
// the test set, and so the evaluation, is the shared one.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "data/dataset.h"
#include "spec/network_spec.h"
#include "train/divergence.h"
#include "train/early_stopping.h"
#include "train/snapshot.h"
#include "train/trainer.h"

namespace gradlab {

struct CompareVariant {
  std::string name;             // the label shown ("relu", "lr 0.001")
  NetworkSpec spec;
  TrainConfig config;           // randomLabels and earlyStopping included
};

class Comparison {
 public:
  // Throws Error naming the variant when its network does not fit the data. 2 to 4 variants
  // (1 is allowed: the lesson runner uses it for single runs).
  Comparison(std::vector<CompareVariant> variants, std::shared_ptr<const Split> data,
             Backend& backend, DType dtype = DType::F32);
  ~Comparison();

  // One training step of every variant that is still running (not diverged, not stopped early).
  // A step whose loss is NaN/Inf marks its variant diverged (divergenceAdvice in `message`,
  // worded for `adviceFor`); it keeps the weights of its last good step and steps no more.
  void step();
  // Loss/accuracy of every running variant on up to `limit` samples of each set (0: all),
  // appended to its history (a point at the step of the last one replaces it); early stopping
  // decides on each new step: a variant that stops gets its best weights back, and its last
  // point is measured on them. Variants that stopped or diverged keep their history as it was.
  void evaluate(int64_t limit = 0);

  // Between steps: new settings for variant `run` — a new network (another file, a block's
  // parameter) is built with the weights of the old one where names and shapes match; the
  // training settings alone just apply (Trainer::setConfig). History and step count are kept.
  void reconfigure(size_t run, const NetworkSpec& spec, const TrainConfig& config);
  // Fresh weights for every variant (drawn by the first, copied to the others where they fit),
  // histories cleared, diverged and stopped variants running again.
  void reset();

  struct Run {
    CompareVariant variant;
    std::unique_ptr<Trainer> trainer;
    std::vector<MetricPoint> metrics;         // history, one point per evaluate()
    std::optional<EarlyStopping> stopping;
    int64_t steps = 0;                        // training steps this variant took (since reset)
    StepResult last;                          // its last step: the batch's loss
    bool diverged = false;                    // a step's loss went NaN/Inf (weights of the last good step kept)
    std::string message;                      // why it stopped (divergence advice, early stop)
    bool running() const { return !diverged && !(stopping && stopping->stopped()); }
  };
  const std::vector<Run>& runs() const { return runs_; }
  std::vector<Run>& runs() { return runs_; }
  int64_t steps() const { return steps_; }
  const std::shared_ptr<const Split>& data() const { return data_; }
  RetryIn adviceFor = RetryIn::Window;        // the divergence advice's last words

 private:
  void measure(Run& run, int64_t limit);

  std::vector<Run> runs_;
  std::shared_ptr<const Split> data_;
  Backend& backend_;
  DType dtype_;
  int64_t steps_ = 0;
};

// Copies every weight of `from` whose name and shape `to` also has; returns how many tensors.
size_t copyMatchingWeights(const Network& from, Network& to);

}  // namespace gradlab
