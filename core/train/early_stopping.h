#pragma once
// Early stopping: stop when the test loss has not improved for `patience` evaluations and keep
// the weights of the best one (Prechelt 1998; the curriculum's topic 12). The CLI's
// --early-stopping, the window's session and the lesson runner share it.
//
//   EarlyStopping es(5);
//   ... every evaluation: if (es.update(step, testLoss, net)) { net.loadWeights(es.bestWeights()); stop; }
#include <cstdint>
#include <limits>

#include "io/safetensors.h"

namespace gradlab {

class Network;

class EarlyStopping {
 public:
  explicit EarlyStopping(int64_t patience);  // patience >= 1 evaluations
  // Records one evaluation; keeps a copy of the weights when the loss is the best so far.
  // Returns true when training should stop: `patience` evaluations in a row without improving.
  bool update(int64_t step, double testLoss, Network& net);
  int64_t patience() const { return patience_; }
  int64_t bestStep() const { return bestStep_; }      // -1 before the first evaluation
  double bestLoss() const { return bestLoss_; }
  const TensorMap& bestWeights() const { return best_; }
  bool stopped() const { return stopped_; }

 private:
  int64_t patience_;
  int64_t bestStep_ = -1;
  double bestLoss_ = std::numeric_limits<double>::infinity();
  int64_t sinceBest_ = 0;
  bool stopped_ = false;
  TensorMap best_;
};

}  // namespace gradlab
