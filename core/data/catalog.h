#pragma once
// The one entry point to datasets for gradlab-cli and the window: the built-in sets by name,
// and a user's data file by path. Both return a train/test Split.
//
//   Split s = loadBuiltin("spiral", {.noise = 0.1, .seed = 3});   // 400 train, 100 test
//   Split f = loadBuiltin("fashion-mnist", {.limit = 2000});       // its own 60000/10000 split
//   Split c = loadDataFile("wine.csv", {.target = "quality"});
//   Split any = loadDataset(nameOrPath, opts);                     // a built-in name, else a file
//
// Built-in sets (builtinDatasets() lists them with a one-line description):
//   2-D classification  circle xor gauss spiral                     (toy2d.h)
//   1-D regression      fn-sine fn-step fn-abs fn-cubic fn-bump     (functions1d.h)
//   images              fashion-mnist                               (fashion_mnist.h)
//   sequences           sine adding long-lag recall reverse         (sequences.h)
//   raw signals         waveforms                                   (waveforms.h)
// Files: .csv (csv.h), .safetensors (tensor_file.h), a folder of images (image_folder.h).
//
// Every set except Fashion-MNIST (which comes split) is shuffled with a seed derived from
// `seed` and split, testFraction of it held out.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "data/dataset.h"

namespace gradlab {

enum class DatasetKind { Classification2D, Regression1D, Images, Sequences };
const char* kindName(DatasetKind kind);  // "2-D classification", "1-D regression", "images", "sequences"

struct BuiltinDataset {
  std::string name;
  DatasetKind kind;
  std::string description;
};

const std::vector<BuiltinDataset>& builtinDatasets();
bool isBuiltinDataset(const std::string& name);

struct DatasetOptions {
  // Samples drawn; unset: the set's default (500 for 2-D sets as in playground, 200 for 1-D
  // functions, 1000 sequences). Ignored by Fashion-MNIST and files.
  std::optional<int64_t> points{};
  // 2-D sets: playground's noise slider as a fraction in [0, 1] (0.25 = 25 %).
  // 1-D functions and the sine sequences: the standard deviation of Gaussian noise.
  double noise = 0;
  double testFraction = 0.2;  // share held out for testing, in [0, 1]
  uint64_t seed = 0;          // the data drawn and the split
  // Sequences: steps T; unset: the set's default (20 for sine, adding and reverse, 64 for
  // waveforms).
  std::optional<int64_t> length{};
  int64_t lag = 10;           // long-lag, recall: steps between the symbol and the answer
  int symbols = 4;            // symbol tasks (long-lag, reverse): symbols K, the classes, 2 to 26
  int64_t limit = 0;          // Fashion-MNIST: at most this many train and test images; 0 = all
  std::string dataDir{};      // Fashion-MNIST: the folder of IDX files; empty = the default

  // Data files.
  std::string target{};                // CSV: the column to predict; empty = the last column
  Classify classify = Classify::Auto;  // CSV and safetensors: class indices or values
  int imageWidth = 28, imageHeight = 28;
  int imageChannels = 1;  // image folders: 1 = grayscale, 3 = RGB
};

// Throws Error listing the valid names for an unknown name.
Split loadBuiltin(const std::string& name, const DatasetOptions& opts = {});
// By the path: a folder → images, .csv → CSV, .safetensors → tensors; anything else → Error.
Split loadDataFile(const std::string& path, const DatasetOptions& opts = {});
// A built-in set when `nameOrPath` names one, else a data file.
Split loadDataset(const std::string& nameOrPath, const DatasetOptions& opts = {});

}  // namespace gradlab
