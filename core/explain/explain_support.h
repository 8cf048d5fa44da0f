#pragma once
// What saliency, attacks and feature visualisation share (core/explain only):
//
//   ExplainScope scope(net);          // input gradient on; every Param::grad saved
//   Tensor xb = upload(net, host, withBatch(8, net.inputShape()));
//   net.forward(xb, false);  net.backwardFrom(seed);  ... net.inputGradient() ...
//   // scope's end: the input-gradient switch and the parameters' gradients as they were, so
//   // a probe between two training steps changes nothing a gradient view would show
#include <span>
#include <string>
#include <vector>

#include "network/network.h"

namespace gradlab::explain {

class ExplainScope {
 public:
  explicit ExplainScope(Network& net);
  ~ExplainScope();
  ExplainScope(const ExplainScope&) = delete;
  ExplainScope& operator=(const ExplainScope&) = delete;

 private:
  Network& net_;
  bool wasOn_;
  std::vector<std::pair<Param*, Tensor>> grads_;  // a copy of each defined Param::grad
};

// Host floats of `shape` ([B, ...]) as a tensor on the network's backend and dtype.
Tensor upload(Network& net, std::span<const float> values, const Shape& shape);

// The number of classes of a classifier's output ([classes] per sample); throws Error saying
// `what` needs one otherwise (no loss, or an output of another shape).
int64_t classCount(const Network& net, const std::string& what);

// x: [N, ...input shape]; returns N, or throws Error naming the Input block and both shapes.
int64_t sampleCount(const Network& net, const Shape& x, const std::string& what);

// Softmax of one row of scores (max subtracted first).
std::vector<float> softmax(std::span<const float> scores);

}  // namespace gradlab::explain
