#pragma once
// analyze(): validation and shape inference of a NetworkSpec, without any backend.
// Returns every problem at once, each naming its block and saying how to fix it, plus the
// output shape and parameter count of every block that could be inferred — what the editor
// shows on its cards and `gradlab-cli validate` prints.
//
// The loss reads one block's output of any shape: mse, bce and bce_logits compare every
// element with a target of as many values ([F], [C, H, W], [T, F]) and average over all of
// them (PyTorch's reduction="mean"); cross_entropy reads [classes] (one class per sample) or
// [T, classes] (one class per time step, averaged over batch and time, as
// nn.CrossEntropyLoss on [N, classes, T]).
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "spec/network_spec.h"
#include "tensor/shape.h"

namespace gradlab {

struct Problem {
  std::string block;    // block id, or empty for the whole network
  std::string message;  // what is wrong and how to fix it
  // About the loss only (missing, unknown, not fitting its block, blocks that do not lead to
  // it): the network still runs forward (gradlab-cli forward), it cannot train.
  bool aboutLoss = false;
};

struct Analysis {
  std::vector<Problem> problems;
  std::vector<std::string> order;  // topological order (blocks in cycles left out)
  // The blocks feeding each block, in edge order (a Concat's input order); valid edges only.
  std::map<std::string, std::vector<std::string>> inputs;
  std::map<std::string, std::vector<Shape>> inShapes;
  std::map<std::string, Shape> outShapes;
  std::map<std::string, int64_t> paramCounts;
  int64_t totalParams = 0;
  std::string inputBlock;  // the Input block's id

  bool ok() const { return problems.empty(); }
  // Every problem is about the loss: the blocks themselves can run (forward without a loss).
  bool runsWithoutLoss() const;
  std::vector<Problem> problemsOf(const std::string& block) const;
};

Analysis analyze(const NetworkSpec& spec);

// "Dense h2: expects ...", one line per problem.
std::string describe(const std::vector<Problem>& problems);

}  // namespace gradlab
