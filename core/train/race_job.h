#pragma once
// RaceJob: the optimizer race (train/landscape.h raceOptimizers) on a thread of its own, so that
// the training session keeps answering Pause, Step and weight requests while seven optimizers
// train for a few hundred steps each. One race at a time; a new one cancels the old.
//
//   job.start([=](auto& progress) { return raceOptimizers(..., progress); },
//             [=] { /* on the race's thread, once the result can be taken */ });
//   job.progress();           // 0 to 1 while it runs
//   job.take();               // the finished race (->value) or why it failed (->error), once
//   job.cancel();             // stops it at the next progress report and waits for it
#include "train/background_job.h"
#include "train/landscape.h"

namespace gradlab {

using RaceJob = BackgroundJob<RaceProbe>;

}  // namespace gradlab
