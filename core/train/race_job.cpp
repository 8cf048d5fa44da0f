#include "train/race_job.h"

namespace gradlab {

void RaceJob::start(std::function<RaceProbe(const Progress&)> work,
                    std::function<void()> finished, std::function<void(double)> onProgress) {
  cancel();
  stop_ = false;
  running_ = true;
  progress_ = 0;
  thread_ = std::thread([this, work = std::move(work), finished = std::move(finished),
                         onProgress = std::move(onProgress)] {
    Outcome out;
    try {
      RaceProbe race = work([&](double done) {
        progress_ = done;
        if (onProgress) onProgress(done);
        return !stop_.load();
      });
      if (!race.cancelled) out.race = std::move(race);
    } catch (const std::exception& e) {
      out.error = e.what();
    }
    const bool keep = !stop_;
    {
      std::lock_guard lk(mu_);
      if (keep) outcome_ = std::move(out);
    }
    running_ = false;
    if (keep && finished) finished();
  });
}

void RaceJob::cancel() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  running_ = false;
  std::lock_guard lk(mu_);
  outcome_.reset();
}

std::optional<RaceJob::Outcome> RaceJob::take() {
  std::lock_guard lk(mu_);
  std::optional<Outcome> out = std::move(outcome_);
  outcome_.reset();
  return out;
}

}  // namespace gradlab
