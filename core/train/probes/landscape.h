#pragma once
// Landscape probe: the loss on a plane through the current weights with the path the weights
// took (train/landscape.h says how the plane is chosen and declares LandscapeProbe and
// measureLandscape). Options: {}
#include "train/landscape.h"
#include "train/probes/probe.h"

namespace gradlab {

inline constexpr int kLandscapeGrid = 25;           // losses per side
inline constexpr int64_t kLandscapeSamples = 256;   // the training samples measured on


}  // namespace gradlab
