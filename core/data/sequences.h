#pragma once
// Seeded synthetic sequence tasks for recurrent networks: x is [N, T, F] (xShape {T, F}).
//
//   Dataset d = makeSequenceTask("adding", {.samples = 1000, .length = 50, .seed = 1});
//   // d.xShape == {50, 2}, d.yShape == {1}: x[n][t] = (value, marker), y[n] = sum of 2 values
//
//   sine      next-step prediction: x[t] = sin(ω·t + φ) (+ noise), t = 0..T−1, with ω drawn
//             from [0.15, 0.6] rad per step and φ from [0, 2π) per sequence; y = sin(ω·T + φ),
//             noise-free. F = 1, regression, yShape {1}.
//   adding    the adding problem (Hochreiter & Schmidhuber 1997): F = 2; channel 0 holds
//             uniform values in [0, 1], channel 1 marks two steps with 1, one in the first half
//             [0, T/2) and one in the second [T/2, T); y = the sum of the two marked values.
//             Regression, yShape {1}. Predicting the mean (1) scores an MSE of about 0.167.
//   long-lag  remember a symbol over `lag` steps: x[0] is the one-hot symbol (one of K classes
//             named A, B, C, …), then `lag` blank (all-zero) steps, so T = lag + 1 and F = K;
//             y = the symbol's class. Classification with K classes.
//   recall    remember a cue across distractors (after Hochreiter & Schmidhuber 1997, exp. 2):
//             step 0 shows one of K cue symbols (A, B, C, …), each of the next `lag` steps one
//             of `distractors` other symbols drawn at random, the last step a query marker;
//             T = lag + 2, F = K + distractors + 1, one-hot in that order (cues, distractors,
//             query). y = the cue's class. Classification with K classes (chance 1/K).
//   reverse   reverse a sequence of T random symbols: x[t] is one of K symbols (A, B, C, …)
//             one-hot (F = K); y[t] = the class of x[T−1−t], one class per step (yShape {T},
//             K classes): a network outputs [T, K] scores for the per-step cross_entropy, and
//             its accuracy counts correct steps (tokens). Chance 1/K.
#include <cstdint>
#include <string>
#include <vector>

#include "data/dataset.h"

namespace gradlab {

struct SequenceOptions {
  int64_t samples = 1000;
  int64_t length = 20;  // T for sine, adding and reverse
  int64_t lag = 10;     // long-lag, recall: steps between the symbol and the end
  int symbols = 4;      // K for long-lag, recall and reverse (2 to 26)
  int distractors = 4;  // recall: distractor symbols (1 to 26)
  double noise = 0;     // sine: standard deviation of the noise added to the inputs
  uint64_t seed = 0;
};

Dataset makeSineSequences(const SequenceOptions& opts);
Dataset makeAddingProblem(const SequenceOptions& opts);
Dataset makeLongLag(const SequenceOptions& opts);
Dataset makeRecall(const SequenceOptions& opts);
Dataset makeReverse(const SequenceOptions& opts);

// "sine", "adding", "long-lag", "recall" or "reverse"; throws Error listing them for another name, and
// for options out of range.
Dataset makeSequenceTask(const std::string& name, const SequenceOptions& opts);
const std::vector<std::string>& sequenceTaskNames();

}  // namespace gradlab
