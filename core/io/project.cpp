#include "io/project.h"

#include <filesystem>
#include <fstream>
#include <map>

#include "blocks/registry.h"
#include "io/training_settings.h"
#include "spec/analysis.h"
#include "util/error.h"
#include "util/file.h"
#include "util/json.h"

namespace gradlab {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {
constexpr std::uintmax_t kMaxProjectBytes = 64 * 1024 * 1024;

std::string fileName(const std::string& path) { return fs::path(path).filename().string(); }

[[noreturn]] void fail(const std::string& source, const std::string& what) {
  throw Error(fileName(source) + ": " + what);
}

// The weights name every parameter of the network with its shape, and nothing else (the rules
// of Network::loadWeights, checked before anything is opened). A network that cannot be built
// as it is cannot be checked: its weights wait, as in the window, until it can.
void checkWeightsFit(const NetworkSpec& net, const TensorMap& weights, const std::string& source,
                     const std::string& weightsFile) {
  const Analysis a = analyze(net);
  if (!a.ok() && !a.runsWithoutLoss()) return;
  std::string problems;
  std::map<std::string, bool> known;
  for (const std::string& id : a.order) {
    const BlockSpec* b = net.find(id);
    const BlockInfo* info = b ? findBlockType(b->type) : nullptr;
    auto in = a.inShapes.find(id);
    if (!info || in == a.inShapes.end()) continue;
    for (const ParamDecl& d : info->paramDecls(*b, in->second)) {
      const std::string name = id + "." + d.name;
      known[name] = true;
      auto it = weights.find(name);
      if (it == weights.end())
        problems += "  has no tensor \"" + name + "\" (the network needs " + toString(d.shape) + ")\n";
      else if (it->second.shape != d.shape)
        problems += "  tensor \"" + name + "\" is " + toString(it->second.shape) +
                    ", the network needs " + toString(d.shape) + "\n";
    }
  }
  for (const auto& [name, t] : weights)
    if (!known.count(name)) problems += "  tensor \"" + name + "\" matches no parameter of its network\n";
  if (!problems.empty())
    fail(source, "its weights " + weightsFile + " do not fit its network:\n" + problems +
                     "(was the network edited by hand? remove \"weights\" to start from fresh ones)");
}
}  // namespace

std::string weightsPathFor(const std::string& projectPath) { return weightsPathsFor(projectPath)[0]; }

std::vector<std::string> weightsPathsFor(const std::string& projectPath) {
  fs::path p(projectPath);
  return {(p.parent_path() / (p.stem().string() + ".safetensors")).string(),
          (p.parent_path() / (p.stem().string() + ".weights.safetensors")).string()};
}

namespace {
// True when `path` is a weights file a project saved (its header's metadata has "gradlab.step"):
// only such a file may be replaced or removed by a save. Reads the header alone.
bool isProjectWeights(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  uint64_t length = 0;
  if (!in.read(reinterpret_cast<char*>(&length), 8) || length > (100u << 20)) return false;
  std::string header(size_t(length), '\0');
  if (!in.read(header.data(), std::streamsize(length))) return false;
  try {
    const json j = parseJson(header, path);
    return j.is_object() && j.contains("__metadata__") && j["__metadata__"].is_object() &&
           j["__metadata__"].contains("gradlab.step");
  } catch (const Error&) {
    return false;
  }
}

// The weights file the project at `path` names now ("" when there is none or it cannot be read).
std::string currentWeights(const std::string& path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return "";
  try {
    const Project old = parseProject(readTextFile(path), path);
    if (old.weightsFile.empty()) return "";
    return (fs::path(path).parent_path() / fs::path(old.weightsFile).filename()).string();
  } catch (const Error&) {
    return "";
  }
}
}  // namespace

bool isProjectPath(const std::string& path) { return fs::path(path).extension() == ".gradlab"; }

std::string serializeProject(const Project& p, const std::string& weightsFile) {
  json j;
  j["format"] = kProjectFormat;
  j["network"] = toJson(p.network);
  j["data"] = p.data.toJson();
  j["training"] = trainingJson(p.training, p.speed);
  j["step"] = p.step;
  if (!weightsFile.empty()) j["weights"] = weightsFile;
  if (!p.layout.empty()) j["layout"] = p.layout;
  return j.dump(2) + "\n";
}

Project parseProject(const std::string& text, const std::string& source) {
  const json j = parseJson(text, source);
  if (!j.is_object()) fail(source, "not a Gradlab project (expected a JSON object)");
  if (!j.contains("format") || j["format"] != kProjectFormat)
    fail(source, std::string("not a Gradlab project (\"format\" should be \"") + kProjectFormat +
                     "\")");
  if (!j.contains("network")) fail(source, "network: missing — a project needs a network");
  Project p;
  p.network = fromJson(j["network"], fileName(source) + ": network");
  if (j.contains("data")) p.data = DataSource::fromJson(j["data"], fileName(source));
  if (j.contains("training")) {
    const TrainingSettings t = parseTrainingSettings(j["training"], source);
    p.training = t.config;
    p.speed = t.speed.value_or(0);
  }
  if (j.contains("step")) {
    if (!j["step"].is_number_integer() || j["step"].get<int64_t>() < 0)
      fail(source, "\"step\" must be a whole number of steps, 0 or more");
    p.step = j["step"].get<int64_t>();
  }
  if (j.contains("weights")) {
    if (!j["weights"].is_string()) fail(source, "\"weights\" must be a file name");
    p.weightsFile = j["weights"].get<std::string>();
  }
  if (j.contains("layout")) {
    if (!j["layout"].is_string()) fail(source, "\"layout\" must be a string (base64)");
    p.layout = j["layout"].get<std::string>();
  }
  return p;
}

Project loadProject(const std::string& path) {
  std::error_code ec;
  if (!fs::exists(path, ec))
    throw Error(path + ": no such project file — check the path");
  if (fs::is_directory(path, ec)) throw Error(path + ": is a folder, not a project file");
  if (fs::file_size(path, ec) > kMaxProjectBytes) fail(path, "too large to be a project file");
  Project p = parseProject(readTextFile(path), path);
  const fs::path folder = fs::path(path).parent_path();
  if (p.data.builtin.empty() && fs::path(p.data.path).is_relative())
    p.data.path = (folder / p.data.path).lexically_normal().string();
  if (!p.weightsFile.empty()) {
    // Only ever beside the project: a name like "../x" cannot reach elsewhere.
    const std::string weights = (folder / fs::path(p.weightsFile).filename()).string();
    if (!fs::exists(weights, ec))
      fail(path, "its weights file " + fileName(weights) +
                     " is missing — copy it beside the project (or remove \"weights\" to "
                     "start from fresh weights)");
    // A weights file far larger than this network's weights is not read at all (a 1.5 GB file
    // beside a project was read whole, on the window's thread).
    const uint64_t most = uint64_t(2 * std::max<int64_t>(analyze(p.network).totalParams, 0) + (1 << 20)) * 8 +
                          (100u << 20);
    if (const uint64_t size = fs::file_size(weights, ec); !ec && size > most)
      fail(path, "its weights file " + fileName(weights) + " is " + std::to_string(size >> 20) +
                     " MB, far more than this network's weights need — it is not this project's "
                     "weights file (remove \"weights\" to start from fresh weights)");
    p.weights = readSafetensors(weights);
    checkWeightsFit(p.network, *p.weights, path, fileName(weights));
  }
  return p;
}

// The weights go to the one of NAME.safetensors and NAME.weights.safetensors that the project
// file does not name now, then the project is written naming it, then the old weights file is
// removed: a crash at any moment leaves a project whose weights file is complete and its own.
// A file of either name that a project did not save (the user's data) is never replaced.
void saveProject(const std::string& path, const Project& p) {
  std::error_code ec;
  // A folder at `path` is refused before anything is written (not after the weights beside it).
  if (fs::is_directory(path, ec))
    throw Error(path + ": is a folder, not a file; choose a file name such as " +
                (fs::path(path) / "project.gradlab").string() + ". Nothing was written");
  const bool withWeights = p.weights && !p.weights->empty();
  const std::string current = currentWeights(path);
  std::string weights;
  if (withWeights) {
    for (const std::string& candidate : weightsPathsFor(path))
      if (candidate != current && (!fs::exists(candidate, ec) || isProjectWeights(candidate))) {
        weights = candidate;
        break;
      }
    if (weights.empty()) {
      std::string foreign;
      for (const std::string& candidate : weightsPathsFor(path))
        if (candidate != current) foreign += (foreign.empty() ? "" : " and ") + fileName(candidate);
      throw Error(path + ": the weights cannot be saved beside it: " + foreign +
                  " is a file this project did not write (your data?), and it is not replaced — "
                  "save the project under another name");
    }
    const std::vector<char> bytes =
        serializeSafetensors(*p.weights, {{"gradlab.step", std::to_string(p.step)}});
    try {
      writeFileAtomically(weights, std::string(bytes.data(), bytes.size()));
    } catch (const Error& e) {
      // Named by the project the user saved: the weights file is a name they did not choose.
      throw Error(path + ": the weights could not be saved, so " +
                  (fs::exists(path, ec) ? "the project file is unchanged" : "the project was not saved") +
                  " — " + e.what());
    }
  }
  try {
    writeFileAtomically(path, serializeProject(p, withWeights ? fileName(weights) : std::string()));
  } catch (const Error&) {
    // The project file names the old weights still: the new ones would only be left over.
    if (!weights.empty()) fs::remove(weights, ec);
    throw;
  }
  if (!current.empty() && current != weights && isProjectWeights(current)) fs::remove(current, ec);
}

}  // namespace gradlab
