#include "spec/network_spec.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "util/error.h"
#include "util/file.h"
#include "util/json.h"

namespace gradlab {

using nlohmann::json;

const BlockSpec* NetworkSpec::find(const std::string& id) const {
  for (const auto& b : blocks)
    if (b.id == id) return &b;
  return nullptr;
}

BlockSpec* NetworkSpec::find(const std::string& id) {
  for (auto& b : blocks)
    if (b.id == id) return &b;
  return nullptr;
}

std::vector<std::string> NetworkSpec::inputsOf(const std::string& id) const {
  std::vector<std::string> out;
  for (const auto& e : edges)
    if (e.to == id) out.push_back(e.from);
  return out;
}

std::vector<std::string> NetworkSpec::consumersOf(const std::string& id) const {
  std::vector<std::string> out;
  for (const auto& e : edges)
    if (e.from == id) out.push_back(e.to);
  return out;
}

namespace {
[[noreturn]] void fail(const std::string& source, const std::string& where,
                       const std::string& what) {
  throw Error(source + ": " + where + (where.empty() ? "" : ": ") + what);
}
}  // namespace

NetworkSpec fromJson(const json& j, const std::string& source) {
  if (!j.is_object()) fail(source, "", "a network file holds one JSON object");
  if (j.contains("format")) {
    if (!j["format"].is_string() || j["format"] != kNetworkFormat)
      fail(source, "format",
           "expected \"" + std::string(kNetworkFormat) + "\", got " + jsonExcerpt(j["format"]));
  }
  NetworkSpec spec;
  if (j.contains("name")) {
    if (!j["name"].is_string()) fail(source, "name", "must be a string");
    spec.name = j["name"].get<std::string>();
  }
  if (!j.contains("blocks") || !j["blocks"].is_array())
    fail(source, "blocks", "missing: a network needs a \"blocks\" array");
  const auto& blocks = j["blocks"];
  if (blocks.size() > kMaxNetworkBlocks)
    fail(source, "blocks", std::to_string(blocks.size()) + " blocks; a Gradlab network has at most " +
                               std::to_string(kMaxNetworkBlocks));
  std::set<std::string> ids;
  for (size_t i = 0; i < blocks.size(); ++i) {
    const auto& b = blocks[i];
    const std::string where = "blocks[" + std::to_string(i) + "]";
    if (!b.is_object()) fail(source, where, "each block is a JSON object");
    if (!b.contains("id") || !b["id"].is_string() || b["id"].get<std::string>().empty())
      fail(source, where, "needs an \"id\" string");
    BlockSpec bs;
    bs.id = b["id"].get<std::string>();
    const std::string where2 = where + " (\"" + bs.id + "\")";
    if (!b.contains("type") || !b["type"].is_string())
      fail(source, where2, "needs a \"type\" string such as \"Dense\"");
    bs.type = b["type"].get<std::string>();
    for (const auto& [key, value] : b.items()) {
      if (key == "id" || key == "type") continue;
      if (key == "ui")
        bs.ui = value;
      else
        bs.params[key] = value;
    }
    if (!ids.insert(bs.id).second) fail(source, where2, "id \"" + bs.id + "\" is used twice");
    spec.blocks.push_back(std::move(bs));
  }
  if (j.contains("edges")) {
    if (!j["edges"].is_array()) fail(source, "edges", "must be an array of [from, to] pairs");
    const auto& edges = j["edges"];
    if (edges.size() > kMaxNetworkEdges)
      fail(source, "edges", std::to_string(edges.size()) + " edges; a Gradlab network has at most " +
                                std::to_string(kMaxNetworkEdges));
    for (size_t i = 0; i < edges.size(); ++i) {
      const auto& e = edges[i];
      const std::string where = "edges[" + std::to_string(i) + "]";
      if (!e.is_array() || e.size() != 2 || !e[0].is_string() || !e[1].is_string())
        fail(source, where, "each edge is a pair of block ids, [\"from\", \"to\"]");
      spec.edges.push_back({e[0].get<std::string>(), e[1].get<std::string>()});
    }
  }
  if (j.contains("loss") && !j["loss"].is_null()) {
    const auto& l = j["loss"];
    if (!l.is_object() || !l.contains("type") || !l["type"].is_string())
      fail(source, "loss", "must be an object like {\"type\": \"bce\", \"block\": \"out\"}");
    spec.loss.type = l["type"].get<std::string>();
    if (l.contains("block")) {
      if (!l["block"].is_string()) fail(source, "loss.block", "must be a block id string");
      spec.loss.block = l["block"].get<std::string>();
    }
  }
  return spec;
}

NetworkSpec parseNetwork(const std::string& text, const std::string& source) {
  return fromJson(parseJson(text, source), source);
}

NetworkSpec loadNetwork(const std::string& path) { return parseNetwork(readTextFile(path), path); }

json toJson(const NetworkSpec& spec) {
  json j;
  j["format"] = kNetworkFormat;
  if (!spec.name.empty()) j["name"] = spec.name;
  json blocks = json::array();
  for (const auto& b : spec.blocks) {
    json o = json::object();
    o["id"] = b.id;
    o["type"] = b.type;
    for (const auto& [k, v] : b.params.items()) o[k] = v;
    if (!b.ui.empty()) o["ui"] = b.ui;
    blocks.push_back(o);
  }
  j["blocks"] = blocks;
  json edges = json::array();
  for (const auto& e : spec.edges) edges.push_back({e.from, e.to});
  j["edges"] = edges;
  if (!spec.loss.type.empty()) j["loss"] = {{"type", spec.loss.type}, {"block", spec.loss.block}};
  return j;
}

void saveNetwork(const NetworkSpec& spec, const std::string& path) {
  writeFileAtomically(path, toJson(spec).dump(2) + "\n");
}

}  // namespace gradlab
