#pragma once
// Lesson: a bundled walkthrough (lessons/NN-name/lesson.md) as plain data — its prose, and for
// each step the setup it loads, the actions "Show me" performs and the checks that turn the step
// green. The format is Markdown a lecturer writes in a text editor (lessons/README.md):
//
//   # XOR and the limits of one layer          <- the lesson's title (first "# " line)
//   ```gradlab                                  <- the lesson's own settings (optional)
//   topic: 4
//   ```
//   Intro prose (Markdown) ...
//
//   ## One neuron, four corners                 <- each "## " starts a step
//   Prose (Markdown) shown in the lesson player ...
//   ```gradlab
//   network: xor-linear                         <- examples/xor-linear.net.json, or a path
//   data: xor points=200 noise=0.05             <- built-in name or file, then options
//   optimizer: adam
//   lr: 0.03
//   views: boundary loss
//   do: play 2000                               <- "Show me", in order
//   check: test.accuracy < 0.8                  <- all checks must hold for the step to pass
//   hint: One line cannot separate opposite corners.
//   ```
//
// A step inherits the previous step's setup and overrides what it names. Parsing checks
// everything (files exist, networks load, names are known) and throws Error naming
// "lessons/04-xor/lesson.md:23: ..." — never a crash.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "data/data_source.h"
#include "spec/network_spec.h"
#include "train/trainer.h"

namespace gradlab {

inline constexpr const char* kLessonFile = "lesson.md";

// One setting as written, "lr=0.3" or "h1.activation=relu": a training setting (optimizer, lr,
// batch, seed, l1, l2, clip, random-labels, early-stopping, speed), the network or data, or
// BLOCK.PARAM for a block's parameter (the value is JSON: 4, "relu", [8, 8], true).
struct Setting {
  std::string key, value;
  int line = 0;
};

// Everything a step loads; each step's setup is complete (inheritance is applied when parsing).
struct LessonSetup {
  std::string networkPath;   // resolved, absolute; a *.net.json file
  NetworkSpec network;       // loaded from networkPath, with the block settings applied
  DataSource data;
  TrainConfig training;           // with randomLabels and earlyStopping
  double speed = 0;               // the window's steps per second; 0 = flat out
  std::vector<std::string> views; // view ids opened for this step (widgets/views/view_types)
  // `attack: fgsm eps=0.1 samples=200` — the attack the attack.* metrics measure, as the
  // AttackProbe's options (train/probes/adversarial.h); null: none.
  nlohmann::json attack;
};

// One thing "Show me" does, in order.
struct LessonAction {
  enum class Kind { Play, Set, Reset };
  Kind kind = Kind::Play;
  int64_t steps = 0;               // Play: this many training steps
  std::vector<Setting> settings;   // Set: applied between steps (weights kept where shapes allow)
  int line = 0;
  std::string text;                // as written, for the player ("play 2000")
};

// A variant of a comparison step: the step's setup with these settings over it. Variants run
// side by side on the same data, from the same initial weights where shapes allow, with the same
// batches. Checks name a variant's metric as "test.accuracy@relu".
struct LessonVariant {
  std::string name;                // [A-Za-z0-9_.+-]+, unique in the step
  std::vector<Setting> settings;
  LessonSetup setup;               // the resolved setup of this variant
  int line = 0;
};

// A condition on measured values, "test.accuracy >= 0.95", "grad.ratio@sigmoid < 1e-3".
// Grammar (lessons/README.md): sum (< <= > >=) sum; sums of products of numbers, metrics,
// parenthesised sums and abs/min/max/log10(...). Metric names: lessons/README.md "Metrics".
class CheckExpr;

// What a check reads: the value of `metric` for a variant ("" without variants); nullopt when
// it is not measured (yet): the check is then pending, neither passed nor failed.
using MetricLookup =
    std::function<std::optional<double>(const std::string& metric, const std::string& variant)>;

struct CheckResult {
  std::optional<bool> passed;      // nullopt: pending (a metric is not measured yet)
  double lhs = 0, rhs = 0;         // the two sides as measured
  std::string explain;             // "test.accuracy = 0.973 ≥ 0.95"
};

struct LessonCheck {
  std::string text;                // as written
  int line = 0;
  std::shared_ptr<const CheckExpr> expr;
  CheckResult evaluate(const MetricLookup& lookup) const;
};

struct LessonStep {
  std::string title;               // the "## " line
  std::string markdown;            // the prose, without the gradlab blocks
  LessonSetup setup;
  std::vector<LessonVariant> variants;   // empty: a single run
  std::vector<LessonAction> actions;     // "Show me"
  std::vector<LessonCheck> checks;       // all must hold; none: the step is prose only
  std::vector<std::string> hints;        // shown one by one after failed tries
  int line = 0;                          // the "## " line
};

struct Lesson {
  std::string id;                  // the folder's name, "04-xor"
  std::string path;                // the lesson.md file
  std::string title;
  int topic = 0;                   // ../shared/CURRICULUM.md topic number; 0 = none (Welcome)
  std::string group;               // the lesson list's group ("Basics", "Training", ...)
  std::string markdown;            // the intro prose
  std::vector<LessonStep> steps;
};

// Throws Error "FILE:LINE: what is wrong and how to fix it".
Lesson parseLesson(const std::string& text, const std::string& path);
// `dirOrFile`: a lesson folder or its lesson.md.
Lesson loadLesson(const std::string& dirOrFile);

// The history timeline (topic 24): lessons/timeline.md, a Markdown list whose items read
//   - 1958: Rosenblatt's perceptron learns a line from examples. [Lesson](02-perceptron)
// (the link, optional, names a lesson folder). Throws Error "FILE:LINE: ..." on a bad item or a
// link to a lesson that does not exist beside it.
struct TimelineEntry {
  int year = 0;
  std::string text;    // the item's Markdown without the year and the link
  std::string lesson;  // a lesson id, or empty
  int line = 0;
};
std::vector<TimelineEntry> loadTimeline(const std::string& path);
// The same from text; `path` names it in errors and links are looked for beside it.
std::vector<TimelineEntry> parseTimeline(const std::string& text, const std::string& path);

// Where the bundled lessons are: $GRADLAB_LESSONS, else lessons/ beside the executable's
// install prefix (share/gradlab/lessons) or the source tree's lessons/. Empty when none exist.
std::string bundledLessonsDir();
// A lesson's id ("04-xor"), folder or lesson.md -> its lesson.md path; throws Error listing
// the bundled ids when nothing matches.
std::string findLesson(const std::string& nameOrPath);
// Every lesson folder under `dir` (sorted by name); folders without lesson.md are skipped.
std::vector<std::string> lessonFolders(const std::string& dir);

}  // namespace gradlab
