// loadTimeline: lessons/timeline.md, the history (topic 24) as a Markdown list:
//   - 1958: Rosenblatt's perceptron learns a line from examples. [Lesson](02-perceptron)
// Lines that are not list items (headings, prose, blank) are the page's own text.
#include <cctype>
#include <filesystem>

#include "lesson/lesson.h"
#include "util/error.h"
#include "util/file.h"

namespace gradlab {

namespace fs = std::filesystem;

std::vector<TimelineEntry> loadTimeline(const std::string& path) {
  return parseTimeline(readTextFile(path), path);
}

std::vector<TimelineEntry> parseTimeline(const std::string& text, const std::string& path) {
  const fs::path dir = fs::path(path).parent_path();
  std::vector<TimelineEntry> out;
  int number = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(pos, end - pos);
    pos = end + 1;
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.size() < 2 || (line[0] != '-' && line[0] != '*') || line[1] != ' ') continue;
    auto fail = [&](const std::string& what) {
      throw Error(path + ":" + std::to_string(number) + ": " + what);
    };
    TimelineEntry e;
    e.line = number;
    size_t i = 2;
    while (i < line.size() && line[i] == ' ') ++i;
    const size_t yearStart = i;
    while (i < line.size() && std::isdigit(static_cast<unsigned char>(line[i]))) ++i;
    if (i == yearStart || i - yearStart > 4 || i >= line.size() || line[i] != ':')
      fail("a timeline item is \"- YEAR: text. [Lesson](NN-name)\" (the link optional), got \"" +
           line + "\"");
    e.year = std::stoi(line.substr(yearStart, i - yearStart));
    std::string rest = line.substr(i + 1);
    // A trailing link "[...](id)" names the lesson.
    while (!rest.empty() && std::isspace(static_cast<unsigned char>(rest.back()))) rest.pop_back();
    if (!rest.empty() && rest.back() == ')') {
      const size_t open = rest.rfind("](");
      const size_t bracket = open == std::string::npos ? std::string::npos : rest.rfind('[', open);
      if (bracket != std::string::npos) {
        e.lesson = rest.substr(open + 2, rest.size() - open - 3);
        rest = rest.substr(0, bracket);
        if (e.lesson.empty() || !isRegularFile((dir / e.lesson / kLessonFile).string()))
          fail("the link names lesson \"" + e.lesson + "\", but there is no " +
               (dir / e.lesson / kLessonFile).string() + "; link a lesson folder beside " +
               fs::path(path).filename().string());
      }
    }
    size_t b = 0;
    while (b < rest.size() && std::isspace(static_cast<unsigned char>(rest[b]))) ++b;
    e.text = rest.substr(b);
    while (!e.text.empty() && std::isspace(static_cast<unsigned char>(e.text.back()))) e.text.pop_back();
    if (e.text.empty()) fail("the item for " + std::to_string(e.year) + " has no text");
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace gradlab
