#pragma once
// JSON as every Gradlab reader takes it: hostile input is refused with a message, never a crash.
//
//   json j = parseJson(text, "spiral.gradlab");   // Error "spiral.gradlab:3:14: not valid JSON (...)"
//   throw Error(where + ": got " + jsonExcerpt(j["units"]));   // at most a short printable quote
//
// Limits (each refusal names it): nesting deeper than kMaxJsonDepth (nlohmann's dump() and
// destructor recurse, so a value nested 100 000 deep would run the stack out), text longer than
// kMaxJsonBytes (parsed, every number and string becomes a value several times its size), and a
// key given twice in one object (the later one would silently win).
#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace gradlab {

inline constexpr int kMaxJsonDepth = 64;
// The largest header safetensors allows; Gradlab's own JSON files are kilobytes.
inline constexpr size_t kMaxJsonBytes = 100'000'000;

// Throws Error naming `source`, the line and column where it can.
nlohmann::json parseJson(std::string_view text, const std::string& source);
// The value as JSON text, cut to about `maxChars` with "…" (safe on any value parseJson made).
std::string jsonExcerpt(const nlohmann::json& value, size_t maxChars = 40);
// A name read from a file (a tensor's, a key's), quoted for a message: "fc1.weight" as it is;
// control characters, quotes, invalid and non-ASCII UTF-8 escaped as in JSON (a hostile file
// cannot move the terminal's cursor or fake a second line), cut to about `maxChars`.
std::string quotedName(const std::string& name, size_t maxChars = 60);

}  // namespace gradlab
