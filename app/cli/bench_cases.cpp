#include "cli/bench_cases.h"

#include "util/rng.h"

namespace gradlab::cli {

Dataset randomDataset(int64_t n, const Shape& xShape, int numClasses, int64_t yWidth,
                      uint64_t seed) {
  Rng rng(seed);
  Dataset d;
  d.name = "random";
  d.xShape = xShape;
  d.x.resize(size_t(n * numel(xShape)));
  for (auto& v : d.x) v = float(rng.uniform(-1, 1));
  d.numClasses = numClasses;
  if (numClasses > 0) {
    d.y.resize(size_t(n));
    for (auto& v : d.y) v = float(rng.below(uint64_t(numClasses)));
  } else {
    d.yShape = {yWidth};
    d.y.resize(size_t(n * yWidth));
    for (auto& v : d.y) v = float(rng.uniform(-1, 1));
  }
  return d;
}

const std::vector<BenchCase>& benchCases() {
  static const std::vector<BenchCase> cases{
      {"mlp-tiny", "MLP 2-8-8-1 tanh (TF-Playground size), batch 10, bce, adam",
       R"({"blocks": [{"id": "x", "type": "Input", "shape": [2]},
                      {"id": "h1", "type": "Dense", "units": 8, "activation": "tanh"},
                      {"id": "h2", "type": "Dense", "units": 8, "activation": "tanh"},
                      {"id": "out", "type": "Dense", "units": 1, "activation": "sigmoid"}],
           "edges": [["x", "h1"], ["h1", "h2"], ["h2", "out"]],
           "loss": {"type": "bce", "block": "out"}})",
       10, "adam", [] { return randomDataset(1000, {2}, 2, 0, 1); }},
      {"mlp-mnist", "MLP 784-256-128-10 relu, batch 64, cross-entropy, adam",
       R"({"blocks": [{"id": "x", "type": "Input", "shape": [784]},
                      {"id": "h1", "type": "Dense", "units": 256, "activation": "relu"},
                      {"id": "h2", "type": "Dense", "units": 128, "activation": "relu"},
                      {"id": "out", "type": "Dense", "units": 10}],
           "edges": [["x", "h1"], ["h1", "h2"], ["h2", "out"]],
           "loss": {"type": "cross_entropy", "block": "out"}})",
       64, "adam", [] { return randomDataset(4096, {784}, 10, 0, 2); }},
      {"cnn", "CNN [1,28,28] conv 8@5x5 relu, pool 2, conv 16@5x5 relu, pool 2, dense 10, "
              "batch 32, cross-entropy, adam",
       R"({"blocks": [{"id": "x", "type": "Input", "shape": [1, 28, 28]},
                      {"id": "c1", "type": "Conv2D", "filters": 8, "kernel": 5,
                       "padding": "same", "activation": "relu"},
                      {"id": "p1", "type": "MaxPool2D", "size": 2},
                      {"id": "c2", "type": "Conv2D", "filters": 16, "kernel": 5,
                       "padding": "same", "activation": "relu"},
                      {"id": "p2", "type": "MaxPool2D", "size": 2},
                      {"id": "f", "type": "Flatten"},
                      {"id": "out", "type": "Dense", "units": 10}],
           "edges": [["x", "c1"], ["c1", "p1"], ["p1", "c2"], ["c2", "p2"], ["p2", "f"],
                     ["f", "out"]],
           "loss": {"type": "cross_entropy", "block": "out"}})",
       32, "adam", [] { return randomDataset(2048, {1, 28, 28}, 10, 0, 3); }},
      {"lstm", "LSTM 8->64 over 50 steps, Dense 64->1 on the last state, batch 32, mse, adam",
       R"({"blocks": [{"id": "x", "type": "Input", "shape": [50, 8]},
                      {"id": "lstm", "type": "LSTM", "units": 64},
                      {"id": "out", "type": "Dense", "units": 1}],
           "edges": [["x", "lstm"], ["lstm", "out"]],
           "loss": {"type": "mse", "block": "out"}})",
       32, "adam", [] { return randomDataset(1024, {50, 8}, 0, 1, 4); }},
      // The larger CNN of the GPU benchmarks (CIFAR-sized, VGG-like): ~6.3 GFLOP forward, ~19
      // GFLOP a training step.
      {"cnn-large", "CNN [3,32,32] conv 32,32 @3x3 relu, pool 2, conv 64,64 @3x3 relu, pool 2, "
                    "dense 256 relu, dense 10, batch 128, cross-entropy, adam",
       R"({"blocks": [{"id": "x", "type": "Input", "shape": [3, 32, 32]},
                      {"id": "c1", "type": "Conv2D", "filters": 32, "kernel": 3,
                       "padding": "same", "activation": "relu"},
                      {"id": "c2", "type": "Conv2D", "filters": 32, "kernel": 3,
                       "padding": "same", "activation": "relu"},
                      {"id": "p1", "type": "MaxPool2D", "size": 2},
                      {"id": "c3", "type": "Conv2D", "filters": 64, "kernel": 3,
                       "padding": "same", "activation": "relu"},
                      {"id": "c4", "type": "Conv2D", "filters": 64, "kernel": 3,
                       "padding": "same", "activation": "relu"},
                      {"id": "p2", "type": "MaxPool2D", "size": 2},
                      {"id": "f", "type": "Flatten"},
                      {"id": "h", "type": "Dense", "units": 256, "activation": "relu"},
                      {"id": "out", "type": "Dense", "units": 10}],
           "edges": [["x", "c1"], ["c1", "c2"], ["c2", "p1"], ["p1", "c3"], ["c3", "c4"],
                     ["c4", "p2"], ["p2", "f"], ["f", "h"], ["h", "out"]],
           "loss": {"type": "cross_entropy", "block": "out"}})",
       128, "adam", [] { return randomDataset(1024, {3, 32, 32}, 10, 0, 5); }},
  };
  return cases;
}

}  // namespace gradlab::cli
