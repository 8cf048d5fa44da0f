#pragma once
// Network: a NetworkSpec compiled onto one backend — blocks in topological order, their
// parameters, and per-node activations and gradients for the current batch size.
//
//   Network net(spec, cpuBackend(), DType::F32, /*seed=*/1);
//   net.forward(x, /*training=*/true);           // x: [B, ...input shape]
//   double l = net.loss(y, /*withGrad=*/true);   // mean loss of the batch, seeds the backward
//   net.backward();                              // every Param::grad now holds ∂L/∂θ
//
// The loss block's output may have any shape (spec/analysis.h): mse, bce and bce_logits see
// it as [B, all its values] and the target as as many values per sample; cross_entropy sees
// a [B, T, classes] output as B·T rows of classes and the target as B·T class indices.
//
//   Network probe(spec, cpuBackend(), DType::F32, 1, LossUse::Optional);  // no (fitting) loss:
//   probe.forward(x, false);                     // runs; hasLoss() is false, loss() throws
//
// The gradient with respect to the input (saliency, adversarial examples, core/explain):
//   net.setInputGradient(true);                  // the input node gets a gradient tensor too
//   net.forward(x, false);
//   net.backwardFrom(oneHot);                    // seed ∂S/∂scores = one-hot rows [B, classes]
//   net.inputGradient();                         // ∂S/∂x, [B, ...input shape]
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "backend/backend.h"
#include "blocks/block.h"
#include "io/safetensors.h"
#include "spec/analysis.h"
#include "spec/network_spec.h"

namespace gradlab {

LossKind parseLossKind(const std::string& name);  // throws Error listing the valid names

// Whether compiling needs a loss that fits: training does; a forward pass (gradlab-cli
// forward) runs a network whose only problems are about its loss (Analysis::runsWithoutLoss).
enum class LossUse { Required, Optional };

class Network {
 public:
  // Throws Error listing every problem when the spec is not valid (see analyze()); with
  // LossUse::Optional, problems about the loss alone are allowed (hasLoss() is then false).
  Network(const NetworkSpec& spec, Backend& backend, DType dtype, uint64_t seed,
          LossUse lossUse = LossUse::Required);
  ~Network();

  // Re-draws every parameter from its initialiser with this seed.
  void initialize(uint64_t seed);

  // Runs every block on x ([B, ...input shape]).
  void forward(const Tensor& x, bool training);
  // Mean loss of the last forward's loss-block output against target; with withGrad, seeds the
  // backward pass with ∂L/∂output. loss() = computeLoss() + readLoss(): the Trainer computes
  // the loss inside a recorded step (backend.h, StepRecording) and reads it afterwards, once.
  double loss(const Tensor& target, bool withGrad);
  void computeLoss(const Tensor& target, bool withGrad);
  double readLoss();  // the value of the last computeLoss (waits for the device)
  // Back-propagates from the loss block; fills every Param::grad.
  void backward();
  // ∂/∂x: with it on, backward() and backwardFrom() also fill inputGradient() ([B, ...input
  // shape], ∂S/∂x of the last forward's x). Off by default (training does not pay for it).
  // Switching it reallocates the activations at the next forward (layoutVersion changes).
  void setInputGradient(bool on);
  bool inputGradientOn() const { return inputGrad_; }
  const Tensor& inputGradient() const;  // throws Error when it is off or before a backward
  // Back-propagates a given ∂S/∂(output of the loss block) — `seed`, shaped like that output
  // ([B, classes] for a classifier: one-hot rows pick each sample's class score) — instead of
  // the loss's gradient; fills every Param::grad and, when on, inputGradient(). With `block`
  // set, the seed is ∂S/∂(output of that block) instead (a unit's activation, for feature
  // visualisation); blocks after it then get zero gradients. Needs a forward first; throws
  // Error naming a missing block or a seed of the wrong shape.
  void backwardFrom(const Tensor& seed, const std::string& block = {});

  const NetworkSpec& spec() const { return spec_; }
  const Analysis& analysis() const { return analysis_; }
  Backend& backend() const { return be_; }
  DType dtype() const { return dtype_; }
  // False only for a LossUse::Optional network whose loss is missing or does not fit; the
  // loss functions and outputShape() then throw Error saying why.
  bool hasLoss() const { return hasLoss_; }
  LossKind lossKind() const { return lossKind_; }
  const std::string& lossBlock() const { return spec_.loss.block; }
  const Shape& inputShape() const;   // without batch
  const Shape& outputShape() const;  // the loss block's, without batch
  int64_t batch() const { return batch_; }
  // Changes whenever the network reallocates its activations (a new batch size): a recorded
  // step that touched the old ones must not be replayed.
  uint64_t layoutVersion() const { return layoutVersion_; }

  // Output of block `id` from the last forward ([B, ...]); undefined before any forward.
  const Tensor& output(const std::string& id) const;
  // ∂L/∂output of block `id` from the last backward.
  const Tensor& gradient(const std::string& id) const;
  const std::vector<std::unique_ptr<Block>>& blocks() const { return blocks_; }
  Block* block(const std::string& id) const;

  // Every parameter, named "<block id>.<param>" (h1.weight), in block order.
  std::vector<std::pair<std::string, Param*>> params();
  // Weights as host tensors (for safetensors), and back. loadWeights checks every name and
  // shape first and changes nothing when one is wrong; throws Error naming `source`.
  TensorMap weights() const;
  void loadWeights(const TensorMap& tensors, const std::string& source);

 private:
  struct Node;
  void ensureBatch(int64_t batch);
  void requireLoss() const;
  void updateNeedsGrad();
  void backPropagate();  // every block's backward, last to first, from the grads as they are

  NetworkSpec spec_;
  Analysis analysis_;
  Backend& be_;
  DType dtype_;
  LossKind lossKind_ = LossKind::Mse;
  bool hasLoss_ = false;
  std::vector<std::unique_ptr<Block>> blocks_;  // topological order
  std::vector<std::unique_ptr<Node>> nodes_;    // parallel to blocks_
  std::unordered_map<std::string, size_t> index_;
  int64_t batch_ = 0;
  uint64_t layoutVersion_ = 0;
  Tensor lossValue_;
  size_t lossNode_ = 0;
  bool inputGrad_ = false;       // setInputGradient
  bool inputGradReady_ = false;  // a backward ran since the last forward
};

}  // namespace gradlab
