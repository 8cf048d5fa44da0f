// gradlab-cli bench — training throughput (full steps: forward, loss, backward, update) of
// the cases in bench_cases.cpp. bench/run.sh runs it beside the PyTorch peer.
#include <chrono>
#include <cstdio>

#include "backend/backend.h"
#include "backend/select.h"
#include "cli/bench_cases.h"
#include "cli/commands.h"
#include "cli/option_ranges.h"
#include "train/trainer.h"
#include "util/error.h"

namespace gradlab::cli {

namespace {
struct BenchOptions {
  std::vector<std::string> cases;
  int threads = 1;
  std::string backend = "auto";
  double seconds = 2.0;
  bool json = false;
};

void runCase(const BenchCase& c, const BenchOptions& o, Backend& be) {
  be.setThreads(o.threads);
  const NetworkSpec spec = fromJson(nlohmann::json::parse(c.network), "bench:" + c.name);
  Split split{c.makeData(), Dataset{}};
  TrainConfig cfg;
  cfg.batch = c.batch;
  cfg.optimizer = c.optimizer;
  Trainer t(spec, std::move(split), cfg, be, DType::F32);
  using clock = std::chrono::steady_clock;
  auto warm = clock::now();
  while (clock::now() - warm < std::chrono::duration<double>(std::min(0.5, o.seconds / 4))) t.step();
  int64_t steps = 0;
  const auto start = clock::now();
  double elapsed = 0;
  do {
    for (int i = 0; i < 8; ++i) t.step();
    steps += 8;
    elapsed = std::chrono::duration<double>(clock::now() - start).count();
  } while (elapsed < o.seconds);
  const double sps = double(steps) / elapsed;
  if (o.json)
    std::printf("{\"case\": \"%s\", \"backend\": \"%s\", \"threads\": %d, "
                "\"steps_per_s\": %.1f, \"samples_per_s\": %.1f, \"impl\": \"gradlab\"}\n",
                c.name.c_str(), be.name().c_str(), o.threads, sps, sps * double(c.batch));
  else
    std::printf("%-10s %-4s threads %d  %10.0f steps/s  %12.0f samples/s   %s\n", c.name.c_str(),
                be.name().c_str(), be.threads(), sps, sps * double(c.batch),
                c.description.c_str());
  std::fflush(stdout);
}
}  // namespace

void addBench(CLI::App& app, int& exitCode) {
  static BenchOptions o;
  auto* cmd = app.add_subcommand("bench", "Measure training throughput of the benchmark cases");
  cmd->add_option("--case", o.cases, "case(s) to run (default: all)");
  addNumber(cmd, "--threads", o.threads, kThreads, "cpu threads")->default_val(1);
  cmd->add_option("--backend", o.backend,
                  "auto (the GPU when usable, else the CPU), cpu, cuda or cuda:N")
      ->default_val("auto");
  addNumber(cmd, "--seconds", o.seconds, Range{0.01, 3600}, "time per case")->default_val(2.0);
  cmd->add_flag("--json", o.json, "one JSON object per case");
  cmd->callback([&exitCode] {
    const BackendChoice choice = selectBackend(o.backend);
    if (!choice.message.empty()) std::fprintf(stderr, "%s\n", choice.message.c_str());
    bool any = false;
    for (const auto& c : benchCases()) {
      if (!o.cases.empty() && std::find(o.cases.begin(), o.cases.end(), c.name) == o.cases.end())
        continue;
      runCase(c, o, *choice.backend);
      any = true;
    }
    if (!any) {
      std::string names;
      for (const auto& c : benchCases()) names += (names.empty() ? "" : ", ") + c.name;
      throw Error("no benchmark case matches; the cases are: " + names);
    }
    exitCode = 0;
  });
}

}  // namespace gradlab::cli
