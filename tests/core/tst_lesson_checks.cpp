// A lesson's checks: the expression grammar (precedence, functions, metric@variant), what a
// check says when a metric is not measured yet (pending, neither pass nor fail), and the
// metrics themselves computed by metricValue() from a hand-made run.
#include <QtTest>
#include <cmath>
#include <map>

#include "lesson/check_expr.h"
#include "lesson/metrics.h"
#include "support/error_text.h"
#include "train/probes/gradients.h"
#include "train/probes/inside.h"

using namespace gradlab;
using gradlab::test::errorOf;

namespace {

// Metric values by "metric@variant" ("metric" for none); a missing one is not measured.
MetricLookup table(std::map<std::string, double> values) {
  return [values](const std::string& metric, const std::string& variant) -> std::optional<double> {
    auto it = values.find(variant.empty() ? metric : metric + "@" + variant);
    if (it == values.end()) return std::nullopt;
    return it->second;
  };
}

CheckResult eval(const std::string& text, std::map<std::string, double> values = {},
                 std::vector<std::string> variants = {}) {
  return CheckExpr::parse(text, variants).evaluate(table(std::move(values)));
}

MetricPoint point(int64_t step, double trainLoss, double testLoss, double trainAcc,
                  double testAcc) {
  MetricPoint p;
  p.step = step;
  p.trainLoss = trainLoss;
  p.testLoss = testLoss;
  p.trainAcc = trainAcc;
  p.testAcc = testAcc;
  return p;
}

}  // namespace

class TestLessonChecks : public QObject {
  Q_OBJECT

 private slots:
  void precedence() {
    QCOMPARE(eval("1 + 2 * 3 >= 7").lhs, 7.0);
    QCOMPARE(eval("(1 + 2) * 3 >= 9").lhs, 9.0);
    QCOMPARE(eval("10 / 2 / 5 <= 1").lhs, 1.0);   // left to right
    QCOMPARE(eval("10 - 2 - 3 >= 5").lhs, 5.0);
    QCOMPARE(eval("-2 * -3 >= 6").lhs, 6.0);
    QCOMPARE(eval("2 - -3 > 4").lhs, 5.0);
    QCOMPARE(eval("1 < 2 + 3 * 4").rhs, 14.0);
    QCOMPARE(eval("abs(1 - 4) >= 3").lhs, 3.0);
    QCOMPARE(eval("min(1, 2) + max(3, 4) >= 5").lhs, 5.0);
    QCOMPARE(eval("log10(1000) >= 3").lhs, 3.0);
    QCOMPARE(eval("1e-3 * 2 < 0.01").lhs, 0.002);
  }

  void comparisons() {
    QCOMPARE(eval("1 < 1").passed, std::optional<bool>(false));
    QCOMPARE(eval("1 <= 1").passed, std::optional<bool>(true));
    QCOMPARE(eval("2 > 1").passed, std::optional<bool>(true));
    QCOMPARE(eval("1 >= 2").passed, std::optional<bool>(false));
    QCOMPARE(eval("0 / 0 < 1").passed, std::optional<bool>(false));  // NaN never passes
  }

  void metrics() {
    const CheckResult r = eval("test.accuracy - 0.5 * train.accuracy >= 0.25",
                               {{"test.accuracy", 0.75}, {"train.accuracy", 1.0}});
    QCOMPARE(r.lhs, 0.25);
    QCOMPARE(r.passed, std::optional<bool>(true));
    QCOMPARE(r.explain, std::string("0.25 >= 0.25"));
    const CheckResult g = eval("grad.ratio < 1e-3", {{"grad.ratio", 2.5e-5}});
    QCOMPARE(g.explain, std::string("2.5e-05 < 0.001"));
  }

  // Variant names may hold "-" and "+": the longest name of the step is read.
  void variants() {
    const std::vector<std::string> names = {"lr", "lr-0.1", "relu+bn"};
    const std::map<std::string, double> v = {
        {"test.loss@lr", 5}, {"test.loss@lr-0.1", 2}, {"test.loss@relu+bn", 1}};
    QCOMPARE(eval("test.loss@lr-0.1 - 1 < test.loss@lr", v, names).lhs, 1.0);
    QCOMPARE(eval("test.loss@lr -0.1 < 5", v, names).lhs, 4.9);
    QCOMPARE(eval("test.loss@relu+bn + 1 <= 2", v, names).lhs, 2.0);
    const auto refs = CheckExpr::parse("test.loss@lr < min(test.loss@relu+bn, steps)", names)
                          .references();
    QCOMPARE(refs.size(), size_t(3));
    QCOMPARE(refs[1], std::make_pair(std::string("test.loss"), std::string("relu+bn")));
    QCOMPARE(refs[2], std::make_pair(std::string("steps"), std::string()));
  }

  void pending() {
    const CheckResult r = eval("test.loss < 0.5 * start.test.loss", {{"start.test.loss", 1.0}});
    QVERIFY(!r.passed.has_value());
    QVERIFY2(r.explain.find("test.loss not measured") != std::string::npos, r.explain.c_str());
  }

