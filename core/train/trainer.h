#pragma once
// Trainer: a network, its data and an optimizer; one call to step() trains one batch.
// Used synchronously by gradlab-cli and on a worker thread by the window (it never touches Qt).
// Hyperparameters may change between steps (setConfig).
//
// A step uploads the batch into two tensors kept from step to step, runs forward, loss and
// backward, reads the loss (the step's one wait for a device), and updates the parameters
// when the loss is finite. On a backend that records (cuda: CUDA Graphs, backend.h
// StepRecording), forward + loss + backward is recorded, and replayed with one launch once two
// consecutive recordings match — until the network reallocates anything (layoutVersion). The
// first step after a reallocation runs as plain calls (a warm-up outside any recording).
//
//   Trainer t(spec, split, config, cpuBackend(), DType::F32);
//   for (int i = 0; i < 1000; ++i) t.step();
//   Metrics m = t.evaluate(split.test);
#include <memory>
#include <optional>
#include <string>

#include "backend/backend.h"
#include "data/dataset.h"
#include "network/network.h"
#include "optim/optimizer.h"
#include "util/rng.h"

namespace gradlab {

struct TrainConfig {
  std::string optimizer = "adam";  // sgd momentum nesterov adagrad adadelta rmsprop adam
  std::optional<double> lr;        // unset: the optimizer's default (optim/optimizer.h)
  double l1 = 0;                   // penalty l1·Σ|w| on weights (not biases)
  double l2 = 0;                   // penalty ½·l2·Σw² on weights (gradient l2·w)
  double clipNorm = 0;             // clip the global gradient norm to this; 0 = off
  int64_t batch = 10;
  bool shuffle = true;             // false: batches in data order, cycling
  uint64_t seed = 0;               // initial weights, shuffling, dropout
  // Zhang et al. 2017: the training labels replaced by classes drawn at random from the seed
  // (the test labels kept). The Trainer trains on its own relabelled copy of the data.
  bool randomLabels = false;
  // Stop when the test loss has not improved for this many evaluations and keep the best
  // weights (train/early_stopping.h); 0 = off. The loop that evaluates applies it.
  int64_t earlyStopping = 0;
};

struct StepResult {
  int64_t step = 0;       // steps done, this one included
  double loss = 0;        // the batch's loss before the update (data loss, no penalty)
  bool finite = true;     // false: loss or gradients went NaN/Inf; the update was skipped
};

struct Metrics {
  double loss = 0;
  std::optional<double> accuracy;  // fraction in [0, 1]; classification only
  int64_t samples = 0;
};

class Trainer {
 public:
  // Throws Error when the network is invalid or the data does not fit it. The data is shared,
  // never copied: the window's session, a race's trainers and the views all read one Split —
  // except with config.randomLabels, where the Trainer trains on its own relabelled copy
  // (data() and sharedData() are that copy; classification data only, an Error otherwise).
  Trainer(const NetworkSpec& spec, std::shared_ptr<const Split> data, TrainConfig config,
          Backend& backend, DType dtype);
  Trainer(const NetworkSpec& spec, Split data, TrainConfig config, Backend& backend, DType dtype);
  ~Trainer();

  StepResult step();
  // Loss and accuracy in evaluation mode over the first `limit` samples (0: all of them).
  Metrics evaluate(const Dataset& data, int64_t limit = 0);
  // Fresh weights and optimizer state from config().seed; step count back to 0.
  void reset();
  // lr, optimizer, penalties, batch, ... between steps. Turning randomLabels on or off (or a
  // new seed while it is on) swaps the training labels from the next step on.
  void setConfig(const TrainConfig& config);

  const TrainConfig& config() const { return config_; }
  Network& network() { return *net_; }
  const Split& data() const { return *data_; }
  const std::shared_ptr<const Split>& sharedData() const { return data_; }
  int64_t steps() const { return steps_; }
  double epochs() const;  // samples seen / training set size
  int64_t stepsPerEpoch() const;

  // Host batch -> backend tensors (also used by views that run the network on their own inputs).
  Tensor makeInput(const Dataset& d, int64_t begin, int64_t count) const;
  Tensor makeTarget(const Dataset& d, int64_t begin, int64_t count) const;

 private:
  void nextBatch();
  void forwardBackward();
  void checkDataFits(const Dataset& d, const std::string& what) const;
  // The target values of samples [begin, begin + count) as the loss wants them, and their shape.
  void targetValues(const Dataset& d, int64_t begin, int64_t count, std::vector<float>& values,
                    Shape& shape) const;

  NetworkSpec spec_;
  std::shared_ptr<const Split> source_;  // the data as given
  std::shared_ptr<const Split> data_;    // what trains: source_, or its randomly relabelled copy
  TrainConfig config_;
  Backend& be_;
  DType dtype_;
  std::unique_ptr<Network> net_;
  std::unique_ptr<Optimizer> opt_;
  std::vector<int64_t> order_;  // sample order of the current epoch
  int64_t cursor_ = 0;
  int64_t steps_ = 0;
  int64_t samplesSeen_ = 0;
  Dataset batchData_;            // the current batch, gathered on the host
  Tensor x_, y_;                 // the current batch on the backend (reused while shapes hold)
  uint64_t batchVersion_ = 0;    // bumped when x_ or y_ is reallocated
  Rng shuffleRng_;
  // Recorded steps (backend.h): null where the backend does not record.
  std::unique_ptr<StepRecording> recording_;
  bool recordSteps_ = true;      // false after a recording failed: eager steps from then on
  bool replayable_ = false;
  uint64_t recordedLayout_ = 0;
  uint64_t warmLayout_ = ~uint64_t(0);  // the layout of the last step run as plain calls
};

}  // namespace gradlab
