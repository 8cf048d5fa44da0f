#pragma once
// Attention probe (sequence to sequence, curriculum topic 20): the attention weights of an
// Attention block for one sample — which input step each output step looks at. On the reverse
// task the anti-diagonal appears as the network learns: output step t reads input step T−1−t.
//   options: {"block": "att", "sample": 0}   block: an Attention block's id (default: the
//            first); sample: a test sample (training samples without a test set)
// The result holds the weights [T_q, T_k] (each row sums to 1) and, where the data are symbols
// (one-hot steps, a class per step), the sample's input symbols, its target symbols and the
// network's predictions, to label the heatmap's axes.
#include <memory>
#include <string>
#include <vector>

#include "train/probes/probe.h"

namespace gradlab {

std::shared_ptr<const ProbeResult> measureAttention(const ProbeContext& ctx);

struct AttentionProbe : ProbeResult {
  static constexpr const char* kName = "attention";
  static inline const ProbeType kType{measureAttention};
  std::vector<std::string> blocks;  // every Attention block of the network, in order
  std::string block;                // the one shown
  int64_t sample = 0;
  bool onTest = true;
  int64_t queries = 0, keys = 0;    // T_q, T_k
  std::vector<double> weights;      // [T_q, T_k] row-major
  // Symbols (class names) where the data have them, else empty: the input's steps (T_k of
  // them when the keys are the input's steps), the targets and the predictions per output step.
  std::vector<std::string> inputs, targets, predicted;
  int64_t correct = 0;              // output steps predicted right (with targets)
  std::string why;                  // when there is nothing to show: why, and what to do
};

}  // namespace gradlab
