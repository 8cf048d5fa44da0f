// fitSpecToData: the edits the window (on new data) and `gradlab-cli train PROJECT.gradlab`
// make so that a network trains on a dataset — the input shape, the output's units and the
// loss for binary, multiclass and regression targets — and no edit when the network fits.
#include <QtTest>

#include "blocks/registry.h"
#include "data/catalog.h"
#include "spec/fit_to_data.h"
#include "spec/network_spec.h"

using namespace gradlab;

namespace {
// x [2] -> h1 Dense 8 tanh -> out Dense `units` (activation) with `loss`.
NetworkSpec mlp(int units, const std::string& loss, const std::string& activation = "") {
  std::string out = R"({"id": "out", "type": "Dense", "units": )" + std::to_string(units);
  if (!activation.empty()) out += R"(, "activation": ")" + activation + "\"";
  out += "}";
  return parseNetwork(R"({"format": "gradlab.network/1", "name": "mlp",
    "blocks": [{"id": "x", "type": "Input", "shape": [2]},
               {"id": "h1", "type": "Dense", "units": 8, "activation": "tanh"}, )" +
                          out + R"(],
    "edges": [["x", "h1"], ["h1", "out"]],
    "loss": {"type": ")" + loss + R"(", "block": "out"}})",
                      "mlp.net.json");
}

Dataset classes(int n, Shape x = {2}) {
  Dataset d;
  d.name = "classes";
  d.xShape = std::move(x);
  d.yShape = {};
  d.numClasses = n;
  return d;
}

Dataset regression(Shape y, Shape x = {2}) {
  Dataset d;
  d.name = "values";
  d.xShape = std::move(x);
  d.yShape = std::move(y);
  return d;
}

int64_t outUnits(const NetworkSpec& s) { return paramInt(*s.find("out"), "units"); }
QStringList changes(const FitToData& f) {
  QStringList out;
  for (const auto& c : f.changes) out << QString::fromStdString(c);
  return out;
}
}  // namespace

class TestFitToData : public QObject {
  Q_OBJECT
 private slots:
  void nothingToChange() {
    const NetworkSpec spec = mlp(3, "cross_entropy");
    const FitToData fit = fitSpecToData(spec, classes(3));
    QVERIFY2(fit.changes.empty(), qPrintable(changes(fit).join("; ")));
    QCOMPARE(toJson(fit.spec), toJson(spec));
    // Binary with a binary loss: one unit is right.
    QVERIFY(fitSpecToData(mlp(1, "bce", "sigmoid"), classes(2)).changes.empty());
    QVERIFY(fitSpecToData(mlp(1, "bce_logits"), classes(2)).changes.empty());
    QVERIFY(fitSpecToData(mlp(3, "mse"), regression({3})).changes.empty());
  }

  void inputShapeFollowsTheSamples() {
    const FitToData fit = fitSpecToData(mlp(10, "cross_entropy"), classes(10, {1, 28, 28}));
    QCOMPARE(paramShape(*fit.spec.find("x"), "shape"), (Shape{1, 28, 28}));
    QCOMPARE(changes(fit), QStringList{QString::fromUtf8("the input shape to 1×28×28")});
    QCOMPARE(outUnits(fit.spec), int64_t(10));
  }

  void binaryClasses() {
    // cross-entropy: one unit per class.
    FitToData fit = fitSpecToData(mlp(5, "cross_entropy"), classes(2));
    QCOMPARE(outUnits(fit.spec), int64_t(2));
    QCOMPARE(fit.spec.loss.type, std::string("cross_entropy"));
    QCOMPARE(changes(fit), QStringList{"out to 2 units"});
    // bce: one unit, the loss stays.
    fit = fitSpecToData(mlp(4, "bce", "sigmoid"), classes(2));
    QCOMPARE(outUnits(fit.spec), int64_t(1));
    QCOMPARE(fit.spec.loss.type, std::string("bce"));
    QCOMPARE(paramString(*fit.spec.find("out"), "activation"), std::string("sigmoid"));
    // mse on class indices becomes cross-entropy with one unit per class.
    fit = fitSpecToData(mlp(1, "mse"), classes(2));
    QCOMPARE(fit.spec.loss.type, std::string("cross_entropy"));
    QCOMPARE(outUnits(fit.spec), int64_t(2));
    QCOMPARE(changes(fit), (QStringList{"the loss to cross_entropy", "out to 2 units"}));
  }

