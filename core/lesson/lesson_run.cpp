#include "lesson/lesson_run.h"

#include <algorithm>
#include <chrono>
#include <filesystem>

#include "lesson/lesson_setup.h"
#include "lesson/metrics.h"
#include "spec/fit_to_data.h"
#include "train/compare.h"
#include "train/probes/adversarial.h"
#include "train/probes/code.h"
#include "train/probes/explain_metrics.h"
#include "train/probes/gradients.h"
#include "train/probes/inside.h"
#include "util/error.h"

namespace gradlab {

namespace {

// As the window does with a network that has no weights yet: fitted to the data first.
NetworkSpec fitted(const NetworkSpec& spec, const Split& data) {
  return fitSpecToData(spec, data.train).spec;
}

// The first LSTM block's id, or "".
std::string firstLstm(const NetworkSpec& spec) {
  for (const BlockSpec& b : spec.blocks)
    if (b.type == "LSTM") return b.id;
  return "";
}

// What a variant has measured at the end of the step, kept alive for the checks.
struct Measured {
  std::shared_ptr<const ProbeResult> gradients, inside, attack, saliency, classImages, code;
};

// Whether a check of the step reads a metric starting with `prefix` ("saliency.").
bool reads(const LessonStep& step, const std::string& prefix) {
  return std::any_of(step.checks.begin(), step.checks.end(), [&](const LessonCheck& c) {
    return c.text.find(prefix) != std::string::npos;
  });
}

Measured measure(Trainer& trainer, const LessonSetup& setup, const LessonStep& step) {
  Measured m;
  const nlohmann::json none = nlohmann::json::object();
  m.gradients = measureGradients(ProbeContext{trainer, none, nullptr, nullptr, nullptr, {}, false});
  const std::string lstm = firstLstm(trainer.network().spec());
  if (!lstm.empty()) {
    const nlohmann::json options = {{"block", lstm}, {"sample", 0}};
    m.inside = measureInside(ProbeContext{trainer, options, nullptr, nullptr, nullptr, {}, false});
  }
  // attack.*: the step's attack on its first test samples (train/probes/adversarial.h).
  if (!setup.attack.is_null() && reads(step, "attack."))
    m.attack = measureAttack(ProbeContext{trainer, setup.attack, nullptr, nullptr, nullptr, {}, false});
  // Lesson 21's saliency and class images (train/probes/explain_metrics.h), when read.
  if (reads(step, "saliency."))
    m.saliency = measureSaliencyFlip(ProbeContext{trainer, none, nullptr, nullptr, nullptr, {}, false});
  if (reads(step, "visualize."))
    m.classImages = measureClassImages(ProbeContext{trainer, none, nullptr, nullptr, nullptr, {}, false});
  // Lesson 19's decoder against PCA (train/probes/code.h), when read.
  if (reads(step, "pca."))
    m.code = measureCode(ProbeContext{trainer, none, nullptr, nullptr, nullptr, {}, false});
  return m;
}

}  // namespace

LessonRunner::LessonRunner(Backend& backend, DType dtype) : backend_(backend), dtype_(dtype) {}

std::shared_ptr<const Split> LessonRunner::data(const DataSource& source) {
  const std::string key = source.toJson().dump();
  auto it = cache_.find(key);
  if (it != cache_.end()) return it->second;
  auto split = std::make_shared<const Split>(loadSource(source));
  cache_[key] = split;
  return split;
}

StepRun LessonRunner::run(const Lesson& lesson, const LessonStep& step) {
  const auto started = std::chrono::steady_clock::now();
  const SettingPlace place{lesson.path, std::filesystem::path(lesson.path).parent_path().string()};
  auto fail = [&](int line, const std::string& what) {
    throw Error(lesson.path + ":" + std::to_string(line) + ": " + what);
  };
  StepRun out;

  // The setups that run: the variants, or the step itself.
  std::vector<LessonSetup> setups;
  std::vector<std::string> names;
  if (step.variants.empty()) {
    setups.push_back(step.setup);
    names.push_back("");
  }
  for (const LessonVariant& v : step.variants) {
    setups.push_back(v.setup);
    names.push_back(v.name);
  }

  std::shared_ptr<const Split> split;
  std::unique_ptr<Comparison> comparison;
  try {
    split = data(step.setup.data);
    std::vector<CompareVariant> variants;
    for (size_t i = 0; i < setups.size(); ++i)
      variants.push_back({names[i], fitted(setups[i].network, *split), setups[i].training});
    comparison = std::make_unique<Comparison>(std::move(variants), split, backend_, dtype_);
  } catch (const Error& e) {
    fail(step.line, e.what());
  }
  Comparison& c = *comparison;
  c.evaluate(kLiveEvalSamples);  // where every variant starts: the start.* metrics

  auto anyRunning = [&] {
    return std::any_of(c.runs().begin(), c.runs().end(),
                       [](const Comparison::Run& r) { return r.running(); });
  };
  for (const LessonAction& a : step.actions) {
    try {
      switch (a.kind) {
        case LessonAction::Kind::Play: {
          const int64_t every = std::max<int64_t>(1, a.steps / 20);
          for (int64_t s = 1; s <= a.steps && anyRunning(); ++s) {
            c.step();
            if (s % every == 0 || s == a.steps) c.evaluate(kLiveEvalSamples);
          }
          break;
        }
        case LessonAction::Kind::Set:
          for (size_t i = 0; i < setups.size(); ++i) {
            applySettings(setups[i], a.settings, place);
            c.reconfigure(i, fitted(setups[i].network, *split), setups[i].training);
          }
          break;
        case LessonAction::Kind::Reset:
          c.reset();
          c.evaluate(kLiveEvalSamples);
          break;
      }
    } catch (const Error& e) {
      const std::string what = e.what();
      // applySettings' errors already name the file and line.
      if (what.rfind(lesson.path + ":", 0) == 0) throw;
      fail(a.line, "do: " + a.text + ": " + what);
    }
  }
  c.evaluate(0);  // the final point on every sample

  std::vector<Measured> measured;
  std::vector<RunMeasures> measures;
  const int classes = split->train.numClasses;
  for (size_t i = 0; i < c.runs().size(); ++i) measured.push_back(measure(*c.runs()[i].trainer, setups[i], step));
  for (size_t i = 0; i < c.runs().size(); ++i) {
    const Comparison::Run& r = c.runs()[i];
    RunMeasures m;
    m.history = &r.metrics;
    m.gradients = dynamic_cast<const GradientProbe*>(measured[i].gradients.get());
    m.inside = dynamic_cast<const InsideProbe*>(measured[i].inside.get());
    m.attack = dynamic_cast<const AttackProbe*>(measured[i].attack.get());
    m.saliency = dynamic_cast<const SaliencyFlipProbe*>(measured[i].saliency.get());
    m.classImages = dynamic_cast<const ClassImagesProbe*>(measured[i].classImages.get());
    m.code = dynamic_cast<const CodeProbe*>(measured[i].code.get());
    m.steps = r.steps;
    m.classes = classes;
    m.diverged = r.diverged;
    measures.push_back(m);
    out.runs.push_back({names[i], r.metrics, r.steps, r.diverged, r.message});
  }
  const MetricLookup lookup = [&](const std::string& metric,
                                  const std::string& variant) -> std::optional<double> {
    const auto it = std::find(names.begin(), names.end(), variant);
    // Without "@NAME" a check reads the first variant.
    const size_t i = variant.empty() ? 0 : size_t(it - names.begin());
    if (i >= measures.size()) return std::nullopt;
    return metricValue(measures[i], metric);
  };
  for (const LessonCheck& check : step.checks) out.checks.push_back(check.evaluate(lookup));
  out.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return out;
}

}  // namespace gradlab
