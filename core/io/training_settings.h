#pragma once
// The "training" object: the same keys, checks and meaning in a project (*.gradlab, io/project.h)
// and, optionally, in a network file (*.net.json), whose settings the window applies when it
// opens the file and `gradlab-cli train NET` uses for options not given on the command line.
//
//   "training": {"optimizer": "adam", "lr": 0.001, "l1": 0, "l2": 0, "clipNorm": 0,
//                "batch": 32, "seed": 1, "speed": 200, "randomLabels": false,
//                "earlyStopping": 0}
//
//   TrainingSettings t = parseTrainingSettings(j["training"], "fashion-cnn.net.json");
//   TrainConfig c = t.over(current);   // the keys the file gives, the rest as they were
//
// Every key is optional; an unknown key or a value out of range throws Error naming the file
// and the key ("fashion-cnn.net.json: training: \"lr\" is out of range (1e-12 to 1e6)").
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>

#include "train/trainer.h"

namespace gradlab {

struct TrainingSettings {
  TrainConfig config;           // the keys given; TrainConfig's defaults for the others
  std::optional<double> speed;  // the window's steps per second (0 = flat out), when given
  std::set<std::string> keys;   // the keys the object gives

  bool has(const std::string& key) const { return keys.count(key) > 0; }
  // `base` with the values of the keys given here (speed is not part of a TrainConfig).
  TrainConfig over(TrainConfig base) const;
};

// `source` names the file in errors. Throws Error on anything but an object of known keys.
TrainingSettings parseTrainingSettings(const nlohmann::json& training, const std::string& source);
// Every key of `config`, and "speed" (a project writes them all).
nlohmann::json trainingJson(const TrainConfig& config, double speed);
// The range of a numeric key of the "training" object ("lr", "l1", "l2", "clipNorm", "batch",
// "seed", "speed", "earlyStopping"): what the file, gradlab-cli's flags and the window's fields
// accept. `what` says what the setting is, for messages ("the learning rate").
struct SettingRange {
  double lo, hi;
  bool whole;
  const char* what;
};
SettingRange trainingRange(const std::string& key);
// Checks a TrainConfig against the limits the "training" object has (lr 1e-12 to 1e6, batch 1 to
// 1e6, …; NaN is out of every range), naming each setting by `name(key)` — the CLI's flag
// ("--lr") or the file's key. Throws Error on the first value out of range.
void checkTrainConfig(const TrainConfig& config,
                      const std::function<std::string(const std::string& key)>& name);

// The "training" object of a network file, when it has one (the file is read again; a file
// that is not valid JSON or not a network throws as loadNetwork would).
std::optional<TrainingSettings> loadNetworkTraining(const std::string& networkPath);

}  // namespace gradlab
