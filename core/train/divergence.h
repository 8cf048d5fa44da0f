#pragma once
// What to tell a user whose training diverged (a step whose loss or gradients were NaN or
// infinite; Trainer::step skipped its update). One wording for the window and gradlab-cli:
//
//   StepResult r{.step = 12, .loss = NaN, .finite = false};   // adam, lr 0.03
//   divergenceAdvice(r, config, RetryIn::Window)
//     "The loss became NaN at step 12: the learning rate 0.03 is too large for this network —
//      lower it (try 0.0003) and press Reset."
//   divergenceAdvice(r, config, RetryIn::CommandLine)
//     "… lower it (try --lr 0.0003) and run again."
//
// Without an lr in the config the optimizer's default is named (defaultHyper). At step 1 the
// loss was computed before any update, so the learning rate cannot be the cause: the advice
// points at the data and the initial weights instead.
#include <string>

#include "train/trainer.h"

namespace gradlab {

// Where the user tries again: the wording of the advice's last words.
enum class RetryIn { Window, CommandLine };

// `result` must be a step that was not finite (result.finite == false).
std::string divergenceAdvice(const StepResult& result, const TrainConfig& config, RetryIn where);

// Training that blew up while its loss stayed finite (bce and cross-entropy clamp their
// probabilities: --lr 1e5 trained to the end at a loss of 60 from 0.69, and a huge rate sent the
// weights to 6e30): the recent loss above 10 × the first step's loss (and above 1), or a weight
// beyond kExplodedWeight. Returns what happened ("the loss rose from 0.693 to 60"), or "".
inline constexpr double kExplodedWeight = 1e8;
std::string explosionSign(double firstLoss, double recentLoss, double largestWeight);
// The largest |w| over the network's parameters (read to the host); infinity when one is NaN.
double largestWeight(Network& net);
// "Training blew up by step 40 (the loss rose from 0.693 to 60): the learning rate 1e+05 is too
//  large for this network — lower it (try --lr 1000) and run again."
std::string explosionAdvice(int64_t step, const std::string& sign, const TrainConfig& config,
                            RetryIn where);

}  // namespace gradlab
