#include "train/landscape.h"

#include <algorithm>
#include <cmath>
#include <span>

#include "optim/optimizer.h"
#include "train/landscape_directions.h"
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

// The coordinate of grid column (or row) i of n over [lo, hi]: the cell's centre (GridMap),
//   a_i = (lo + hi)/2 + h·(i − (n − 1)/2),  h = (hi − lo)/n,
// written so that the middle of an odd grid centred at 0 is exactly 0 (θ itself).
double gridCoordinate(double lo, double hi, int n, int i) {
  return (lo + hi) / 2 + (hi - lo) / n * (double(i) - double(n - 1) / 2);
}

// L(centre + a·d₁ + b·d₂) over g's grid (its extent set), in evaluation mode. Leaves the
// network at the last grid point: the caller restores its weights.
void lossOnPlane(Network& net, const std::vector<float>& centre, const std::vector<double>& d1,
                 const std::vector<double>& d2, const LossSamples& samples, GridMap& g) {
  const size_t n = centre.size();
  const std::vector<Param*> params = trainableParams(net);  // once, not per grid point
  std::vector<float> point(n);
  g.values.resize(size_t(g.w) * g.h);
  for (int row = 0; row < g.h; ++row) {
    const double b = gridCoordinate(g.y0, g.y1, g.h, row);
    for (int col = 0; col < g.w; ++col) {
      const double a = gridCoordinate(g.x0, g.x1, g.w, col);
      for (size_t p = 0; p < n; ++p) point[p] = float(centre[p] + a * d1[p] + b * d2[p]);
      setFlat(params, point);
      g.values[size_t(row * g.w + col)] = float(lossOn(net, samples));
    }
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

// A square grid whose points run from −span to span on both axes, θ (0, 0) in the middle.
GridMap centredGrid(double span, int grid) {
  GridMap g;
  g.w = g.h = std::clamp(grid, 3, 101);
  const double half = span * g.w / std::max(1, g.w - 1);  // the cells' outer edges
  g.x0 = g.y0 = -half;
  g.x1 = g.y1 = half;
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

// The plane a landscape is drawn on: θ + x·d₁ + y·d₂, and the path's coordinates on it.
struct Plane {
  std::vector<double> d1, d2;
  std::vector<double> px, py;
  double explained = 1;
  std::string xLabel, yLabel, why;
};

// "path": d₁ back towards the start, d₂ the path's main direction across d₁ (header).
Plane pathPlane(const std::vector<std::vector<double>>& rIn) {
  Plane pl;
  std::vector<std::vector<double>> r = rIn;
  const size_t k = r.size(), n = r.empty() ? 0 : r[0].size();
  // d₁: back towards the start (or the farthest point, should the path have come back).
  pl.d1 = r[0];
  if (!normalise(pl.d1)) {
    size_t far = 0;
    for (size_t i = 1; i < k; ++i)
      if (dot(r[i], r[i]) > dot(r[far], r[far])) far = i;
    pl.d1 = r[far];
    if (!normalise(pl.d1)) {
      pl.why = "The weights have not moved yet.";
      return pl;
    }
  }
  // Coordinates along d₁; then r keeps only what is across d₁, whose main direction is d₂.
  pl.px.resize(k);
  pl.py.resize(k);
  double total = 0;
  for (size_t i = 0; i < k; ++i) {
    pl.px[i] = dot(r[i], pl.d1);
    total += dot(r[i], r[i]);
    for (size_t p = 0; p < n; ++p) r[i][p] -= pl.px[i] * pl.d1[p];
  }
  if (!principalDirection(r, pl.d2) || std::abs(dot(pl.d2, pl.d1)) > 1e-6)
    pl.d2 = fixedDirectionAcross(pl.d1);
  double inPlane = 0;
  for (size_t i = 0; i < k; ++i) {
    pl.py[i] = dot(r[i], pl.d2);  // = ⟨θᵢ − θ, d₂⟩, as d₂ ⊥ d₁
    inPlane += pl.px[i] * pl.px[i] + pl.py[i] * pl.py[i];
  }
  pl.explained = total > 0 ? inPlane / total : 1.0;
  pl.xLabel = "d₁: back towards the start (‖Δθ‖)";
  pl.yLabel = "d₂: the path's main direction across d₁ (‖Δθ‖)";
  return pl;
}

// "filter": two filter-normalised random directions (landscape_directions.h); the path's
// points θᵢ − θ = rᵢ by least squares in the plane, (xᵢ, yᵢ) = G⁻¹ [⟨d₁, rᵢ⟩, ⟨d₂, rᵢ⟩] with
// G = [[⟨d₁,d₁⟩, ⟨d₁,d₂⟩], [⟨d₁,d₂⟩, ⟨d₂,d₂⟩]]; explained = Σ‖xᵢd₁ + yᵢd₂‖² / Σ‖rᵢ‖².
Plane filterPlane(Network& net, const std::vector<float>& theta,
                  const std::vector<std::vector<double>>& r, uint64_t seed) {
  Plane pl;
  FilterDirections f = filterDirections(trainableLayout(net), theta, seed);
  pl.d1 = std::move(f.d1);
  pl.d2 = std::move(f.d2);
  const double g11 = dot(pl.d1, pl.d1), g12 = dot(pl.d1, pl.d2), g22 = dot(pl.d2, pl.d2);
  const double det = g11 * g22 - g12 * g12;
  if (!(g11 > 0 && g22 > 0 && det > 1e-12 * g11 * g22)) {
    pl.why = "The random directions are zero: every trainable weight is zero, or the network "
             "has only biases and BatchNorm parameters (filter normalisation leaves those out).";
    return pl;
  }
  double total = 0, inPlane = 0;
  for (const std::vector<double>& ri : r) {
    const double b1 = dot(pl.d1, ri), b2 = dot(pl.d2, ri);
    const double x = (g22 * b1 - g12 * b2) / det, y = (g11 * b2 - g12 * b1) / det;
    pl.px.push_back(x);
    pl.py.push_back(y);
    total += dot(ri, ri);
    inPlane += x * x * g11 + 2 * x * y * g12 + y * y * g22;
  }
  pl.explained = total > 0 ? inPlane / total : 1.0;
  pl.xLabel = "filter-normalised random direction 1 (seed " + std::to_string(seed) + ")";
  pl.yLabel = "filter-normalised random direction 2 (seed " + std::to_string(seed) + ")";
  return pl;
}

// "checkpoints": the plane through θ₀, θ and the chosen point θ_c, by Gram–Schmidt:
//   e₁ = (θ₀ − θ)/‖θ₀ − θ‖,  e₂ = (θ_c − θ − ⟨θ_c − θ, e₁⟩e₁)/‖…‖,  dᵢ = ‖θ₀ − θ‖·eᵢ,
// so that the start is (1, 0) and the coordinates count in units of ‖θ₀ − θ‖.
Plane checkpointPlane(const std::vector<std::vector<double>>& r,
                      const std::vector<int64_t>& steps, int64_t through) {
  Plane pl;
  const size_t k = r.size(), n = r.empty() ? 0 : r[0].size();
  if (k < 3) {
    pl.why = "The plane through three checkpoints needs a path of at least three points: "
             "Step or Play a little longer.";
    return pl;
  }
  size_t c = k / 2;  // the path's middle, or the point nearest the step asked for
  if (through >= 0) {
    for (size_t i = 1; i + 1 < k; ++i)
      if (std::llabs(steps[i] - through) < std::llabs(steps[c] - through)) c = i;
  }
  std::vector<double> e1 = r[0];
  const double unit = std::sqrt(dot(e1, e1));
  if (!normalise(e1)) {
    pl.why = "The weights are back where they started: no plane through the start and now.";
    return pl;
  }
  std::vector<double> e2 = r[c];
  const double along = dot(e2, e1);
  for (size_t p = 0; p < n; ++p) e2[p] -= along * e1[p];
  if (!normalise(e2)) e2 = fixedDirectionAcross(e1);  // the three points lie on one line
  double total = 0, inPlane = 0;
  for (size_t i = 0; i < k; ++i) {
    const double x = dot(r[i], e1), y = dot(r[i], e2);
    pl.px.push_back(x / unit);
    pl.py.push_back(y / unit);
    total += dot(r[i], r[i]);
    inPlane += x * x + y * y;
  }
  pl.explained = total > 0 ? inPlane / total : 1.0;
  pl.d1.resize(n);
  pl.d2.resize(n);
  for (size_t p = 0; p < n; ++p) pl.d1[p] = unit * e1[p], pl.d2[p] = unit * e2[p];
  pl.xLabel = "towards the start, step " + std::to_string(steps[0]) + " (‖θ₀ − θ‖)";
  pl.yLabel = "towards step " + std::to_string(steps[c]) + ", across (‖θ₀ − θ‖)";
  return pl;
}
}  // namespace

LossSamples lossSamples(const Trainer& trainer, const Dataset& d, int64_t n) {
  LossSamples s;
  s.total = n > 0 ? std::min(n, d.size()) : d.size();
  for (int64_t begin = 0; begin < s.total; begin += LossSamples::kChunk) {
    const int64_t count = std::min(LossSamples::kChunk, s.total - begin);
    s.x.push_back(trainer.makeInput(d, begin, count));
    s.y.push_back(trainer.makeTarget(d, begin, count));
    s.count.push_back(count);
  }
  return s;
}

LossSamples lossSamples(const Tensor& x, const Tensor& y) {
  LossSamples s;
  s.total = x.dim(0);
  s.x.push_back(x);
  s.y.push_back(y);
  s.count.push_back(s.total);
  return s;
}

double lossOn(Network& net, const LossSamples& s) {
  if (s.total <= 0) throw Error("there are no samples to measure the loss on.");
  double sum = 0;  // as Trainer::evaluate sums it
  for (size_t i = 0; i < s.x.size(); ++i) {
    net.forward(s.x[i], /*training=*/false);
    sum += net.loss(s.y[i], /*withGrad=*/false) * double(s.count[i]);
  }
  return sum / double(s.total);
}

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
  return compute(net, lossSamples(x, y), options);
}

LandscapeProbe LandscapeTracker::compute(Network& net, const LossSamples& samples,
                                         const LandscapeOptions& options) const {
  LandscapeProbe out;
  out.plane = options.plane;
  out.weights = trainableCount(net);
  out.step = steps_.empty() ? 0 : steps_.back();
  if (options.plane != "path" && options.plane != "filter" && options.plane != "checkpoints")
    throw Error("the landscape's plane \"" + quoteText(options.plane) +
                "\" is not one of path, filter, checkpoints.");
  if (out.weights > kMaxWeights) {
    out.why = "This network has " + std::to_string(out.weights) +
              " weights; the landscape is drawn for networks of up to " +
              std::to_string(kMaxWeights) + " (each of its points is one evaluation).";
    return out;
  }
  const bool needsPath = options.plane != "filter";
  if (path_.empty() || (needsPath && path_.size() < 2)) {
    out.why = "Step or Play: the landscape follows the path the weights take.";
    return out;
  }
  const std::vector<float>& theta = path_.back();
  const size_t n = theta.size(), k = path_.size();
  if (n != size_t(out.weights))
    throw Error("the path's weights do not belong to this network (" + std::to_string(n) +
                " numbers for " + std::to_string(out.weights) + " weights).");
  std::vector<std::vector<double>> r(k, std::vector<double>(n));  // θᵢ − θ
  for (size_t i = 0; i < k; ++i)
    for (size_t p = 0; p < n; ++p) r[i][p] = double(path_[i][p]) - double(theta[p]);

  Plane pl = options.plane == "filter"      ? filterPlane(net, theta, r, options.seed)
             : options.plane == "checkpoints" ? checkpointPlane(r, steps_, options.through)
                                              : pathPlane(r);
  if (!pl.why.empty()) {
    out.why = pl.why;
    return out;
  }
  out.xLabel = pl.xLabel;
  out.yLabel = pl.yLabel;
  out.explained = pl.explained;
  double loX = 0, hiX = 0, loY = 0, hiY = 0;
  for (size_t i = 0; i < k; ++i) {
    out.pathX.push_back(pl.px[i]);
    out.pathY.push_back(pl.py[i]);
    out.pathSteps.push_back(steps_[i]);
    loX = std::min(loX, pl.px[i]), hiX = std::max(hiX, pl.px[i]);
    loY = std::min(loY, pl.py[i]), hiY = std::max(hiY, pl.py[i]);
  }
  const int grid = std::clamp(options.grid, 3, 101);
  out.loss = options.span > 0            ? centredGrid(options.span, grid)
             : options.plane == "filter" ? centredGrid(1.0, grid)
                                         : squareAround(loX, hiX, loY, hiY, grid);

  const std::vector<float> current = flatWeights(net);  // θ, unless record() was not called
  Restore restore{net, current};
  lossOnPlane(net, theta, pl.d1, pl.d2, samples, out.loss);
  // The 1-D slice θ₀ + t·(θ − θ₀), t = −½ … 3/2 in 4m steps (t = 0 and 1 among them).
  if (k >= 2) {
    const int m = std::max(2, (grid - 1) / 4);
    const std::vector<Param*> params = trainableParams(net);
    std::vector<float> point(n);
    for (int i = 0; i <= 4 * m; ++i) {
      const double t = double(i - m) / double(2 * m);
      for (size_t p = 0; p < n; ++p)
        point[p] = float(double(path_[0][p]) + t * (double(theta[p]) - double(path_[0][p])));
      setFlat(params, point);
      out.sliceT.push_back(t);
      out.sliceLoss.push_back(lossOn(net, samples));
    }
  }
  setFlatWeights(net, current);
  out.lossHere = lossOn(net, samples);
  out.samples = samples.total;
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
  LossSamples on;  // the samples the losses are measured on
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
      on = lossSamples(t->makeInput(data->train, 0, n), t->makeTarget(data->train, 0, n));
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
      if (i % every == 0 || i == steps) point();
      // Asked at every step, so that a cancel (Reset, a new network) never waits for a path's
      // next point: a step of a landscape-sized network is cheap, the question cheaper.
      const double done = (double(runnerIndex) + double(i) / double(steps)) / double(names.size());
      if (progress && !progress(done)) {
        out.runners.clear();
        out.cancelled = true;
        return out;
      }
    }
    runner.finalLoss = lossOn(t->network(), on);
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
  lossOnPlane(last->network(), origin, d1, d2, on, out.loss);
  return out;
}

}  // namespace gradlab
