#include "train/weight_keeper.h"

namespace gradlab {

void WeightKeeper::maybeKeep(Network& net, int64_t step) {
  if (have_ &&
      std::chrono::duration<double>(std::chrono::steady_clock::now() - last_).count() < interval_)
    return;
  keep(net, step);
}

void WeightKeeper::keep(Network& net, int64_t step) {
  TensorMap w = net.weights();  // throws (and keeps the old copy) when the device fails now
  weights_ = std::move(w);
  step_ = step;
  have_ = true;
  last_ = std::chrono::steady_clock::now();
}

}  // namespace gradlab
