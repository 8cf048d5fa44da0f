#pragma once
// BackgroundJob<T>: one piece of slow work on a thread of its own, with progress and cancel —
// the optimizer race (train/race_job.h), a feature visualisation, decoding a dropped image — so
// that neither the training worker nor the window's thread waits for it. One job at a time; a
// new start cancels the old one.
//
//   BackgroundJob<Visualization> job;
//   job.start([=](const auto& progress) { return visualize(net, target, {}, progress); },
//             [=] { /* on the job's thread, once the outcome can be taken: post to your own */ });
//   job.progress();           // 0 to 1 while it runs (what the work last reported)
//   job.take();               // the finished outcome — the value or why it failed — once
//   job.cancel();             // its next progress report returns false; waits for the thread
//
// The work reports its share done through `progress` and stops when that returns false; what it
// returns then is dropped (take() stays empty after a cancel). An exception becomes the
// outcome's `error` (its what()).
#include <atomic>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace gradlab {

template <class T>
class BackgroundJob {
 public:
  using Progress = std::function<bool(double)>;  // share done; returns false to stop
  struct Outcome {
    std::optional<T> value;  // empty when it failed
    std::string error;       // why it failed
  };

  BackgroundJob() = default;
  ~BackgroundJob() { cancel(); }
  BackgroundJob(const BackgroundJob&) = delete;
  BackgroundJob& operator=(const BackgroundJob&) = delete;

  // Runs `work` on a new thread (cancelling and waiting for a job that runs); `finished` is
  // called on that thread when its outcome can be taken (not after a cancel). `onProgress`
  // hears each report, on that thread.
  void start(std::function<T(const Progress&)> work, std::function<void()> finished = {},
             std::function<void(double)> onProgress = {}) {
    cancel();
    stop_ = false;
    running_ = true;
    progress_ = 0;
    thread_ = std::thread([this, work = std::move(work), finished = std::move(finished),
                           onProgress = std::move(onProgress)] {
      Outcome out;
      try {
        T value = work([&](double done) {
          progress_ = done;
          if (onProgress) onProgress(done);
          return !stop_.load();
        });
        out.value.emplace(std::move(value));
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
  // Stops a running job at its next progress report and waits for the thread; its outcome is
  // dropped.
  void cancel() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    running_ = false;
    std::lock_guard lk(mu_);
    outcome_.reset();
  }
  bool running() const { return running_; }
  double progress() const { return progress_; }
  // The finished job's outcome, once (empty while running, after cancel, or already taken).
  std::optional<Outcome> take() {
    std::lock_guard lk(mu_);
    std::optional<Outcome> out = std::move(outcome_);
    outcome_.reset();
    return out;
  }

 private:
  std::thread thread_;
  std::atomic<bool> stop_{false}, running_{false};
  std::atomic<double> progress_{0};
  std::mutex mu_;
  std::optional<Outcome> outcome_;
};

}  // namespace gradlab
