#include "data/tensor_file.h"

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "util/error.h"
#include "util/json.h"

namespace gradlab {

namespace {

constexpr double kMaxClassIndex = 1000;

bool isClassIndex(double v) { return v >= 0 && v <= kMaxClassIndex && v == std::floor(v); }

std::string shapeText(const Shape& s) {
  std::string out = "[";
  for (size_t i = 0; i < s.size(); ++i) out += (i ? ", " : "") + std::to_string(s[i]);
  return out + "]";
}

const HostTensor& need(const TensorMap& tensors, const std::string& name, const std::string& source) {
  const auto it = tensors.find(name);
  if (it != tensors.end()) return it->second;
  std::string found;  // the file's names, quoted safely, a few of them
  size_t listed = 0;
  for (const auto& [n, t] : tensors) {
    if (++listed > 8) {
      found += ", and " + std::to_string(tensors.size() - 8) + " more";
      break;
    }
    found += (found.empty() ? "" : ", ") + quotedName(n) + " " + shapeText(t.shape);
  }
  throw Error(source + ": no tensor named \"" + name + "\" (the file holds " + (found.empty() ? "no tensors" : found) +
              "); a dataset file holds x [N, …] and y [N] or [N, k]");
}

void checkFinite(const HostTensor& t, const std::string& name, const std::string& source) {
  for (size_t i = 0; i < t.values.size(); ++i)
    if (!std::isfinite(t.values[i]) || std::abs(t.values[i]) > 3.4e38)
      throw Error(source + ": tensor \"" + name + "\": element " + std::to_string(i) + " is " +
                  std::to_string(t.values[i]) + ", not a finite float32 number");
}

}  // namespace

Dataset datasetFromTensors(const TensorMap& tensors, const std::string& source, const TensorFileOptions& opts) {
  const HostTensor& x = need(tensors, "x", source);
  const HostTensor& y = need(tensors, "y", source);
  if (x.shape.empty())
    throw Error(source + ": tensor \"x\" is a scalar; it must be [N, …] with one row per sample");
  if (y.shape.empty() || y.shape.size() > 2)
    throw Error(source + ": tensor \"y\" is " + shapeText(y.shape) +
                "; it must be [N] (a class index or value per sample) or [N, k] (k values per sample)");
  const int64_t n = x.shape[0];
  if (y.shape[0] != n)
    throw Error(source + ": x " + shapeText(x.shape) + " holds " + std::to_string(n) + " samples but y " +
                shapeText(y.shape) + " holds " + std::to_string(y.shape[0]) + "; both need the same first extent N");
  if (n == 0) throw Error(source + ": x and y hold no samples (N = 0)");
  if (std::find(x.shape.begin() + 1, x.shape.end(), 0) != x.shape.end())
    throw Error(source + ": x " + shapeText(x.shape) + " has samples of no values; each sample needs at least one");
  if (y.shape.size() == 2 && y.shape[1] == 0)
    throw Error(source + ": y " + shapeText(y.shape) + " has no target values per sample");
  for (const auto* t : {&x, &y})
    if (uint64_t(numel(t->shape)) != t->values.size())
      throw Error(source + ": tensor \"" + std::string(t == &x ? "x" : "y") + "\" has " +
                  std::to_string(t->values.size()) + " values but its shape " + shapeText(t->shape) + " needs " +
                  std::to_string(numel(t->shape)));
  checkFinite(x, "x", source);
  checkFinite(y, "y", source);

  Dataset d;
  d.name = std::filesystem::path(source).stem().string();
  d.xShape = x.shape.size() == 1 ? Shape{1} : Shape(x.shape.begin() + 1, x.shape.end());
  d.x.assign(x.values.begin(), x.values.end());
  d.y.assign(y.values.begin(), y.values.end());

  const bool rank1 = y.shape.size() == 1;
  const bool indices = rank1 && std::all_of(y.values.begin(), y.values.end(), isClassIndex);
  if (opts.classify == Classify::Yes) {
    if (!rank1)
      throw Error(source + ": y " + shapeText(y.shape) +
                  " is not a class index per sample; classification needs y [N] of whole numbers 0–1000");
    for (size_t i = 0; i < y.values.size(); ++i)
      if (!isClassIndex(y.values[i]))
        throw Error(source + ": tensor \"y\": sample " + std::to_string(i) + " is " + std::to_string(y.values[i]) +
                    ", not a class index; classification needs whole numbers 0–1000 (or use regression)");
  }
  if (opts.classify != Classify::No && indices) {
    d.yShape = {};
    d.numClasses = int(*std::max_element(y.values.begin(), y.values.end())) + 1;
    for (int k = 0; k < d.numClasses; ++k) d.classNames.push_back(std::to_string(k));
  } else {
    d.yShape = rank1 ? Shape{1} : Shape{y.shape[1]};
    d.numClasses = 0;
  }
  return d;
}

Dataset loadTensorFile(const std::string& path, const TensorFileOptions& opts) {
  return datasetFromTensors(readSafetensors(path), path, opts);
}

}  // namespace gradlab
