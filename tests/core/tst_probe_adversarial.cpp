// The adversarial probes (train/probes/adversarial.h): one sample attacked within its ε-ball
// (‖x' − x‖∞ ≤ ε, pixels kept in [0, 1]), its predictions and probabilities before and after
// agreeing with a plain forward pass, nothing changed at ε = 0, weights left as they were, a
// user's own image attacked against its predicted class; the AttackProbe's clean accuracy equal
// to the trainer's own and its attacked accuracy far lower; the lesson key `attack:` and the
// attack.* metrics; bad options refused with a message naming them.
#include <QDir>
#include <QTest>
#include <cmath>

#include "lesson/lesson.h"
#include "lesson/metrics.h"
#include "train/probes/adversarial.h"
#include "train/trainer.h"
#include "util/error.h"

using namespace gradlab;

namespace {

// 400 images [1, 8, 8]: class 0 a bright 3 × 3 blob in the left half, class 1 in the right
// half, at varying rows and columns, with a little noise. A dense network learns it in a few
// hundred steps.
Split blobs() {
  Dataset d;
  d.name = "blobs";
  d.xShape = {1, 8, 8};
  d.yShape = {};
  d.numClasses = 2;
  d.classNames = {"left", "right"};
  uint64_t s = 12345;
  auto noise = [&s] {
    s = s * 6364136223846793005ULL + 1442695040888963407ULL;
    return float((s >> 33) % 1000) / 1000.0f * 0.1f;
  };
  for (int i = 0; i < 400; ++i) {
    const int cls = i % 2, r0 = (i / 2) % 6, c0 = cls * 4 + (i / 12) % 2;
    for (int p = 0; p < 64; ++p) {
      const int r = p / 8, c = p % 8;
      const bool on = r >= r0 && r < r0 + 3 && c >= c0 && c < c0 + 3;
      d.x.push_back(on ? 0.9f - noise() : noise());
    }
    d.y.push_back(float(cls));
  }
  return splitDataset(d, 0.5, 1);
}

NetworkSpec dense8x8() {
  return parseNetwork(R"({"format": "gradlab.network/1",
    "blocks": [{"id": "x", "type": "Input", "shape": [1, 8, 8]},
               {"id": "flat", "type": "Flatten"},
               {"id": "h", "type": "Dense", "units": 16, "activation": "relu"},
               {"id": "out", "type": "Dense", "units": 2}],
    "edges": [["x", "flat"], ["flat", "h"], ["h", "out"]],
    "loss": {"type": "cross_entropy", "block": "out"}})", "test");
}

std::unique_ptr<Trainer> trained(const Split& data, int steps) {
  TrainConfig c;
  c.seed = 2;
  c.lr = 0.01;
  c.batch = 20;
  auto t = std::make_unique<Trainer>(dense8x8(), data, c, cpuBackend(), DType::F32);
  for (int i = 0; i < steps; ++i) t->step();
  return t;
}

template <class P>
std::shared_ptr<const P> measure(Trainer& t, const nlohmann::json& options) {
  const ProbeContext ctx{t, options, nullptr, nullptr, nullptr, PlotRange{}, false};
  return std::dynamic_pointer_cast<const P>(P::kType.measure(ctx));
}

double sum(const std::vector<float>& v) {
  double s = 0;
  for (float x : v) s += x;
  return s;
}

}  // namespace

