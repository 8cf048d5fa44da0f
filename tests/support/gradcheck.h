#pragma once
// Finite-difference gradient checks in double precision on the cpu backend.
//
// For one block with random inputs x and parameters θ, and a fixed random r, take
//   L = Σ r ⊙ block(x; θ)
// so ∂L/∂out = r. The block's backward gives ∂L/∂x and ∂L/∂θ; each is compared with the
// central difference (L(v + h) − L(v − h)) / 2h, element by element. In a Qt Test slot:
//   EXPECT_GRADS(checkBlock(block("Dense", {{"units", 4}}), {{5}}));
#include <QTest>
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

// The largest relative error a check in double precision may show.
constexpr double kGradTolerance = 1e-6;

// A block named "b" of the given type and parameters, the one block a check builds.
inline BlockSpec block(const std::string& type, nlohmann::json params = nlohmann::json::object()) {
  return BlockSpec{"b", type, std::move(params), {}};
}

}  // namespace gradlab::test

// Fails the current test slot unless the check compared something and every element agreed
// within kGradTolerance; the message names the worst element.
#define EXPECT_GRADS(result)                                                             \
  do {                                                                                   \
    const auto r_ = (result);                                                            \
    QVERIFY2(r_.checked > 0, "nothing was compared");                                    \
    QVERIFY2(r_.maxError < gradlab::test::kGradTolerance,                                \
             (std::to_string(r_.maxError) + " at " + r_.where).c_str());                 \
  } while (0)
