#pragma once
// Comparison: two to four variants of one setup trained side by side — the same data, the same
// initial weights where names and shapes allow (copied from the first variant), the same batches
// (the same seed for shuffling) — e.g. dropout 0 vs 0.5, sigmoid vs ReLU, lr 0.001/0.03/3.
// Qt-free and synchronous: `gradlab-cli compare` and the lesson runner step it directly; the
// window runs it on a worker thread (CompareJob) and draws its snapshots.
//
//   Comparison c({{"plain", specA, cfg}, {"dropout", specB, cfg}}, data, cpuBackend());
//   for (int i = 0; i < 2000; ++i) c.step();        // one step of every variant
//   c.evaluate();                                    // appends a CompareMetrics point per variant
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "data/dataset.h"
#include "spec/network_spec.h"
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
  void step();
  // Loss/accuracy of every variant on up to `limit` samples of each set (0: all), appended to
  // its history; early stopping decides here.
  void evaluate(int64_t limit = 0);

  struct Run {
    CompareVariant variant;
    std::unique_ptr<Trainer> trainer;
    std::vector<MetricPoint> metrics;         // history, one point per evaluate()
    std::optional<EarlyStopping> stopping;
    bool diverged = false;                    // a step's loss went NaN/Inf (weights of the last good step kept)
    std::string message;                      // why it stopped (divergence advice, early stop)
  };
  const std::vector<Run>& runs() const { return runs_; }
  std::vector<Run>& runs() { return runs_; }
  int64_t steps() const { return steps_; }

 private:
  std::vector<Run> runs_;
  std::shared_ptr<const Split> data_, randomData_;
  int64_t steps_ = 0;
};

}  // namespace gradlab
