#pragma once
// NetworkSpec: a network as plain data — blocks, edges, loss. It is what the editor, the
// lessons, the CLI and the *.net.json files share, and it is editable with no device at hand.
// A spec may be invalid while someone edits it; analyze() (spec/analysis.h) lists every problem.
//
//   {"format": "gradlab.network/1", "name": "xor-mlp",
//    "blocks": [{"id": "x", "type": "Input", "shape": [2]},
//               {"id": "h1", "type": "Dense", "units": 4, "activation": "tanh"},
//               {"id": "out", "type": "Dense", "units": 1, "activation": "sigmoid"}],
//    "edges": [["x", "h1"], ["h1", "out"]],
//    "loss": {"type": "bce", "block": "out"}}
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

namespace gradlab {

inline constexpr const char* kNetworkFormat = "gradlab.network/1";
// Far beyond any network a lab builds (the canvas shows dozens); a file with more is refused
// when read, before anything is built from it.
inline constexpr size_t kMaxNetworkBlocks = 10000;
inline constexpr size_t kMaxNetworkEdges = 40000;

struct BlockSpec {
  std::string id;
  std::string type;
  nlohmann::json params = nlohmann::json::object();  // everything but id, type, ui
  nlohmann::json ui = nlohmann::json::object();      // canvas position etc.; the engine ignores it
};

struct LossSpec {
  std::string type;   // mse, bce, bce_logits, cross_entropy; empty = none
  std::string block;  // the block whose output the loss reads
};

struct Edge {
  std::string from, to;
  bool operator==(const Edge&) const = default;
};

struct NetworkSpec {
  std::string name;
  std::vector<BlockSpec> blocks;
  std::vector<Edge> edges;
  LossSpec loss;

  const BlockSpec* find(const std::string& id) const;
  BlockSpec* find(const std::string& id);
  // Ids of the blocks that feed `id`, in edge order (the order of a Concat's inputs).
  std::vector<std::string> inputsOf(const std::string& id) const;
  std::vector<std::string> consumersOf(const std::string& id) const;
};

// JSON <-> spec. parseNetwork throws Error naming `source` (a file name) and the place:
// "xor.net.json:3:14: ..." for malformed JSON, "xor.net.json: blocks[1]: ..." for structure.
NetworkSpec parseNetwork(const std::string& text, const std::string& source);
NetworkSpec loadNetwork(const std::string& path);
nlohmann::json toJson(const NetworkSpec& spec);
NetworkSpec fromJson(const nlohmann::json& j, const std::string& source);
// Writes atomically (temporary file, then rename).
void saveNetwork(const NetworkSpec& spec, const std::string& path);

}  // namespace gradlab
