#pragma once
// DataSource: where the training data comes from — a built-in set with its options, or a
// user's file (CSV, safetensors, a folder of images). Stored in project files; loaded on a
// worker thread by the dataset panel.
#include <QString>
#include <nlohmann/json.hpp>

#include "data/catalog.h"

namespace gradlab::widgets {

struct DataSource {
  QString builtin = "spiral";  // a built-in name, or empty when `path` is used
  QString path;                // a data file or an image folder
  int points = 500;
  double noise = 0.1;
  double testFraction = 0.5;
  uint64_t seed = 1;

  bool operator==(const DataSource&) const = default;
  QString label() const;
  DatasetOptions options() const;
  nlohmann::json toJson() const;
  // Throws Error naming `source` on a malformed entry.
  static DataSource fromJson(const nlohmann::json& j, const std::string& source);
};

// Loads the data (slow for big sets: call it off the GUI thread). Throws Error.
Split loadSource(const DataSource& source);

}  // namespace gradlab::widgets
