#include "lesson/check_expr.h"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <optional>

#include "lesson/metrics.h"
#include "util/error.h"
#include "util/json.h"

namespace gradlab {

// A number, a metric (of a variant), or an operation on the children.
struct CheckExpr::Node {
  enum class Kind { Number, Metric, Neg, Add, Sub, Mul, Div, Abs, Log10, Min, Max } kind;
  double number = 0;
  std::string metric, variant;
  std::vector<std::shared_ptr<const Node>> args;
};

namespace {

using Node = CheckExpr::Node;
using NodePtr = std::shared_ptr<const Node>;

NodePtr make(Node::Kind kind, std::vector<NodePtr> args = {}) {
  auto n = std::make_shared<Node>();
  n->kind = kind;
  n->args = std::move(args);
  return n;
}

bool isNameChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.'; }

std::string joined(const std::vector<std::string>& names) {
  std::string s;
  for (const std::string& n : names) s += (s.empty() ? "" : ", ") + n;
  return s;
}

// Recursive descent over the grammar in check_expr.h.
class Parser {
 public:
  Parser(const std::string& text, const std::vector<std::string>& variants)
      : s_(text), variants_(variants) {}

  NodePtr sum() {
    NodePtr left = product();
    for (;;) {
      if (eat('+')) left = make(Node::Kind::Add, {left, product()});
      else if (eat('-')) left = make(Node::Kind::Sub, {left, product()});
      else return left;
    }
  }

  // "<=", "<", ">=", ">" or nothing.
  std::string comparison() {
    skipSpace();
    if (pos_ < s_.size() && (s_[pos_] == '<' || s_[pos_] == '>')) {
      std::string op(1, s_[pos_++]);
      if (pos_ < s_.size() && s_[pos_] == '=') op += s_[pos_++];
      return op;
    }
    return "";
  }

  bool atEnd() {
    skipSpace();
    return pos_ == s_.size();
  }
  [[noreturn]] void fail(const std::string& what) const {
    throw Error("check \"" + s_ + "\": " + what);
  }
  std::string rest() const { return s_.substr(pos_); }

 private:
  NodePtr product() {
    NodePtr left = unary();
    for (;;) {
      if (eat('*')) left = make(Node::Kind::Mul, {left, unary()});
      else if (eat('/')) left = make(Node::Kind::Div, {left, unary()});
      else return left;
    }
  }

  NodePtr unary() {
    if (eat('-')) return make(Node::Kind::Neg, {unary()});
    return atom();
  }

  NodePtr atom() {
    skipSpace();
    if (pos_ == s_.size()) fail("expected a number, a metric or \"(\" at the end");
    const char c = s_[pos_];
    if (eat('(')) {
      NodePtr inner = sum();
      if (!eat(')')) fail("expected \")\" at \"" + rest() + "\"");
      return inner;
    }
    if (std::isdigit(static_cast<unsigned char>(c)) || c == '.') return number();
    if (std::isalpha(static_cast<unsigned char>(c))) return name();
    fail(std::string("unexpected \"") + c + "\"; a side is a number, a metric, or +, -, *, / " +
         "and abs/min/max/log10(...) of them");
  }

  NodePtr number() {
    const char* begin = s_.c_str() + pos_;
    char* end = nullptr;
    const double v = std::strtod(begin, &end);
    if (end == begin) fail("bad number at \"" + rest() + "\"");
    pos_ += size_t(end - begin);
    auto n = std::make_shared<Node>();
    n->kind = Node::Kind::Number;
    n->number = v;
    return n;
  }

  NodePtr name() {
    const size_t start = pos_;
    while (pos_ < s_.size() && isNameChar(s_[pos_])) ++pos_;
    const std::string word = s_.substr(start, pos_ - start);
    skipSpace();
    if (pos_ < s_.size() && s_[pos_] == '(') return function(word);
    if (!isMetricName(word))
      fail("unknown metric \"" + word + "\"; the metrics are " + joined(metricNames()) +
           " (lessons/README.md, Metrics)");
    auto n = std::make_shared<Node>();
    n->kind = Node::Kind::Metric;
    n->metric = word;
    if (pos_ < s_.size() && s_[pos_] == '@') {
      ++pos_;
      n->variant = variantName();
    }
    return n;
  }

  // The longest variant name of the step that the text continues with (names may hold "-" and
  // "+", so "loss@lr-0.1 - 1" reads variant "lr-0.1" when the step has it).
  std::string variantName() {
    std::string best;
    for (const std::string& v : variants_) {
      if (v.size() <= best.size() || s_.compare(pos_, v.size(), v) != 0) continue;
      const size_t after = pos_ + v.size();
      if (after < s_.size() && isNameChar(s_[after])) continue;
      best = v;
    }
    if (best.empty()) {
      size_t end = pos_;
      while (end < s_.size() && (isNameChar(s_[end]) || s_[end] == '-' || s_[end] == '+')) ++end;
      const std::string word = s_.substr(pos_, end - pos_);
      if (variants_.empty())
        fail("\"@" + word + "\" names a variant, but this step has no variant: lines");
      fail("unknown variant \"" + word + "\"; this step's variants are " + joined(variants_));
    }
    pos_ += best.size();
    return best;
  }

