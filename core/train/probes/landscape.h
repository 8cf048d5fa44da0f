#pragma once
// Landscape probe: the loss on a plane through the current weights with the path the weights
// took (train/landscape.h says how the plane is chosen), 25 × 25 losses on the first 256
// training samples. Costly, so it keeps its own pace: while training at most every 0.25 s.
//   options: {}
#include "train/landscape.h"
#include "train/probes/probe.h"

namespace gradlab {

inline constexpr int kLandscapeGrid = 25;           // losses per side
inline constexpr int64_t kLandscapeSamples = 256;   // the training samples measured on

// Never null: a landscape that cannot be measured says why (LandscapeProbe::why).
std::shared_ptr<const ProbeResult> measureLandscape(const ProbeContext& ctx);

}  // namespace gradlab
