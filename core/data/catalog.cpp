#include "data/catalog.h"

#include <algorithm>
#include <cctype>
#include <filesystem>

#include "data/csv.h"
#include "data/fashion_mnist.h"
#include "data/functions1d.h"
#include "data/image_folder.h"
#include "data/sequences.h"
#include "data/tensor_file.h"
#include "data/toy2d.h"
#include "data/waveforms.h"
#include "util/error.h"

namespace gradlab {

namespace {

// The split draws from its own stream, so changing how a set is drawn never changes which
// samples are held out for another set.
uint64_t splitSeed(uint64_t seed) { return seed ^ 0x5eed5eed5eed5eedULL; }

std::string nameList() {
  std::string out;
  for (const auto& d : builtinDatasets()) out += (out.empty() ? "" : ", ") + d.name;
  return out;
}

}  // namespace

const char* kindName(DatasetKind kind) {
  switch (kind) {
    case DatasetKind::Classification2D: return "2-D classification";
    case DatasetKind::Regression1D: return "1-D regression";
    case DatasetKind::Images: return "images";
    case DatasetKind::Sequences: return "sequences";
  }
  return "?";
}

const std::vector<BuiltinDataset>& builtinDatasets() {
  using K = DatasetKind;
  static const std::vector<BuiltinDataset> sets{
      {"circle", K::Classification2D, "a disc of one class inside a ring of the other (playground's circle)"},
      {"xor", K::Classification2D, "four quadrants, opposite ones alike: not linearly separable"},
      {"gauss", K::Classification2D, "two Gaussian blobs at (2, 2) and (−2, −2); noise widens them"},
      {"spiral", K::Classification2D, "two interleaved spiral arms, the hardest playground set"},
      {"fn-sine", K::Regression1D, "y = sin x on [−π, π]"},
      {"fn-step", K::Regression1D, "y = 0 for x < 0, 1 after, on [−1, 1]"},
      {"fn-abs", K::Regression1D, "y = |x| on [−1, 1]"},
      {"fn-cubic", K::Regression1D, "y = x³ on [−1, 1]"},
      {"fn-bump", K::Regression1D, "y = exp(−x²) on [−3, 3], a Gaussian bump"},
      {"fashion-mnist", K::Images, "28×28 grayscale clothing in 10 classes, 60000 train and 10000 test images"},
      {"sine", K::Sequences, "predict the next value of a sine with random frequency and phase"},
      {"adding", K::Sequences, "the adding problem: sum the two marked values of a long sequence"},
      {"long-lag", K::Sequences, "recall the symbol shown at the start, after `lag` blank steps"},
      {"recall", K::Sequences, "recall the symbol shown at the start, after `lag` random distractor symbols"},
      {"reverse", K::Sequences, "output a sequence of `length` symbols in reverse order (a class per step)"},
      {"waveforms", K::Sequences, "raw signals to classify: sine, square, sawtooth, chirp (random phase, frequency, amplitude; noise)"},
  };
  return sets;
}

bool isBuiltinDataset(const std::string& name) {
  const auto& sets = builtinDatasets();
  return std::any_of(sets.begin(), sets.end(), [&](const BuiltinDataset& d) { return d.name == name; });
}

Split loadBuiltin(const std::string& name, const DatasetOptions& o) {
  const auto& sets = builtinDatasets();
  const auto it = std::find_if(sets.begin(), sets.end(), [&](const BuiltinDataset& d) { return d.name == name; });
  if (it == sets.end()) throw Error("unknown dataset " + quoteText(name) + "; the built-in datasets are " + nameList());

  Dataset all;
  switch (it->kind) {
    case DatasetKind::Classification2D:
      all = makeToy2d(name, {.points = o.points.value_or(500), .noise = o.noise, .seed = o.seed});
      break;
    case DatasetKind::Regression1D:
      all = makeFunction1d(name, {.points = o.points.value_or(200), .noise = o.noise, .seed = o.seed});
      break;
    case DatasetKind::Images:
      return loadFashionMnist({.dir = o.dataDir, .limit = o.limit});
    case DatasetKind::Sequences:
      if (name == "waveforms") {
        all = makeWaveforms({.samples = o.points.value_or(1000),
                             .length = o.length.value_or(64),
                             .noise = o.noise,
                             .seed = o.seed});
        break;
      }
      all = makeSequenceTask(name, {.samples = o.points.value_or(1000),
                                    .length = o.length.value_or(20),
                                    .lag = o.lag,
                                    .symbols = o.symbols,
                                    .noise = o.noise,
                                    .seed = o.seed});
      break;
  }
  return splitDataset(all, o.testFraction, splitSeed(o.seed));
}

Split loadDataFile(const std::string& path, const DatasetOptions& o) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::exists(path, ec))
    throw Error(path + ": no such file or folder; a dataset is a built-in name (" + nameList() +
                "), a .csv or .safetensors file, or a folder of images");
  Dataset all;
  if (fs::is_directory(path, ec)) {
    all = loadImageFolder(path, {.width = o.imageWidth, .height = o.imageHeight, .channels = o.imageChannels});
  } else {
    std::string ext = fs::path(path).extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    if (ext == ".csv")
      all = loadCsv(path, {.target = o.target, .classify = o.classify});
    else if (ext == ".safetensors")
      all = loadTensorFile(path, {.classify = o.classify});
    else
      throw Error(path + ": unknown kind of data file \"" + ext +
                  "\"; use a .csv file (a header row, one sample per row), a .safetensors file (tensors x and y) "
                  "or a folder with one sub-folder of images per class");
  }
  return splitDataset(all, o.testFraction, splitSeed(o.seed));
}

Split loadDataset(const std::string& nameOrPath, const DatasetOptions& opts) {
  if (isBuiltinDataset(nameOrPath)) return loadBuiltin(nameOrPath, opts);
  std::error_code ec;
  if (!std::filesystem::exists(nameOrPath, ec))
    throw Error("unknown dataset " + quoteText(nameOrPath) + ": not a built-in name (" + nameList() +
                ") nor an existing file or folder");
  return loadDataFile(nameOrPath, opts);
}

}  // namespace gradlab
