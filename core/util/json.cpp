#include "util/json.h"

#include <set>
#include <vector>

#include "util/error.h"

namespace gradlab {

using nlohmann::json;

namespace {

// 1-based line and column of byte `byte` of `text`.
std::pair<size_t, size_t> lineCol(std::string_view text, size_t byte) {
  size_t line = 1, col = 1;
  for (size_t i = 0; i < byte && i < text.size(); ++i) {
    if (text[i] == '\n') ++line, col = 1;
    else ++col;
  }
  return {line, col};
}

// Thrown from the parser callback; caught below and turned into an Error with the place.
struct Refused {
  std::string what;
};

}  // namespace

json parseJson(std::string_view text, const std::string& source) {
  if (text.size() > kMaxJsonBytes)
    throw Error(source + ": " + std::to_string(text.size()) + " bytes of JSON; Gradlab reads at most " +
                std::to_string(kMaxJsonBytes / 1'000'000) + " MB (no Gradlab file needs more — is this the right file?)");
  // Keys seen in each open object, innermost last: a repeated key is refused.
  std::vector<std::set<std::string>> keys;
  auto check = [&](int depth, json::parse_event_t event, json& parsed) {
    switch (event) {
      case json::parse_event_t::object_start:
      case json::parse_event_t::array_start:
        if (depth >= kMaxJsonDepth)
          throw Refused{"nested deeper than " + std::to_string(kMaxJsonDepth) +
                        " levels; no Gradlab file needs that many"};
        if (event == json::parse_event_t::object_start) keys.emplace_back();
        break;
      case json::parse_event_t::object_end:
        if (!keys.empty()) keys.pop_back();
        break;
      case json::parse_event_t::key:
        if (!keys.empty() && !keys.back().insert(parsed.get<std::string>()).second)
          throw Refused{"the key " + jsonExcerpt(parsed) + " is given twice in one object"};
        break;
      default:
        break;
    }
    return true;
  };
  try {
    return json::parse(text.begin(), text.end(), check);
  } catch (const Refused& r) {
    throw Error(source + ": " + r.what);
  } catch (const json::parse_error& e) {
    auto [line, col] = lineCol(text, e.byte == 0 ? 0 : e.byte - 1);
    std::string what = e.what();
    // nlohmann's message: "[json.exception.parse_error.101] parse error at line 3, column 5: ..."
    if (auto p = what.find(": "); p != std::string::npos) what = what.substr(p + 2);
    if (auto p = what.find(": "); p != std::string::npos) what = what.substr(p + 2);
    if (what.size() > 120) what = what.substr(0, 120) + "…";
    throw Error(source + ":" + std::to_string(line) + ":" + std::to_string(col) +
                ": not valid JSON (" + what + ")");
  } catch (const json::out_of_range& e) {
    // A number too large for a double: "[json.exception.out_of_range.406] number overflow parsing '1e400'".
    std::string what = e.what();
    if (auto p = what.find("] "); p != std::string::npos) what = what.substr(p + 2);
    if (what.size() > 120) what = what.substr(0, 120) + "…";
    throw Error(source + ": not valid JSON (" + what + "; numbers must fit a double)");
  } catch (const json::exception& e) {
    throw Error(source + ": not valid JSON (" + std::string(e.what()) + ")");
  }
}

std::string jsonExcerpt(const json& value, size_t maxChars) {
  // ensure_ascii: control and non-ASCII characters come out escaped, so the quote is printable;
  // replace: invalid UTF-8 in a string does not throw.
  std::string text = value.dump(-1, ' ', true, json::error_handler_t::replace);
  if (text.size() > maxChars) text = text.substr(0, maxChars) + "…";
  return text;
}

std::string quotedName(const std::string& name, size_t maxChars) {
  return jsonExcerpt(json(name), maxChars);
}

}  // namespace gradlab
