#pragma once
// RaceJob: the optimizer race (train/landscape.h raceOptimizers) on a thread of its own, so that
// the training session keeps answering Pause, Step and weight requests while seven optimizers
// train for a few hundred steps each. One race at a time; a new one cancels the old.
//
//   job.start([=](auto& progress) { return raceOptimizers(..., progress); },
//             [=] { /* on the race's thread, once the result can be taken */ });
//   job.progress();           // 0 to 1 while it runs
//   job.take();               // the finished race (or why it failed), once
//   job.cancel();             // stops it at the next progress report and waits for it
#include <atomic>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "train/landscape.h"

namespace gradlab {

class RaceJob {
 public:
  using Progress = std::function<bool(double)>;  // share done; returns false to stop
  struct Outcome {
    std::optional<RaceProbe> race;  // empty when it failed or was cancelled
    std::string error;              // why it failed
  };

  RaceJob() = default;
  ~RaceJob() { cancel(); }
  RaceJob(const RaceJob&) = delete;
  RaceJob& operator=(const RaceJob&) = delete;

  // Runs `work` on a new thread (cancelling and waiting for a race that runs); `finished` is
  // called on that thread when its outcome can be taken. `onProgress` hears each report.
  void start(std::function<RaceProbe(const Progress&)> work, std::function<void()> finished,
             std::function<void(double)> onProgress = {});
  // Stops a running race at its next progress report and waits for the thread; its outcome is
  // dropped.
  void cancel();
  bool running() const { return running_; }
  double progress() const { return progress_; }
  // The finished race's outcome, once (empty while running, after cancel, or already taken).
  std::optional<Outcome> take();

 private:
  std::thread thread_;
  std::atomic<bool> stop_{false}, running_{false};
  std::atomic<double> progress_{0};
  std::mutex mu_;
  std::optional<Outcome> outcome_;
};

}  // namespace gradlab
