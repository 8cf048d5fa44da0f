// CSV files (--data file.csv, the window's data panel): parseCsv with each way of classifying the
// target, and with the first column as the target when the header has one.
#include "data/csv.h"
#include "fuzz_entries.h"
#include "fuzz_support.h"

namespace gradlab::fuzz {

void csv(const uint8_t* data, size_t size) {
  const std::string text = asText(data, size);
  for (Classify c : {Classify::Auto, Classify::Yes, Classify::No})
    refusalIsFine([&] { parseCsv(text, "fuzz.csv", {.classify = c}); });
  // A named target: the header's first field, up to the first comma or line end.
  const std::string first = text.substr(0, text.find_first_of(",;\t\r\n"));
  if (!first.empty()) refusalIsFine([&] { parseCsv(text, "fuzz.csv", {.target = first}); });
}

}  // namespace gradlab::fuzz
