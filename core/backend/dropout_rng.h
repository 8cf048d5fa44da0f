#pragma once
// The random numbers behind dropout masks: counter-based, so element i of the mask drawn at
// forward pass `step` with `seed` is the same number on every backend and every thread count
// (a GPU thread computes its element from (seed, step, i) alone; no generator state to share).
//
//   key = mix(seed ⊕ mix(step))
//   u(key, i) = (top 53 bits of mix(key + i·φ)) / 2⁵³   ∈ [0, 1),   φ = 0x9e3779b97f4a7c15
//
// where mix is SplitMix64's step and finaliser (Steele, Lea & Flood 2014): consecutive i walk
// the SplitMix64 sequence that starts at the key.
#include <cstdint>

#if !defined(GRADLAB_HOST_DEVICE)
#if defined(__CUDACC__)
#define GRADLAB_HOST_DEVICE __host__ __device__
#else
#define GRADLAB_HOST_DEVICE
#endif
#endif

namespace gradlab {

GRADLAB_HOST_DEVICE inline uint64_t splitMix64(uint64_t z) {
  z += 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// The key of one mask (one forward pass); element i draws dropoutUniform(key, i).
GRADLAB_HOST_DEVICE inline uint64_t dropoutKey(uint64_t seed, uint64_t step) {
  return splitMix64(seed ^ splitMix64(step));
}

GRADLAB_HOST_DEVICE inline double dropoutUniform(uint64_t key, uint64_t i) {
  return double(splitMix64(key + i * 0x9e3779b97f4a7c15ULL) >> 11) * 0x1.0p-53;
}

}  // namespace gradlab
