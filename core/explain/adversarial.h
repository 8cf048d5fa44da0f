#pragma once
// Adversarial examples: a barely visible change of the input that flips the prediction.
//
//   FGSM (Goodfellow et al. 2015):   x' = clip_[lo,hi](x + ε·sign(∇ₓ L(x, y)))
//   PGD  (Madry et al. 2018):        x⁰ = x (or x + U(−ε, ε)ᵈ with randomStart)
//                                    xᵏ⁺¹ = clip_[lo,hi](Π_{‖x'−x‖∞≤ε}(xᵏ + α·sign(∇ₓ L(xᵏ, y))))
//                                    α = stepSize, or 2.5·ε/steps when 0
// L is the network's own loss (cross_entropy for a classifier) of each sample on its own (the
// gradient of the batch mean, whose sign is the same per sample).
//
//   AttackOptions o;  o.eps = 0.1;                  // FGSM, pixels in [0, 1]
//   Tensor adv = attack(net, x, y, o);              // x: [N, 1, 28, 28], y: [N] class indices
//   std::vector<double> eps{0, 0.05, 0.1};
//   auto curve = accuracyUnderAttack(net, test, eps, o, 1000);  // {0, 0.91}, {0.05, 0.32}, …
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "data/dataset.h"
#include "network/network.h"

namespace gradlab {

enum class AttackMethod { Fgsm, Pgd };
AttackMethod parseAttackMethod(const std::string& name);  // "fgsm" | "pgd"; throws Error listing them
std::string toString(AttackMethod method);                 // "fgsm" | "pgd"

struct AttackOptions {
  AttackMethod method = AttackMethod::Fgsm;
  double eps = 0.1;            // L∞ budget, in input units (pixels in [0, 1])
  int steps = 10;              // PGD iterations
  double stepSize = 0;         // PGD step; 0 = 2.5·eps/steps (Madry et al.)
  double lo = 0, hi = 1;       // the valid input range: adversarial inputs are clipped to it
  bool randomStart = false;    // PGD: start at a random point of the ε-ball
  uint64_t seed = 1;
};

// x' = clip(x + ε·sign(∇ₓ L(x, y))) (FGSM, Goodfellow et al. 2015) or its projected iteration
// (PGD). y: the true classes ([N] class indices, or whatever the network's loss takes as a
// target). x: [N, ...input shape]. Returns [N, ...] host floats (a cpu tensor); ε = 0 returns
// x unchanged (not even clipped). The weights
// are unchanged; the network runs in evaluation mode. Throws Error for a bad ε, step count,
// range or input shape.
Tensor attack(Network& net, const Tensor& x, const Tensor& y, const AttackOptions& options);

struct EpsAccuracy { double eps = 0, accuracy = 0; int64_t samples = 0; };

// Test accuracy on the first `samples` samples of `data` (0 = all) for each ε, in batches of
// 256; options.eps is ignored (each ε of `eps` is used in turn). `progress` hears the share
// done (0..1) after every batch and returns false to stop: the result then holds the ε values
// measured completely so far (no exception). Throws Error for a dataset without classes or
// whose samples do not fit the network.
std::vector<EpsAccuracy> accuracyUnderAttack(Network& net, const Dataset& data,
    std::span<const double> eps, AttackOptions options, int64_t samples = 0,
    const std::function<bool(double)>& progress = {});

}  // namespace gradlab
