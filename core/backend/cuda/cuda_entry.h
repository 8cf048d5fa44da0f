#pragma once
// The cuda backend's entry points, as seen from gradlab_core (backend/select.cpp). A plain C++
// header: no CUDA includes, so core compiles without the toolkit's headers.
#include <string>
#include <vector>

#include "backend/select.h"

namespace gradlab::cuda {

// Every device, usable or not; whyNone set when none is usable (see listDevices()).
std::vector<DeviceInfo> probeDevices(std::string& whyNone, bool withFreeMemory);
// The backend on device `index`, created on first use and kept for the process. Throws Error
// (saying why) when that device cannot be used.
Backend& backendFor(int index);
std::string versions();

}  // namespace gradlab::cuda