  void parseErrors() {
    auto error = [](const std::string& text, std::vector<std::string> variants = {}) {
      return errorOf([&] { CheckExpr::parse(text, variants); });
    };
    QVERIFY(error("test.accuracy").contains("no comparison"));
    QVERIFY(error("test.acuracy > 1").contains("unknown metric \"test.acuracy\""));
    QVERIFY(error("test.loss@x > 1", {"a", "b"}).contains("unknown variant \"x\""));
    QVERIFY(error("test.loss@a > 1").contains("no variant"));
    QVERIFY(error("sqrt(4) > 1").contains("unknown function \"sqrt\""));
    QVERIFY(error("min(1) > 0").contains("min takes 2 arguments"));
    QVERIFY(error("(1 + 2 > 0").contains("expected \")\""));
    QVERIFY(error("0 < 1 < 2").contains("one comparison per check"));
    QVERIFY(error("1 > ").contains("at the end"));
    QVERIFY(error("").contains("empty"));
    QVERIFY(error("1 > 0 junk").contains("unexpected"));
    QVERIFY(error("1 = 1").contains("expected <"));
  }

  // metricValue on a hand-made history: now = the last point, start = the first, best = the
  // lowest test loss.
  void metricValues() {
    const std::vector<MetricPoint> history = {point(0, 1.0, 1.1, 0.5, 0.45),
                                              point(100, 0.3, 0.4, 0.9, 0.85),
                                              point(200, 0.1, 0.5, 0.99, 0.8)};
    GradientProbe g;
    g.layers = {{"h1", "Dense", 16, 1e-4, 0.5}, {"h2", "Dense", 16, 1e-3, 0.5},
                {"out", "Dense", 4, 0.2, 0.5}};
    InsideProbe inside;
    inside.pictures.push_back({"output", {2}, {5, 5}, false});
    inside.pictures.push_back({"gates.f", {2, 2}, {0.9f, 0.7f, 0.8f, 1.0f}, false});
    RunMeasures m;
    m.history = &history;
    m.gradients = &g;
    m.inside = &inside;
    m.steps = 200;
    m.classes = 4;
    auto v = [&](const char* metric) { return metricValue(m, metric); };
    QCOMPARE(*v("train.loss"), 0.1);
    QCOMPARE(*v("test.loss"), 0.5);
    QCOMPARE(*v("train.accuracy"), 0.99);
    QCOMPARE(*v("test.accuracy"), 0.8);
    QVERIFY(std::abs(*v("gap.accuracy") - 0.19) < 1e-12);
    QCOMPARE(*v("gap.loss"), 0.4);
    QCOMPARE(*v("start.train.loss"), 1.0);
    QCOMPARE(*v("start.test.loss"), 1.1);
    QCOMPARE(*v("start.test.accuracy"), 0.45);
    QCOMPARE(*v("chance"), 0.25);
    QCOMPARE(*v("steps"), 200.0);
    QCOMPARE(*v("grad.first"), 1e-4);
    QCOMPARE(*v("grad.last"), 0.2);
    QCOMPARE(*v("grad.ratio"), 1e-4 / 0.2);
    QCOMPARE(*v("best.step"), 100.0);
    QCOMPARE(*v("best.test.loss"), 0.4);
    QCOMPARE(*v("diverged"), 0.0);
    QVERIFY(std::abs(*v("forget.mean") - 0.85) < 1e-6);

    // An explicit start point wins over the history's first.
    m.start = point(0, 2.0, 2.2, 0.1, 0.1);
    QCOMPARE(*v("start.test.loss"), 2.2);

    // Not measured: no test set (NaN), regression (no classes), no gradients, no history.
    std::vector<MetricPoint> noTest = {point(5, 0.2, std::nan(""), 0.9, std::nan(""))};
    RunMeasures r;
    r.history = &noTest;
    QVERIFY(!metricValue(r, "test.loss"));
    QVERIFY(!metricValue(r, "test.accuracy"));
    QVERIFY(!metricValue(r, "gap.accuracy"));
    QVERIFY(!metricValue(r, "best.step"));
    QVERIFY(!metricValue(r, "chance"));
    QVERIFY(!metricValue(r, "grad.ratio"));
    QVERIFY(!metricValue(r, "forget.mean"));
    QCOMPARE(*metricValue(r, "train.loss"), 0.2);
    RunMeasures empty;
    QVERIFY(!metricValue(empty, "train.loss"));
    QVERIFY(errorOf([&] { metricValue(empty, "test.acc"); }).contains("unknown metric"));

    // Every documented metric is known, and nothing else.
    for (const char* name : {"train.loss", "test.loss", "train.accuracy", "test.accuracy",
                             "gap.accuracy", "gap.loss", "start.train.loss", "start.test.loss",
                             "start.test.accuracy", "chance", "steps", "grad.first", "grad.last",
                             "grad.ratio", "best.step", "best.test.loss", "diverged", "forget.mean"})
      QVERIFY2(isMetricName(name), name);
    QVERIFY(!isMetricName("accuracy"));
  }
};

QTEST_GUILESS_MAIN(TestLessonChecks)
#include "tst_lesson_checks.moc"
