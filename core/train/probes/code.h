#pragma once
// Code probe (autoencoders, curriculum topic 19): where the network puts each test sample in
// its code — the output of one block, by default the narrowest — drawn in 2-D and coloured by
// class. A code of 2 units is drawn as it is; a wider code by its projection on its own top two
// principal components (of the codes of the samples shown); a code of 1 unit on a line.
// For an autoencoder whose decoder is a Dense that outputs a whole sample, also the principal
// angles between the decoder's column space and the top principal components of the training
// samples (explain/pca.h): a linear autoencoder ends with all of them near 0.
//   options: {"block": "code"}  the block whose output is the code ("" or absent: the narrowest)
//            {"count": 1000}    the first `count` test samples (training samples without a test
//                               set), at most 5000
// The PCA of the training data is computed once per data set, from its first 10000 samples,
// and carried from result to result.
#include <memory>
#include <string>
#include <vector>

#include "explain/pca.h"
#include "train/probes/probe.h"

namespace gradlab {

std::shared_ptr<const ProbeResult> measureCode(const ProbeContext& ctx);

struct CodeProbe : ProbeResult {
  static constexpr const char* kName = "code";
  static inline const ProbeType kType{measureCode};

  struct Choice {
    std::string block;
    int64_t width = 0;  // values per sample
  };
  std::vector<Choice> choices;  // every block but the Input, in the network's order
  std::string block;            // the block shown
  int64_t width = 0;            // its values per sample
  bool projected = false;       // wider than 2: the points are its projection on 2 components
  double explained = 1;         // the share of the codes' variance those 2 components hold
  std::vector<float> xs, ys;    // one point per sample
  std::vector<int> labels;      // each sample's class, −1 where the data has none
  std::vector<std::string> classNames;
  int classes = 0;
  bool onTest = true;

  // The decoder against PCA (hasAngles: an autoencoder with a Dense decoder).
  bool hasAngles = false;
  DecoderPca decoder;
  std::string anglesWhy;  // why there are no angles, when the data is reconstructed

  // The training data's PCA, kept for the next measurement while the data stays the same.
  std::shared_ptr<const Pca> dataPca;
  const void* pcaOf = nullptr;
  int64_t pcaSamples = 0;

  std::string why;  // when there is nothing to show: why, and what to do
};

// The narrowest block (fewest values per sample) other than the Input and the loss block; the
// first of equals. Empty when there is none.
std::string narrowestBlock(const std::vector<CodeProbe::Choice>& choices,
                           const std::string& lossBlock);

// The 2-D projection of n codes of w values each (row-major) on their top two principal
// components (centred), each component's sign chosen so that its largest entry is positive;
// returns the share of the variance the two hold. w ≥ 3.
double projectCodes(const std::vector<float>& codes, int64_t n, int64_t w, std::vector<float>& xs,
                    std::vector<float>& ys);

}  // namespace gradlab
