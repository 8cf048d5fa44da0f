#pragma once
// Adversarial probes (curriculum topic 22): a barely visible change of an image that flips the
// network's answer (explain/adversarial.h has the attacks, FGSM and PGD).
//
// AdversarialProbe — one sample before and after the attack, for the adversarial view:
//   options: {"sample": 3, "eps": 0.1, "method": "fgsm", "steps": 10}
//            {"image": [784 floats], ...}   a picture of the user's own instead of a test sample
//   A test sample (the training set's where there is none) is attacked against its true class;
//   an own image, which has none, against the class the network predicts for it.
//   Fashion-MNIST test sample 0 (an ankle boot), the fashion-cnn example after 300 steps on
//   1000 images, FGSM at ε = 0.1: before "Ankle boot" 0.84, after "Sneaker" 0.67 — no pixel
//   moved by more than 0.1.
//
// AttackProbe — accuracy of the first `samples` test samples, clean and attacked, for the
// lessons' attack.* metrics (core/lesson/metrics.h) in the player and in `lesson check`:
//   options: {"method": "fgsm", "eps": 0.1, "samples": 200, "steps": 10}
#include <string>
#include <vector>

#include "explain/adversarial.h"
#include "tensor/shape.h"
#include "train/probes/probe.h"

namespace gradlab {

std::shared_ptr<const ProbeResult> measureAdversarial(const ProbeContext& ctx);
std::shared_ptr<const ProbeResult> measureAttack(const ProbeContext& ctx);

// The attack an options object asks for (eps, method, steps); throws Error naming a bad value.
AttackOptions attackOptions(const nlohmann::json& options);

struct AdversarialProbe : ProbeResult {
  static constexpr const char* kName = "adversarial";
  static inline const ProbeType kType{measureAdversarial};
  AttackMethod method = AttackMethod::Fgsm;
  double eps = 0;
  int steps = 0;                   // PGD's iterations (FGSM: 1)
  int64_t sample = 0;              // the sample's index in the set shown
  bool onTest = true;              // test set, or training set where there is none
  bool ownImage = false;           // the user's own image rather than a sample
  Shape shape;                     // the input shape, [C, H, W] for images
  std::vector<float> original, adversarial;  // x and x' = x + δ, each [...shape]
  double change = 0;               // max |δ| = ‖x' − x‖∞ (≤ ε; less where clipping to [0, 1] cut it)
  int truth = -1;                  // the true class (-1: an own image)
  int before = -1, after = -1;     // the predicted class of x and of x'
  std::vector<float> probabilitiesBefore, probabilitiesAfter;  // per class
  std::string why;                 // when there is nothing to show: why, and what to do

  bool flipped() const { return before >= 0 && after >= 0 && before != after; }
};

struct AttackProbe : ProbeResult {
  static constexpr const char* kName = "attack";
  // An attack of a few hundred samples costs a few forward/backward passes: twice a second.
  static inline const ProbeType kType{measureAttack, {}, 0.5};
  AttackMethod method = AttackMethod::Fgsm;
  double eps = 0;
  int64_t samples = 0;             // measured on this many test samples
  double cleanAccuracy = 0;        // before the attack
  double accuracy = 0;             // after it
};

// The probabilities of each class that one row of the loss block's output says: softmax for
// cross_entropy; [1 − p, p] for one output (bce, bce_logits); the row itself otherwise.
std::vector<float> classProbabilities(LossKind kind, const float* row, int64_t k);

}  // namespace gradlab
