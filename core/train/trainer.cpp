#include "train/trainer.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>

#include "backend/device_error.h"
#include "train/readout.h"
#include "util/error.h"

namespace gradlab {

Trainer::Trainer(const NetworkSpec& spec, Split data, TrainConfig config, Backend& backend,
                 DType dtype)
    : Trainer(spec, std::make_shared<const Split>(std::move(data)), std::move(config), backend,
              dtype) {}

Trainer::Trainer(const NetworkSpec& spec, std::shared_ptr<const Split> data, TrainConfig config,
                 Backend& backend, DType dtype)
    : spec_(spec), source_(std::move(data)), data_(source_), config_(std::move(config)),
      be_(backend), dtype_(dtype) {
  if (!data_) throw Error("no data loaded yet — choose a dataset");
  if (data_->train.size() == 0) throw Error("the training set is empty — choose a dataset with samples");
  net_ = std::make_unique<Network>(spec_, be_, dtype_, config_.seed);
  checkDataFits(data_->train, "training data");
  if (data_->test.size() > 0) checkDataFits(data_->test, "test data");
  const OptimKind kind = parseOptimKind(config_.optimizer);
  opt_ = std::make_unique<Optimizer>(kind, defaultHyper(kind), be_);
  const TrainConfig wanted = config_;
  config_.randomLabels = false;  // so that setConfig makes the relabelled copy if asked for
  setConfig(wanted);
  reset();
}

Trainer::~Trainer() = default;

// The loss block's output may have any shape (spec/analysis.h). Classes: cross_entropy reads
// the last extent as the classes and wants one class index per row before it — one per sample
// for [classes], one per step (yShape {T}) for [T, classes]. Numeric targets: as many values
// per sample as the output has (a [1, 28, 28] output takes [1, 28, 28] or [784] targets).
void Trainer::checkDataFits(const Dataset& d, const std::string& what) const {
  const Shape& in = net_->inputShape();
  if (d.xShape != in)
    throw Error("the " + what + " has samples of shape " + toString(d.xShape) +
                " but the Input block \"" + net_->analysis().inputBlock + "\" expects " +
                toString(in) + " — set the Input block's shape to " + toString(d.xShape));
  const Shape& outShape = net_->outputShape();
  const int64_t width = numel(outShape);
  const std::string out = "the loss block \"" + net_->lossBlock() + "\"";
  // An output as large as a sample, on targets that are not the samples: an autoencoder.
  const std::string autoencoder =
      width == d.xStride() && width > 1
          ? "; for an autoencoder, make the targets the inputs (gradlab-cli train "
            "--reconstruct; in the window, the data panel)"
          : "";
  if (d.isClassification()) {
    const bool ce = net_->lossKind() == LossKind::CrossEntropy;
    const int64_t perSample = d.yStride();  // classes per sample: 1, or T (one per step)
    if (ce) {
      const int64_t classes = outShape.back(), rows = width / classes;
      if (classes != d.numClasses)
        throw Error("the " + what + " has " + std::to_string(d.numClasses) + " classes but " +
                    out + " has " + std::to_string(classes) + " outputs" +
                    (rows > 1 ? " per step" : "") + " — give it " +
                    std::to_string(d.numClasses) + " units");
      if (rows != perSample)
        throw Error("the " + what + " has " +
                    (perSample == 1 ? std::string("one class per sample")
                                    : std::to_string(perSample) + " classes per sample (one per step)") +
                    " but " + out + " gives " + toString(outShape) +
                    " — make it " +
                    toString(perSample == 1 ? Shape{d.numClasses} : Shape{perSample, d.numClasses}) +
                    " (one row of class scores per target)");
      return;
    }
    if (perSample != 1)
      throw Error("the " + what + " has " + std::to_string(perSample) +
                  " classes per sample (one per step); use the cross_entropy loss on a " +
                  toString({perSample, d.numClasses}) + " output");
    if (width != 1 && width != d.numClasses)
      throw Error("the " + what + " has " + std::to_string(d.numClasses) + " classes but " + out +
                  " has " + std::to_string(width) + " outputs — give it 1 unit (two classes) or " +
                  std::to_string(d.numClasses) + " (one per class)" + autoencoder);
    if (width == 1 && d.numClasses > 2)
      throw Error("the " + what + " has " + std::to_string(d.numClasses) + " classes but " + out +
                  " has 1 output — give it " + std::to_string(d.numClasses) +
                  " units and use the cross_entropy loss");
  } else {
    if (net_->lossKind() == LossKind::CrossEntropy)
      throw Error("the " + what + " has numeric targets (regression) but the loss is "
                  "cross_entropy, which needs class labels — use mse");
    // "784 (1×28×28)": a count, with the shape where it is not flat
    auto count = [](const Shape& shape) {
      return std::to_string(numel(shape)) + (shape.size() > 1 ? " (" + toString(shape) + ")" : "");
    };
    if (d.yStride() != width)
      throw Error("the " + what + " has " + count(d.yShape) + " target values per sample but " +
                  out + " gives " + count(outShape) + " — " +
                  (d.yShape.size() <= 1 && outShape.size() == 1
                       ? "give it " + std::to_string(d.yStride()) + " units"
                       : "make its output " + toString(d.yShape) + " (Reshape does that)") +
                  autoencoder);
    // Binary cross-entropy reads each target as a probability (issue 16: targets of 1001 or
    // −1 trained quietly into a meaningless loss).
    const LossKind loss = net_->lossKind();
    if (loss == LossKind::Bce || loss == LossKind::BceLogits)
      for (size_t i = 0; i < d.y.size(); ++i)
        if (!(d.y[i] >= 0 && d.y[i] <= 1)) {
          char value[32];
          std::snprintf(value, sizeof value, "%g", double(d.y[i]));
          throw Error("the " + what + " has the target " + value + " (sample " +
                      std::to_string(int64_t(i) / std::max<int64_t>(1, d.yStride())) +
                      ") but binary cross-entropy needs targets in [0, 1] — scale the targets "
                      "to [0, 1], or use the mse loss");
        }
  }
}

// Zhang et al. 2017 ("Understanding deep learning requires rethinking generalization"): every
// training label replaced by a class drawn uniformly from the seed, the test labels kept. A
// network that fits these has memorised; its test accuracy stays at chance (1 / classes).
static std::shared_ptr<const Split> randomlyRelabelled(const Split& data, uint64_t seed) {
  if (!data.train.isClassification())
    throw Error("random labels need a classification dataset (class labels to replace), but " +
                (data.train.name.empty() ? std::string("this data") : "\"" + data.train.name + "\"") +
                " has numeric targets (regression) — turn random labels off or choose a dataset "
                "with classes");
  auto copy = std::make_shared<Split>(data);
  Rng rng(seed ^ 0x7a4a9b1eULL);  // a stream of its own: not the weights', not the shuffling's
  const auto classes = uint64_t(copy->train.numClasses);
  for (float& y : copy->train.y) y = float(rng.below(classes));
  return copy;
}

void Trainer::setConfig(const TrainConfig& config) {
  if (config.batch < 1) throw Error("the batch size must be at least 1");
  // Checked (and the copy made) before anything changes, so that a refused config changes nothing.
  std::shared_ptr<const Split> data = data_;
  if (config.randomLabels != config_.randomLabels ||
      (config.randomLabels && config.seed != config_.seed))
    data = config.randomLabels ? randomlyRelabelled(*source_, config.seed) : source_;
  const OptimKind kind = parseOptimKind(config.optimizer);
  if (kind != opt_->kind() || config.optimizer != config_.optimizer) {
    opt_->setKind(kind);
    opt_->resetState(net_->params());
  }
  OptimHyper h = defaultHyper(kind);
  if (config.lr) {
    if (!(*config.lr > 0) || !std::isfinite(*config.lr))
      throw Error("the learning rate must be a positive number");
    h.lr = *config.lr;
  }
  opt_->setHyper(h);
  if (config.l1 < 0 || config.l2 < 0) throw Error("penalties must be 0 or more");
  opt_->setPenalties(config.l1, config.l2);
  opt_->setClipNorm(config.clipNorm);
  config_ = config;
  data_ = std::move(data);
}

void Trainer::reset() {
  net_ = std::make_unique<Network>(spec_, be_, dtype_, config_.seed);
  opt_->resetState(net_->params());
  shuffleRng_.reseed(config_.seed ^ 0x5eedULL);
  order_.resize(size_t(data_->train.size()));
  std::iota(order_.begin(), order_.end(), 0);
  cursor_ = 0;
  steps_ = 0;
  samplesSeen_ = 0;
  recording_.reset();  // it touched the old network's tensors
  replayable_ = false;
  x_ = y_ = Tensor();
}

int64_t Trainer::stepsPerEpoch() const {
  const int64_t b = std::min<int64_t>(config_.batch, data_->train.size());
  return (data_->train.size() + b - 1) / b;
}

double Trainer::epochs() const { return double(samplesSeen_) / double(data_->train.size()); }

// Fisher–Yates with our own generator (identical on every platform).
static void shuffle(std::vector<int64_t>& v, Rng& rng) {
  for (size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[rng.below(i)]);
}

void Trainer::nextBatch() {
  const int64_t n = data_->train.size();
  const int64_t b = std::min<int64_t>(config_.batch, n);
  std::vector<int64_t> idx(static_cast<size_t>(b));
  for (auto& i : idx) {
    if (cursor_ == 0 && config_.shuffle) shuffle(order_, shuffleRng_);
    i = order_[size_t(cursor_)];
    cursor_ = (cursor_ + 1) % n;
  }
  batchData_ = data_->train.subset(idx);
  // Into the same tensors as the last step where the shapes allow, so that a recorded step
  // (which captured their addresses) can be replayed.
  const Shape xShape = withBatch(b, batchData_.xShape);
  std::vector<float> t;
  Shape yShape;
  targetValues(batchData_, 0, b, t, yShape);
  if (!x_.defined() || x_.shape() != xShape || !y_.defined() || y_.shape() != yShape) {
    x_ = be_.empty(xShape, dtype_);
    y_ = be_.empty(yShape, dtype_);
    ++batchVersion_;
  }
  x_.fromHost(std::span<const float>(batchData_.x.data(), size_t(b * batchData_.xStride())));
  y_.fromHost(std::span<const float>(t));
  samplesSeen_ += b;
}

Tensor Trainer::makeInput(const Dataset& d, int64_t begin, int64_t count) const {
  Tensor x = be_.empty(withBatch(count, d.xShape), dtype_);
  x.fromHost(std::span<const float>(d.x.data() + begin * d.xStride(), size_t(count * d.xStride())));
  return x;
}

Tensor Trainer::makeTarget(const Dataset& d, int64_t begin, int64_t count) const {
  std::vector<float> t;
  Shape shape;
  targetValues(d, begin, count, t, shape);
  Tensor y = be_.empty(shape, dtype_);
  y.fromHost(std::span<const float>(t));
  return y;
}

void Trainer::targetValues(const Dataset& d, int64_t begin, int64_t count, std::vector<float>& t,
                           Shape& shape) const {
  const int64_t width = numel(net_->outputShape());
  if (d.isClassification() && net_->lossKind() == LossKind::CrossEntropy) {
    // one class index per sample ([count]) or per step ([count, T])
    const int64_t perSample = d.yStride();
    t.assign(d.y.begin() + begin * perSample, d.y.begin() + (begin + count) * perSample);
    shape = perSample == 1 ? Shape{count} : Shape{count, perSample};
  } else if (d.isClassification() && width > 1) {  // one-hot, e.g. for mse on classes
    t.assign(size_t(count * width), 0.f);
    for (int64_t i = 0; i < count; ++i) t[size_t(i * width + int64_t(d.y[size_t(begin + i)]))] = 1.f;
    shape = {count, width};
  } else {
    t.assign(d.y.begin() + begin * d.yStride(), d.y.begin() + (begin + count) * d.yStride());
    shape = {count, width};
  }
}

StepResult Trainer::step() {
  nextBatch();
  forwardBackward();
  StepResult r;
  r.loss = net_->readLoss();  // the step's one wait for the device
  r.finite = std::isfinite(r.loss);
  if (r.finite) opt_->update(net_->params());  // else the gradients are not used
  r.step = ++steps_;
  return r;
}

// Forward, loss and backward of the current batch: recorded, then replayed while nothing
// changes, where the backend records (backend.h, StepRecording); plain calls elsewhere.
void Trainer::forwardBackward() {
  auto run = [this] {
    net_->forward(x_, /*training=*/true);
    net_->computeLoss(y_, /*withGrad=*/true);
    net_->backward();
  };
  if (recordSteps_ && !recording_) {
    recording_ = be_.newRecording();
    recordSteps_ = recording_ != nullptr;
  }
  if (!recording_) return run();
  auto layout = [this] { return net_->layoutVersion() * 0x9e3779b97f4a7c15ULL + batchVersion_; };
  if (replayable_ && layout() == recordedLayout_) return recording_->replay();
  if (layout() != warmLayout_) {
    // The first step with these tensors runs as plain calls: kernels load, and plans and
    // workspaces are made, outside any recording. Recording starts with the next step.
    replayable_ = false;
    run();
    warmLayout_ = layout();
    return;
  }
  try {
    recording_->begin();
    run();
    replayable_ = recording_->end();
    recordedLayout_ = layout();
    return;
  } catch (const DeviceError&) {
    // Recording failed on this device (say, an op its graphs cannot capture): record no more,
    // and run the step as plain calls. A real device failure fails again there and propagates.
    recording_->cancel();
    recording_.reset();
    recordSteps_ = replayable_ = false;
  } catch (...) {
    recording_->cancel();
    replayable_ = false;
    throw;
  }
  run();
}

Metrics Trainer::evaluate(const Dataset& d, int64_t limit) {
  Metrics m;
  const int64_t n = limit > 0 ? std::min(limit, d.size()) : d.size();
  m.samples = n;
  if (n == 0) return m;
  const int64_t chunk = 256;
  const Readout readout(*net_);
  double lossSum = 0;
  int64_t correct = 0;
  for (int64_t begin = 0; begin < n; begin += chunk) {
    const int64_t count = std::min(chunk, n - begin);
    net_->forward(makeInput(d, begin, count), /*training=*/false);
    lossSum += net_->loss(makeTarget(d, begin, count), /*withGrad=*/false) * double(count);
    if (!d.isClassification()) continue;
    // One row of class scores per target: per sample, or per step with [T, classes] outputs.
    const std::vector<double> out = net_->output(net_->lossBlock()).toHost();
    const int64_t perSample = readout.rowsPerSample;
    for (int64_t i = 0; i < count * perSample; ++i)
      correct += readout.predicted(out.data() + i * readout.k) ==
                 int64_t(d.y[size_t(begin * perSample + i)]);
  }
  m.loss = lossSum / double(n);
  if (d.isClassification()) m.accuracy = double(correct) / double(n * d.yStride());
  return m;
}

}  // namespace gradlab
