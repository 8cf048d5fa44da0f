#include "data/data_source.h"

#include <algorithm>
#include <filesystem>

#include "data/dataset.h"
#include "util/error.h"

namespace gradlab {

std::string DataSource::label() const {
  return builtin.empty() ? std::filesystem::path(path).filename().string() : builtin;
}

DatasetOptions DataSource::options() const {
  DatasetOptions o;
  o.noise = noise;
  o.testFraction = testFraction;
  o.seed = seed;
  o.lag = lag;
  if (length > 0) o.length = length;
  o.symbols = symbols;
  if (builtin == "fashion-mnist")
    o.limit = std::max(0, points);  // the first `points` train and test images; 0 = all
  else if (points > 0)
    o.points = points;
  return o;
}

nlohmann::json DataSource::toJson() const {
  nlohmann::json j;
  if (builtin.empty()) {
    j["source"] = "file";
    j["path"] = path;
  } else {
    j["source"] = "builtin";
    j["name"] = builtin;
  }
  j["points"] = points;
  j["noise"] = noise;
  j["testFraction"] = testFraction;
  j["seed"] = seed;
  if (reconstruct) j["reconstruct"] = true;  // absent = false, as in files written before it
  if (lag != 10) j["lag"] = lag;             // absent = 10, as in files written before it
  if (length > 0) j["length"] = length;      // absent = the set's default
  if (symbols != 4) j["symbols"] = symbols;  // absent = 4, likewise
  return j;
}

DataSource DataSource::fromJson(const nlohmann::json& j, const std::string& source) {
  auto fail = [&](const std::string& what) { throw Error(source + ": data: " + what); };
  if (!j.is_object()) fail("must be an object");
  DataSource d;
  if (j.contains("source") && !j["source"].is_string())
    fail("\"source\" must be \"builtin\" or \"file\"");
  const std::string kind = j.value("source", std::string("builtin"));
  if (kind == "builtin") {
    if (!j.contains("name") || !j["name"].is_string()) fail("\"name\" must name a built-in dataset");
    d.builtin = j["name"].get<std::string>();
    if (!isBuiltinDataset(d.builtin)) fail("unknown built-in dataset " + quoteText(d.builtin));
  } else if (kind == "file") {
    if (!j.contains("path") || !j["path"].is_string() || j["path"].get<std::string>().empty())
      fail("\"path\" must be a file name");
    d.builtin.clear();
    d.path = j["path"].get<std::string>();
  } else {
    fail("\"source\" must be \"builtin\" or \"file\", got " + quoteText(kind));
  }
  auto num = [&](const char* key, double lo, double hi, double def) {
    if (!j.contains(key)) return def;
    if (!j[key].is_number()) fail(std::string("\"") + key + "\" must be a number");
    const double v = j[key].get<double>();
    if (!(v >= lo && v <= hi))
      fail(std::string("\"") + key + "\" must be between " + std::to_string(lo) + " and " +
           std::to_string(hi));
    return v;
  };
  d.points = int(num("points", 0, 1e7, 500));
  d.noise = num("noise", 0, 10, 0.1);
  d.testFraction = num("testFraction", 0, 0.95, 0.5);
  d.seed = uint64_t(num("seed", 0, 1e15, 1));
  d.lag = int64_t(num("lag", 0, 99998, 10));
  d.length = int64_t(num("length", 0, 100000, 0));
  d.symbols = int(num("symbols", 2, 26, 4));
  if (j.contains("reconstruct")) {
    if (!j["reconstruct"].is_boolean()) fail("\"reconstruct\" must be true or false");
    d.reconstruct = j["reconstruct"].get<bool>();
  }
  return d;
}

Split loadSource(const DataSource& s) {
  Split split = !s.builtin.empty() ? loadBuiltin(s.builtin, s.options())
                                   : loadDataFile(s.path, s.options());
  if (s.reconstruct) makeReconstruction(split);
  return split;
}

}  // namespace gradlab
