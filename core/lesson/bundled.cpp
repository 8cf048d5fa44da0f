// Where the bundled lessons and example networks are, and finding a lesson by name.
// GRADLAB_SOURCE_TREE (set for this file by core/CMakeLists.txt) is the source tree a build
// came from, so that a build run in place finds lessons/ and examples/ without installing.
#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include "lesson/lesson.h"
#include "lesson/lesson_setup.h"
#include "util/error.h"
#include "util/file.h"

namespace gradlab {

namespace fs = std::filesystem;

namespace {

// <prefix>/share/gradlab/<what> for the running executable in <prefix>/bin.
fs::path installed(const char* what) {
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return {};
  return exe.parent_path().parent_path() / "share" / "gradlab" / what;
}

fs::path sourceTree(const char* what) {
#ifdef GRADLAB_SOURCE_TREE
  return fs::path(GRADLAB_SOURCE_TREE) / what;
#else
  (void)what;
  return {};
#endif
}

bool isDir(const fs::path& p) { return isFolder(p.string()); }

}  // namespace

std::string bundledLessonsDir() {
  if (const char* env = std::getenv("GRADLAB_LESSONS"); env && *env && isDir(env)) return env;
  for (const fs::path& p : {sourceTree("lessons"), installed("lessons")})
    if (isDir(p)) return p.string();
  return "";
}

std::vector<std::string> examplesDirs() {
  std::vector<std::string> dirs;
  for (const fs::path& p : {sourceTree("examples"), installed("examples")})
    if (isDir(p)) dirs.push_back(p.string());
  return dirs;
}

std::vector<std::string> lessonFolders(const std::string& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  if (!isDir(dir)) return out;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (isDir(e.path()) && isRegularFile((e.path() / kLessonFile).string()))
      out.push_back(e.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

std::string findLesson(const std::string& nameOrPath) {
  std::error_code ec;
  const fs::path p(nameOrPath);
  if (fs::is_regular_file(p, ec)) return p.string();
  if (fs::is_directory(p, ec)) {
    if (isRegularFile((p / kLessonFile).string())) return (p / kLessonFile).string();
    throw Error(nameOrPath + ": no " + std::string(kLessonFile) + " in this folder");
  }
  const std::string dir = bundledLessonsDir();
  std::string ids;
  for (const std::string& folder : lessonFolders(dir)) {
    const std::string id = fs::path(folder).filename().string();
    // "04-xor", or "xor" for it.
    const size_t dash = id.find('-');
    if (id == nameOrPath || (dash != std::string::npos && id.substr(dash + 1) == nameOrPath))
      return (fs::path(folder) / kLessonFile).string();
    ids += (ids.empty() ? "" : ", ") + id;
  }
  if (dir.empty())
    throw Error("no lesson \"" + nameOrPath +
                "\": the bundled lessons were not found (set GRADLAB_LESSONS to their folder), "
                "and it is no lesson folder or lesson.md");
  throw Error("no lesson \"" + nameOrPath + "\"; the bundled lessons (" + dir + ") are " + ids +
              ", or give a lesson folder or its lesson.md");
}

}  // namespace gradlab