class TestProbeAdversarial : public QObject {
  Q_OBJECT
 private slots:
  void oneSampleWithinItsBall() {
    const Split data = blobs();
    auto t = trained(data, 300);
    const TensorMap before = t->network().weights();
    for (const char* method : {"fgsm", "pgd"}) {
      auto r = measure<AdversarialProbe>(*t, {{"sample", 3}, {"eps", 0.2}, {"method", method}});
      QVERIFY(r && r->why.empty());
      QCOMPARE(r->sample, int64_t(3));
      QVERIFY(r->onTest && !r->ownImage);
      QCOMPARE(r->shape, (Shape{1, 8, 8}));
      QCOMPARE(r->truth, int(data.test.y[3]));
      for (int j = 0; j < 64; ++j) QCOMPARE(r->original[size_t(j)], data.test.x[size_t(3 * 64 + j)]);
      double most = 0;
      for (int j = 0; j < 64; ++j) {
        const double d = std::abs(double(r->adversarial[size_t(j)]) - double(r->original[size_t(j)]));
        most = std::max(most, d);
        QVERIFY(r->adversarial[size_t(j)] >= 0 && r->adversarial[size_t(j)] <= 1);
      }
      QVERIFY(most <= 0.2 + 1e-6);
      QVERIFY(std::abs(r->change - most) < 1e-6);
      QVERIFY(most > 0.19);  // FGSM moves every pixel that clipping lets by the full ε
      // Probabilities: two classes, summing to 1; the predicted class is the more probable one.
      QCOMPARE(r->probabilitiesBefore.size(), size_t(2));
      QVERIFY(std::abs(sum(r->probabilitiesBefore) - 1) < 1e-5);
      QVERIFY(std::abs(sum(r->probabilitiesAfter) - 1) < 1e-5);
      QCOMPARE(r->before, r->probabilitiesBefore[1] > r->probabilitiesBefore[0] ? 1 : 0);
      QCOMPARE(r->after, r->probabilitiesAfter[1] > r->probabilitiesAfter[0] ? 1 : 0);
      // The attack raises the loss: the true class loses probability.
      QVERIFY(r->probabilitiesAfter[size_t(r->truth)] < r->probabilitiesBefore[size_t(r->truth)]);
      qInfo("%s, eps 0.2, test sample 3: p(true) %.3f -> %.3f", method,
            r->probabilitiesBefore[size_t(r->truth)], r->probabilitiesAfter[size_t(r->truth)]);
    }
    // The weights are as they were.
    const TensorMap after = t->network().weights();
    for (const auto& [name, w] : before) QVERIFY2(w.values == after.at(name).values, name.c_str());
  }

  void zeroEpsChangesNothing() {
    const Split data = blobs();
    auto t = trained(data, 100);
    auto r = measure<AdversarialProbe>(*t, {{"sample", 0}, {"eps", 0.0}});
    QVERIFY(r && r->why.empty());
    QCOMPARE(r->change, 0.0);
    QCOMPARE(r->adversarial, r->original);
    QCOMPARE(r->after, r->before);
    QVERIFY(!r->flipped());
  }

  void someSampleFlips() {
    const Split data = blobs();
    auto t = trained(data, 300);
    int flips = 0, right = 0;
    for (int i = 0; i < 40; ++i) {
      auto r = measure<AdversarialProbe>(*t, {{"sample", i}, {"eps", 0.3}});
      right += r->before == r->truth;
      flips += r->before == r->truth && r->flipped();
    }
    qInfo("of 40 test samples, %d right before, %d of those flipped by FGSM at eps 0.3", right, flips);
    QVERIFY(right >= 36);
    QVERIFY(flips >= right / 2);
  }

  void ownImage() {
    const Split data = blobs();
    auto t = trained(data, 300);
    std::vector<float> image(64, 0.0f);
    for (int r = 2; r < 5; ++r)
      for (int c = 5; c < 8; ++c) image[size_t(r * 8 + c)] = 1.0f;  // a blob on the right
    auto r = measure<AdversarialProbe>(*t, {{"image", image}, {"eps", 0.1}});
    QVERIFY(r && r->why.empty());
    QVERIFY(r->ownImage);
    QCOMPARE(r->truth, -1);
    QCOMPARE(r->before, 1);
    QCOMPARE(r->original, image);
    // Attacked against the class it is given: that class loses probability.
    QVERIFY(r->probabilitiesAfter[1] < r->probabilitiesBefore[1]);
    // A picture of the wrong size is refused with what the network takes.
    auto wrong = measure<AdversarialProbe>(*t, {{"image", std::vector<float>(10, 0.5f)}});
    QVERIFY(wrong);
    QVERIFY2(wrong->why.find("10 values") != std::string::npos &&
                 wrong->why.find("1×8×8") != std::string::npos,
             wrong->why.c_str());
  }

