#include "data/functions1d.h"

#include <cmath>

#include "util/error.h"
#include "util/rng.h"

namespace gradlab {

namespace {

struct Function {
  const char* name;
  double lo, hi;
  double (*f)(double);
};

const Function kFunctions[] = {
    {"fn-sine", -M_PI, M_PI, [](double x) { return std::sin(x); }},
    {"fn-step", -1, 1, [](double x) { return x < 0 ? 0.0 : 1.0; }},
    {"fn-abs", -1, 1, [](double x) { return std::abs(x); }},
    {"fn-cubic", -1, 1, [](double x) { return x * x * x; }},
    {"fn-bump", -3, 3, [](double x) { return std::exp(-x * x); }},
};

const Function& find(const std::string& name) {
  for (const auto& f : kFunctions)
    if (name == f.name) return f;
  std::string list;
  for (const auto& f : kFunctions) list += (list.empty() ? "" : ", ") + std::string(f.name);
  throw Error("unknown 1-D function \"" + name + "\"; use one of " + list);
}

}  // namespace

const std::vector<std::string>& function1dNames() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const auto& f : kFunctions) out.push_back(f.name);
    return out;
  }();
  return names;
}

double function1dValue(const std::string& name, double x) { return find(name).f(x); }

std::pair<double, double> function1dInterval(const std::string& name) {
  const Function& f = find(name);
  return {f.lo, f.hi};
}

Dataset makeFunction1d(const std::string& name, const Function1dOptions& o) {
  const Function& f = find(name);
  if (o.points < 1 || o.points > 10'000'000)
    throw Error("dataset " + name + ": " + std::to_string(o.points) + " points is out of range; use 1 to 10000000");
  if (!(o.noise >= 0.0 && std::isfinite(o.noise)))
    throw Error("dataset " + name + ": noise " + std::to_string(o.noise) +
                " must be a standard deviation ≥ 0 (0.1 adds a little scatter)");
  Dataset d;
  d.name = name;
  d.xShape = {1};
  d.yShape = {1};
  d.numClasses = 0;
  d.x.reserve(size_t(o.points));
  d.y.reserve(size_t(o.points));
  Rng rng(o.seed);
  for (int64_t i = 0; i < o.points; ++i) {
    const double x = rng.uniform(f.lo, f.hi);
    // Noise is drawn even when it is 0, so that the same seed gives the same x at any noise.
    const double y = f.f(x) + o.noise * rng.normal();
    d.x.push_back(float(x));
    d.y.push_back(float(y));
  }
  return d;
}

}  // namespace gradlab
