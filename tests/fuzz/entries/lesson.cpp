// Lesson files (lesson.md) and the history timeline (timeline.md): parseLesson and parseTimeline
// on the same text, as if it were a lesson folder's lesson.md beside the bundled lessons (so
// "network: xor-mlp" and links to lesson folders resolve as they do for a real lesson).
#include "fuzz_entries.h"
#include "fuzz_support.h"
#include "lesson/lesson.h"

namespace gradlab::fuzz {

void lesson(const uint8_t* data, size_t size) {
  const std::string text = asText(data, size);
  const std::string lessons = GRADLAB_SOURCE_DIR "/lessons";
  refusalIsFine([&] { parseLesson(text, lessons + "/04-xor/lesson.md"); });
  refusalIsFine([&] { parseTimeline(text, lessons + "/timeline.md"); });
}

}  // namespace gradlab::fuzz
