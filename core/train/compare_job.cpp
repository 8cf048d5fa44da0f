#include "train/compare_job.h"

#include <algorithm>
#include <chrono>

#include "backend/backend.h"
#include "util/error.h"

namespace gradlab {

namespace {
using Clock = std::chrono::steady_clock;

constexpr size_t kMaxPoints = 2000;  // history kept per variant: every other point dropped beyond

// Every other point of a long history, the newest kept (a comparison without an end).
void thin(std::vector<MetricPoint>& m) {
  if (m.size() <= kMaxPoints) return;
  std::vector<MetricPoint> kept;
  kept.reserve(m.size() / 2 + 1);
  for (size_t i = 0; i < m.size(); i += 2) kept.push_back(m[i]);
  if (kept.back().step != m.back().step) kept.push_back(m.back());
  m = std::move(kept);
}
}  // namespace

RunMeasures measuresOf(const CompareSnapshot& snap, size_t run) {
  if (run >= snap.runs.size())
    throw Error("compare: no variant " + std::to_string(run + 1) + " (the comparison has " +
                std::to_string(snap.runs.size()) + ")");
  const CompareSeries& s = snap.runs[run];
  RunMeasures m;
  m.history = &s.metrics;
  m.gradients = s.gradients.get();
  m.steps = s.steps;
  m.classes = snap.classes;
  m.diverged = s.diverged;
  return m;
}

void CompareJob::start(std::vector<CompareVariant> variants, std::shared_ptr<const Split> data,
                       Options options) {
  cancel();
  {
    std::lock_guard lk(mu_);
    stop_ = false;
    paused_ = false;
    started_ = true;
    speed_ = std::max(0.0, options.speed);
    auto first = std::make_shared<CompareSnapshot>();
    first->serial = ++serial_;
    first->running = true;
    first->steps = options.steps;
    first->speed = speed_;
    first->data = data;
    for (const auto& v : variants) {
      CompareSeries named;
      named.name = v.name;
      first->runs.push_back(std::move(named));
    }
    snap_ = std::move(first);
  }
  thread_ = std::thread(&CompareJob::run, this, std::move(variants), std::move(data), options);
}

void CompareJob::pause() {
  std::lock_guard lk(mu_);
  paused_ = true;
  cv_.notify_all();
}

void CompareJob::resume() {
  std::lock_guard lk(mu_);
  paused_ = false;
  cv_.notify_all();
}

void CompareJob::cancel() {
  {
    std::lock_guard lk(mu_);
    stop_ = true;
    cv_.notify_all();
  }
  if (thread_.joinable()) thread_.join();
}

void CompareJob::setSpeed(double s) {
  std::lock_guard lk(mu_);
  speed_ = std::max(0.0, s);
  cv_.notify_all();
}

bool CompareJob::busy() const {
  std::lock_guard lk(mu_);
  return started_ && !snap_->finished;
}

std::shared_ptr<const CompareSnapshot> CompareJob::snapshot() const {
  std::lock_guard lk(mu_);
  return snap_;
}

bool CompareJob::waitFinished(double seconds) const {
  std::unique_lock lk(mu_);
  return cv_.wait_for(lk, std::chrono::duration<double>(seconds), [&] { return snap_->finished; });
}

void CompareJob::publish(std::shared_ptr<CompareSnapshot> snap) {
  std::lock_guard lk(mu_);
  snap->serial = ++serial_;
  snap->paused = paused_;
  snap->speed = speed_;
  snap_ = std::move(snap);
  cv_.notify_all();
}

// The worker: build the comparison, then step / evaluate / measure / publish until its steps are
// done, every variant stopped, or it is cancelled. Paced against a clock that restarts whenever
// the pace changes or a pause ends, so that a pause is not made up for afterwards.
void CompareJob::run(std::vector<CompareVariant> variants, std::shared_ptr<const Split> data,
                     Options o) {
  auto snapOf = [&](const Comparison* c, bool finished) {
    auto s = std::make_shared<CompareSnapshot>();
    s->steps = o.steps;
    s->data = data;
    s->classes = data && data->train.isClassification() ? data->train.numClasses : 0;
    s->finished = finished;
    if (!c) return s;
    s->step = c->steps();
    for (const auto& r : c->runs()) {
      CompareSeries series;
      series.name = r.variant.name;
      series.metrics = r.metrics;
      series.steps = r.trainer ? r.trainer->steps() : 0;
      series.diverged = r.diverged;
      series.stopped = r.stopping && r.stopping->stopped();
      series.message = r.message;
      s->runs.push_back(std::move(series));
    }
    return s;
  };

  std::unique_ptr<Comparison> comp;
  try {
    if (!data) throw Error("compare: no data is loaded; load a data set first");
    comp = std::make_unique<Comparison>(std::move(variants), data,
                                        o.backend ? *o.backend : cpuBackend(), o.dtype);
  } catch (const std::exception& e) {
    auto s = snapOf(nullptr, true);
    {
      std::lock_guard lk(mu_);  // keep the names the start showed
      s->runs = snap_->runs;
    }
    s->error = e.what();
    publish(std::move(s));
    return;
  }

  const int64_t every = o.evalEvery > 0 ? o.evalEvery
                        : o.steps > 0   ? std::max<int64_t>(1, o.steps / 200)
                                        : 10;
  const PlotRange range = plotRange(*data);
  const nlohmann::json boundaryOptions = {{"grid", o.boundaryGrid}};
  const nlohmann::json noOptions = nlohmann::json::object();
  std::vector<std::shared_ptr<const BoundaryProbe>> boundaries(comp->runs().size());
  std::vector<std::shared_ptr<const GradientProbe>> gradients(comp->runs().size());
  std::string probeError;

  // Measures every variant's probes and publishes what the comparison holds now.
  auto measureAndPublish = [&](bool finished) {
    for (size_t i = 0; i < comp->runs().size(); ++i) {
      auto& r = comp->runs()[i];
      thin(r.metrics);
      if (!r.trainer) continue;
      try {
        if (o.boundaryGrid > 0 && data->train.xShape == Shape{2}) {
          ProbeContext ctx{*r.trainer, boundaryOptions, boundaries[i], nullptr, nullptr, range, !finished};
          boundaries[i] = std::dynamic_pointer_cast<const BoundaryProbe>(measureBoundary(ctx));
        }
        if (o.gradients) {
          ProbeContext ctx{*r.trainer, noOptions, gradients[i], nullptr, nullptr, range, !finished};
          gradients[i] = std::dynamic_pointer_cast<const GradientProbe>(measureGradients(ctx));
        }
      } catch (const std::exception& e) {
        probeError = e.what();  // a view's trouble; the comparison goes on
      }
    }
    auto s = snapOf(comp.get(), finished);
    for (size_t i = 0; i < s->runs.size(); ++i) {
      s->runs[i].boundary = boundaries[i];
      s->runs[i].gradients = gradients[i];
    }
    if (!probeError.empty()) s->error = probeError;
    s->running = !finished;
    publish(std::move(s));
  };
  auto evaluateAndPublish = [&](int64_t limit, bool finished) {
    comp->evaluate(limit);
    measureAndPublish(finished);
  };

  auto allStopped = [&] {
    return std::all_of(comp->runs().begin(), comp->runs().end(), [](const Comparison::Run& r) {
      return r.diverged || (r.stopping && r.stopping->stopped());
    });
  };

  try {
    evaluateAndPublish(o.evalLimit, false);  // step 0: where every variant starts
    int64_t lastEval = comp->steps();
    Clock::time_point paceStart = Clock::now();
    int64_t paceSteps = 0;
    double paceSpeed = -1;
    while (true) {
      {
        std::unique_lock lk(mu_);
        if (paused_ && !stop_) {
          lk.unlock();
          if (lastEval != comp->steps()) {  // show where it paused
            evaluateAndPublish(o.evalLimit, false);
            lastEval = comp->steps();
          } else {
            auto s = std::make_shared<CompareSnapshot>(*snapshot());
            publish(std::move(s));  // the same, marked paused
          }
          lk.lock();
          cv_.wait(lk, [&] { return stop_ || !paused_; });
          paceSpeed = -1;  // the pace starts again after a pause
        }
        if (stop_) break;
        if (speed_ != paceSpeed) {
          paceSpeed = speed_;
          paceStart = Clock::now();
          paceSteps = 0;
        }
        if (paceSpeed > 0) {  // wait for this step's time, waking for pause, cancel or a new pace
          const auto due = paceStart + std::chrono::duration_cast<Clock::duration>(
                                           std::chrono::duration<double>(paceSteps / paceSpeed));
          if (cv_.wait_until(lk, due, [&] { return stop_ || paused_ || speed_ != paceSpeed; }))
            continue;
        }
      }
      if ((o.steps > 0 && comp->steps() >= o.steps) || allStopped()) break;
      comp->step();
      ++paceSteps;
      if (comp->steps() - lastEval >= every) {
        evaluateAndPublish(o.evalLimit, false);
        lastEval = comp->steps();
      }
    }
    bool cancelled;
    {
      std::lock_guard lk(mu_);
      cancelled = stop_;
    }
    if (cancelled) {  // at once: a full evaluation of big sets would keep the caller waiting
      auto s = snapOf(comp.get(), true);
      for (size_t i = 0; i < s->runs.size(); ++i) {
        s->runs[i].boundary = boundaries[i];
        s->runs[i].gradients = gradients[i];
      }
      publish(std::move(s));
      return;
    }
    // The last point on every sample: evaluated again where the last one was sampled (not
    // where early stopping watches the points: it must see each step once).
    const bool sampled = std::any_of(comp->runs().begin(), comp->runs().end(), [](const Comparison::Run& r) {
      return !r.metrics.empty() && r.metrics.back().sampled;
    });
    const bool watched = std::any_of(comp->runs().begin(), comp->runs().end(),
                                     [](const Comparison::Run& r) { return r.stopping.has_value(); });
    if (lastEval == comp->steps() && sampled && !watched)
      for (auto& r : comp->runs())
        if (!r.metrics.empty() && r.metrics.back().step == comp->steps()) r.metrics.pop_back();
    if (lastEval != comp->steps() || (sampled && !watched)) comp->evaluate(0);
    measureAndPublish(true);
  } catch (const std::exception& e) {
    auto s = snapOf(comp.get(), true);
    s->error = e.what();
    publish(std::move(s));
  }
}

}  // namespace gradlab
