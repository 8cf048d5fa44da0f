#include "train/divergence.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "network/network.h"
#include "optim/optimizer.h"

namespace gradlab {

namespace {
// "0.03" rather than "0.030000".
std::string number(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", x);
  return buf;
}

std::string nonFinite(double x) { return std::isnan(x) ? "NaN" : "infinite"; }

// ": the learning rate 0.03 is too large for this network — lower it (try 0.0003) and press Reset."
std::string lowerTheRate(const TrainConfig& config, RetryIn where) {
  const double lr = config.lr.value_or(defaultHyper(parseOptimKind(config.optimizer)).lr);
  // A first try two orders of magnitude below: small enough to be safe, large enough to train.
  const std::string smaller = number(lr / 100);
  return ": the learning rate " + number(lr) + " is too large for this network — lower it (try " +
         (where == RetryIn::Window ? smaller + ") and press Reset."
                                   : "--lr " + smaller + ") and run again.");
}
}  // namespace

std::string divergenceAdvice(const StepResult& r, const TrainConfig& config, RetryIn where) {
  // What went wrong: the loss itself, or (with a finite loss) the gradients of this step.
  const std::string what =
      std::isfinite(r.loss)
          ? "The gradients became NaN or infinite at step " + std::to_string(r.step) +
                " (the loss was " + number(r.loss) + ")"
          : "The loss became " + nonFinite(r.loss) + " at step " + std::to_string(r.step);
  if (r.step <= 1)
    return what + ", before any update, so the learning rate is not the cause: look for very "
                  "large, infinite or missing values in the data (scale the inputs and targets) "
                  "and in the initial weights.";
  return what + lowerTheRate(config, where);
}

double largestWeight(Network& net) {
  double largest = 0;
  for (const auto& [name, t] : net.weights())
    for (double v : t.values) {
      if (!std::isfinite(v)) return std::numeric_limits<double>::infinity();
      largest = std::max(largest, std::abs(v));
    }
  return largest;
}

std::string explosionSign(double firstLoss, double recentLoss, double largestWeight) {
  if (largestWeight > kExplodedWeight) return "|w| reached " + number(largestWeight);
  if (recentLoss > 1 && recentLoss > 10 * firstLoss)
    return "the loss rose from " + number(firstLoss) + " to " + number(recentLoss);
  return "";
}

std::string explosionAdvice(int64_t step, const std::string& sign, const TrainConfig& config,
                            RetryIn where) {
  return "Training blew up by step " + std::to_string(step) + " (" + sign + ")" +
         lowerTheRate(config, where);
}

}  // namespace gradlab
