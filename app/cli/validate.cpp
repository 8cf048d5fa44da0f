// gradlab-cli validate NET.json — every block's output shape and parameter count, or every
// problem (exit 1).
#include <cstdio>
#include <map>

#include "cli/commands.h"
#include "spec/analysis.h"
#include "spec/network_spec.h"

namespace gradlab::cli {

void addValidate(CLI::App& app, int& exitCode) {
  auto* cmd = app.add_subcommand("validate", "Check a network file: shapes, parameters, problems");
  static std::string path;
  cmd->add_option("network", path, "network file (*.net.json)")->required();
  cmd->callback([&exitCode] {
    const NetworkSpec spec = loadNetwork(path);
    const Analysis a = analyze(spec);
    if (!a.ok()) {
      std::fprintf(stderr, "%s: %zu problem%s:\n", path.c_str(), a.problems.size(),
                   a.problems.size() == 1 ? "" : "s");
      for (const auto& p : a.problems)
        std::fprintf(stderr, "  %s: %s\n", p.block.empty() ? "network" : p.block.c_str(),
                     p.message.c_str());
      exitCode = 1;
      return;
    }
    std::printf("%-14s %-12s %-16s %10s\n", "block", "type", "output", "params");
    std::map<std::string, const BlockSpec*> byId;  // a.order is long in a long chain
    for (const auto& b : spec.blocks) byId.emplace(b.id, &b);
    for (const auto& id : a.order)
      std::printf("%-14s %-12s %-16s %10lld\n", id.c_str(), byId.at(id)->type.c_str(),
                  toString(a.outShapes.at(id)).c_str(), (long long)a.paramCounts.at(id));
    std::printf("%s: valid, %lld parameters, loss %s on \"%s\"\n", path.c_str(),
                (long long)a.totalParams, spec.loss.type.c_str(), spec.loss.block.c_str());
  });
}

}  // namespace gradlab::cli
