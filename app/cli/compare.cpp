// gradlab-cli compare NET --dataset NAME | --data FILE --vary KEY=V1,V2,... | --variant NAME:K=V,...
// Trains 2 to 4 variants of one network side by side (train/compare.h: the same data, the same
// initial weights where shapes allow, the same batches) and prints each one's final metrics:
//   gradlab-cli compare examples/spiral.net.json --dataset spiral --vary lr=0.001,0.03,3
//   gradlab-cli compare examples/deep-sigmoid.net.json --dataset spiral
//       --variant sigmoid: --variant relu:h1.activation=relu,h2.activation=relu
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "backend/select.h"
#include "cli/commands.h"
#include "cli/option_ranges.h"
#include "cli/run_flags.h"
#include "data/data_source.h"
#include "lesson/lesson_setup.h"
#include "spec/fit_to_data.h"
#include "train/compare.h"
#include "util/error.h"

namespace gradlab::cli {

namespace {

struct CompareOptions {
  std::string network, dataset, data;
  std::vector<std::string> vary, variants;
  int64_t steps = 2000, points = 0;
  double noise = 0, testSplit = 0.5;
  int threads = 1;
  std::string backend = "cpu";
  TrainConfig config;
  CLI::App* cmd = nullptr;
};

struct Named {
  std::string name;
  std::vector<Setting> settings;
};

// --vary KEY=V1,V2,... (one KEY) and --variant NAME:K=V,K=V (repeated) -> named settings.
std::vector<Named> variantsFrom(const CompareOptions& o) {
  std::vector<Named> out;
  if (!o.vary.empty() && !o.variants.empty())
    throw UsageError("give --vary or --variant, not both");
  if (o.vary.size() > 1) throw UsageError("give one --vary KEY=V1,V2,...; for more, use --variant");
  if (o.vary.size() == 1) {
    const std::string& v = o.vary[0];
    const size_t eq = v.find('=');
    if (eq == std::string::npos || eq == 0)
      throw UsageError("--vary " + v + ": write KEY=V1,V2,... (e.g. --vary lr=0.001,0.03,3)");
    const std::string key = v.substr(0, eq);
    for (const std::string& value : splitTopLevel(v.substr(eq + 1), ',')) {
      if (value.empty()) throw UsageError("--vary " + v + ": an empty value");
      out.push_back({key + "=" + value, {{key, value, 0}}});
    }
  }
  for (const std::string& v : o.variants) {
    const size_t colon = v.find(':');
    Named n{v.substr(0, colon), {}};
    if (n.name.empty() || colon == std::string::npos)
      throw UsageError("--variant " + v + ": write NAME:KEY=VALUE,... (e.g. --variant relu:h1.activation=relu)");
    for (const std::string& kv : splitTopLevel(v.substr(colon + 1), ',')) {
      if (kv.empty()) continue;
      const size_t eq = kv.find('=');
      if (eq == std::string::npos || eq == 0 || eq + 1 == kv.size())
        throw UsageError("--variant " + v + ": \"" + kv + "\" is not KEY=VALUE");
      n.settings.push_back({kv.substr(0, eq), kv.substr(eq + 1), 0});
    }
    out.push_back(std::move(n));
  }
  if (out.size() < 2 || out.size() > 4)
    throw UsageError("compare runs 2 to 4 variants, got " + std::to_string(out.size()) +
                " (--vary lr=0.001,0.03,3 or --variant NAME:KEY=VALUE,... repeated)");
  return out;
}

std::string cell(double v) {
  if (std::isnan(v)) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", v);
  return buf;
}

void run(const CompareOptions& o) {
  if (o.dataset.empty() == o.data.empty())
    throw UsageError("give exactly one of --dataset NAME (a built-in set) or --data FILE");
  LessonSetup base;
  base.networkPath = o.network;
  base.network = loadNetwork(o.network);
  base.training = o.config;
  DataSource& d = base.data;
  if (!o.dataset.empty()) d.builtin = o.dataset;
  else d.builtin.clear(), d.path = o.data;
  if (o.points > 0) d.points = int(o.points);
  if (given(*o.cmd, "--noise")) d.noise = o.noise;
  d.testFraction = o.testSplit;
  d.seed = o.config.seed;
  auto data = std::make_shared<const Split>(loadSource(d));

  std::vector<CompareVariant> variants;
  for (const Named& n : variantsFrom(o)) {
    LessonSetup s = base;
    const std::string where = "--variant " + n.name;
    try {
      for (const Setting& st : n.settings)
        if (st.key == "data" || st.key == "views")
          throw Error(where + ":0: variants share the data; give it once with --dataset or --data");
      applySettings(s, n.settings, {where, std::filesystem::current_path().string()});
    } catch (const Error& e) {
      std::string msg = e.what();
      if (msg.rfind(where + ":0: ", 0) == 0) msg = where + ": " + msg.substr(where.size() + 4);
      throw Error(msg);
    }
    variants.push_back({n.name, fitSpecToData(s.network, data->train).spec, s.training});
  }

  BackendChoice choice = selectBackend(o.backend);
  if (!choice.message.empty()) std::fprintf(stderr, "%s\n", choice.message.c_str());
  choice.backend->setThreads(o.threads);
  const auto started = std::chrono::steady_clock::now();
  Comparison c(std::move(variants), data, *choice.backend);
  c.adviceFor = RetryIn::CommandLine;
  c.evaluate(kLiveEvalSamples);
  const int64_t every = std::max<int64_t>(1, o.steps / 20);
  for (int64_t s = 1; s <= o.steps; ++s) {
    if (std::none_of(c.runs().begin(), c.runs().end(),
                     [](const Comparison::Run& r) { return r.running(); }))
      break;
    c.step();
    if (s % every == 0) c.evaluate(kLiveEvalSamples);
  }
  c.evaluate(0);
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  size_t width = 7;
  for (const auto& r : c.runs()) width = std::max(width, r.variant.name.size());
  std::printf("%-*s  %8s  %10s  %10s  %9s  %9s  %s\n", int(width), "variant", "steps",
              "train loss", "test loss", "train acc", "test acc", "best step");
  for (const auto& r : c.runs()) {
    const MetricPoint* last = r.metrics.empty() ? nullptr : &r.metrics.back();
    const MetricPoint* best = nullptr;
    for (const MetricPoint& p : r.metrics)
      if (!std::isnan(p.testLoss) && (!best || p.testLoss < best->testLoss)) best = &p;
    const double nan = std::nan("");
    std::printf("%-*s  %8lld  %10s  %10s  %9s  %9s  %s\n", int(width), r.variant.name.c_str(),
                (long long)r.steps, cell(last ? last->trainLoss : nan).c_str(),
                cell(last ? last->testLoss : nan).c_str(), cell(last ? last->trainAcc : nan).c_str(),
                cell(last ? last->testAcc : nan).c_str(),
                best ? std::to_string(best->step).c_str() : "-");
  }
  for (const auto& r : c.runs())
    if (!r.message.empty()) std::printf("%s: %s\n", r.variant.name.c_str(), r.message.c_str());
  std::printf("compared %zu variants for %lld steps in %.1f s\n", c.runs().size(),
              (long long)c.steps(), secs);
}

}  // namespace

void addCompare(CLI::App& app, int& exitCode) {
  static CompareOptions o;
  auto* cmd = app.add_subcommand(
      "compare", "Train 2 to 4 variants side by side (same data, initial weights and batches) "
                 "and print each one's final metrics");
  o.cmd = cmd;
  cmd->add_option("network", o.network, "network file (*.net.json)")->required();
  cmd->add_option("--dataset", o.dataset, "built-in dataset: circle, xor, gauss, spiral, ...");
  cmd->add_option("--data", o.data, "your data: a CSV file, a safetensors file or a folder of images");
  cmd->add_option("--vary", o.vary,
                  "KEY=V1,V2,...: one variant per value (lr=0.001,0.03,3, h1.activation=sigmoid,relu)");
  cmd->add_option("--variant", o.variants,
                  "NAME:KEY=VALUE,...: one variant (repeat; keys as in lessons/README.md)");
  addNumber(cmd, "--steps", o.steps, kSteps, "training steps of every variant")->default_val(2000);
  addTrainingFlags(cmd, o.config);
  cmd->get_option("--optimizer")->default_val("adam");
  cmd->get_option("--batch")->default_val(10);
  cmd->get_option("--seed")->default_val(0);
  addNumber(cmd, "--points", o.points, kPoints, "built-in sets: number of points");
  addNumber(cmd, "--noise", o.noise, kNoise, "built-in sets: noise level");
  addNumber(cmd, "--test-split", o.testSplit, kFraction, "fraction held out for testing")->default_val(0.5);
  addNumber(cmd, "--threads", o.threads, kThreads, "cpu threads")->default_val(1);
  cmd->add_option("--backend", o.backend, "cpu, auto, cuda or cuda:N")->default_val("cpu");
  cmd->callback([&exitCode] {
    run(o);
    exitCode = 0;
  });
}

}  // namespace gradlab::cli
