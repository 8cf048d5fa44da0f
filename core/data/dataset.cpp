#include "data/dataset.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "util/error.h"
#include "util/rng.h"

namespace gradlab {

Dataset Dataset::subset(const std::vector<int64_t>& indices) const {
  Dataset out;
  out.name = name;
  out.xShape = xShape;
  out.yShape = yShape;
  out.numClasses = numClasses;
  out.classNames = classNames;
  out.labelNames = labelNames;
  const int64_t n = size();
  const int64_t xs = xStride(), ys = yStride();
  out.x.reserve(size_t(int64_t(indices.size()) * xs));
  out.y.reserve(size_t(int64_t(indices.size()) * ys));
  for (int64_t i : indices) {
    if (i < 0 || i >= n)
      throw Error("dataset " + name + ": sample " + std::to_string(i) + " does not exist (it has " +
                  std::to_string(n) + " samples)");
    out.x.insert(out.x.end(), x.begin() + i * xs, x.begin() + (i + 1) * xs);
    out.y.insert(out.y.end(), y.begin() + i * ys, y.begin() + (i + 1) * ys);
    if (!labels.empty()) out.labels.push_back(labels[size_t(i)]);
  }
  return out;
}

Split splitDataset(const Dataset& all, double testFraction, uint64_t seed) {
  if (!(testFraction >= 0.0 && testFraction <= 1.0))
    throw Error("dataset " + all.name + ": test fraction " + std::to_string(testFraction) +
                " is out of range; use a value in [0, 1] (0.2 holds out a fifth of the samples)");
  const int64_t n = all.size();
  std::vector<int64_t> order(static_cast<size_t>(n));
  std::iota(order.begin(), order.end(), int64_t(0));
  // Fisher–Yates with Rng, so that a seed gives the same split on every platform.
  Rng rng(seed);
  for (int64_t i = n - 1; i > 0; --i) std::swap(order[size_t(i)], order[rng.below(uint64_t(i) + 1)]);

  const int64_t nTest = std::llround(testFraction * double(n));
  // Each part keeps the file's order, so --no-shuffle takes batches in that order.
  std::vector<int64_t> test(order.begin(), order.begin() + nTest), train(order.begin() + nTest, order.end());
  std::sort(test.begin(), test.end());
  std::sort(train.begin(), train.end());
  Split split;
  split.test = all.subset(test);
  split.train = all.subset(train);
  return split;
}

void makeReconstruction(Split& split) {
  for (Dataset* d : {&split.train, &split.test}) {
    if (d->isClassification()) {
      d->labels.assign(d->y.begin(), d->y.end());
      d->labelNames = d->classNames;
    }
    d->y = d->x;
    d->yShape = d->xShape;
    d->numClasses = 0;
    d->classNames.clear();
  }
}

}  // namespace gradlab
