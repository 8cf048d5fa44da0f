#pragma once
// Shapes are plain vectors of extents. Activations carry the batch as their first extent;
// the shapes in a NetworkSpec (and shape inference) leave the batch out.
#include <cstdint>
#include <string>
#include <vector>

namespace gradlab {

using Shape = std::vector<int64_t>;

inline int64_t numel(const Shape& s) {
  int64_t n = 1;
  for (int64_t d : s) n *= d;
  return n;
}

// The most values one tensor (a sample's activation, a parameter) or a whole network's
// parameters may hold: 2^31, 8 GiB of f32 — far beyond a lab's networks, well inside int64.
inline constexpr int64_t kMaxElements = int64_t(1) << 31;

// numel(s), or -1 when it exceeds kMaxElements (or a negative extent): checked before anything
// is allocated, so a shape like [1e6, 1e6, 1e6, 1e6] cannot wrap around.
inline int64_t boundedNumel(const Shape& s) {
  int64_t n = 1;
  for (int64_t d : s) {
    if (d < 0 || (d > 0 && n > kMaxElements / d)) return -1;
    n *= d;
  }
  return n;
}

// "8×14×14", or "scalar" for the empty shape.
inline std::string toString(const Shape& s) {
  if (s.empty()) return "scalar";
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (i) out += "\u00d7";
    out += std::to_string(s[i]);
  }
  return out;
}

// The shape with a batch extent in front.
inline Shape withBatch(int64_t batch, const Shape& s) {
  Shape out{batch};
  out.insert(out.end(), s.begin(), s.end());
  return out;
}

}  // namespace gradlab
