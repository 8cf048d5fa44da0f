#include "io/training_settings.h"

#include <cmath>
#include <filesystem>

#include "optim/optimizer.h"
#include "util/error.h"
#include "util/file.h"
#include "util/json.h"

namespace gradlab {

using nlohmann::json;

namespace {
constexpr const char* kKeys[] = {"optimizer", "lr",   "l1",    "l2",           "clipNorm",
                                 "batch",     "seed", "speed", "randomLabels", "earlyStopping"};

std::string fileName(const std::string& path) {
  return std::filesystem::path(path).filename().string();
}

[[noreturn]] void fail(const std::string& source, const std::string& what) {
  throw Error(fileName(source) + ": training: " + what);
}

// "1e-12", "0.5", "1000000": short, readable limits in messages.
std::string shortNumber(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}
// The range of each numeric key, shared by the file's parser and checkTrainConfig.
struct Limit {
  const char* key;
  double lo, hi;
  bool whole;
  const char* what;  // for messages
};
constexpr Limit kLimits[] = {
    {"lr", 1e-12, 1e6, false, "the learning rate"},
    {"l1", 0, 1e6, false, "the L1 penalty"},
    {"l2", 0, 1e6, false, "the L2 penalty"},
    {"clipNorm", 0, 1e12, false, "the gradient-norm clip; 0 = off"},
    {"batch", 1, 1e6, true, "the batch size"},
    {"seed", 0, 1e15, true, "the random seed"},
    {"speed", 0, 1e9, false, "steps per second; 0 = flat out"},
    {"earlyStopping", 0, 1e6, true, "the patience in evaluations; 0 = off"}};

const Limit& limitOf(const std::string& key) {
  for (const Limit& l : kLimits)
    if (key == l.key) return l;
  throw std::logic_error("no limit for " + key);
}

// "is out of range (1 to 1e+06), got 0", or "" when v is within the limit.
std::string rangeProblem(const Limit& l, double v) {
  if (!(v >= l.lo && v <= l.hi))
    return "is out of range (" + shortNumber(l.lo) + " to " + shortNumber(l.hi) + "), got " +
           shortNumber(v);
  if (l.whole && v != std::floor(v)) return "must be a whole number, got " + shortNumber(v);
  return "";
}
}  // namespace

SettingRange trainingRange(const std::string& key) {
  const Limit& l = limitOf(key);
  return {l.lo, l.hi, l.whole, l.what};
}

void checkTrainConfig(const TrainConfig& c,
                      const std::function<std::string(const std::string& key)>& name) {
  auto check = [&](const char* key, double v) {
    const Limit& l = limitOf(key);
    if (const std::string p = rangeProblem(l, v); !p.empty())
      throw Error(name(key) + " (" + l.what + ") " + p);
  };
  if (c.lr) check("lr", *c.lr);
  check("l1", c.l1);
  check("l2", c.l2);
  check("clipNorm", c.clipNorm);
  check("batch", double(c.batch));
  check("seed", double(c.seed));
  check("earlyStopping", double(c.earlyStopping));
}

TrainConfig TrainingSettings::over(TrainConfig base) const {
  if (has("optimizer")) base.optimizer = config.optimizer;
  if (has("lr")) base.lr = config.lr;
  if (has("l1")) base.l1 = config.l1;
  if (has("l2")) base.l2 = config.l2;
  if (has("clipNorm")) base.clipNorm = config.clipNorm;
  if (has("batch")) base.batch = config.batch;
  if (has("seed")) base.seed = config.seed;
  if (has("randomLabels")) base.randomLabels = config.randomLabels;
  if (has("earlyStopping")) base.earlyStopping = config.earlyStopping;
  return base;
}

TrainingSettings parseTrainingSettings(const json& t, const std::string& source) {
  if (!t.is_object()) fail(source, "must be an object");
  TrainingSettings s;
  for (const auto& [key, value] : t.items()) {
    bool known = false;
    for (const char* k : kKeys) known = known || key == k;
    if (!known) {
      std::string list;
      for (const char* k : kKeys) list += std::string(list.empty() ? "" : ", ") + k;
      fail(source, "unknown key " + jsonExcerpt(json(key)) + " — the keys are " + list);
    }
    s.keys.insert(key);
  }
  auto num = [&](const char* key) -> std::optional<double> {
    if (!t.contains(key)) return std::nullopt;
    if (!t[key].is_number()) fail(source, std::string("\"") + key + "\" must be a number");
    const double v = t[key].get<double>();
    if (const std::string p = rangeProblem(limitOf(key), v); !p.empty())
      fail(source, std::string("\"") + key + "\" " + p);
    return v;
  };
  auto whole = [&](const char* key) -> std::optional<int64_t> {
    const auto v = num(key);
    return v ? std::optional<int64_t>(int64_t(*v)) : std::nullopt;
  };
  TrainConfig& c = s.config;
  if (t.contains("optimizer")) {
    if (!t["optimizer"].is_string()) fail(source, "\"optimizer\" must be a name");
    c.optimizer = t["optimizer"].get<std::string>();
    try {
      parseOptimKind(c.optimizer);
    } catch (const std::exception& e) {
      fail(source, e.what());
    }
  }
  if (auto v = num("lr")) c.lr = *v;
  c.l1 = num("l1").value_or(0);
  c.l2 = num("l2").value_or(0);
  c.clipNorm = num("clipNorm").value_or(0);
  c.batch = whole("batch").value_or(10);
  c.seed = uint64_t(whole("seed").value_or(0));
  s.speed = num("speed");
  if (t.contains("randomLabels")) {
    if (!t["randomLabels"].is_boolean())
      fail(source, "\"randomLabels\" must be true or false, got " + jsonExcerpt(t["randomLabels"]));
    c.randomLabels = t["randomLabels"].get<bool>();
  }
  c.earlyStopping = whole("earlyStopping").value_or(0);
  return s;
}

json trainingJson(const TrainConfig& c, double speed) {
  json t;
  t["optimizer"] = c.optimizer;
  if (c.lr) t["lr"] = *c.lr;
  t["l1"] = c.l1;
  t["l2"] = c.l2;
  t["clipNorm"] = c.clipNorm;
  t["batch"] = c.batch;
  t["seed"] = c.seed;
  t["speed"] = speed;
  t["randomLabels"] = c.randomLabels;
  t["earlyStopping"] = c.earlyStopping;
  return t;
}

std::optional<TrainingSettings> loadNetworkTraining(const std::string& networkPath) {
  const json j = parseJson(readTextFile(networkPath), networkPath);
  if (!j.is_object() || !j.contains("training")) return std::nullopt;
  return parseTrainingSettings(j["training"], networkPath);
}

}  // namespace gradlab
