#include "lesson/lesson_setup.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <set>

#include "data/catalog.h"
#include "io/training_settings.h"
#include "optim/optimizer.h"
#include "spec/analysis.h"
#include "util/error.h"
#include "util/file.h"
#include "util/json.h"

namespace gradlab {

namespace fs = std::filesystem;

namespace {

const std::vector<std::string>& trainingKeys() {
  static const std::vector<std::string> keys = {"optimizer", "lr",   "batch",         "seed",
                                                "l1",        "l2",   "clip",          "random-labels",
                                                "early-stopping",   "speed"};
  return keys;
}

std::string joined(const std::vector<std::string>& words, const char* sep = ", ") {
  std::string s;
  for (const std::string& w : words) s += (s.empty() ? "" : sep) + w;
  return s;
}

[[noreturn]] void fail(const SettingPlace& place, const Setting& s, const std::string& what) {
  throw Error(place.file + ":" + std::to_string(s.line) + ": " + what);
}

// 1, 0.95, 1e+06: a bound as a message shows it.
std::string plain(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

// A whole-string number in [lo, hi].
double number(const SettingPlace& place, const Setting& s, const std::string& text, double lo,
              double hi, const std::string& what) {
  const char* begin = text.c_str();
  char* end = nullptr;
  const double v = std::strtod(begin, &end);
  if (text.empty() || end != begin + text.size() || !std::isfinite(v))
    fail(place, s, what + " must be a number, got \"" + text + "\"");
  if (v < lo || v > hi)
    fail(place, s, what + " must be between " + plain(lo) + " and " + plain(hi) + ", got " + text);
  return v;
}
int64_t integer(const SettingPlace& place, const Setting& s, const std::string& text, double lo,
                double hi, const std::string& what) {
  const double v = number(place, s, text, lo, hi, what);
  if (v != std::floor(v)) fail(place, s, what + " must be a whole number, got " + text);
  return int64_t(v);
}
bool onOff(const SettingPlace& place, const Setting& s, const std::string& text) {
  if (text == "on" || text == "true" || text == "yes") return true;
  if (text == "off" || text == "false" || text == "no") return false;
  fail(place, s, s.key + " must be on or off, got \"" + text + "\"");
}

// data: NAME|PATH key=value ...  (a new data line starts from the defaults).
DataSource parseData(const Setting& s, const SettingPlace& place) {
  const std::vector<std::string> words = splitWords(s.value);
  if (words.empty()) fail(place, s, "data: give a built-in set or a file, e.g. data: spiral noise=0.1");
  DataSource d;
  const std::string& name = words[0];
  if (isBuiltinDataset(name)) {
    d.builtin = name;
  } else if (name.find('/') != std::string::npos || name.find('.') != std::string::npos) {
    const fs::path p = fs::path(place.lessonDir) / name;
    if (!isRegularFile(p.string()) && !isFolder(p.string()))  // a file, or a folder of images
      fail(place, s, "data file " + name + " does not exist (looked for " + p.string() +
                         "; a path is relative to the lesson's folder)");
    d.builtin.clear();
    d.path = fs::absolute(p).lexically_normal().string();
  } else {
    std::vector<std::string> names;
    for (const BuiltinDataset& b : builtinDatasets()) names.push_back(b.name);
    fail(place, s, "unknown data set \"" + name + "\"; the built-in sets are " + joined(names) +
                       ", or give a file path relative to the lesson's folder");
  }
  for (size_t i = 1; i < words.size(); ++i) {
    const std::string& w = words[i];
    const size_t eq = w.find('=');
    const std::string key = w.substr(0, eq), value = eq == std::string::npos ? "" : w.substr(eq + 1);
    if (key == "reconstruct") d.reconstruct = eq == std::string::npos || onOff(place, s, value);
    else if (eq == std::string::npos || value.empty())
      fail(place, s, "data option \"" + w + "\" needs a value: " + key + "=VALUE");
    else if (key == "points") d.points = int(integer(place, s, value, 0, 1e7, "points"));
    else if (key == "noise") d.noise = number(place, s, value, 0, 10, "noise");
    else if (key == "test") d.testFraction = number(place, s, value, 0, 0.95, "test");
    else if (key == "seed") d.seed = uint64_t(integer(place, s, value, 0, 1e15, "seed"));
    else if (key == "lag") d.lag = integer(place, s, value, 0, 99998, "lag");
    else if (key == "length") d.length = integer(place, s, value, 1, 100000, "length");
    else if (key == "symbols") d.symbols = int(integer(place, s, value, 2, 26, "symbols"));
    else
      fail(place, s, "unknown data option \"" + key +
                         "\"; the options are points, noise, test (held-out fraction), seed, "
                         "lag, length, symbols, reconstruct");
  }
  return d;
}

// attack: fgsm|pgd eps=E samples=N steps=K — the attack.* metrics' attack, as the AttackProbe's
// options (train/probes/adversarial.h); eps 0.1, samples 200, steps 10 unless given.
nlohmann::json parseAttack(const Setting& s, const SettingPlace& place) {
  const std::vector<std::string> words = splitWords(s.value);
  if (words.empty() || (words[0] != "fgsm" && words[0] != "pgd"))
    fail(place, s, "attack: give the method first, fgsm or pgd, e.g. attack: fgsm eps=0.1 samples=200");
  nlohmann::json a = {{"method", words[0]}, {"eps", 0.1}, {"samples", 200}, {"steps", 10}};
  for (size_t i = 1; i < words.size(); ++i) {
    const std::string& w = words[i];
    const size_t eq = w.find('=');
    const std::string key = w.substr(0, eq), value = eq == std::string::npos ? "" : w.substr(eq + 1);
    if (eq == std::string::npos || value.empty())
      fail(place, s, "attack option \"" + w + "\" needs a value: " + key + "=VALUE");
    else if (key == "eps") a["eps"] = number(place, s, value, 0, 1, "eps (pixels are 0 to 1)");
    else if (key == "samples") a["samples"] = integer(place, s, value, 1, 10000, "samples");
    else if (key == "steps") a["steps"] = integer(place, s, value, 1, 1000, "steps (PGD's iterations)");
    else
      fail(place, s, "unknown attack option \"" + key + "\"; the options are eps, samples, steps");
  }
  return a;
}

void applyTraining(LessonSetup& setup, const Setting& s, const SettingPlace& place) {
  TrainConfig& c = setup.training;
  const std::string& v = s.value;
  if (s.key == "optimizer") {
    const std::vector<std::string> names = optimNames();
    if (std::find(names.begin(), names.end(), v) == names.end())
      fail(place, s, "unknown optimizer \"" + v + "\"; use one of " + joined(names));
    c.optimizer = v;
  } else if (s.key == "lr") {
    c.lr = number(place, s, v, 1e-12, 1e6, "lr");
  } else if (s.key == "batch") {
    c.batch = integer(place, s, v, 1, 1e6, "batch");
  } else if (s.key == "seed") {
    c.seed = uint64_t(integer(place, s, v, 0, 1e15, "seed"));
  } else if (s.key == "l1") {
    c.l1 = number(place, s, v, 0, 1e6, "l1");
  } else if (s.key == "l2") {
    c.l2 = number(place, s, v, 0, 1e6, "l2");
  } else if (s.key == "clip") {
    c.clipNorm = number(place, s, v, 0, 1e12, "clip");
  } else if (s.key == "random-labels") {
    c.randomLabels = onOff(place, s, v);
  } else if (s.key == "early-stopping") {
    c.earlyStopping = integer(place, s, v, 0, 1e6, "early-stopping (patience, evaluations)");
  } else if (s.key == "speed") {
    setup.speed = v == "max" ? 0 : number(place, s, v, 1e-3, 1e9, "speed (steps per second, or max)");
  }
}

void applyViews(LessonSetup& setup, const Setting& s, const SettingPlace& place) {
  std::string text = s.value;
  std::replace(text.begin(), text.end(), ',', ' ');
  std::vector<std::string> views;
  for (const std::string& v : splitWords(text)) {
    const auto& known = lessonViewNames();
    if (std::find(known.begin(), known.end(), v) == known.end())
      fail(place, s, "unknown view \"" + v + "\"; the views are " + joined(known, " "));
    views.push_back(v);
  }
  setup.views = std::move(views);
}

// BLOCK.PARAM: value as JSON (4, "relu", [8, 8], true), a bare word as a string.
void applyBlockSetting(LessonSetup& setup, const Setting& s, const SettingPlace& place) {
  const size_t dot = s.key.find('.');
  const std::string block = s.key.substr(0, dot), param = s.key.substr(dot + 1);
  BlockSpec* b = setup.network.find(block);
  if (!b) {
    std::vector<std::string> ids;
    for (const BlockSpec& bs : setup.network.blocks) ids.push_back(bs.id);
    fail(place, s, "the network has no block \"" + block + "\" (for " + s.key +
                       "); its blocks are " + joined(ids));
  }
  if (param == "id" || param == "type")
    fail(place, s, "a lesson cannot change a block's " + param + "; use another network file");
  // A bare word, or anything else that is not JSON within parseJson's limits, is a string:
  // the block's own check then names what it expected. (nlohmann's own parse took a value
  // nested 100 000 deep, whose copy recursed until the stack ran out.)
  nlohmann::json value;
  try {
    value = parseJson(s.value, s.key);
  } catch (const Error&) {
    value = s.value;
  }
  b->params[param] = std::move(value);
}

}  // namespace

std::vector<std::string> splitTopLevel(const std::string& text, char separator) {
  const bool whitespace = separator == ' ';
  std::vector<std::string> pieces;
  std::string cur;
  int depth = 0;
  bool quoted = false;
  for (char c : text) {
    if (c == '"') quoted = !quoted;
    else if (!quoted && (c == '[' || c == '{')) ++depth;
    else if (!quoted && (c == ']' || c == '}')) depth = std::max(0, depth - 1);
    const bool separates = whitespace ? std::isspace(static_cast<unsigned char>(c)) != 0 : c == separator;
    if (separates && depth == 0 && !quoted) {
      if (!whitespace || !cur.empty()) pieces.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!whitespace || !cur.empty()) pieces.push_back(cur);
  return pieces;
}

std::vector<std::string> splitWords(const std::string& text) { return splitTopLevel(text, ' '); }

std::vector<Setting> splitSettings(const std::string& text, int line, const std::string& file) {
  std::vector<Setting> out;
  for (const std::string& w : splitWords(text)) {
    const size_t eq = w.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == w.size())
      throw Error(file + ":" + std::to_string(line) + ": \"" + w +
                  "\" is not KEY=VALUE (e.g. lr=0.3 or h1.activation=relu)");
    out.push_back({w.substr(0, eq), w.substr(eq + 1), line});
  }
  return out;
}

bool isSetupKey(const std::string& key) {
  if (key == "network" || key == "data" || key == "views" || key == "attack") return true;
  const auto& t = trainingKeys();
  return std::find(t.begin(), t.end(), key) != t.end();
}

bool isBlockSetting(const std::string& key) {
  const size_t dot = key.find('.');
  return dot != std::string::npos && dot > 0 && dot + 1 < key.size() &&
         key.find('.', dot + 1) == std::string::npos;
}

std::string resolveNetwork(const std::string& name, const std::string& lessonDir) {
  const bool isPath = name.find('/') != std::string::npos ||
                      (name.size() > 5 && name.substr(name.size() - 5) == ".json");
  if (isPath) {
    const fs::path p = fs::path(lessonDir) / name;
    if (!isRegularFile(p.string()))
      throw Error("network file " + name + " does not exist (looked for " + p.string() +
                  "; a path is relative to the lesson's folder)");
    return fs::absolute(p).lexically_normal().string();
  }
  std::vector<fs::path> candidates{fs::path(lessonDir) / (name + ".net.json")};
  for (const std::string& dir : examplesDirs()) candidates.push_back(fs::path(dir) / (name + ".net.json"));
  for (const fs::path& c : candidates)
    if (isRegularFile(c.string())) return fs::absolute(c).lexically_normal().string();
  std::vector<std::string> examples;
  for (const std::string& dir : examplesDirs()) {
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec)) {
      const std::string f = e.path().filename().string();
      if (f.size() > 9 && f.substr(f.size() - 9) == ".net.json") examples.push_back(f.substr(0, f.size() - 9));
    }
    break;  // the first folder's examples are the ones a name finds
  }
  std::sort(examples.begin(), examples.end());
  throw Error("no network \"" + name + "\": neither " + name +
              ".net.json beside the lesson nor examples/" + name + ".net.json; the examples are " +
              (examples.empty() ? std::string("(none found)") : joined(examples)) +
              ", or give a *.net.json path relative to the lesson's folder");
}

