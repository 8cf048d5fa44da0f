#pragma once
// Finite-difference gradient checks in double precision on the cpu backend.
//
// For one block with random inputs x and parameters θ, and a fixed random r, take
//   L = Σ r ⊙ block(x; θ)
// so ∂L/∂out = r. The block's backward gives ∂L/∂x and ∂L/∂θ; each is compared with the
// central difference (L(v + h) − L(v − h)) / 2h, element by element.
#include <functional>
#include <string>
#include <vector>

#include "blocks/block.h"
#include "spec/network_spec.h"

namespace gradlab::test {

struct GradCheckResult {
  double maxError = 0;   // max over elements of |analytic − numeric| / max(1, |analytic|, |numeric|)
  std::string where;     // "input 0 [3]" or "weight [1, 2]" of the worst element
  int64_t checked = 0;   // elements compared
};

struct GradCheckOptions {
  int64_t batch = 3;
  uint64_t seed = 1;
  bool training = true;
  double h = 1e-6;
  double inputScale = 1.0;   // inputs ~ U(−s, s)
  // Called after the block is built (e.g. to freeze a dropout mask).
  std::function<void(Block&)> prepare;
};

GradCheckResult checkBlock(const BlockSpec& spec, const std::vector<Shape>& inShapes,
                           const GradCheckOptions& options = {});

// Same for a loss: L = loss(pred, target), gradient with respect to pred.
GradCheckResult checkLoss(const std::string& loss, const Shape& predShape, int numClasses,
                          uint64_t seed = 1);

}  // namespace gradlab::test
