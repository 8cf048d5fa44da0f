#pragma once
// WeightKeeper: the weights of the last step known to be good, kept on the host, so that a GPU
// failing mid-training (out of memory, a failed launch, a lost device — DeviceError) never
// loses the run: training stops, and continues on the cpu from these weights.
//
//   WeightKeeper keeper(2.0);                    // a host copy at most every 2 s
//   for (...) {
//     trainer.step();
//     keeper.maybeKeep(trainer.network(), trainer.steps());
//   }
//   ... catch (const DeviceError& e): writeSafetensors(path, keeper.weights());
//
// After a sticky CUDA error nothing on the device can be read any more, so the copy must be
// taken before the failure: that costs one download of the weights per interval (a few ms for
// a million parameters), nothing on the cpu backend (keep() is not needed there: the weights
// are in host memory already and a cpu step cannot fail that way).
#include <chrono>
#include <cstdint>

#include "io/safetensors.h"
#include "network/network.h"

namespace gradlab {

class WeightKeeper {
 public:
  explicit WeightKeeper(double intervalSeconds = 2.0) : interval_(intervalSeconds) {}

  // Copies the weights when none are kept yet or the interval has passed since the last copy.
  void maybeKeep(Network& net, int64_t step);
  // Copies the weights now (after step `step`; 0 = before training).
  void keep(Network& net, int64_t step);

  bool empty() const { return !have_; }
  const TensorMap& weights() const { return weights_; }
  int64_t step() const { return step_; }

 private:
  double interval_;
  bool have_ = false;
  TensorMap weights_;
  int64_t step_ = 0;
  std::chrono::steady_clock::time_point last_;
};

}  // namespace gradlab
