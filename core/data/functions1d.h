#pragma once
// 1-D regression sets: y = f(x) + noise for x drawn uniformly on f's interval; xShape {1},
// yShape {1}, numClasses 0. The names start with "fn-" so they don't clash with the sequence
// task "sine".
//
//   Dataset d = makeFunction1d("fn-sine", {.points = 200, .noise = 0.1, .seed = 3});
//   // d.x[i] in [−π, π], d.y[i] ≈ sin(d.x[i]) + N(0, 0.1²)
//
//   fn-sine    sin x                 on [−π, π]
//   fn-step    0 for x < 0, 1 after  on [−1, 1]
//   fn-abs     |x|                   on [−1, 1]
//   fn-cubic   x³                    on [−1, 1]
//   fn-bump    exp(−x²)  (a Gaussian bump)  on [−3, 3]
#include <cstdint>
#include <string>
#include <vector>

#include "data/dataset.h"

namespace gradlab {

struct Function1dOptions {
  int64_t points = 200;
  double noise = 0;  // standard deviation of the Gaussian noise added to y; ≥ 0
  uint64_t seed = 0;
};

// Throws Error listing the names for an unknown name, and for points < 1 or noise < 0.
Dataset makeFunction1d(const std::string& name, const Function1dOptions& opts);
const std::vector<std::string>& function1dNames();
// The noise-free function and its interval, e.g. for drawing the true curve behind the fit.
double function1dValue(const std::string& name, double x);
std::pair<double, double> function1dInterval(const std::string& name);

}  // namespace gradlab
