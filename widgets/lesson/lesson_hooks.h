#pragma once
// What the lesson player needs from the window: load a step's setup, change settings as the
// controls and the inspector would, and the training session. The window (main_window.cpp)
// fills these in; the player never reaches into the window otherwise.
#include <functional>
#include <memory>

#include "lesson/lesson.h"
#include "train/compare.h"
#include "train/session.h"

namespace gradlab::widgets {

// A side-by-side run of a step's variants (the Compare view; lesson/compare_runs.h).
struct VariantRuns {
  struct Progress {
    bool started = false;   // a comparison exists
    int64_t step = 0;       // steps every running variant took
    bool finished = false;  // its steps done, or every variant stopped
    std::string error;      // why it could not start
  };
  std::function<void(std::vector<CompareVariant>, std::shared_ptr<const Split>, int64_t steps,
                     double speed)> start;
  std::function<void()> pause;
  std::function<Progress()> progress;
  // The newest value of a lesson metric of the variant named so; nullopt: not measured.
  std::function<std::optional<double>(const std::string& variant, const std::string& metric)> metric;
  bool available() const { return bool(start); }
};

struct LessonHooks {
  // A step's setup, complete: network, data, training settings, speed; fresh weights drawn
  // with the seed; the step's views opened and in front.
  std::function<void(const LessonSetup&)> load;
  // A `set` between steps, from `before` to `after`: the training settings through the
  // controls, each changed block parameter as an undoable edit (the canvas and the inspector
  // show it), a new network or data set as the user would load them.
  std::function<void(const LessonSetup& before, const LessonSetup& after)> change;
  TrainingSession* session = nullptr;
  // Where a step with variants runs them side by side; empty: such a step's variant checks
  // stay pending.
  VariantRuns variants;
};

}  // namespace gradlab::widgets
