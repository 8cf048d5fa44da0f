// Replays the fuzz targets' inputs in the ordinary build (tests/fuzz/README.md): every file of
// tests/fuzz/regressions/<target>/ (inputs that once crashed a loader, each fixed since) and of
// tests/fuzz/corpus/<target>/ (the seeds) goes through the same loader entry the libFuzzer target
// fuzz_<target> drives. An entry returns when the loader accepts the bytes or refuses them with a
// gradlab::Error; a crash, a sanitizer report (GRADLAB_SANITIZE builds) or another exception
// fails the test.
#include <QtTest>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>

#include "fuzz_entries.h"

namespace fs = std::filesystem;

namespace {

using Entry = std::function<void(const uint8_t*, size_t)>;

const std::map<std::string, Entry>& entries() {
  static const std::map<std::string, Entry> table{
      {"network", gradlab::fuzz::network}, {"project", gradlab::fuzz::project},
      {"lesson", gradlab::fuzz::lesson},   {"safetensors", gradlab::fuzz::safetensors},
      {"idx", gradlab::fuzz::idx},         {"csv", gradlab::fuzz::csv},
      {"image", gradlab::fuzz::image}};
  return table;
}

const fs::path kFuzzDir = fs::path(GRADLAB_SOURCE_DIR) / "tests" / "fuzz";

std::vector<char> readBytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void addRows(const std::string& kind) {
  QTest::addColumn<QString>("target");
  QTest::addColumn<QString>("path");
  for (const auto& [target, entry] : entries()) {
    const fs::path dir = kFuzzDir / kind / target;
    if (!fs::is_directory(dir)) continue;
    std::vector<fs::path> files;
    for (const auto& f : fs::directory_iterator(dir))
      if (f.is_regular_file()) files.push_back(f.path());
    std::sort(files.begin(), files.end());
    for (const fs::path& f : files)
      QTest::newRow((target + "/" + f.filename().string()).c_str())
          << QString::fromStdString(target) << QString::fromStdString(f.string());
  }
}

void replay() {
  // A folder with no inputs yet gives no rows, and Qt then calls the test once without data.
  if (!QTest::currentDataTag()) QSKIP("no inputs in this folder yet");
  QFETCH(QString, target);
  QFETCH(QString, path);
  const std::vector<char> bytes = readBytes(path.toStdString());
  entries().at(target.toStdString())(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
}

}  // namespace

class TstFuzzRegressions : public QObject {
  Q_OBJECT
 private slots:
  // Each folder is named for a target, so no input is silently left out by a misspelt folder.
  void everyFolderNamesATarget() {
    for (const char* kind : {"regressions", "corpus"}) {
      QVERIFY2(fs::is_directory(kFuzzDir / kind), (kFuzzDir / kind).c_str());
      for (const auto& d : fs::directory_iterator(kFuzzDir / kind))
        if (d.is_directory())
          QVERIFY2(entries().count(d.path().filename().string()),
                   qPrintable(QString::fromStdString(d.path().string()) +
                              " is not named for a fuzz target (tests/fuzz/entries/<target>.cpp)"));
    }
  }
  void regressionsReplay_data() { addRows("regressions"); }
  void regressionsReplay() { replay(); }
  void seedsReplay_data() { addRows("corpus"); }
  void seedsReplay() { replay(); }
};

QTEST_APPLESS_MAIN(TstFuzzRegressions)
#include "tst_fuzz_regressions.moc"
