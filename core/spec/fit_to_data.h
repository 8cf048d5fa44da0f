#pragma once
// fitSpecToData: the smallest edits that let a network train on a dataset — the Input's shape
// becomes the samples' shape, and when the loss reads a Dense block, its units and the loss
// follow the targets:
//   two classes        cross_entropy: 2 units; bce / bce_logits: 1 unit (mse becomes
//                      cross_entropy)
//   more classes       cross_entropy with one unit per class
//   regression         mse with one unit per target value (the output's activation goes)
// The window applies it when new data arrives for a network without loaded weights;
// `gradlab-cli train PROJECT.gradlab` does the same, so both train the same network.
//
//   FitToData fit = fitSpecToData(spec, split.train);
//   // spiral (3 classes) into an xor net: fit.changes == {"out to 3 units", ...}
#include <string>
#include <vector>

#include "data/dataset.h"
#include "spec/network_spec.h"

namespace gradlab {

struct FitToData {
  NetworkSpec spec;                  // the network, changed where needed
  std::vector<std::string> changes;  // one phrase per change ("the input shape to [2]"); empty: none
};

FitToData fitSpecToData(const NetworkSpec& spec, const Dataset& data);

}  // namespace gradlab
