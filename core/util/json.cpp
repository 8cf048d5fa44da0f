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

// The limits, checked by a first pass over the text that builds nothing (nlohmann's SAX
// interface). nlohmann's parser callback would check them in the same pass as the parse, but
// after every object it scans the whole enclosing array for discarded values: quadratic, 2.7 s
// to refuse a network of 100 000 blocks (tst_spec_limits) and 122 s under ASan.
// `refusal` says which limit the text broke; it stays empty when the text is within the limits
// or is not JSON at all (then json::parse reports the syntax error with its place).
class LimitCheck {
 public:
  std::string refusal;

  bool start_object(size_t) {
    if (!open()) return false;
    keys_.emplace_back();
    return true;
  }
  bool end_object() {
    keys_.pop_back();
    --depth_;
    return true;
  }
  bool start_array(size_t) { return open(); }
  bool end_array() {
    --depth_;
    return true;
  }
  bool key(std::string& k) {
    if (keys_.back().insert(k).second) return true;
    refusal = "the key " + quotedName(k) + " is given twice in one object";
    return false;
  }
  bool null() { return true; }
  bool boolean(bool) { return true; }
  bool number_integer(json::number_integer_t) { return true; }
  bool number_unsigned(json::number_unsigned_t) { return true; }
  bool number_float(json::number_float_t, const std::string&) { return true; }
  bool string(std::string&) { return true; }
  bool binary(json::binary_t&) { return true; }
  template <class Exception>
  bool parse_error(size_t, const std::string&, const Exception&) { return false; }

 private:
  bool open() {
    if (depth_ >= kMaxJsonDepth) {
      refusal = "nested deeper than " + std::to_string(kMaxJsonDepth) +
                " levels; no Gradlab file needs that many";
      return false;
    }
    ++depth_;
    return true;
  }
  int depth_ = 0;  // containers open around the next value
  std::vector<std::set<std::string>> keys_;  // keys seen in each open object, innermost last
};

}  // namespace

json parseJson(std::string_view text, const std::string& source) {
  if (text.size() > kMaxJsonBytes)
    throw Error(source + ": " + std::to_string(text.size()) + " bytes of JSON; Gradlab reads at most " +
                std::to_string(kMaxJsonBytes / 1'000'000) + " MB (no Gradlab file needs more — is this the right file?)");
  LimitCheck limits;
  json::sax_parse(text.begin(), text.end(), &limits);
  if (!limits.refusal.empty()) throw Error(source + ": " + limits.refusal);
  try {
    return json::parse(text.begin(), text.end());
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
