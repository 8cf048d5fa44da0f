// gradlab-cli lesson check [LESSON...]: runs lessons headless — every step's setup and "Show me"
// actions on the real engine, then its checks — one line per check, a summary, exit 1 when a
// check fails or a lesson does not parse. LESSON: an id ("04-xor"), a lesson folder, a lesson.md,
// or a folder of lessons; none: the bundled lessons.
// gradlab-cli lesson list [LESSON...]: id, topic, title and steps of each.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "backend/select.h"
#include "cli/commands.h"
#include "cli/option_ranges.h"
#include "lesson/check_expr.h"
#include "lesson/lesson.h"
#include "lesson/lesson_run.h"
#include "util/error.h"
#include "util/file.h"

namespace gradlab::cli {

namespace fs = std::filesystem;

namespace {

struct LessonOptions {
  std::vector<std::string> lessons;
  std::string backend = "cpu";
  int threads = 1;
};

// The lesson.md files the arguments name, and the timeline.md files of the folders given.
struct Targets {
  std::vector<std::string> lessons, timelines;
};

Targets targets(const std::vector<std::string>& args) {
  Targets t;
  auto folder = [&](const std::string& dir) {
    const std::vector<std::string> found = lessonFolders(dir);
    if (found.empty()) throw Error(dir + ": no lessons here (folders with a lesson.md)");
    for (const std::string& f : found) t.lessons.push_back((fs::path(f) / kLessonFile).string());
    if (isRegularFile((fs::path(dir) / "timeline.md").string()))
      t.timelines.push_back((fs::path(dir) / "timeline.md").string());
  };
  if (args.empty()) {
    const std::string dir = bundledLessonsDir();
    if (dir.empty())
      throw Error("the bundled lessons were not found: name lessons to check, or set "
                  "GRADLAB_LESSONS to their folder");
    folder(dir);
  }
  for (const std::string& a : args) {
    std::error_code ec;
    if (fs::is_directory(a, ec) && !isRegularFile((fs::path(a) / kLessonFile).string())) folder(a);
    else t.lessons.push_back(findLesson(a));
  }
  return t;
}

std::string seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f s", s);
  return buf;
}

void say(const std::string& line) {
  std::printf("%s\n", line.c_str());
  std::fflush(stdout);
}

// Returns the failures; counts into the totals.
struct Totals {
  int lessons = 0, steps = 0, checks = 0, failures = 0;
};

void checkLesson(const std::string& path, LessonRunner& runner, Totals& totals) {
  Lesson lesson;
  try {
    lesson = loadLesson(path);
  } catch (const Error& e) {
    std::fprintf(stderr, "%s\n", e.what());
    say(fs::path(path).parent_path().filename().string() + "  does not parse: " + e.what());
    ++totals.failures;
    return;
  }
  ++totals.lessons;
  const size_t n = lesson.steps.size();
  for (size_t i = 0; i < n; ++i) {
    const LessonStep& step = lesson.steps[i];
    ++totals.steps;
    const std::string head = lesson.id + "  step " + std::to_string(i + 1) + "/" +
                             std::to_string(n) + " \"" + step.title + "\"  ";
    StepRun r;
    try {
      r = runner.run(lesson, step);
    } catch (const Error& e) {
      say(head + "error: " + e.what());
      ++totals.failures;
      totals.checks += int(step.checks.size());
      continue;
    }
    if (step.checks.empty()) say(head + "no check  (" + seconds(r.seconds) + ")");
    for (size_t k = 0; k < step.checks.size(); ++k) {
      const CheckResult& c = r.checks[k];
      ++totals.checks;
      const bool pass = c.passed.value_or(false);
      if (!pass) ++totals.failures;
      say(head + step.checks[k].text + "  measured " + c.explain + "  " +
          (pass ? "pass" : "FAIL") + "  (" + seconds(r.seconds) + ")");
    }
    // Why a run stopped (diverged, early stopping), for the author reading the log.
    for (const StepRun::Variant& v : r.runs)
      if (!v.message.empty())
        say("    " + (v.name.empty() ? std::string("the run") : v.name) + ": " + v.message);
  }
}

int check(const LessonOptions& o) {
  const auto started = std::chrono::steady_clock::now();
  const Targets t = targets(o.lessons);
  BackendChoice choice = selectBackend(o.backend);
  if (!choice.message.empty()) std::fprintf(stderr, "%s\n", choice.message.c_str());
  choice.backend->setThreads(o.threads);
  LessonRunner runner(*choice.backend);
  Totals totals;
  for (const std::string& path : t.lessons) checkLesson(path, runner, totals);
  for (const std::string& path : t.timelines) {
    try {
      say("timeline  " + std::to_string(loadTimeline(path).size()) + " entries  ok");
    } catch (const Error& e) {
      std::fprintf(stderr, "%s\n", e.what());
      say(std::string("timeline  does not parse: ") + e.what());
      ++totals.failures;
    }
  }
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  say("lessons " + std::to_string(totals.lessons) + ", steps " + std::to_string(totals.steps) +
      ", checks " + std::to_string(totals.checks) + ", failures " +
      std::to_string(totals.failures) + ", " + seconds(secs));
  return totals.failures > 0 ? 1 : 0;
}

int list(const LessonOptions& o) {
  int failures = 0;
  for (const std::string& path : targets(o.lessons).lessons) {
    try {
      const Lesson l = loadLesson(path);
      say(l.id + "  topic " + std::to_string(l.topic) + (l.group.empty() ? "" : "  " + l.group) +
          "  \"" + l.title + "\"  " + std::to_string(l.steps.size()) +
          (l.steps.size() == 1 ? " step" : " steps"));
    } catch (const Error& e) {
      std::fprintf(stderr, "%s\n", e.what());
      ++failures;
    }
  }
  return failures > 0 ? 1 : 0;
}

}  // namespace

void addLesson(CLI::App& app, int& exitCode) {
  static LessonOptions o;
  auto* cmd = app.add_subcommand("lesson", "Check and list lessons (lessons/README.md)");
  cmd->require_subcommand(1);
  auto* checkCmd = cmd->add_subcommand(
      "check", "Run every step of lessons headless and evaluate their checks; exit 1 on a failure");
  auto* listCmd = cmd->add_subcommand("list", "List lessons: id, topic, title, steps");
  for (CLI::App* c : {checkCmd, listCmd})
    c->add_option("lessons", o.lessons,
                  "lesson ids (04-xor), lesson folders, lesson.md files or folders of lessons "
                  "(default: the bundled lessons)");
  checkCmd->add_option("--backend", o.backend, "cpu (default: the numbers lessons were written "
                                               "for), auto, cuda or cuda:N")
      ->default_val("cpu");
  addNumber(checkCmd, "--threads", o.threads, kThreads, "cpu threads")->default_val(1);
  checkCmd->callback([&exitCode] { exitCode = check(o); });
  listCmd->callback([&exitCode] { exitCode = list(o); });
}

}  // namespace gradlab::cli
