// parseLesson: lesson.md -> Lesson (the format: lessons/README.md). Two passes: the Markdown is
// cut into the title, the intro and the steps, with the lines of their ```gradlab blocks; then
// each step's lines become its setup (inherited from the step before), actions, variants,
// checks and hints, every value checked where it is written.
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <optional>
#include <set>

#include "lesson/check_expr.h"
#include "lesson/lesson.h"
#include "lesson/lesson_setup.h"
#include "util/error.h"
#include "util/file.h"

namespace gradlab {

namespace fs = std::filesystem;

namespace {

struct KeyLine {
  std::string key, value;
  int line = 0;
};

// A "## " section (or the intro before the first one) as written.
struct RawSection {
  std::string title;
  int line = 0;
  std::string markdown;
  std::vector<KeyLine> keys;  // of all its gradlab blocks, in order
};

std::string trim(const std::string& s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

bool startsWith(const std::string& s, const std::string& prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

// A code fence (``` or ~~~, three or more) as CommonMark has it; `gradlab` when its info
// string is exactly that.
struct Fence {
  char ch = '`';
  size_t len = 0;
  int line = 0;
  bool gradlab = false;
};

std::optional<Fence> openingFence(const std::string& line, int number) {
  size_t i = 0;
  while (i < line.size() && i < 3 && line[i] == ' ') ++i;
  if (i >= line.size() || (line[i] != '`' && line[i] != '~')) return std::nullopt;
  Fence f{line[i], 0, number, false};
  while (i < line.size() && line[i] == f.ch) ++i, ++f.len;
  if (f.len < 3) return std::nullopt;
  const std::string info = trim(line.substr(i));
  if (f.ch == '`' && info.find('`') != std::string::npos) return std::nullopt;
  f.gradlab = info == "gradlab";
  return f;
}

bool closesFence(const Fence& f, const std::string& line) {
  const std::string t = trim(line);
  size_t n = 0;
  while (n < t.size() && t[n] == f.ch) ++n;
  return n >= f.len && n == t.size();
}

// "#" starts a comment at the start of a line or after a space ("lr: 0.1  # fast").
std::string withoutComment(const std::string& line) {
  for (size_t i = 0; i < line.size(); ++i)
    if (line[i] == '#' && (i == 0 || std::isspace(static_cast<unsigned char>(line[i - 1]))))
      return line.substr(0, i);
  return line;
}

class Parser {
 public:
  Parser(const std::string& path) : file_(path) {
    place_.file = path;
    place_.lessonDir = fs::path(path).parent_path().string();
    if (place_.lessonDir.empty()) place_.lessonDir = ".";
  }

  Lesson parse(const std::string& text) {
    Lesson lesson;
    lesson.path = file_;
    lesson.id = fs::absolute(fs::path(file_)).parent_path().filename().string();
    std::vector<RawSection> sections = cut(text, lesson);
    lessonBlock(sections[0], lesson);
    lesson.markdown = trim(sections[0].markdown);
    for (size_t i = 1; i < sections.size(); ++i) lesson.steps.push_back(step(sections[i]));
    if (lesson.steps.empty())
      fail(1, "the lesson has no step: each step starts with a line \"## Step title\"");
    return lesson;
  }

 private:
  [[noreturn]] void fail(int line, const std::string& what) const {
    throw Error(file_ + ":" + std::to_string(line) + ": " + what);
  }

  // Pass 1: sections[0] is the intro (title and lesson block), then one per "## " line.
  std::vector<RawSection> cut(const std::string& text, Lesson& lesson) {
    std::vector<RawSection> sections(1);
    std::optional<Fence> fence;
    std::vector<std::pair<int, std::string>> block;  // the open gradlab block's lines
    int number = 0;
    size_t pos = 0;
    while (pos <= text.size()) {
      size_t end = text.find('\n', pos);
      if (end == std::string::npos) end = text.size();
      std::string line = text.substr(pos, end - pos);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      pos = end + 1;
      ++number;
      if (end == text.size() && line.empty()) break;
      RawSection& cur = sections.back();
      if (fence) {
        if (closesFence(*fence, line)) {
          if (!fence->gradlab) cur.markdown += line + "\n";
          for (const auto& [n, text] : block) keyLine(text, n, cur);
          block.clear();
          fence.reset();
        } else if (fence->gradlab) {
          block.emplace_back(number, line);  // read when it closes: an unclosed one says so first
        } else {
          cur.markdown += line + "\n";
        }
        continue;
      }
      if (std::optional<Fence> f = openingFence(line, number)) {
        if (f->gradlab && lesson.title.empty())
          fail(number, "a gradlab block before the lesson's title; start the file with "
                       "\"# Title\"");
        fence = f;
        if (!f->gradlab) cur.markdown += line + "\n";
        continue;
      }
      if (startsWith(line, "## ")) {
        if (lesson.title.empty())
          fail(number, "a step (\"## \") before the lesson's title; start the file with "
                       "\"# Title\"");
        RawSection s;
        s.title = trim(line.substr(3));
        s.line = number;
        if (s.title.empty()) fail(number, "the step has no title: write \"## Step title\"");
        sections.push_back(std::move(s));
        continue;
      }
      if (startsWith(line, "# ") && lesson.title.empty()) {
        lesson.title = trim(line.substr(2));
        if (lesson.title.empty()) fail(number, "the title is empty: write \"# Lesson title\"");
        continue;
      }
      cur.markdown += line + "\n";
    }
    if (fence)
      fail(fence->line, "this code fence (" + std::string(fence->len, fence->ch) +
                            ") is never closed; close it with a line " +
                            std::string(fence->len, fence->ch));
    if (lesson.title.empty())
      fail(1, "no title: a lesson starts with a line \"# Lesson title\"");
    return sections;
  }

  void keyLine(const std::string& raw, int number, RawSection& section) {
    const std::string line = trim(withoutComment(raw));
    if (line.empty()) return;
    const size_t colon = line.find(':');
    if (colon == std::string::npos)
      fail(number, "\"" + line + "\" is not KEY: VALUE (e.g. lr: 0.03)");
    KeyLine k{trim(line.substr(0, colon)), trim(line.substr(colon + 1)), number};
    if (k.key.empty()) fail(number, "the line has no key before \":\"");
    if (k.value.empty()) fail(number, k.key + ": has no value");
    section.keys.push_back(std::move(k));
  }

  // The block before the first step: topic, group, and settings every step starts from.
  void lessonBlock(const RawSection& intro, Lesson& lesson) {
    std::vector<Setting> settings;
    for (const KeyLine& k : intro.keys) {
      if (k.key == "topic") {
        char* end = nullptr;
        const long t = std::strtol(k.value.c_str(), &end, 10);
        if (*end != '\0' || t < 0 || t > 99)
          fail(k.line, "topic must be a curriculum topic number (0 to 99), got \"" + k.value +
                           "\"");
        lesson.topic = int(t);
      } else if (k.key == "group") {
        lesson.group = k.value;
      } else if (k.key == "do" || k.key == "check" || k.key == "hint" || k.key == "variant") {
        fail(k.line, k.key + ": belongs in a step; start one with \"## Step title\"");
      } else {
        settings.push_back({k.key, k.value, k.line});
      }
    }
    noDuplicates(settings, "the lesson's block");
    applySettings(base_, settings, place_);
    networkGiven_ = !base_.networkPath.empty();
    dataGiven_ = hasKey(settings, "data");
  }

  static bool hasKey(const std::vector<Setting>& settings, const std::string& key) {
    return std::any_of(settings.begin(), settings.end(),
                       [&](const Setting& s) { return s.key == key; });
  }

  void noDuplicates(const std::vector<Setting>& settings, const std::string& where) const {
    std::set<std::string> seen;
    for (const Setting& s : settings)
      if (!seen.insert(s.key).second)
        fail(s.line, s.key + " is given twice in " + where + "; keep one");
  }

  // Pass 2 for one step.
  LessonStep step(const RawSection& raw) {
    LessonStep step;
    step.title = raw.title;
    step.line = raw.line;
    step.markdown = trim(raw.markdown);
    std::vector<Setting> settings;
    std::vector<KeyLine> actions, checks, variants;
    for (const KeyLine& k : raw.keys) {
      if (k.key == "do") actions.push_back(k);
      else if (k.key == "check") checks.push_back(k);
      else if (k.key == "variant") variants.push_back(k);
      else if (k.key == "hint") step.hints.push_back(k.value);
      else if (k.key == "topic" || k.key == "group")
        fail(k.line, k.key + ": belongs in the lesson's block, before the first step");
      else settings.push_back({k.key, k.value, k.line});
    }
    noDuplicates(settings, "this step");
    step.setup = base_;
    applySettings(step.setup, settings, place_);
    networkGiven_ = networkGiven_ || hasKey(settings, "network");
    dataGiven_ = dataGiven_ || hasKey(settings, "data");
    base_ = step.setup;

    for (const KeyLine& v : variants) step.variants.push_back(variant(v, step));
    if (step.variants.size() == 1)
      fail(step.variants[0].line, "a comparison has 2 to 4 variants; add another variant: line "
                                  "(or put these settings in the step)");
    if (step.variants.size() > 4)
      fail(step.variants[4].line, "at most 4 variants run side by side; remove one");

    if (!actions.empty() || !checks.empty() || !step.variants.empty()) {
      if (!networkGiven_)
        fail(raw.line, "this step runs a network but none is given: add network: NAME "
                       "(examples/NAME.net.json) to it or to a step before");
      if (!dataGiven_)
        fail(raw.line, "this step runs a network but no data is given: add data: NAME "
                       "(e.g. data: spiral noise=0.1) to it or to a step before");
    }
    LessonSetup running = step.setup;  // `set` actions are checked against the setup they change
    for (const KeyLine& a : actions) step.actions.push_back(action(a, running));

    std::vector<std::string> names;
    for (const LessonVariant& v : step.variants) names.push_back(v.name);
    for (const KeyLine& c : checks) {
      LessonCheck check;
      check.text = c.value;
      check.line = c.line;
      try {
        check.expr = std::make_shared<const CheckExpr>(CheckExpr::parse(c.value, names));
      } catch (const Error& e) {
        fail(c.line, e.what());
      }
      step.checks.push_back(std::move(check));
    }
    return step;
  }

  // variant: NAME: KEY=VALUE ...
  LessonVariant variant(const KeyLine& k, const LessonStep& step) {
    LessonVariant v;
    v.line = k.line;
    const size_t colon = k.value.find(':');
    v.name = trim(k.value.substr(0, colon));
    const bool okName = !v.name.empty() && std::all_of(v.name.begin(), v.name.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '+' ||
             c == '-';
    });
    if (!okName)
      fail(k.line, "a variant is NAME: KEY=VALUE ... with a name of letters, digits and _ . + - "
                   "(e.g. variant: relu: h1.activation=relu), got \"" + k.value + "\"");
    for (const LessonVariant& other : step.variants)
      if (other.name == v.name) fail(k.line, "two variants are named \"" + v.name + "\"");
    if (colon != std::string::npos) v.settings = splitSettings(k.value.substr(colon + 1), k.line, file_);
    for (const Setting& s : v.settings)
      if (s.key == "data" || s.key == "views")
        fail(k.line, "variants share the step's " + s.key + "; set it in the step, not in a variant");
    noDuplicates(v.settings, "this variant");
    v.setup = step.setup;
    applySettings(v.setup, v.settings, place_);
    return v;
  }

  // do: play N | set KEY=VALUE ... | reset
  LessonAction action(const KeyLine& k, LessonSetup& running) {
    LessonAction a;
    a.line = k.line;
    a.text = k.value;
    const size_t space = k.value.find_first_of(" \t");
    const std::string verb = k.value.substr(0, space);
    const std::string rest = space == std::string::npos ? "" : trim(k.value.substr(space));
    if (verb == "play") {
      a.kind = LessonAction::Kind::Play;
      char* end = nullptr;
      const long long n = std::strtoll(rest.c_str(), &end, 10);
      if (rest.empty() || *end != '\0' || n < 1 || n > 1000000000)
        fail(k.line, "play takes a number of steps from 1 to 1e9, e.g. do: play 2000; got \"" +
                         rest + "\"");
      a.steps = n;
    } else if (verb == "set") {
      a.kind = LessonAction::Kind::Set;
      if (rest.empty()) fail(k.line, "set needs KEY=VALUE, e.g. do: set lr=0.3");
      a.settings = splitSettings(rest, k.line, file_);
      for (const Setting& s : a.settings)
        if (s.key == "data" || s.key == "views")
          fail(k.line, "set cannot change the " + s.key + " while training; start a new step");
      applySettings(running, a.settings, place_);
    } else if (verb == "reset") {
      a.kind = LessonAction::Kind::Reset;
      if (!rest.empty()) fail(k.line, "reset takes nothing after it");
    } else {
      fail(k.line, "unknown action \"" + verb + "\"; use play N, set KEY=VALUE ... or reset");
    }
    return a;
  }

  std::string file_;
  SettingPlace place_;
  LessonSetup base_;  // what the next step inherits
  bool networkGiven_ = false, dataGiven_ = false;
};

}  // namespace

Lesson parseLesson(const std::string& text, const std::string& path) {
  return Parser(path).parse(text);
}

Lesson loadLesson(const std::string& dirOrFile) {
  std::error_code ec;
  fs::path p(dirOrFile);
  if (fs::is_directory(p, ec)) p /= kLessonFile;
  if (!fs::is_regular_file(p, ec))
    throw Error(dirOrFile + ": no lesson here (a lesson is a folder with a " +
                std::string(kLessonFile) + ")");
  return parseLesson(readTextFile(p.string()), p.string());
}

}  // namespace gradlab
