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
}  // namespace

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
  auto num = [&](const char* key, double lo, double hi) -> std::optional<double> {
    if (!t.contains(key)) return std::nullopt;
    if (!t[key].is_number()) fail(source, std::string("\"") + key + "\" must be a number");
    const double v = t[key].get<double>();
    if (!(v >= lo && v <= hi))
      fail(source, std::string("\"") + key + "\" is out of range (" + shortNumber(lo) + " to " +
                       shortNumber(hi) + "), got " + jsonExcerpt(t[key]));
    return v;
  };
  auto whole = [&](const char* key, double lo, double hi) -> std::optional<int64_t> {
    const auto v = num(key, lo, hi);
    if (v && *v != std::floor(*v))
      fail(source, std::string("\"") + key + "\" must be a whole number, got " + jsonExcerpt(t[key]));
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
  if (auto v = num("lr", 1e-12, 1e6)) c.lr = *v;
  c.l1 = num("l1", 0, 1e6).value_or(0);
  c.l2 = num("l2", 0, 1e6).value_or(0);
  c.clipNorm = num("clipNorm", 0, 1e12).value_or(0);
  c.batch = whole("batch", 1, 1e6).value_or(10);
  c.seed = uint64_t(whole("seed", 0, 1e15).value_or(0));
  s.speed = num("speed", 0, 1e9);
  if (t.contains("randomLabels")) {
    if (!t["randomLabels"].is_boolean())
      fail(source, "\"randomLabels\" must be true or false, got " + jsonExcerpt(t["randomLabels"]));
    c.randomLabels = t["randomLabels"].get<bool>();
  }
  c.earlyStopping = whole("earlyStopping", 0, 1e6).value_or(0);
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