  void accuracyUnderAttack() {
    const Split data = blobs();
    auto t = trained(data, 300);
    auto fgsm = measure<AttackProbe>(*t, {{"method", "fgsm"}, {"eps", 0.2}, {"samples", 100}});
    QVERIFY(fgsm);
    QCOMPARE(fgsm->samples, int64_t(100));
    // Clean: exactly the trainer's accuracy on the same samples.
    QVERIFY(std::abs(fgsm->cleanAccuracy - *t->evaluate(data.test, 100).accuracy) < 1e-12);
    auto pgd = measure<AttackProbe>(*t, {{"method", "pgd"}, {"eps", 0.2}, {"samples", 100}});
    qInfo("100 test samples: clean %.2f, FGSM eps 0.2 %.2f, PGD %.2f", fgsm->cleanAccuracy,
          fgsm->accuracy, pgd->accuracy);
    QVERIFY(fgsm->cleanAccuracy >= 0.9);
    QVERIFY(fgsm->accuracy < fgsm->cleanAccuracy / 2);
    QVERIFY(pgd->accuracy <= fgsm->accuracy + 0.02);
    // More samples than the test set holds: all of them.
    auto all = measure<AttackProbe>(*t, {{"eps", 0.0}, {"samples", 100000}});
    QCOMPARE(all->samples, data.test.size());
    QCOMPARE(all->accuracy, all->cleanAccuracy);
  }

  void nothingToAttack() {
    // Regression data: a message, no attack.
    Split data = blobs();
    for (Dataset* d : {&data.train, &data.test}) {
      d->numClasses = 0;
      d->yShape = {1};
    }
    NetworkSpec spec = dense8x8();
    spec.find("out")->params["units"] = 1;
    spec.loss.type = "mse";
    Trainer t(spec, data, TrainConfig{}, cpuBackend(), DType::F32);
    auto r = measure<AdversarialProbe>(t, {{"sample", 0}});
    QVERIFY(r && r->why.find("classifier") != std::string::npos);
    QVERIFY(!measure<AttackProbe>(t, {{"eps", 0.1}}));
  }

  void badOptions() {
    const Split data = blobs();
    auto t = trained(data, 1);
    auto refuses = [&](const nlohmann::json& o, const char* text) {
      try {
        measure<AdversarialProbe>(*t, o);
        QFAIL(qPrintable(QString("accepted ") + QString::fromStdString(o.dump())));
      } catch (const Error& e) {
        QVERIFY2(std::string(e.what()).find(text) != std::string::npos, e.what());
      }
    };
    refuses({{"method", "deepfool"}}, "deepfool");
    refuses({{"eps", 2}}, "eps");
    refuses({{"eps", -0.1}}, "eps");
    refuses({{"eps", "big"}}, "eps");
    refuses({{"method", "pgd"}, {"steps", 0}}, "steps");
  }

  void lessonKeyAndMetrics() {
    const std::string text = "# T\n\n## S\n\n```gradlab\nnetwork: xor-mlp\ndata: xor\n"
                             "attack: pgd eps=0.05 samples=50 steps=5\n"
                             "check: attack.accuracy < 0.5 * attack.clean.accuracy\n```\n";
    const Lesson l = parseLesson(text, QDir::current().filePath("lesson.md").toStdString());
    const nlohmann::json& a = l.steps.at(0).setup.attack;
    QCOMPARE(QString::fromStdString(a.value("method", "")), QString("pgd"));
    QCOMPARE(a.value("eps", 0.0), 0.05);
    QCOMPARE(a.value("samples", 0), 50);
    QCOMPARE(a.value("steps", 0), 5);
    // Bad values name the line and what is wrong.
    auto refuses = [](const std::string& line, const char* what) {
      const std::string t = "# T\n\n## S\n\n```gradlab\nnetwork: xor-mlp\n" + line + "\n```\n";
      try {
        parseLesson(t, "lesson.md");
        QFAIL(qPrintable(QString::fromStdString("accepted " + line)));
      } catch (const Error& e) {
        const std::string m = e.what();
        QVERIFY2(m.find("lesson.md:7") != std::string::npos && m.find(what) != std::string::npos,
                 e.what());
      }
    };
    refuses("attack: deepfool", "fgsm or pgd");
    refuses("attack: fgsm eps=2", "eps");
    refuses("attack: fgsm samples=0", "samples");
    refuses("attack: fgsm size=3", "unknown attack option");
    // The metrics read the AttackProbe; without one they are not measured.
    AttackProbe p;
    p.cleanAccuracy = 0.8;
    p.accuracy = 0.1;
    RunMeasures m;
    QVERIFY(!metricValue(m, "attack.accuracy"));
    m.attack = &p;
    QCOMPARE(*metricValue(m, "attack.accuracy"), 0.1);
    QCOMPARE(*metricValue(m, "attack.clean.accuracy"), 0.8);
  }
};

QTEST_GUILESS_MAIN(TestProbeAdversarial)
#include "tst_probe_adversarial.moc"
