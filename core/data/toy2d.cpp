#include "data/toy2d.h"

#include <cmath>

#include "util/error.h"
#include "util/rng.h"

namespace gradlab {

namespace {

// Largest set we draw: far beyond any lesson, small enough never to exhaust memory.
constexpr int64_t kMaxPoints = 10'000'000;

void check(const std::string& name, const Toy2dOptions& o) {
  if (o.points < 1 || o.points > kMaxPoints)
    throw Error("dataset " + name + ": " + std::to_string(o.points) +
                " points is out of range; use 1 to 10000000 (playground draws 500)");
  if (!(o.noise >= 0.0 && o.noise <= 1.0))
    throw Error("dataset " + name + ": noise " + std::to_string(o.noise) +
                " is out of range; use a value in [0, 1] (0.25 is playground's 25 %)");
}

Dataset start(const std::string& name, const Toy2dOptions& o, std::vector<std::string> classNames) {
  Dataset d;
  d.name = name;
  d.xShape = {2};
  d.yShape = {};
  d.numClasses = 2;
  d.classNames = std::move(classNames);
  d.x.reserve(size_t(2 * o.points));
  d.y.reserve(size_t(o.points));
  return d;
}

void add(Dataset& d, double x, double y, int label) {
  d.x.push_back(float(x));
  d.x.push_back(float(y));
  d.y.push_back(float(label));
}

}  // namespace

Dataset makeCircle(const Toy2dOptions& o) {
  check("circle", o);
  Dataset d = start("circle", o, {"outside", "inside"});
  Rng rng(o.seed);
  const double radius = 5;
  // One point at radius r ∈ [lo, hi); labelled by where the noisy copy lands, as playground does.
  auto draw = [&](double lo, double hi) {
    const double r = rng.uniform(lo, hi);
    const double angle = rng.uniform(0, 2 * M_PI);
    const double x = r * std::sin(angle), y = r * std::cos(angle);
    const double noiseX = rng.uniform(-radius, radius) * o.noise;
    const double noiseY = rng.uniform(-radius, radius) * o.noise;
    const bool inside = std::hypot(x + noiseX, y + noiseY) < radius * 0.5;
    add(d, x, y, inside ? 1 : 0);
  };
  const int64_t inner = o.points / 2;
  for (int64_t i = 0; i < inner; ++i) draw(0, radius * 0.5);
  for (int64_t i = inner; i < o.points; ++i) draw(radius * 0.7, radius);
  return d;
}

Dataset makeXor(const Toy2dOptions& o) {
  check("xor", o);
  Dataset d = start("xor", o, {"x·y < 0", "x·y ≥ 0"});
  Rng rng(o.seed);
  const double padding = 0.3;
  for (int64_t i = 0; i < o.points; ++i) {
    double x = rng.uniform(-5, 5);
    x += x > 0 ? padding : -padding;
    double y = rng.uniform(-5, 5);
    y += y > 0 ? padding : -padding;
    const double noiseX = rng.uniform(-5, 5) * o.noise;
    const double noiseY = rng.uniform(-5, 5) * o.noise;
    add(d, x, y, (x + noiseX) * (y + noiseY) >= 0 ? 1 : 0);
  }
  return d;
}

Dataset makeGauss(const Toy2dOptions& o) {
  check("gauss", o);
  Dataset d = start("gauss", o, {"around (−2, −2)", "around (2, 2)"});
  Rng rng(o.seed);
  // Playground scales the variance linearly from 0.5 (noise 0) to 4 (noise 0.5).
  const double variance = 0.5 + o.noise * (4.0 - 0.5) / 0.5;
  const double sd = std::sqrt(variance);
  const int64_t positive = o.points / 2;
  for (int64_t i = 0; i < o.points; ++i) {
    const double c = i < positive ? 2.0 : -2.0;
    const double x = rng.normal(c, sd);
    const double y = rng.normal(c, sd);
    add(d, x, y, i < positive ? 1 : 0);
  }
  return d;
}

Dataset makeSpiral(const Toy2dOptions& o) {
  check("spiral", o);
  Dataset d = start("spiral", o, {"arm δ = π", "arm δ = 0"});
  Rng rng(o.seed);
  auto arm = [&](int64_t n, double deltaT, int label) {
    for (int64_t i = 0; i < n; ++i) {
      const double r = double(i) / double(n) * 5;
      const double t = 1.75 * double(i) / double(n) * 2 * M_PI + deltaT;
      const double x = r * std::sin(t) + rng.uniform(-1, 1) * o.noise;
      const double y = r * std::cos(t) + rng.uniform(-1, 1) * o.noise;
      add(d, x, y, label);
    }
  };
  const int64_t first = o.points / 2;
  arm(first, 0, 1);
  arm(o.points - first, M_PI, 0);
  return d;
}

const std::vector<std::string>& toy2dNames() {
  static const std::vector<std::string> names{"circle", "xor", "gauss", "spiral"};
  return names;
}

Dataset makeToy2d(const std::string& name, const Toy2dOptions& opts) {
  if (name == "circle") return makeCircle(opts);
  if (name == "xor") return makeXor(opts);
  if (name == "gauss") return makeGauss(opts);
  if (name == "spiral") return makeSpiral(opts);
  throw Error("unknown 2-D dataset \"" + name + "\"; use circle, xor, gauss or spiral");
}

}  // namespace gradlab
