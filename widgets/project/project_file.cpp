#include "project/project_file.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

#include "util/error.h"

namespace gradlab::widgets {

using nlohmann::json;

QString weightsPathFor(const QString& projectPath) {
  QFileInfo info(projectPath);
  return info.dir().filePath(info.completeBaseName() + ".safetensors");
}

namespace {
[[noreturn]] void fail(const QString& source, const std::string& what) {
  throw Error(QFileInfo(source).fileName().toStdString() + ": " + what);
}

void writeAtomically(const QString& path, const QByteArray& bytes) {
  QSaveFile f(path);
  if (!f.open(QIODevice::WriteOnly) || f.write(bytes) != bytes.size() || !f.commit())
    throw Error(path.toStdString() + ": could not write the file (" +
                f.errorString().toStdString() + ")");
}
}  // namespace

QByteArray serializeProject(const Project& p, const QString& weightsFile) {
  json j;
  j["format"] = kProjectFormat;
  j["network"] = toJson(p.network);
  j["data"] = p.data.toJson();
  json t;
  t["optimizer"] = p.training.optimizer;
  if (p.training.lr) t["lr"] = *p.training.lr;
  t["l1"] = p.training.l1;
  t["l2"] = p.training.l2;
  t["clipNorm"] = p.training.clipNorm;
  t["batch"] = p.training.batch;
  t["seed"] = p.training.seed;
  t["speed"] = p.speed;
  j["training"] = t;
  j["step"] = p.step;
  if (!weightsFile.isEmpty()) j["weights"] = weightsFile.toStdString();
  if (!p.layout.isEmpty()) j["layout"] = p.layout.toBase64().toStdString();
  return QByteArray::fromStdString(j.dump(2) + "\n");
}

Project parseProject(const QByteArray& bytes, const QString& source) {
  json j;
  try {
    j = json::parse(bytes.toStdString());
  } catch (const json::parse_error& e) {
    fail(source, std::string("not a Gradlab project (the JSON is broken near byte ") +
                     std::to_string(e.byte) + ")");
  }
  if (!j.is_object()) fail(source, "not a Gradlab project (expected a JSON object)");
  if (!j.contains("format") || j["format"] != kProjectFormat)
    fail(source, std::string("not a Gradlab project (\"format\" should be \"") + kProjectFormat + "\")");
  if (!j.contains("network")) fail(source, "network: missing");
  Project p;
  p.network = fromJson(j["network"], QFileInfo(source).fileName().toStdString() + ": network");
  if (j.contains("data"))
    p.data = DataSource::fromJson(j["data"], QFileInfo(source).fileName().toStdString());
  if (j.contains("training")) {
    const json& t = j["training"];
    if (!t.is_object()) fail(source, "training: must be an object");
    auto num = [&](const char* key, double lo, double hi) -> std::optional<double> {
      if (!t.contains(key)) return std::nullopt;
      if (!t[key].is_number()) fail(source, std::string("training: \"") + key + "\" must be a number");
      const double v = t[key].get<double>();
      if (!(v >= lo && v <= hi))
        fail(source, std::string("training: \"") + key + "\" is out of range");
      return v;
    };
    if (t.contains("optimizer")) {
      if (!t["optimizer"].is_string()) fail(source, "training: \"optimizer\" must be a name");
      p.training.optimizer = t["optimizer"].get<std::string>();
      try {
        parseOptimKind(p.training.optimizer);
      } catch (const std::exception& e) {
        fail(source, std::string("training: ") + e.what());
      }
    }
    if (auto v = num("lr", 1e-12, 1e6)) p.training.lr = *v;
    p.training.l1 = num("l1", 0, 1e6).value_or(0);
    p.training.l2 = num("l2", 0, 1e6).value_or(0);
    p.training.clipNorm = num("clipNorm", 0, 1e12).value_or(0);
    p.training.batch = int64_t(num("batch", 1, 1e6).value_or(10));
    p.training.seed = uint64_t(num("seed", 0, 1e15).value_or(0));
    p.speed = num("speed", 0, 1e9).value_or(0);
  }
  if (j.contains("step") && j["step"].is_number_integer()) p.step = j["step"].get<int64_t>();
  if (j.contains("weights") && j["weights"].is_string())
    p.weightsFile = QString::fromStdString(j["weights"].get<std::string>());
  if (j.contains("layout") && j["layout"].is_string())
    p.layout = QByteArray::fromBase64(QByteArray::fromStdString(j["layout"].get<std::string>()));
  return p;
}

Project loadProject(const QString& path) {
  QFile f(path);
  if (!f.open(QIODevice::ReadOnly))
    throw Error(path.toStdString() + ": cannot open (" + f.errorString().toStdString() + ")");
  if (f.size() > 64 * 1024 * 1024) fail(path, "too large to be a project file");
  Project p = parseProject(f.readAll(), path);
  if (!p.weightsFile.isEmpty()) {
    const QString weights = QFileInfo(path).dir().filePath(QFileInfo(p.weightsFile).fileName());
    if (!QFileInfo::exists(weights))
      fail(path, "its weights file " + QFileInfo(weights).fileName().toStdString() +
                     " is missing — copy it beside the project");
    p.weights = readSafetensors(weights.toStdString());
  }
  return p;
}

void saveProject(const QString& path, const Project& p) {
  const QString weights = weightsPathFor(path);
  if (p.weights && !p.weights->empty()) {
    const std::vector<char> bytes = serializeSafetensors(*p.weights, {{"gradlab.step", std::to_string(p.step)}});
    writeAtomically(weights, QByteArray(bytes.data(), qsizetype(bytes.size())));
  }
  writeAtomically(path, serializeProject(p, p.weights && !p.weights->empty()
                                                ? QFileInfo(weights).fileName()
                                                : QString()));
}

NetworkSpec importNetwork(const QString& path) { return loadNetwork(path.toStdString()); }

void exportNetwork(const QString& path, const NetworkSpec& spec) {
  writeAtomically(path, QByteArray::fromStdString(toJson(spec).dump(2) + "\n"));
}

}  // namespace gradlab::widgets
