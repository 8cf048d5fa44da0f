#include "network/network.h"

#include <algorithm>
#include <cmath>

#include "blocks/registry.h"
#include "network/required_ops.h"
#include "optim/optimizer.h"
#include "util/error.h"
#include "util/json.h"
#include "util/rng.h"

namespace gradlab {

namespace {
const std::vector<std::string> kLossNames{"mse", "bce", "bce_logits", "cross_entropy"};
}

LossKind parseLossKind(const std::string& name) {
  for (size_t i = 0; i < kLossNames.size(); ++i)
    if (kLossNames[i] == name) return LossKind(i);
  throw Error("unknown loss \"" + name + "\" (use mse, bce, bce_logits or cross_entropy)");
}

// Per block: where its inputs come from, and its activations for the current batch.
struct Network::Node {
  std::vector<size_t> inputs;  // node indices, in edge order
  bool needsGrad = false;      // something upstream (or the block itself) has parameters
  Tensor out, grad;            // [B, ...outShape]
  std::vector<Tensor> ins;     // views of the inputs' outputs
  std::vector<Tensor> dins;    // the inputs' grads, or undefined where none is needed
};

Network::Network(const NetworkSpec& spec, Backend& backend, DType dtype, uint64_t seed,
                 LossUse lossUse)
    : spec_(spec), analysis_(analyze(spec)), be_(backend), dtype_(dtype) {
  if (!analysis_.ok() && !(lossUse == LossUse::Optional && analysis_.runsWithoutLoss()))
    throw Error("the network has " + std::to_string(analysis_.problems.size()) +
                (analysis_.problems.size() == 1 ? " problem:\n" : " problems:\n") +
                describe(analysis_.problems));
  if (!be_.supports(dtype))
    throw Error("the " + be_.name() + " backend does not support " + toString(dtype) +
                " tensors — use f32, or the cpu backend");
  requireOps(spec_, analysis_, be_, dtype_);  // a backend lacking an op a block needs: refused
  hasLoss_ = analysis_.ok();
  if (hasLoss_) lossKind_ = parseLossKind(spec_.loss.type);

  std::map<std::string, const BlockSpec*> byId;
  for (const auto& b : spec_.blocks) byId.emplace(b.id, &b);
  for (const auto& id : analysis_.order) {
    index_[id] = blocks_.size();
    const BlockSpec& bs = *byId.at(id);
    const BlockInfo& info = *findBlockType(bs.type);
    BlockArgs args{bs, analysis_.inShapes.at(id), analysis_.outShapes.at(id), be_, dtype_,
                   seed ^ (0x9e3779b97f4a7c15ULL * (blocks_.size() + 1))};
    auto block = createBlock(info, args);
    auto node = std::make_unique<Node>();
    if (auto in = analysis_.inputs.find(id); in != analysis_.inputs.end())
      for (const auto& from : in->second) node->inputs.push_back(index_.at(from));
    blocks_.push_back(std::move(block));
    nodes_.push_back(std::move(node));
  }
  updateNeedsGrad();
  if (hasLoss_) lossNode_ = index_.at(spec_.loss.block);
  lossValue_ = be_.zeros({1}, dtype_);
  initialize(seed);
}

Network::~Network() = default;

// A node needs a gradient when it or something upstream has parameters — or, with the input
// gradient on, when the input block is upstream (the input node then holds ∂S/∂x).
void Network::updateNeedsGrad() {
  for (size_t i = 0; i < blocks_.size(); ++i) {
    Node& n = *nodes_[i];
    bool upstream = inputGrad_ && blocks_[i]->id() == analysis_.inputBlock;
    for (size_t j : n.inputs) upstream = upstream || nodes_[j]->needsGrad;
    n.needsGrad = upstream || !blocks_[i]->params().empty();
  }
}

void Network::setInputGradient(bool on) {
  if (on == inputGrad_) return;
  inputGrad_ = on;
  inputGradReady_ = false;
  updateNeedsGrad();
  batch_ = 0;  // the next forward reallocates the grads (ensureBatch)
  ++layoutVersion_;  // and a recorded step (trainer.cpp) is recorded anew
}

const Tensor& Network::inputGradient() const {
  if (!inputGrad_)
    throw Error("the input gradient is off — call setInputGradient(true) before the forward");
  if (!inputGradReady_)
    throw Error("no input gradient yet — run forward() and then backward() or backwardFrom()");
  return nodes_[index_.at(analysis_.inputBlock)]->grad;
}

void Network::initialize(uint64_t seed) {
  Rng rng(seed);
  for (auto& b : blocks_)
    for (auto& p : b->params()) initParam(p, rng);
}

const Shape& Network::inputShape() const { return analysis_.outShapes.at(analysis_.inputBlock); }
const Shape& Network::outputShape() const {
  requireLoss();
  return analysis_.outShapes.at(spec_.loss.block);
}

void Network::requireLoss() const {
  if (!hasLoss_)
    throw Error("the network's loss is missing or does not fit, so it can run forward but not "
                "compute a loss or train:\n" +
                describe(analysis_.problems));
}

void Network::ensureBatch(int64_t batch) {
  if (batch == batch_) return;
  ++layoutVersion_;
  for (size_t i = 0; i < blocks_.size(); ++i) {
    Node& n = *nodes_[i];
    n.out = be_.empty(withBatch(batch, blocks_[i]->outShape()), dtype_);
    n.grad = n.needsGrad ? be_.zeros(n.out.shape(), dtype_) : Tensor();
    blocks_[i]->resize(batch);
  }
  for (auto& n : nodes_) {
    n->ins.clear();
    n->dins.clear();
    for (size_t j : n->inputs) {
      n->ins.push_back(nodes_[j]->out);
      n->dins.push_back(nodes_[j]->needsGrad ? nodes_[j]->grad : Tensor());
    }
  }
  batch_ = batch;
}

void Network::forward(const Tensor& x, bool training) {
  const Shape& want = inputShape();
  Shape got(x.shape().begin() + std::min<ptrdiff_t>(1, x.rank()), x.shape().end());
  if (x.rank() < 1 || got != want)
    throw Error("the input block \"" + analysis_.inputBlock + "\" expects samples of shape " +
                toString(want) + ", got " + toString(got) +
                " — set the Input block's shape to the data's");
  ensureBatch(x.dim(0));
  inputGradReady_ = false;
  for (size_t i = 0; i < blocks_.size(); ++i) {
    Node& n = *nodes_[i];
    if (n.inputs.empty()) {
      Tensor in[1] = {x};
      blocks_[i]->forward(in, n.out, training);
    } else {
      blocks_[i]->forward(n.ins, n.out, training);
    }
  }
}

double Network::loss(const Tensor& target, bool withGrad) {
  computeLoss(target, withGrad);
  return readLoss();
}

// The loss block's output [B, ...] is seen as a matrix for the backend's loss (a view, no
// copy): mse, bce, bce_logits as [B, all values] (the mean runs over every element, so the
// grouping does not matter); cross_entropy as [B·T, classes] for a [B, T, classes] output
// (T = 1 for [B, classes]), the target as B·T class indices — the mean over batch and time.
namespace {
// x as a tensor of `shape`: x itself when it has that shape, else a view of it kept in `view`.
template <class T>
T& viewAs(T& x, std::initializer_list<int64_t> shape, Tensor& view) {
  if (std::equal(x.shape().begin(), x.shape().end(), shape.begin(), shape.end())) return x;
  view = x.reshaped(Shape(shape));
  return view;
}
}  // namespace

void Network::computeLoss(const Tensor& target, bool withGrad) {
  requireLoss();
  Node& n = *nodes_[lossNode_];
  const Shape& s = outputShape();
  const int64_t values = n.out.numel();
  const int64_t cols = lossKind_ == LossKind::CrossEntropy ? s.back() : numel(s);
  const int64_t rows = values / cols;
  const int64_t wantTargets = lossKind_ == LossKind::CrossEntropy ? rows : values;
  if (target.numel() != wantTargets)
    throw Error("the " + spec_.loss.type + " loss on block \"" +
                spec_.loss.block + "\" (output " + toString(n.out.shape()) + ") needs " +
                std::to_string(wantTargets) +
                (lossKind_ == LossKind::CrossEntropy ? " class indices" : " target values") +
                ", got a target of shape " + toString(target.shape()) +
                " — give one target per output" +
                (lossKind_ == LossKind::CrossEntropy ? " row (one class per sample or time step)"
                                                    : " value"));
  // The loss op reads [rows, cols]: views where a tensor has another shape (a [C, H, W] or
  // [T, classes] output), the tensors themselves where it has it already (the usual [batch, k]:
  // no view to make at every step).
  Tensor predView, targetView, gradView;
  const Tensor& pred = viewAs(n.out, {rows, cols}, predView);
  const Tensor& t = lossKind_ == LossKind::CrossEntropy ? viewAs(target, {rows}, targetView)
                                                        : viewAs(target, {rows, cols}, targetView);
  be_.loss(lossKind_, pred, t, lossValue_,
           withGrad && n.needsGrad ? &viewAs(n.grad, {rows, cols}, gradView) : nullptr);
}

double Network::readLoss() {
  requireLoss();
  return be_.readScalar(lossValue_);
}

void Network::backward() {
  requireLoss();
  for (size_t i = 0; i < nodes_.size(); ++i)
    if (i != lossNode_ && nodes_[i]->needsGrad) be_.fill(nodes_[i]->grad, 0.0);
  backPropagate();
}

// The input block passes x through unchanged, so its node's grad — what the blocks reading x
// added into it — is ∂S/∂x itself.
void Network::backPropagate() {
  for (size_t i = blocks_.size(); i-- > 0;) {
    Node& n = *nodes_[i];
    if (!n.needsGrad || n.inputs.empty()) continue;
    blocks_[i]->backward(n.ins, n.out, n.grad, n.dins);
  }
  inputGradReady_ = inputGrad_;
}

void Network::backwardFrom(const Tensor& seed, const std::string& block) {
  size_t at = 0;
  if (block.empty()) {
    requireLoss();
    at = lossNode_;
  } else {
    auto it = index_.find(block);
    if (it == index_.end())
      throw Error("no block \"" + block + "\" in the network to seed the backward at");
    at = it->second;
  }
  if (batch_ == 0) throw Error("backwardFrom needs a forward pass first");
  const Shape want = withBatch(batch_, blocks_[at]->outShape());
  if (seed.shape() != want)
    throw Error("the gradient seed for block \"" + blocks_[at]->id() +
                "\" must have its output's shape " + toString(want) + ", got " +
                toString(seed.shape()));
  for (auto& n : nodes_)
    if (n->needsGrad) be_.fill(n->grad, 0.0);
  Node& n = *nodes_[at];
  if (n.needsGrad) {
    if (&seed.backend() == &be_ && seed.dtype() == dtype_)
      be_.copy(seed, n.grad);
    else
      n.grad.fromHost(std::span<const float>(seed.toHostF32()));
  }
  backPropagate();
}

Block* Network::block(const std::string& id) const {
  auto it = index_.find(id);
  return it == index_.end() ? nullptr : blocks_[it->second].get();
}

const Tensor& Network::output(const std::string& id) const {
  auto it = index_.find(id);
  if (it == index_.end()) throw Error("no block \"" + id + "\" in the network");
  return nodes_[it->second]->out;
}

const Tensor& Network::gradient(const std::string& id) const {
  auto it = index_.find(id);
  if (it == index_.end()) throw Error("no block \"" + id + "\" in the network");
  return nodes_[it->second]->grad;
}

std::vector<std::pair<std::string, Param*>> Network::params() {
  std::vector<std::pair<std::string, Param*>> out;
  for (auto& b : blocks_)
    for (auto& p : b->params()) out.emplace_back(b->id() + "." + p.decl.name, &p);
  return out;
}

TensorMap Network::weights() const {
  TensorMap out;
  for (const auto& b : blocks_)
    for (const auto& p : b->params())
      out[b->id() + "." + p.decl.name] = HostTensor{p.decl.shape, dtype_, p.value.toHost()};
  return out;
}

void Network::loadWeights(const TensorMap& tensors, const std::string& source) {
  std::string problems, nonFinite;
  for (const auto& b : blocks_)
    for (const auto& p : b->params()) {
      const std::string name = b->id() + "." + p.decl.name;
      auto it = tensors.find(name);
      if (it == tensors.end())
        problems += "  has no tensor \"" + name + "\" (the network needs " +
                    toString(p.decl.shape) + ")\n";
      else if (it->second.shape != p.decl.shape)
        problems += "  tensor \"" + name + "\" is " + toString(it->second.shape) +
                    ", the network needs " + toString(p.decl.shape) + "\n";
      else if (const auto bad = std::count_if(it->second.values.begin(), it->second.values.end(),
                                              [](double v) { return !std::isfinite(v); }))
        // Weights of a run that diverged: training from them would only give NaN again.
        nonFinite += "  tensor \"" + name + "\" holds " + std::to_string(bad) +
                     " NaN or infinite value" + (bad == 1 ? "" : "s") + "\n";
    }
  // The file's own names: quoted safely, and at most a few of them (a hostile file may hold
  // a hundred thousand).
  constexpr int kNamed = 8;
  int unknown = 0;
  for (const auto& [name, t] : tensors) {
    const auto dot = name.rfind('.');
    const Block* b = dot == std::string::npos ? nullptr : block(name.substr(0, dot));
    bool known = false;
    if (b)
      for (const auto& p : b->params()) known = known || p.decl.name == name.substr(dot + 1);
    if (!known && ++unknown <= kNamed)
      problems += "  tensor " + quotedName(name) + " matches no parameter of this network\n";
  }
  if (unknown > kNamed)
    problems += "  and " + std::to_string(unknown - kNamed) + " more tensors that match no parameter\n";
  if (!problems.empty())
    throw Error(source + ": the weights do not fit this network:\n" + problems +
                "(were they saved from another network?)");
  if (!nonFinite.empty())
    throw Error(source + ": the weights are not all finite numbers:\n" + nonFinite +
                "(saved from a run that diverged?) Start from fresh weights instead.");
  for (auto& b : blocks_)
    for (auto& p : b->params())
      p.value.fromHost(std::span<const double>(tensors.at(b->id() + "." + p.decl.name).values));
}

}  // namespace gradlab
