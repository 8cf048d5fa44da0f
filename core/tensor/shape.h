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
