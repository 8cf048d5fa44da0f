#include "spec/analysis.h"

#include <algorithm>
#include <map>
#include <set>

#include "blocks/registry.h"
#include "util/error.h"

namespace gradlab {

bool Analysis::runsWithoutLoss() const {
  return !inputBlock.empty() &&
         std::all_of(problems.begin(), problems.end(), [](const Problem& p) { return p.aboutLoss; });
}

std::vector<Problem> Analysis::problemsOf(const std::string& block) const {
  std::vector<Problem> out;
  for (const auto& p : problems)
    if (p.block == block) out.push_back(p);
  return out;
}

std::string describe(const std::vector<Problem>& problems) {
  std::string out;
  for (const auto& p : problems) out += (p.block.empty() ? "network" : p.block) + ": " + p.message + "\n";
  return out;
}

namespace {
const std::vector<std::string> kLosses{"mse", "bce", "bce_logits", "cross_entropy"};

// "8×…×9 values (more than the 2147483648 one tensor may hold) — use smaller shapes"
std::string tooMany(const Shape& s) {
  return toString(s) + " values (more than the " + std::to_string(kMaxElements) +
         " one tensor may hold) — use smaller shapes or fewer units";
}

std::string typeList() {
  std::string out;
  for (const auto& t : blockTypes()) out += (out.empty() ? "" : ", ") + t.type;
  return out;
}
}  // namespace

Analysis analyze(const NetworkSpec& spec) {
  Analysis a;
  auto problem = [&](const std::string& block, const std::string& msg) {
    a.problems.push_back({block, msg});
  };
  std::set<std::string> broken;  // blocks whose own definition is wrong
  // Blocks by id, and the edges by block: every lookup below is O(log n), so that a chain of
  // 100 000 blocks validates in moments (scanning the edges per block took minutes).
  std::map<std::string, const BlockSpec*> byId;
  for (const auto& b : spec.blocks) byId.emplace(b.id, &b);
  auto exists = [&](const std::string& id) { return byId.count(id) > 0; };

  // Block types and parameters.
  std::vector<std::string> inputs;
  for (const auto& b : spec.blocks) {
    const BlockInfo* info = findBlockType(b.type);
    if (!info) {
      problem(b.id, "unknown block type \"" + b.type + "\" (the types are: " + typeList() + ")");
      broken.insert(b.id);
      continue;
    }
    for (const auto& msg : checkParams(*info, b)) {
      problem(b.id, b.type + " " + msg);
      broken.insert(b.id);
    }
    if (b.type == "Input") inputs.push_back(b.id);
  }
  if (inputs.empty() && !spec.blocks.empty())
    problem("", "has no Input block — add one and set its shape to the dataset's sample shape");
  if (inputs.size() > 1)
    for (size_t i = 1; i < inputs.size(); ++i)
      problem(inputs[i], "is a second Input block; a network has one — delete it");
  if (!inputs.empty()) a.inputBlock = inputs[0];

  // Edges.
  std::set<std::pair<std::string, std::string>> seen;
  std::vector<Edge> edges;
  for (const auto& e : spec.edges) {
    if (!exists(e.from)) {
      problem(e.to, "has an edge from \"" + e.from + "\", which is not a block — delete that edge");
      continue;
    }
    if (!exists(e.to)) {
      problem(e.from, "has an edge to \"" + e.to + "\", which is not a block — delete that edge");
      continue;
    }
    if (e.from == e.to) {
      problem(e.from, "is connected to itself — delete that edge");
      continue;
    }
    if (!seen.insert({e.from, e.to}).second) {
      problem(e.to, "is connected to \"" + e.from + "\" twice — delete one edge");
      continue;
    }
    edges.push_back(e);
  }
  std::map<std::string, std::vector<std::string>>& inputsOf = a.inputs;
  std::map<std::string, std::vector<std::string>> consumersOf;
  for (const auto& e : edges) {
    inputsOf[e.to].push_back(e.from);
    consumersOf[e.from].push_back(e.to);
  }

  // Topological order (Kahn); what is left over sits on a cycle.
  std::map<std::string, int> indegree;
  for (const auto& b : spec.blocks) indegree[b.id] = 0;
  for (const auto& e : edges) ++indegree[e.to];
  std::vector<std::string> ready;
  for (const auto& b : spec.blocks)
    if (indegree[b.id] == 0) ready.push_back(b.id);
  for (size_t i = 0; i < ready.size(); ++i) {
    a.order.push_back(ready[i]);
    for (const auto& to : consumersOf[ready[i]])
      if (--indegree[to] == 0) ready.push_back(to);
  }
  for (const auto& b : spec.blocks)
    if (indegree[b.id] > 0)
      problem(b.id, "is part of a cycle — a network must flow one way; delete an edge of the loop");

  // Inputs per block, shape inference in order.
  for (const auto& id : a.order) {
    const BlockSpec& b = *byId.at(id);
    const BlockInfo* info = findBlockType(b.type);
    const std::vector<std::string>& from = inputsOf[id];
    if (!info) continue;
    const int n = int(from.size());
    if (n < info->minInputs) {
      problem(id, info->minInputs == 1 && n == 0
                      ? b.type + " has no input — connect a block's output to it"
                      : b.type + " needs at least " + std::to_string(info->minInputs) +
                            " inputs, has " + std::to_string(n));
      continue;
    }
    if (info->maxInputs >= 0 && n > info->maxInputs) {
      problem(id, info->maxInputs == 0
                      ? b.type + " takes no input — delete the edge into it"
                      : b.type + " takes " + std::to_string(info->maxInputs) +
                            " input, has " + std::to_string(n) + " — delete the extra edges");
      continue;
    }
    if (broken.count(id)) continue;
    std::vector<Shape> in;
    bool known = true;
    for (const auto& f : from) {
      auto it = a.outShapes.find(f);
      if (it == a.outShapes.end()) known = false;
      else in.push_back(it->second);
    }
    if (!known) continue;  // an upstream block has a problem already
    try {
      Shape out = info->infer(b, in);
      for (int64_t d : out)
        if (d <= 0) throw Error("would produce an empty output (" + toString(out) + ")");
      if (boundedNumel(out) < 0) throw Error("would produce " + tooMany(out));
      int64_t count = 0;
      for (const auto& p : info->paramDecls(b, in)) {
        const int64_t n = boundedNumel(p.shape);
        if (n < 0) throw Error("would need a parameter " + p.name + " of " + tooMany(p.shape));
        if (p.trainable) count += n;
      }
      if (a.totalParams + count > kMaxElements)
        throw Error("would bring the network to more than " + std::to_string(kMaxElements) +
                    " parameters, more than Gradlab builds — use fewer units or smaller shapes");
      a.inShapes[id] = in;
      a.outShapes[id] = out;
      a.paramCounts[id] = count;
      a.totalParams += count;
    } catch (const Error& e) {
      problem(id, b.type + " " + e.what());
    }
  }

  // Loss.
  auto lossProblem = [&](const std::string& block, const std::string& msg) {
    a.problems.push_back({block, msg, /*aboutLoss=*/true});
  };
  if (spec.loss.type.empty()) {
    if (!spec.blocks.empty())
      lossProblem("", "has no loss — set one, e.g. {\"type\": \"cross_entropy\", \"block\": \"out\"}");
  } else if (std::find(kLosses.begin(), kLosses.end(), spec.loss.type) == kLosses.end()) {
    lossProblem("", "unknown loss \"" + spec.loss.type +
                        "\" (use mse, bce, bce_logits or cross_entropy)");
  } else if (!exists(spec.loss.block)) {
    lossProblem("", "the loss reads block \"" + spec.loss.block +
                        "\", which does not exist — set loss.block to the output block's id");
  } else if (auto it = a.outShapes.find(spec.loss.block); it != a.outShapes.end()) {
    // mse, bce and bce_logits take any shape; cross_entropy reads the last extent as the
    // classes: [classes] or [T, classes].
    const Shape& s = it->second;
    if (spec.loss.type == "cross_entropy" && s.size() > 2)
      lossProblem(spec.loss.block,
                  "feeds cross_entropy with a " + toString(s) +
                      " output; cross_entropy reads [classes] or [time, classes] — insert "
                      "Flatten and a Dense layer with one unit per class (or use mse or bce for "
                      "a target per element)");
    else if (spec.loss.type == "cross_entropy" && s.back() < 2)
      lossProblem(spec.loss.block,
                  "feeds cross_entropy with " + std::to_string(s.back()) +
                      " output" + (s.size() == 2 ? " per step" : "") +
                      "; it needs one output per class (2 or more) — or use bce with a sigmoid "
                      "output for two classes");
  }

  // Every block must lead to the loss block.
  if (exists(spec.loss.block)) {
    std::set<std::string> reaches{spec.loss.block};
    for (auto it = a.order.rbegin(); it != a.order.rend(); ++it)
      for (const auto& to : consumersOf[*it])
        if (reaches.count(to)) reaches.insert(*it);
    for (const auto& b : spec.blocks)
      if (!reaches.count(b.id) && indegree[b.id] == 0) {
        if (consumersOf[b.id].empty() && inputsOf[b.id].empty())
          problem(b.id, "is not connected — wire it into the network or delete it");
        else
          lossProblem(b.id, "does not lead to the loss block \"" + spec.loss.block +
                                "\" — connect its output onward or delete it");
      }
  }
  return a;
}

}  // namespace gradlab
