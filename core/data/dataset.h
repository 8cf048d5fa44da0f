#pragma once
// Dataset: samples x and targets y on the host, as float32.
//   x: size() samples, each of shape xShape ([2] for 2-D points, [1, 28, 28] for images,
//      [T, F] for sequences), stored contiguously.
//   y: classification: one class index per sample (yShape = {}), numClasses > 0;
//      regression: yShape = {k} values per sample, numClasses = 0.
#include <cstdint>
#include <string>
#include <vector>

#include "tensor/shape.h"

namespace gradlab {

struct Dataset {
  std::string name;
  Shape xShape;
  Shape yShape;
  std::vector<float> x;
  std::vector<float> y;
  int numClasses = 0;                   // 0 = regression
  std::vector<std::string> classNames;  // optional
  // The class of each sample where the targets are no longer classes (makeReconstruction keeps
  // them for views that colour samples by class); empty otherwise.
  std::vector<int> labels;
  std::vector<std::string> labelNames;

  int64_t size() const { return xShape.empty() ? 0 : int64_t(x.size()) / numel(xShape); }
  int64_t xStride() const { return numel(xShape); }
  int64_t yStride() const { return numel(yShape); }
  bool isClassification() const { return numClasses > 0; }
  // The samples at the given indices, in that order.
  Dataset subset(const std::vector<int64_t>& indices) const;
};

// Whether a file's target column/tensor holds class indices. Auto decides from the values
// (see csv.h and tensor_file.h); Yes insists (and fails on values that aren't class indices);
// No always treats the target as values to regress.
enum class Classify { Auto, Yes, No };

struct Split {
  Dataset train, test;
};

// Shuffles with `seed` and holds out round(testFraction · N) samples as the test set
// (testFraction 0: every sample trains, the test set is empty).
Split splitDataset(const Dataset& all, double testFraction, uint64_t seed);

// Autoencoders: every sample's target becomes the sample itself (y = x, yShape = xShape, no
// classes; the classes stay in labels/labelNames), in both sets — `gradlab-cli train
// --reconstruct` and the data panel's switch.
void makeReconstruction(Split& split);

}  // namespace gradlab
