#pragma once
// DeviceError: a device backend (cuda) failed — out of device memory, a failed kernel launch, a
// lost device. It is an Error, so every caller that reports errors reports it; callers that
// train catch it separately to stop cleanly and offer to continue on the cpu from the last good
// weights (see train/weight_keeper.h and gradlab-cli train).
#include <string>

#include "util/error.h"

namespace gradlab {

class DeviceError : public Error {
 public:
  // cause: one short phrase ("out of GPU memory", "kernel launch failed"); message: the whole
  // text. deviceLost: the device can no longer be read (a sticky CUDA error), so nothing on it
  // (weights included) can be downloaded any more.
  DeviceError(std::string cause, const std::string& message, bool deviceLost)
      : Error(message), cause_(std::move(cause)), deviceLost_(deviceLost) {}
  const std::string& cause() const { return cause_; }
  bool deviceLost() const { return deviceLost_; }

 private:
  std::string cause_;
  bool deviceLost_;
};

}  // namespace gradlab
