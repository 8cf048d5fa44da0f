#pragma once
// CheckExpr: a lesson step's check, "test.accuracy >= 0.95", parsed once and evaluated against
// whatever measures a run has (lessons/README.md "Checks"):
//
//   check   := sum ( "<" | "<=" | ">" | ">=" ) sum
//   sum     := product (("+" | "-") product)*
//   product := unary (("*" | "/") unary)*
//   unary   := "-" unary | atom
//   atom    := NUMBER | METRIC ["@" VARIANT] | "(" sum ")" | FUNC "(" sum ("," sum)* ")"
//   FUNC    := abs (1 argument) | log10 (1) | min (2) | max (2)
//
//   CheckExpr e = CheckExpr::parse("grad.ratio@sigmoid < 1e-3 * grad.ratio@relu",
//                                  {"sigmoid", "relu"});
//   CheckResult r = e.evaluate(lookup);   // r.passed: true, false, or nullopt (pending)
//
// parse() throws Error (without a file or line: the lesson parser adds them) for an unknown
// metric, an unknown variant, a missing comparison, any other syntax error and a text longer
// than kMaxCheckChars.
#include <cstddef>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "lesson/lesson.h"

namespace gradlab {

// The longest check text parse() takes; the bundled lessons' longest is under 100.
inline constexpr size_t kMaxCheckChars = 500;

class CheckExpr {
 public:
  // `variants`: the names a metric may carry after "@" (empty: a step without variants, where
  // "@" is an error).
  static CheckExpr parse(const std::string& text, const std::vector<std::string>& variants);
  CheckResult evaluate(const MetricLookup& lookup) const;

  // Every (metric, variant) the check reads, in order of appearance.
  std::vector<std::pair<std::string, std::string>> references() const;
  const std::string& op() const { return op_; }

  struct Node;  // the expression tree (check_expr.cpp)

 private:
  std::shared_ptr<const Node> lhs_, rhs_;
  std::string op_;  // "<", "<=", ">", ">="
};

// A measured value as checks print it: 4 significant digits ("0.9850", "1.2e-05").
std::string formatMeasure(double v);

}  // namespace gradlab