  NodePtr function(const std::string& fn) {
    struct Fn {
      const char* name;
      Node::Kind kind;
      size_t arity;
    };
    static const Fn fns[] = {{"abs", Node::Kind::Abs, 1},
                             {"log10", Node::Kind::Log10, 1},
                             {"min", Node::Kind::Min, 2},
                             {"max", Node::Kind::Max, 2}};
    const Fn* f = nullptr;
    for (const Fn& candidate : fns)
      if (fn == candidate.name) f = &candidate;
    if (!f) fail("unknown function \"" + fn + "\"; use abs, min, max or log10");
    eat('(');
    std::vector<NodePtr> args{sum()};
    while (eat(',')) args.push_back(sum());
    if (!eat(')')) fail("expected \")\" after the arguments of " + fn);
    if (args.size() != f->arity)
      fail(fn + " takes " + std::to_string(f->arity) + " argument" + (f->arity > 1 ? "s" : "") +
           ", got " + std::to_string(args.size()));
    return make(f->kind, std::move(args));
  }

  void skipSpace() {
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
  }
  bool eat(char c) {
    skipSpace();
    if (pos_ < s_.size() && s_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }

  const std::string& s_;
  const std::vector<std::string>& variants_;
  size_t pos_ = 0;
};

// nullopt when a metric it reads is not measured (yet).
std::optional<double> value(const Node& n, const MetricLookup& lookup) {
  using K = Node::Kind;
  if (n.kind == K::Number) return n.number;
  if (n.kind == K::Metric) return lookup(n.metric, n.variant);
  std::vector<double> a;
  for (const NodePtr& arg : n.args) {
    std::optional<double> v = value(*arg, lookup);
    if (!v) return std::nullopt;
    a.push_back(*v);
  }
  switch (n.kind) {
    case K::Neg: return -a[0];
    case K::Add: return a[0] + a[1];
    case K::Sub: return a[0] - a[1];
    case K::Mul: return a[0] * a[1];
    case K::Div: return a[0] / a[1];
    case K::Abs: return std::fabs(a[0]);
    case K::Log10: return std::log10(a[0]);
    case K::Min: return std::min(a[0], a[1]);
    case K::Max: return std::max(a[0], a[1]);
    default: return std::nullopt;
  }
}

void collect(const Node& n, std::vector<std::pair<std::string, std::string>>& out) {
  if (n.kind == Node::Kind::Metric) out.emplace_back(n.metric, n.variant);
  for (const NodePtr& a : n.args) collect(*a, out);
}

}  // namespace

CheckExpr CheckExpr::parse(const std::string& text, const std::vector<std::string>& variants) {
  // Parsing, evaluating and freeing the tree recurse once per level, and "1+1+…" or "((((…"
  // nests as deep as the text is long: a 200 000-character check ran the stack out.
  if (text.size() > kMaxCheckChars)
    throw Error("check " + quotedName(text, 40) + ": " + std::to_string(text.size()) +
                " characters; a check holds at most " + std::to_string(kMaxCheckChars) +
                " (write two checks, or a simpler one)");
  Parser p(text, variants);
  if (p.atEnd()) p.fail("empty; write LEFT op RIGHT, e.g. test.accuracy >= 0.95");
  CheckExpr e;
  e.lhs_ = p.sum();
  e.op_ = p.comparison();
  if (e.op_.empty()) {
    if (p.atEnd())
      p.fail("no comparison; write LEFT op RIGHT with op one of <, <=, >, >= "
             "(e.g. test.accuracy >= 0.95)");
    p.fail("expected <, <=, > or >= at \"" + p.rest() + "\"");
  }
  e.rhs_ = p.sum();
  if (!p.atEnd()) {
    const std::string rest = p.rest();
    if (rest[0] == '<' || rest[0] == '>')
      p.fail("one comparison per check; write two check: lines for a range");
    p.fail("unexpected \"" + rest + "\" after the right side");
  }
  return e;
}

CheckResult CheckExpr::evaluate(const MetricLookup& lookup) const {
  CheckResult r;
  const std::optional<double> l = value(*lhs_, lookup), rv = value(*rhs_, lookup);
  if (!l || !rv) {
    std::string missing;
    for (const auto& [metric, variant] : references())
      if (!lookup(metric, variant))
        missing += (missing.empty() ? "" : ", ") + metric + (variant.empty() ? "" : "@" + variant);
    r.explain = missing.empty() ? "not measured yet" : missing + " not measured yet";
    return r;
  }
  r.lhs = *l;
  r.rhs = *rv;
  // NaN compares false everywhere: a check on a NaN loss fails, as it should.
  bool ok = false;
  if (op_ == "<") ok = r.lhs < r.rhs;
  else if (op_ == "<=") ok = r.lhs <= r.rhs;
  else if (op_ == ">") ok = r.lhs > r.rhs;
  else ok = r.lhs >= r.rhs;
  r.passed = ok;
  r.explain = formatMeasure(r.lhs) + " " + op_ + " " + formatMeasure(r.rhs);
  return r;
}

std::vector<std::pair<std::string, std::string>> CheckExpr::references() const {
  std::vector<std::pair<std::string, std::string>> out;
  collect(*lhs_, out);
  collect(*rhs_, out);
  return out;
}

std::string formatMeasure(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", v);
  return buf;
}

CheckResult LessonCheck::evaluate(const MetricLookup& lookup) const {
  if (!expr) return {std::nullopt, 0, 0, "no expression"};
  return expr->evaluate(lookup);
}

}  // namespace gradlab
