#include "train/landscape.h"

#include <algorithm>
#include <cmath>
#include <span>

#include "optim/optimizer.h"
#include "util/error.h"
#include "util/rng.h"

namespace gradlab {

std::vector<Param*> trainableParams(Network& net) {
  std::vector<Param*> out;
  for (auto& [name, p] : net.params())
    if (p->decl.trainable) out.push_back(p);
  return out;
}

int64_t trainableCount(Network& net) {
  int64_t n = 0;
  for (const Param* p : trainableParams(net)) n += p->value.numel();
  return n;
}

std::vector<float> flatWeights(Network& net) {
  std::vector<float> out;
  for (const Param* p : trainableParams(net)) {
    const std::vector<float> v = p->value.toHostF32();
    out.insert(out.end(), v.begin(), v.end());
  }
  return out;
}

namespace {
void setFlat(const std::vector<Param*>& params, const std::vector<float>& flat) {
  size_t at = 0;
  for (Param* p : params) {
    const size_t n = size_t(p->value.numel());
    p->value.fromHost(std::span<const float>(flat.data() + at, n));
    at += n;
  }
}
}  // namespace

void setFlatWeights(Network& net, const std::vector<float>& flat) {
  setFlat(trainableParams(net), flat);
}

namespace {

double dot(const std::vector<double>& a, const std::vector<double>& b) {
  double s = 0;
  for (size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
  return s;
}

// a ← a / ‖a‖; false when a is (numerically) zero.
bool normalise(std::vector<double>& a) {
  const double n = std::sqrt(dot(a, a));
  if (!(n > 1e-12)) return false;
  for (double& v : a) v /= n;
  return true;
}

// The first principal direction of the rows q (unit length), by power iteration on their Gram
// matrix; false when every row is zero.
bool principalDirection(const std::vector<std::vector<double>>& q, std::vector<double>& dir) {
  const size_t k = q.size();
  std::vector<double> gram(k * k);
  for (size_t i = 0; i < k; ++i)
    for (size_t j = i; j < k; ++j) gram[i * k + j] = gram[j * k + i] = dot(q[i], q[j]);
  double trace = 0;  // scaled to trace 1, so that tiny steps (a small learning rate) count too
  for (size_t i = 0; i < k; ++i) trace += gram[i * k + i];
  if (!(trace > 0)) return false;
  for (double& g : gram) g /= trace;
  std::vector<double> u(k, 1.0), next(k);
  for (size_t i = 0; i < k; ++i) u[i] += 0.01 * double(i);  // not orthogonal to the answer
  for (int it = 0; it < 200; ++it) {
    for (size_t i = 0; i < k; ++i) {
      double s = 0;
      for (size_t j = 0; j < k; ++j) s += gram[i * k + j] * u[j];
      next[i] = s;
    }
    if (!normalise(next)) return false;
    u.swap(next);
  }
  dir.assign(q.empty() ? 0 : q[0].size(), 0.0);
  for (size_t i = 0; i < k; ++i)
    for (size_t p = 0; p < dir.size(); ++p) dir[p] += u[i] * q[i][p];
  return normalise(dir);
}

// Restores the weights when it goes out of scope, whatever happened in between.
struct Restore {
  Network& net;
  const std::vector<float>& theta;
  ~Restore() {
    try {
      setFlatWeights(net, theta);
    } catch (...) {  // the device failed: the session's own recovery takes over
    }
  }
};

// L(centre + a·d₁ + b·d₂) over g's grid (its extent set), in evaluation mode on (x, y). Leaves
// the network at the last grid point: the caller restores its weights.
void lossOnPlane(Network& net, const std::vector<float>& centre, const std::vector<double>& d1,
                 const std::vector<double>& d2, const Tensor& x, const Tensor& y, GridMap& g) {
  const size_t n = centre.size();
  const std::vector<Param*> params = trainableParams(net);  // once, not per grid point
  std::vector<float> point(n);
  g.values.resize(size_t(g.w) * g.h);
  for (int row = 0; row < g.h; ++row)
    for (int col = 0; col < g.w; ++col) {
      const double a = g.x0 + (g.x1 - g.x0) * (col + 0.5) / g.w;
      const double b = g.y0 + (g.y1 - g.y0) * (row + 0.5) / g.h;
      for (size_t p = 0; p < n; ++p) point[p] = float(centre[p] + a * d1[p] + b * d2[p]);
      setFlat(params, point);
      net.forward(x, /*training=*/false);
      g.values[size_t(row * g.w + col)] = float(net.loss(y, /*withGrad=*/false));
    }
}

// A square grid over [loX, hiX] × [loY, hiY] with a quarter of the extent added on every side.
GridMap squareAround(double loX, double hiX, double loY, double hiY, int grid) {
  const double span = std::max({hiX - loX, hiY - loY, 1e-6});
  const double half = span / 2 + span / 4;
  const double cx = (loX + hiX) / 2, cy = (loY + hiY) / 2;
  GridMap g;
  g.w = g.h = std::clamp(grid, 3, 101);
  g.x0 = cx - half, g.x1 = cx + half, g.y0 = cy - half, g.y1 = cy + half;
  return g;
}

// Any unit direction ⊥ d₁, the same every time (for a path that is a straight line).
std::vector<double> fixedDirectionAcross(const std::vector<double>& d1) {
  Rng rng(0x1a4d5ca9e);
  std::vector<double> d(d1.size());
  for (double& v : d) v = rng.normal();
  const double a = dot(d, d1);
  for (size_t p = 0; p < d.size(); ++p) d[p] -= a * d1[p];
  normalise(d);
  return d;
}
}  // namespace

void LandscapeTracker::clear() {
  path_.clear();
  steps_.clear();
}

void LandscapeTracker::record(Network& net, int64_t step) {
  if (!steps_.empty() && step < steps_.back()) clear();  // a reset
  if (trainableCount(net) > kMaxWeights) return;
  if (!steps_.empty() && steps_.back() == step) {
    path_.back() = flatWeights(net);  // the same step: the newest point is where the weights are
    return;
  }
  path_.push_back(flatWeights(net));
  steps_.push_back(step);
  if (path_.size() <= kMaxPoints) return;
  std::vector<std::vector<float>> path;
  std::vector<int64_t> steps;
  for (size_t i = 0; i < path_.size(); ++i)
    if (i % 2 == 0 || i + 1 == path_.size()) {
      path.push_back(std::move(path_[i]));
      steps.push_back(steps_[i]);
    }
  path_ = std::move(path);
  steps_ = std::move(steps);
}

LandscapeProbe LandscapeTracker::compute(Network& net, const Tensor& x, const Tensor& y,
                                         const LandscapeOptions& options) const {
  const int grid = options.grid;
  LandscapeProbe out;
  out.weights = trainableCount(net);
  out.step = steps_.empty() ? 0 : steps_.back();
  if (out.weights > kMaxWeights) {
    out.why = "This network has " + std::to_string(out.weights) +
              " weights; the landscape is drawn for networks of up to " +
              std::to_string(kMaxWeights) + " (each of its points is one evaluation).";
    return out;
  }
  if (path_.size() < 2) {
    out.why = "Step or Play: the landscape follows the path the weights take.";
    return out;
  }
  const std::vector<float>& theta = path_.back();
  const size_t n = theta.size(), k = path_.size();
  std::vector<std::vector<double>> r(k, std::vector<double>(n));
  for (size_t i = 0; i < k; ++i)
    for (size_t p = 0; p < n; ++p) r[i][p] = double(path_[i][p]) - double(theta[p]);

  // d₁: back towards the start (or the farthest point, should the path have come back).
  std::vector<double> d1 = r[0];
  if (!normalise(d1)) {
    size_t far = 0;
    for (size_t i = 1; i < k; ++i)
      if (dot(r[i], r[i]) > dot(r[far], r[far])) far = i;
    d1 = r[far];
    if (!normalise(d1)) {
      out.why = "The weights have not moved yet.";
      return out;
    }
  }
  // Coordinates along d₁; then r keeps only what is across d₁, whose main direction is d₂.
  std::vector<double> px(k), py(k);
  double total = 0;
  for (size_t i = 0; i < k; ++i) {
    px[i] = dot(r[i], d1);
    total += dot(r[i], r[i]);
    for (size_t p = 0; p < n; ++p) r[i][p] -= px[i] * d1[p];
  }
  std::vector<double> d2;
  if (!principalDirection(r, d2) || std::abs(dot(d2, d1)) > 1e-6) d2 = fixedDirectionAcross(d1);
  double inPlane = 0;
  double loX = 0, hiX = 0, loY = 0, hiY = 0;
  for (size_t i = 0; i < k; ++i) {
    py[i] = dot(r[i], d2);  // = ⟨θᵢ − θ, d₂⟩, as d₂ ⊥ d₁
    out.pathX.push_back(px[i]);
    out.pathY.push_back(py[i]);
    out.pathSteps.push_back(steps_[i]);
    inPlane += px[i] * px[i] + py[i] * py[i];
    loX = std::min(loX, px[i]), hiX = std::max(hiX, px[i]);
    loY = std::min(loY, py[i]), hiY = std::max(hiY, py[i]);
  }
  out.explained = total > 0 ? inPlane / total : 1.0;

  out.loss = squareAround(loX, hiX, loY, hiY, grid);
  const std::vector<float> current = flatWeights(net);  // θ, unless record() was not called
  Restore restore{net, current};
  lossOnPlane(net, theta, d1, d2, x, y, out.loss);
  setFlatWeights(net, current);
  net.forward(x, /*training=*/false);
  out.lossHere = net.loss(y, /*withGrad=*/false);
  out.samples = x.dim(0);
  return out;
}

RaceProbe raceOptimizers(const NetworkSpec& spec, std::shared_ptr<const Split> data,
                         const TrainConfig& config, Backend& backend, DType dtype,
                         const TensorMap& start, int64_t fromStep, int64_t steps, int64_t samples,
                         int grid, const std::function<bool(double)>& progress) {
  RaceProbe out;
  out.fromStep = fromStep;
  out.steps = steps = std::max<int64_t>(1, steps);
  const int64_t n = std::min<int64_t>(samples, data ? data->train.size() : 0);
  if (n <= 0) throw Error("there are no training samples.");
  out.samples = n;
  Tensor x, y;  // the samples the losses are measured on
  const int64_t every = std::max<int64_t>(1, steps / 30);  // about 30 points per path
  std::vector<std::vector<double>> rows;                   // every runner's points − start
  std::vector<std::pair<size_t, size_t>> spans;            // each runner's rows
  std::vector<float> origin;
  std::unique_ptr<Trainer> last;
  const std::vector<std::string> names = optimNames();
  for (size_t runnerIndex = 0; runnerIndex < names.size(); ++runnerIndex) {
    const std::string& name = names[runnerIndex];
    TrainConfig c = config;
    c.optimizer = name;
    c.lr.reset();  // its own default
    auto t = std::make_unique<Trainer>(spec, data, c, backend, dtype);
    t->network().loadWeights(start, "the race's start");
    if (trainableCount(t->network()) > LandscapeTracker::kMaxWeights)
      throw Error("the race is drawn for networks of up to " +
                  std::to_string(LandscapeTracker::kMaxWeights) + " weights; this one has " +
                  std::to_string(trainableCount(t->network())));
    if (origin.empty()) {
      origin = flatWeights(t->network());
      x = t->makeInput(data->train, 0, n);
      y = t->makeTarget(data->train, 0, n);
    }
    RaceProbe::Runner runner;
    runner.optimizer = name;
    runner.lr = defaultHyper(parseOptimKind(name)).lr;
    const size_t first = rows.size();
    auto point = [&] {
      const std::vector<float> w = flatWeights(t->network());
      std::vector<double> r(w.size());
      for (size_t p = 0; p < w.size(); ++p) r[p] = double(w[p]) - double(origin[p]);
      rows.push_back(std::move(r));
    };
    point();
    for (int64_t i = 1; i <= steps; ++i) {
      t->step();
      if (i % every == 0 || i == steps) {
        point();
        const double done = (double(runnerIndex) + double(i) / double(steps)) / double(names.size());
        if (progress && !progress(done)) {
          out.runners.clear();
          out.cancelled = true;
          return out;
        }
      }
    }
    t->network().forward(x, /*training=*/false);
    runner.finalLoss = t->network().loss(y, /*withGrad=*/false);
    spans.emplace_back(first, rows.size());
    out.runners.push_back(std::move(runner));
    last = std::move(t);
  }

  // The plane of the paths' two principal directions, through the start. Points a diverging
  // runner reached (Inf/NaN weights) take no part and land at NaN.
  const size_t dims = origin.size();
  std::vector<bool> finite(rows.size());
  std::vector<std::vector<double>> used;
  double total = 0;
  for (size_t i = 0; i < rows.size(); ++i) {
    const double r2 = dot(rows[i], rows[i]);
    finite[i] = std::isfinite(r2);
    if (!finite[i]) continue;
    total += r2;
    used.push_back(rows[i]);
  }
  std::vector<double> d1, d2;
  if (!principalDirection(used, d1)) {
    out.explained = 1;
    d1.assign(dims, 0.0);
    if (dims) d1[0] = 1;  // nobody moved: any plane shows that
  }
  std::vector<double> xs(rows.size(), NAN);
  used.clear();
  for (size_t i = 0; i < rows.size(); ++i) {
    if (!finite[i]) continue;
    xs[i] = dot(rows[i], d1);
    for (size_t p = 0; p < dims; ++p) rows[i][p] -= xs[i] * d1[p];  // what lies across d₁
    used.push_back(rows[i]);
  }
  if (!principalDirection(used, d2) || std::abs(dot(d2, d1)) > 1e-6)
    d2 = fixedDirectionAcross(d1);
  double inPlane = 0, loX = 0, hiX = 0, loY = 0, hiY = 0;
  for (size_t k = 0; k < out.runners.size(); ++k)
    for (size_t i = spans[k].first; i < spans[k].second; ++i) {
      const double px = xs[i], py = finite[i] ? dot(rows[i], d2) : NAN;
      out.runners[k].x.push_back(px);
      out.runners[k].y.push_back(py);
      if (!finite[i]) continue;
      inPlane += px * px + py * py;
      loX = std::min(loX, px), hiX = std::max(hiX, px);
      loY = std::min(loY, py), hiY = std::max(hiY, py);
    }
  if (total > 0) out.explained = inPlane / total;
  out.loss = squareAround(loX, hiX, loY, hiY, grid);
  lossOnPlane(last->network(), origin, d1, d2, x, y, out.loss);
  return out;
}

}  // namespace gradlab
