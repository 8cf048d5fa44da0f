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

}  // namespace gradlab