  void multiclass() {
    // A binary loss cannot take three classes: cross-entropy, one unit per class.
    FitToData fit = fitSpecToData(mlp(1, "bce", "sigmoid"), classes(3));
    QCOMPARE(fit.spec.loss.type, std::string("cross_entropy"));
    QCOMPARE(outUnits(fit.spec), int64_t(3));
    QCOMPARE(changes(fit), (QStringList{"the loss to cross_entropy", "out to 3 units"}));
    // Already cross-entropy with units = classes, only the loss switch from mse counts.
    fit = fitSpecToData(mlp(4, "mse"), classes(4));
    QCOMPARE(fit.spec.loss.type, std::string("cross_entropy"));
    QCOMPARE(changes(fit), QStringList{"the loss to cross_entropy"});
  }

  void regressionTargets() {
    // Classification network on values: mse, a linear output with one unit per value.
    FitToData fit = fitSpecToData(mlp(2, "cross_entropy", "softmax"), regression({1}, {1}));
    QCOMPARE(fit.spec.loss.type, std::string("mse"));
    QVERIFY(!fit.spec.find("out")->params.contains("activation"));
    QCOMPARE(outUnits(fit.spec), int64_t(1));
    QCOMPARE(paramShape(*fit.spec.find("x"), "shape"), Shape{1});
    QCOMPARE(changes(fit).size(), 3);
    // Reconstruction (targets = inputs): as many units as the input has values.
    fit = fitSpecToData(mlp(1, "mse"), regression({1, 28, 28}, {1, 28, 28}));
    QCOMPARE(outUnits(fit.spec), int64_t(784));
    QCOMPARE(fit.spec.loss.type, std::string("mse"));
  }

  void aNonDenseOutputKeepsItsLoss() {
    // The loss reads an Activation block: nothing there has units, only the input is fitted.
    const NetworkSpec spec = parseNetwork(R"({"format": "gradlab.network/1",
      "blocks": [{"id": "x", "type": "Input", "shape": [2]},
                 {"id": "h", "type": "Dense", "units": 2},
                 {"id": "p", "type": "Activation", "function": "sigmoid"}],
      "edges": [["x", "h"], ["h", "p"]], "loss": {"type": "mse", "block": "p"}})", "act.net.json");
    const FitToData fit = fitSpecToData(spec, classes(3, {4}));
    QCOMPARE(changes(fit), QStringList{QString::fromUtf8("the input shape to 4")});
    QCOMPARE(fit.spec.loss.type, std::string("mse"));
  }

  void realDataset() {
    // The built-in spiral into the xor network of the lessons (bce, 1 unit): two classes, so the
    // network is left as it is; Fashion-MNIST's shape is covered above without its files.
    DatasetOptions o;
    o.points = 100;
    const Split spiral = loadBuiltin("spiral", o);
    const FitToData fit = fitSpecToData(mlp(1, "bce", "sigmoid"), spiral.train);
    QCOMPARE(spiral.train.numClasses, 2);
    QVERIFY2(fit.changes.empty(), qPrintable(changes(fit).join("; ")));
    const FitToData sine = fitSpecToData(mlp(1, "bce", "sigmoid"), loadBuiltin("fn-sine", {}).train);
    QCOMPARE(sine.spec.loss.type, std::string("mse"));
    QCOMPARE(paramShape(*sine.spec.find("x"), "shape"), Shape{1});
  }
};

QTEST_APPLESS_MAIN(TestFitToData)
#include "tst_fit_to_data.moc"
