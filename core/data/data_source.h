#pragma once
// DataSource: where the training data comes from — a built-in set with its options, or a
// user's file (CSV, safetensors, a folder of images) — as a project file stores it and as the
// window's data panel and `gradlab-cli train PROJECT.gradlab` load it.
//
//   {"source": "builtin", "name": "spiral", "points": 500, "noise": 0.1,
//    "testFraction": 0.5, "seed": 1}
//   {"source": "file", "path": "/data/iris.csv", "testFraction": 0.2, "seed": 1,
//    "reconstruct": true}
//
//   DataSource s = DataSource::fromJson(j, "spiral.gradlab");  // throws Error on a bad entry
//   Split split = loadSource(s);                                // slow for big sets
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "data/catalog.h"

namespace gradlab {

struct DataSource {
  std::string builtin = "spiral";  // a built-in name, or empty when `path` is used
  std::string path;                // a data file or an image folder
  int points = 500;                // samples to draw; Fashion-MNIST: the first N images (0: all)
  double noise = 0.1;
  double testFraction = 0.5;
  uint64_t seed = 1;               // the data drawn and the train/test split
  bool reconstruct = false;        // targets = inputs (autoencoders): makeReconstruction
  int64_t lag = 10;                // long-lag and recall: steps between the symbol and the answer
  int64_t length = 0;              // sequences: steps T (0: the set's default)
  int symbols = 4;                 // long-lag, recall, reverse: symbols K (the classes)

  bool operator==(const DataSource&) const = default;
  std::string label() const;  // the set's name, or the file's name
  DatasetOptions options() const;
  nlohmann::json toJson() const;
  // Throws Error naming `source` (the file being read) and "data" on a malformed entry.
  static DataSource fromJson(const nlohmann::json& j, const std::string& source);
};

// Loads the data (slow for big sets: the window calls it off its GUI thread). Throws Error.
Split loadSource(const DataSource& source);

}  // namespace gradlab
