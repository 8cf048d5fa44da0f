#include "train/early_stopping.h"

#include <string>

#include "network/network.h"
#include "util/error.h"

namespace gradlab {

EarlyStopping::EarlyStopping(int64_t patience) : patience_(patience) {
  if (patience < 1)
    throw Error("early stopping needs a patience of at least 1 evaluation (got " +
                std::to_string(patience) + ")");
}

// An evaluation improves when its loss is strictly below the best so far (a NaN never does).
// The best weights are copied to the host then, so that restoring them is bit for bit.
bool EarlyStopping::update(int64_t step, double testLoss, Network& net) {
  if (stopped_) return true;
  if (testLoss < bestLoss_) {
    bestLoss_ = testLoss;
    bestStep_ = step;
    sinceBest_ = 0;
    best_ = net.weights();
    return false;
  }
  if (bestStep_ < 0) {  // the first evaluation is the best so far, whatever its loss (NaN, inf)
    bestStep_ = step;
    best_ = net.weights();
    return false;
  }
  stopped_ = ++sinceBest_ >= patience_;
  return stopped_;
}

}  // namespace gradlab
