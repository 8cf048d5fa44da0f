#include "cli/option_ranges.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace gradlab::cli {

namespace {
// "1e-12", "0.5", "1000000000": limits as a reader writes them (%g would give 1e+09).
std::string number(double v) {
  char buf[40];
  if (v == std::floor(v) && std::abs(v) < 1e16) std::snprintf(buf, sizeof buf, "%.0f", v);
  else std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}

// "between 1 and 256", "a fraction in [0, 1)".
std::string rangeText(const Range& r) {
  if (r.open && r.lo == 0 && r.hi == 1) return "a fraction in [0, 1)";
  if (r.open) return "in [" + number(r.lo) + ", " + number(r.hi) + ")";
  return "between " + number(r.lo) + " and " + number(r.hi);
}
}  // namespace

std::string rangeProblem(const std::string& flag, const Range& r, std::string& text) {
  const char* begin = text.c_str();
  char* end = nullptr;
  const double v = std::strtod(begin, &end);
  const bool parsed = end != begin && *end == '\0';
  auto problem = [&](const char* kind, const std::string& got) {
    return flag + " must be " + kind + rangeText(r) + ", got " + got;
  };
  if (!parsed) return flag + " must be a number (" + rangeText(r) + "), got " + quoteText(text);
  // NaN fails every comparison: it is never in range. Neither is ±inf (hi is finite).
  const bool inside = v >= r.lo && (r.open ? v < r.hi : v <= r.hi);
  if (!inside) return problem("", text);
  if (r.whole) {
    if (v != std::floor(v)) return problem("a whole number ", text);
    text = number(v);  // "1e3" -> "1000": CLI11 reads integers without exponents only
  }
  return "";
}

CLI::Validator inRange(const std::string& flag, const Range& range) {
  std::string desc = range.open ? "[" + number(range.lo) + ", " + number(range.hi) + ")"
                                : number(range.lo) + " to " + number(range.hi);
  return CLI::Validator(
      [flag, range](std::string& text) {
        if (std::string problem = rangeProblem(flag, range, text); !problem.empty())
          throw UsageError(problem);
        return std::string();
      },
      desc);
}

}  // namespace gradlab::cli