const std::vector<std::string>& lessonViewNames() {
  static const std::vector<std::string> names = {
      "boundary", "fit",     "confusion",   "gradient", "inside",    "landscape",   "reconstruction",
      "loss",     "compare", "convolution", "saliency", "visualize", "adversarial",
      "attention", "code"};
  return names;
}

void applySettings(LessonSetup& setup, const std::vector<Setting>& settings,
                   const SettingPlace& place) {
  // The order of application, whatever the order written: network, data, the rest, blocks.
  for (const Setting& s : settings) {
    if (s.key != "network") continue;
    try {
      setup.networkPath = resolveNetwork(s.value, place.lessonDir);
      setup.network = loadNetwork(setup.networkPath);
      // As the window opens a network file: its own training settings (fashion-cnn's lr), then
      // whatever the lesson gives over them.
      if (const auto t = loadNetworkTraining(setup.networkPath)) {
        setup.training = t->over(setup.training);
        if (t->speed) setup.speed = *t->speed;
      }
    } catch (const Error& e) {
      fail(place, s, e.what());
    }
  }
  std::set<std::string> touched;
  for (const Setting& s : settings) {
    if (s.key == "data") setup.data = parseData(s, place);
    else if (s.key == "views") applyViews(setup, s, place);
    else if (s.key == "attack") setup.attack = parseAttack(s, place);
    else if (s.key == "network") continue;
    else if (isSetupKey(s.key)) applyTraining(setup, s, place);
    else if (!isBlockSetting(s.key))
      fail(place, s, "unknown key \"" + s.key + "\"; the keys are network, data, views, attack, " +
                         joined(trainingKeys()) + ", BLOCK.PARAM (e.g. h1.activation), do, " +
                         "variant, check, hint (lessons/README.md)");
  }
  for (const Setting& s : settings) {
    if (!isBlockSetting(s.key) || isSetupKey(s.key)) continue;
    if (setup.networkPath.empty())
      fail(place, s, s.key + " changes a block, but no network is given yet: add network: NAME");
    applyBlockSetting(setup, s, place);
    touched.insert(s.key.substr(0, s.key.find('.')));
  }
  // A bad parameter value (units: "many", activation: "relux") is caught here, at the line of
  // the parameter the problem names (h1: Dense "units" must be …), else the block's first line.
  if (touched.empty()) return;
  const Analysis a = analyze(setup.network);
  auto blockOf = [](const Setting& s) { return s.key.substr(0, s.key.find('.')); };
  for (const Setting& s : settings) {
    if (!isBlockSetting(s.key) || isSetupKey(s.key)) continue;
    const std::vector<Problem> problems = a.problemsOf(blockOf(s));
    if (problems.empty()) continue;
    const std::string said = describe(problems);
    const Setting* at = &s;
    for (const Setting& t : settings)
      if (isBlockSetting(t.key) && !isSetupKey(t.key) && blockOf(t) == blockOf(s) &&
          said.find('"' + t.key.substr(t.key.find('.') + 1) + '"') != std::string::npos) {
        at = &t;
        break;
      }
    fail(place, *at, at->key + ": " + said);
  }
}

}  // namespace gradlab
