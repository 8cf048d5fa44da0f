#include "train/session.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "backend/device_error.h"
#include "util/error.h"

namespace gradlab {

using Clock = std::chrono::steady_clock;

namespace {
double seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

// "0.03" rather than "0.030000".
std::string number(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", x);
  return buf;
}

constexpr size_t kMaxMetricPoints = 4000;
constexpr int kNeuronMapsPerBlock = 16;
constexpr int kMaxMisses = 48;
constexpr size_t kMaxGradientHistory = 2000;  // points per layer the gradient history keeps
constexpr int64_t kMaxPictureWeights = 1 << 16;  // the Inside view shows weights up to this size
constexpr int kLandscapeGrid = 25;         // losses per side of the landscape
constexpr int64_t kLandscapeSamples = 256;  // the training samples the landscape is measured on
}  // namespace

TrainingSession::TrainingSession(Backend& backend, DType dtype)
    : snapshot_(std::make_shared<Snapshot>()), be_(&backend), dtype_(dtype) {
  worker_ = std::thread([this] { run(); });
}

TrainingSession::~TrainingSession() {
  {
    std::lock_guard lk(mu_);
    quit_ = true;
  }
  cv_.notify_all();
  worker_.join();
}

void TrainingSession::post(std::function<void()> command) {
  {
    std::lock_guard lk(mu_);
    queue_.push_back(std::move(command));
  }
  cv_.notify_all();
}

std::shared_ptr<const Snapshot> TrainingSession::snapshot() const {
  std::lock_guard lk(mu_);
  return snapshot_;
}

// --- commands ------------------------------------------------------------------------------

void TrainingSession::setNetwork(const NetworkSpec& spec) {
  post([this, spec] {
    spec_ = spec;
    haveSpec_ = true;
    rebuild();
  });
}

void TrainingSession::setData(std::shared_ptr<const Split> data) {
  post([this, data] {
    data_ = data;
    dataRange();
    rebuild();
  });
}

void TrainingSession::setBackend(Backend& backend) {
  post([this, &backend] {
    be_ = &backend;
    rebuild();
  });
}

void TrainingSession::setConfig(const TrainConfig& config) {
  post([this, config] {
    const bool seedChanged = config.seed != config_.seed;
    config_ = config;
    if (!trainer_) return;
    try {
      trainer_->setConfig(config_);
      if (seedChanged && trainer_->steps() == 0) trainer_->reset();
      message_.clear();
    } catch (const std::exception& e) {
      message_ = e.what();
      running_ = false;
    }
    probesStale_ = true;
    stateChanged_ = true;
  });
}

void TrainingSession::play() {
  post([this] {
    if (!trainer_) return;
    running_ = true;
    message_.clear();
    nextStep_ = Clock::now();
    stateChanged_ = true;
  });
}

void TrainingSession::pause() {
  post([this] {
    running_ = false;
    pendingSteps_ = 0;
    stateChanged_ = true;
  });
}

void TrainingSession::step(int64_t batches) {
  post([this, batches] {
    if (!trainer_) return;
    running_ = false;
    pendingSteps_ += std::max<int64_t>(0, batches);
    stateChanged_ = true;
  });
}

void TrainingSession::stepEpoch() {
  post([this] {
    if (!trainer_) return;
    running_ = false;
    pendingSteps_ += std::max<int64_t>(1, trainer_->stepsPerEpoch());
    stateChanged_ = true;
  });
}

void TrainingSession::reset() {
  post([this] {
    running_ = false;
    pendingSteps_ = 0;
    message_.clear();
    if (!trainer_) {
      rebuild();
      return;
    }
    try {
      trainer_->setConfig(config_);
      trainer_->reset();
    } catch (const std::exception& e) {
      message_ = e.what();
    }
    startPath();
    metrics_.clear();
    gradients_.reset();
    gradHistory_.clear();
    signalStep_ = -1;
    stepsAtEval_ = stepsAtProbe_ = -1;
    evalSampled_ = false;
    probesStale_ = true;
    lastLoss_ = 0;
    stateChanged_ = true;
  });
}

void TrainingSession::setSpeed(double stepsPerSecond) {
  post([this, stepsPerSecond] {
    speed_ = stepsPerSecond > 0 ? stepsPerSecond : 0;
    nextStep_ = Clock::now();
  });
}

void TrainingSession::setProbes(const ProbeRequest& request) {
  post([this, request] {
    if (request == probes_) return;
    probes_ = request;
    if (!probes_.boundary) boundary_.reset();
    if (!probes_.fit) fit_.reset();
    if (!probes_.confusion) confusion_.reset();
    if (!probes_.gradients) gradients_.reset();
    if (probes_.inside.empty()) inside_.reset();
    if (!probes_.landscape) landscape_.reset();
    if (!inside_ || inside_->block != probes_.inside) trainingInternals_.clear();
    probesStale_ = true;
  });
}

void TrainingSession::race(int64_t steps) {
  post([this, steps] {
    if (!trainer_) return;
    running_ = false;
    pendingSteps_ = 0;
    stateChanged_ = true;
    try {
      Network& net = trainer_->network();
      if (trainableCount(net) > LandscapeTracker::kMaxWeights)
        throw Error("the race is drawn for networks of up to " +
                    std::to_string(LandscapeTracker::kMaxWeights) + " weights; this one has " +
                    std::to_string(trainableCount(net)) + ".");
      const Dataset& d = trainer_->data().train;
      const int64_t n = std::min<int64_t>(kLandscapeSamples, d.size());
      if (n == 0) throw Error("there are no training samples.");
      race_ = std::make_shared<const RaceProbe>(raceOptimizers(
          spec_, trainer_->data(), config_, *be_, dtype_, net.weights(), trainer_->steps(), steps,
          trainer_->makeInput(d, 0, n), trainer_->makeTarget(d, 0, n), kLandscapeGrid));
      message_.clear();
    } catch (const std::exception& e) {
      race_.reset();
      message_ = std::string("The optimizer race could not run: ") + e.what();
    }
  });
}

void TrainingSession::loadWeights(TensorMap weights, std::string source) {
  post([this, w = std::move(weights), source]() mutable {
    pendingWeights_.emplace(std::move(w), source);
    if (!trainer_) return;
    try {
      trainer_->network().loadWeights(pendingWeights_->first, pendingWeights_->second);
    } catch (const std::exception& e) {
      message_ = e.what();
    }
    pendingWeights_.reset();
    gradients_.reset();
    gradHistory_.clear();
    startPath();
    probesStale_ = true;
    stepsAtEval_ = -1;
    stateChanged_ = true;
  });
}

std::future<TensorMap> TrainingSession::weights() {
  auto promise = std::make_shared<std::promise<TensorMap>>();
  auto future = promise->get_future();
  post([this, promise] {
    try {
      promise->set_value(trainer_ ? trainer_->network().weights() : TensorMap{});
    } catch (...) {
      promise->set_exception(std::current_exception());
    }
  });
  return future;
}

bool TrainingSession::sync(int timeoutMs) {
  auto promise = std::make_shared<std::promise<void>>();
  auto future = promise->get_future();
  post([this, promise] {
    if (trainer_ && (stepsAtEval_ != trainer_->steps() || evalSampled_)) evaluateMetrics(false);
    if (trainer_ && (probesStale_ || stepsAtProbe_ != trainer_->steps())) computeProbes();
    publish();
    promise->set_value();
  });
  return future.wait_for(std::chrono::milliseconds(timeoutMs)) == std::future_status::ready;
}

// --- worker --------------------------------------------------------------------------------

void TrainingSession::rebuild() {
  trainer_.reset();
  running_ = false;
  pendingSteps_ = 0;
  metrics_.clear();
  boundary_.reset();
  fit_.reset();
  confusion_.reset();
  gradients_.reset();
  gradHistory_.clear();
  signalStep_ = -1;
  inside_.reset();
  trainingInternals_.clear();
  path_.clear();
  landscape_.reset();
  race_.reset();
  error_.clear();
  message_.clear();
  stepsAtEval_ = stepsAtProbe_ = -1;
  evalSampled_ = false;
  probesStale_ = true;
  lastLoss_ = 0;
  stateChanged_ = true;
  if (!haveSpec_ || !data_) {
    error_ = !data_ ? "No data loaded yet." : "No network yet.";
    return;
  }
  try {
    trainer_ = std::make_unique<Trainer>(spec_, *data_, config_, *be_, dtype_);
  } catch (const std::exception& e) {
    error_ = e.what();
    trainer_.reset();
    return;
  }
  if (pendingWeights_) {
    try {
      trainer_->network().loadWeights(pendingWeights_->first, pendingWeights_->second);
    } catch (const std::exception& e) {
      message_ = e.what();
    }
    pendingWeights_.reset();
  }
  keeper_ = WeightKeeper(2.0);
  startPath();
  rateT0_ = Clock::now();
  rateSteps0_ = 0;
}

bool TrainingSession::landscapeBehind() const {
  return probes_.landscape && trainer_ && (!landscape_ || landscape_->step != trainer_->steps());
}

void TrainingSession::startPath() {
  path_.clear();
  landscape_.reset();
  race_.reset();
  if (!trainer_) return;
  try {
    path_.record(trainer_->network(), trainer_->steps());
  } catch (const std::exception& e) {
    message_ = e.what();
  }
}

void TrainingSession::dataRange() {
  rangeX0_ = rangeY0_ = -1;
  rangeX1_ = rangeY1_ = 1;
  if (!data_) return;
  double x0 = 1e300, x1 = -1e300, y0 = 1e300, y1 = -1e300;
  for (const Dataset* d : {&data_->train, &data_->test}) {
    const int64_t stride = d->xStride();
    if (stride < 1 || stride > 2) continue;
    for (int64_t i = 0; i < d->size(); ++i) {
      const double a = d->x[size_t(i * stride)];
      x0 = std::min(x0, a), x1 = std::max(x1, a);
      if (stride == 2) {
        const double b = d->x[size_t(i * stride + 1)];
        y0 = std::min(y0, b), y1 = std::max(y1, b);
      }
    }
  }
  if (x1 < x0) return;
  if (y1 < y0) y0 = -1, y1 = 1;
  const double mx = std::max(1e-6, (x1 - x0) * 0.1), my = std::max(1e-6, (y1 - y0) * 0.1);
  rangeX0_ = x0 - mx, rangeX1_ = x1 + mx, rangeY0_ = y0 - my, rangeY1_ = y1 + my;
}

void TrainingSession::doStep() {
  StepResult r;
  try {
    r = trainer_->step();
    if (be_->name() != "cpu") keeper_.maybeKeep(trainer_->network(), trainer_->steps());
  } catch (const DeviceError& e) {
    running_ = false;
    pendingSteps_ = 0;
    message_ = std::string("Training stopped: the GPU failed — ") + e.what() + ".";
    if (!keeper_.empty()) {
      const std::string step = std::to_string(keeper_.step());
      pendingWeights_ = {keeper_.weights(),
                         "the weights of step " + step + " (before the GPU failed)"};
      message_ += " Switch the backend to the CPU to continue from the weights of step " + step +
                  ".";
    } else {
      message_ += " Switch the backend to the CPU to train there.";
    }
    stateChanged_ = true;
    return;
  } catch (const std::exception& e) {
    running_ = false;
    pendingSteps_ = 0;
    message_ = std::string("Training stopped: ") + e.what();
    stateChanged_ = true;
    return;
  }
  lastLoss_ = r.loss;
  if (!r.finite) {
    running_ = false;
    pendingSteps_ = 0;
    const double lr = config_.lr.value_or(defaultHyper(parseOptimKind(config_.optimizer)).lr);
    message_ = std::string("The loss became ") + (std::isnan(r.loss) ? "NaN" : "infinite") +
               " at step " + std::to_string(r.step) + ": the learning rate " + number(lr) +
               " is too large for this network — lower it (try " + number(lr / 100) +
               ") and press Reset.";
    stateChanged_ = true;
  }
}

void TrainingSession::evaluateMetrics(bool live) {
  const auto t0 = Clock::now();
  MetricPoint p;
  p.step = trainer_->steps();
  p.epoch = trainer_->epochs();
  const double nan = std::nan("");
  const Split& data = trainer_->data();
  const int64_t limit = live ? kLiveEvalSamples : 0;
  p.sampled = live && std::max(data.train.size(), data.test.size()) > kLiveEvalSamples;
  try {
    const Metrics train = trainer_->evaluate(data.train, limit);
    p.trainLoss = train.loss;
    p.trainAcc = train.accuracy.value_or(nan);
    if (data.test.size() > 0) {
      const Metrics test = trainer_->evaluate(data.test, limit);
      p.testLoss = test.loss;
      p.testAcc = test.accuracy.value_or(nan);
    } else {
      p.testLoss = p.testAcc = nan;
    }
  } catch (const std::exception& e) {
    message_ = std::string("Could not evaluate: ") + e.what();
    stepsAtEval_ = p.step;  // not again at this step: the worker would spin on it
    evalSampled_ = false;
    lastEval_ = Clock::now();
    return;
  }
  if (!metrics_.empty() && metrics_.back().step == p.step)
    metrics_.back() = p;
  else
    metrics_.push_back(p);
  if (metrics_.size() > kMaxMetricPoints) {  // thin: keep every other point, and the last
    std::vector<MetricPoint> thin;
    thin.reserve(metrics_.size() / 2 + 1);
    for (size_t i = 0; i < metrics_.size(); i += 2) thin.push_back(metrics_[i]);
    if (thin.back().step != metrics_.back().step) thin.push_back(metrics_.back());
    metrics_ = std::move(thin);
  }
  stepsAtEval_ = p.step;
  evalSampled_ = p.sampled;
  lastEval_ = Clock::now();
  evalCost_ = seconds(lastEval_ - t0);
}

namespace {
// Probability of class 1 / class index / raw value from one row of the loss block's output.
struct Reader {
  LossKind kind;
  int64_t k;  // outputs per sample
  float value(const float* row) const {
    if (kind == LossKind::CrossEntropy) {
      if (k == 2) return 1.0f / (1.0f + std::exp(row[0] - row[1]));
      return float(std::max_element(row, row + k) - row);
    }
    if (kind == LossKind::BceLogits && k == 1) return 1.0f / (1.0f + std::exp(-row[0]));
    if (kind == LossKind::Bce && k == 1) return row[0];
    if (k == 1) return row[0];
    return float(std::max_element(row, row + k) - row);
  }
  int predicted(const float* row) const {
    if (k == 1) {
      if (kind == LossKind::BceLogits) return row[0] > 0 ? 1 : 0;
      return row[0] > 0.5f ? 1 : 0;
    }
    return int(std::max_element(row, row + k) - row);
  }
  float confidence(const float* row) const {
    if (k == 1) {
      float p = kind == LossKind::BceLogits ? 1.0f / (1.0f + std::exp(-row[0])) : row[0];
      return p > 0.5f ? p : 1 - p;
    }
    if (kind != LossKind::CrossEntropy) return *std::max_element(row, row + k);
    const float mx = *std::max_element(row, row + k);
    double sum = 0;
    for (int64_t i = 0; i < k; ++i) sum += std::exp(double(row[i] - mx));
    return float(1.0 / sum);
  }
};
}  // namespace

void TrainingSession::computeProbes() {
  const auto t0 = Clock::now();
  double landscapeSeconds = 0;
  stepsAtProbe_ = trainer_->steps();
  probesStale_ = false;
  lastProbe_ = t0;
  Network& net = trainer_->network();
  const Shape& in = net.inputShape();
  const Reader reader{net.lossKind(), numel(net.outputShape())};
  const Split& data = trainer_->data();
  try {
    if (probes_.boundary && in == Shape{2}) {
      const int n = std::clamp(probes_.gridSize, 8, 400);
      std::vector<float> xs(size_t(n) * n * 2);
      for (int r = 0; r < n; ++r)
        for (int c = 0; c < n; ++c) {
          xs[size_t(r * n + c) * 2] = float(rangeX0_ + (rangeX1_ - rangeX0_) * (c + 0.5) / n);
          xs[size_t(r * n + c) * 2 + 1] = float(rangeY0_ + (rangeY1_ - rangeY0_) * (r + 0.5) / n);
        }
      Tensor x = net.backend().empty({int64_t(n) * n, 2}, net.dtype());
      x.fromHost(std::span<const float>(xs));
      net.forward(x, false);
      BoundaryProbe b;
      b.numClasses = data.train.numClasses;
      auto grid = [&] {
        GridMap g;
        g.w = g.h = n;
        g.x0 = rangeX0_, g.x1 = rangeX1_, g.y0 = rangeY0_, g.y1 = rangeY1_;
        g.values.resize(size_t(n) * n);
        return g;
      };
      b.output = grid();
      const std::vector<float> out = net.output(net.lossBlock()).toHostF32();
      for (int64_t i = 0; i < int64_t(n) * n; ++i)
        b.output.values[size_t(i)] = reader.value(out.data() + i * reader.k);
      for (const std::string& id : probes_.neuronBlocks) {
        if (!net.block(id)) continue;
        const Tensor& t = net.output(id);
        if (!t.defined() || t.rank() != 2) continue;
        const int64_t units = t.dim(1);
        const std::vector<float> h = t.toHostF32();
        std::vector<GridMap> maps;
        for (int64_t u = 0; u < std::min<int64_t>(units, kNeuronMapsPerBlock); ++u) {
          GridMap g = grid();
          for (int64_t i = 0; i < int64_t(n) * n; ++i) g.values[size_t(i)] = h[size_t(i * units + u)];
          maps.push_back(std::move(g));
        }
        b.neurons[id] = std::move(maps);
      }
      boundary_ = std::make_shared<const BoundaryProbe>(std::move(b));
    }
    if (probes_.fit && in == Shape{1} && !data.train.isClassification()) {
      const int n = 200;
      std::vector<float> xs(n);
      for (int i = 0; i < n; ++i) xs[size_t(i)] = float(rangeX0_ + (rangeX1_ - rangeX0_) * i / (n - 1));
      Tensor x = net.backend().empty({n, 1}, net.dtype());
      x.fromHost(std::span<const float>(xs));
      net.forward(x, false);
      const std::vector<float> out = net.output(net.lossBlock()).toHostF32();
      FitProbe f;
      for (int i = 0; i < n; ++i) {
        f.xs.push_back(xs[size_t(i)]);
        f.ys.push_back(out[size_t(i * reader.k)]);
      }
      fit_ = std::make_shared<const FitProbe>(std::move(f));
    }
    if (probes_.confusion && data.train.isClassification()) {
      const bool onTest = data.test.size() > 0;
      const Dataset& d = onTest ? data.test : data.train;
      ConfusionProbe c;
      c.numClasses = d.numClasses;
      c.onTest = onTest;
      c.counts.assign(size_t(c.numClasses) * c.numClasses, 0);
      const int64_t chunk = 512;
      for (int64_t b = 0; b < d.size(); b += chunk) {
        const int64_t count = std::min(chunk, d.size() - b);
        net.forward(trainer_->makeInput(d, b, count), false);
        const std::vector<float> out = net.output(net.lossBlock()).toHostF32();
        for (int64_t i = 0; i < count; ++i) {
          const float* row = out.data() + i * reader.k;
          const int truth = int(d.y[size_t((b + i) * std::max<int64_t>(1, d.yStride()))]);
          const int pred = std::clamp(reader.predicted(row), 0, c.numClasses - 1);
          if (truth < 0 || truth >= c.numClasses) continue;
          ++c.counts[size_t(truth * c.numClasses + pred)];
          if (pred != truth && int(c.misses.size()) < kMaxMisses)
            c.misses.push_back({b + i, truth, pred, reader.confidence(row)});
        }
      }
      confusion_ = std::make_shared<const ConfusionProbe>(std::move(c));
    }
    if (probes_.gradients) measureGradients();
    if (!probes_.inside.empty()) measureInside();
    if (probes_.landscape) landscapeSeconds = measureLandscape();
  } catch (const std::exception& e) {
    message_ = std::string("A view could not be computed: ") + e.what();
  }
  // The landscape keeps its own pace (measureLandscape): its cost does not slow the others.
  probeCost_ = seconds(Clock::now() - t0) - landscapeSeconds;
}

// The gradients the last step computed, one RMS per layer (GradientProbe). Reads them where
// the step left them: nothing is recomputed, so what the view shows is what the optimizer used.
void TrainingSession::measureGradients() {
  const int64_t step = trainer_->steps();
  if (step == 0) {  // no gradients yet: the view says "step once"
    gradients_.reset();
    return;
  }
  if (gradients_ && gradients_->step == step) return;
  Network& net = trainer_->network();
  Backend& be = net.backend();
  GradientProbe g;
  g.step = step;
  for (const auto& block : net.blocks()) {
    std::vector<const Param*> measured;
    for (const Param& p : block->params())
      if (p.decl.trainable && p.decl.penalised) measured.push_back(&p);
    if (measured.empty())
      for (const Param& p : block->params())
        if (p.decl.trainable) measured.push_back(&p);
    if (measured.empty()) continue;
    GradientProbe::Layer layer{block->id(), block->type()};
    double g2 = 0, w2 = 0;
    for (const Param* p : measured) {
      layer.weights += p->value.numel();
      g2 += be.reduce(Reduce::SumSquares, p->grad);
      w2 += be.reduce(Reduce::SumSquares, p->value);
    }
    const double n = double(std::max<int64_t>(1, layer.weights));
    layer.gradRms = std::sqrt(g2 / n);
    layer.weightRms = std::sqrt(w2 / n);
    g.layers.push_back(std::move(layer));
  }
  if (signalStep_ == step) g.signal = signal_;
  GradientProbe::Point point{step, {}};
  for (const auto& l : g.layers) point.gradRms.push_back(l.gradRms);
  if (!gradHistory_.empty() && gradHistory_.back().gradRms.size() != point.gradRms.size())
    gradHistory_.clear();
  gradHistory_.push_back(std::move(point));
  if (gradHistory_.size() > kMaxGradientHistory) {  // keep every other point, the newest kept
    std::vector<GradientProbe::Point> thinned;
    for (size_t i = gradHistory_.size() % 2 == 0 ? 1 : 0; i < gradHistory_.size(); i += 2)
      thinned.push_back(std::move(gradHistory_[i]));
    gradHistory_ = std::move(thinned);
  }
  g.history = gradHistory_;
  gradients_ = std::make_shared<const GradientProbe>(std::move(g));
}

namespace {
// Row `row` of a batch-first tensor as a picture (the batch extent dropped).
TensorPicture picture(const std::string& name, const Tensor& t, int64_t row = 0) {
  TensorPicture p;
  p.name = name;
  p.shape.assign(t.shape().begin() + 1, t.shape().end());
  p.values = t.slice(row, row + 1).toHostF32();
  return p;
}
}  // namespace

void TrainingSession::captureSignal() {
  signal_.clear();
  signalStep_ = trainer_->steps();
  Network& net = trainer_->network();
  for (const auto& b : net.blocks()) {
    const Tensor& g = net.gradient(b->id());
    if (!g.defined() || g.numel() == 0) continue;
    signal_[b->id()] =
        std::sqrt(net.backend().reduce(Reduce::SumSquares, g) / double(g.numel()));
  }
}

void TrainingSession::captureTrainingInternals() {
  trainingInternals_.clear();
  const Block* b = trainer_->network().block(probes_.inside);
  if (!b) return;
  std::vector<std::pair<std::string, Tensor>> internals;
  b->internals(internals);
  for (const auto& [name, t] : internals)
    if (t.defined() && t.rank() >= 2) {
      trainingInternals_.push_back(picture(name, t));
      trainingInternals_.back().training = true;
    }
}

// The inspected block on one sample, run in evaluation mode: its output and internals, the
// internals that exist only in training (from the last training batch), and its weights.
void TrainingSession::measureInside() {
  Network& net = trainer_->network();
  const Block* b = net.block(probes_.inside);
  const Split& data = trainer_->data();
  const bool onTest = data.test.size() > 0;
  const Dataset& d = onTest ? data.test : data.train;
  if (!b || d.size() == 0) {
    inside_.reset();
    return;
  }
  InsideProbe p;
  p.block = b->id();
  p.type = b->type();
  p.onTest = onTest;
  p.sample = std::clamp<int64_t>(probes_.insideSample, 0, d.size() - 1);
  const Tensor x = trainer_->makeInput(d, p.sample, 1);
  net.forward(x, /*training=*/false);
  p.input = picture("input", x);
  p.pictures.push_back(picture("output", net.output(b->id())));
  std::vector<std::pair<std::string, Tensor>> internals;
  b->internals(internals);
  auto have = [&](const std::string& name) {
    for (const auto& q : p.pictures)
      if (q.name == name) return true;
    return false;
  };
  for (const auto& [name, t] : internals)
    if (t.defined() && t.rank() >= 2 && t.dim(0) == 1) p.pictures.push_back(picture(name, t));
  for (const auto& t : trainingInternals_)
    if (!have(t.name)) p.pictures.push_back(t);
  for (const Param& w : b->params())
    if (w.decl.name == "weight" && w.value.numel() <= kMaxPictureWeights) {
      TensorPicture q{"weights", w.value.shape(), w.value.toHostF32()};
      p.pictures.push_back(std::move(q));
    }
  if (d.isClassification()) {
    const Reader reader{net.lossKind(), numel(net.outputShape())};
    const std::vector<float> out = net.output(net.lossBlock()).toHostF32();
    p.predicted = reader.predicted(out.data());
    p.truth = int(d.y[size_t(p.sample * std::max<int64_t>(1, d.yStride()))]);
  }
  inside_ = std::make_shared<const InsideProbe>(std::move(p));
}

// The path grows by the current weights; the landscape around them is measured anew when the
// weights moved — while training at most every 0.25 s, or 8 times its cost, whichever is longer
// (a landscape is 25 × 25 evaluations). Returns the seconds it took (0: not measured).
double TrainingSession::measureLandscape() {
  Network& net = trainer_->network();
  const int64_t step = trainer_->steps();
  path_.record(net, step);
  if (landscape_ && landscape_->step == step) return 0;
  const auto t0 = Clock::now();
  const bool training = running_ || pendingSteps_ > 0;
  if (training && landscape_ && seconds(t0 - lastLandscape_) < std::max(0.25, 8 * landscapeCost_))
    return 0;
  const Dataset& d = trainer_->data().train;
  const int64_t n = std::min<int64_t>(kLandscapeSamples, d.size());
  LandscapeProbe p;
  try {
    if (n == 0) throw Error("there are no training samples to measure the loss on.");
    p = path_.compute(net, trainer_->makeInput(d, 0, n), trainer_->makeTarget(d, 0, n),
                      kLandscapeGrid);
  } catch (const std::exception& e) {
    p = LandscapeProbe{};
    p.why = std::string("The landscape could not be measured: ") + e.what();
  }
  p.step = step;  // measured for this step, even when it says why not: not again until a step
  landscape_ = std::make_shared<const LandscapeProbe>(std::move(p));
  lastLandscape_ = t0;
  landscapeCost_ = seconds(Clock::now() - t0);
  return landscapeCost_;
}

void TrainingSession::publish() {
  auto s = std::make_shared<Snapshot>();
  s->serial = ++serial_;
  s->ready = trainer_ != nullptr;
  s->running = running_ || pendingSteps_ > 0;
  s->step = trainer_ ? trainer_->steps() : 0;
  s->epoch = trainer_ ? trainer_->epochs() : 0;
  s->stepsPerSecond = stepsPerSecond_;
  s->lastBatchLoss = lastLoss_;
  s->config = config_;
  s->backend = be_->description();
  s->error = error_;
  s->message = message_;
  s->metrics = metrics_;
  s->data = data_;
  s->boundary = boundary_;
  s->fit = fit_;
  s->confusion = confusion_;
  s->gradients = gradients_;
  s->inside = inside_;
  s->landscape = landscape_;
  if (race_ && trainer_ && race_->fromStep == trainer_->steps()) s->race = race_;
  {
    std::lock_guard lk(mu_);
    snapshot_ = std::move(s);
  }
  lastPublish_ = Clock::now();
  stateChanged_ = false;
}

void TrainingSession::run() {
  using namespace std::chrono_literals;
  lastEval_ = lastProbe_ = lastPublish_ = frameStart_ = nextStep_ = rateT0_ = Clock::now();
  for (;;) {
    std::deque<std::function<void()>> commands;
    {
      std::unique_lock lk(mu_);
      const bool training = trainer_ && (running_ || pendingSteps_ > 0);
      const bool throttled = training && pendingSteps_ == 0 && speed_ > 0;
      const bool anyProbe = probes_.any();
      const bool idleWork =
          trainer_ && (stepsAtEval_ != trainer_->steps() || evalSampled_ ||
                       (anyProbe && (probesStale_ || stepsAtProbe_ != trainer_->steps())) ||
                       landscapeBehind());
      auto wake = [&] { return quit_ || !queue_.empty(); };
      if (throttled && Clock::now() < nextStep_)
        cv_.wait_until(lk, nextStep_, wake);
      else if (!training && !idleWork && !stateChanged_)
        cv_.wait(lk, wake);
      if (quit_) return;
      commands.swap(queue_);
    }
    for (auto& c : commands) c();
    if (!commands.empty()) continue;  // re-check the state the commands left

    // The loss curve starts where training starts: measure before the first step, however
    // fast the steps after it come.
    if (trainer_ && metrics_.empty() && (running_ || pendingSteps_ > 0)) evaluateMetrics(true);

    const auto now = Clock::now();
    bool stepped = false;
    if (trainer_ && pendingSteps_ > 0) {
      // Explicit steps (Step, Step epoch): in bursts of ~10 ms so commands stay responsive.
      do {
        doStep();
        --pendingSteps_;
        stepped = true;
      } while (pendingSteps_ > 0 && trainer_ && Clock::now() - now < 10ms);
      if (pendingSteps_ <= 0) stateChanged_ = true;
    } else if (trainer_ && running_) {
      if (speed_ > 0) {
        if (now >= nextStep_) {
          doStep();
          stepped = true;
          nextStep_ = std::max(nextStep_ + std::chrono::duration_cast<Clock::duration>(
                                                std::chrono::duration<double>(1.0 / speed_)),
                               now - 1s);
        }
      } else {
        // Flat out: steps until the views' next frame is due (at most 10 ms, so that commands
        // stay responsive), then the frame's share of the time.
        const auto until = std::min(now + 10ms, frameStart_ + kFrame);
        do {
          doStep();
          stepped = true;
        } while (running_ && Clock::now() < until);
      }
    }

    const auto t = Clock::now();
    if (trainer_) {
      const double since = seconds(t - rateT0_);
      if (since >= 0.5) {
        stepsPerSecond_ = double(trainer_->steps() - rateSteps0_) / since;
        rateT0_ = t;
        rateSteps0_ = trainer_->steps();
      }
      if (!running_ && pendingSteps_ == 0) stepsPerSecond_ = 0;
    }
    const bool training = trainer_ && (running_ || pendingSteps_ > 0);
    // While training, the views' work happens on frames, at most 60 a second: a snapshot each
    // frame, probes each frame and metrics every few, each only while its cost stays within its
    // share (about 1/8 of the time). Their clocks read the frame's time t, so that a frame
    // due after kFrame finds the probes due too.
    const bool frameDue = t >= frameStart_ + kFrame;
    const double evalEvery = std::max(0.04, evalCost_ * 8);
    const double probeEvery = std::max(std::chrono::duration<double>(kFrame).count(), probeCost_ * 8);
    // Paused, a landscape the last frames skipped (it keeps its own pace) is due too.
    const bool probeDue = trainer_ && probes_.any() &&
                          (((probesStale_ || stepsAtProbe_ != trainer_->steps()) &&
                            (!training || seconds(t - lastProbe_) >= probeEvery)) ||
                           (!training && landscapeBehind()));
    if (stepped && probeDue && !probes_.inside.empty()) captureTrainingInternals();
    if (stepped && probeDue && probes_.gradients) captureSignal();
    // Paused or done: the last point measured on all the data, if it was measured on part.
    if (trainer_ && (stepsAtEval_ != trainer_->steps() || (!training && evalSampled_)) &&
        (!training || seconds(t - lastEval_) >= evalEvery)) {
      evaluateMetrics(training);
      if (training) lastEval_ = t;
    }
    if (probeDue) {
      computeProbes();
      if (training) lastProbe_ = t;
    }
    if (stateChanged_ || (stepped && frameDue) || (!training && stepped) ||
        (trainer_ && !training && seconds(lastEval_ - lastPublish_) > 0) ||
        (trainer_ && !training && seconds(lastProbe_ - lastPublish_) > 0) ||
        (training && !stepped && trainer_ && seconds(t - lastPublish_) >= 0.1)) {
      publish();
      frameStart_ = t;
    }
  }
}

}  // namespace gradlab
