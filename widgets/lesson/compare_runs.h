#pragma once
// The Compare view (views/compare_view.h) as the lesson player's VariantRuns: a step's
// variants start there, side by side, and its checks read each variant's metrics from it.
#include "lesson/lesson_hooks.h"

namespace gradlab::widgets {

class CompareView;

// Empty (not available) for a null view.
VariantRuns compareRuns(CompareView* view);

}  // namespace gradlab::widgets
