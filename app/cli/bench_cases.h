#pragma once
// The benchmark cases of `gradlab-cli bench`, matched one for one by bench/peer_torch.py.
#include <functional>
#include <string>
#include <vector>

#include "data/dataset.h"
#include "spec/network_spec.h"

namespace gradlab::cli {

struct BenchCase {
  std::string name;         // mlp-tiny
  std::string description;  // "MLP 2-8-8-1 tanh, batch 10, bce, adam"
  std::string network;      // network JSON
  int64_t batch;
  std::string optimizer;
  std::function<Dataset()> makeData;  // synthetic data (not timed)
};

const std::vector<BenchCase>& benchCases();

// Random samples of shape xShape with random class labels (or regression targets).
Dataset randomDataset(int64_t n, const Shape& xShape, int numClasses, int64_t yWidth,
                      uint64_t seed);

}  // namespace gradlab::cli
