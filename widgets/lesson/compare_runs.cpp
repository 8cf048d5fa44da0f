#include "lesson/compare_runs.h"

#include "views/compare_view.h"

namespace gradlab::widgets {

VariantRuns compareRuns(CompareView* view) {
  VariantRuns r;
  if (!view) return r;
  r.start = [view](std::vector<CompareVariant> runs, std::shared_ptr<const Split> data,
                   int64_t steps, double speed) {
    CompareJob::Options o;
    o.steps = steps;
    o.speed = speed;
    view->start(std::move(runs), std::move(data), o);
  };
  r.pause = [view] { view->pause(); };
  r.progress = [view] {
    VariantRuns::Progress p;
    if (auto c = view->comparison()) {
      p.started = true;
      p.step = c->step;
      p.finished = c->finished;
      p.error = c->error;
    }
    return p;
  };
  r.metric = [view](const std::string& variant, const std::string& metric) -> std::optional<double> {
    auto c = view->comparison();
    if (!c) return std::nullopt;
    for (size_t i = 0; i < c->runs.size(); ++i)
      if (c->runs[i].name == variant) return view->metric(i, metric);
    return std::nullopt;
  };
  return r;
}

}  // namespace gradlab::widgets
