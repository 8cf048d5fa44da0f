#pragma once
// One error type for everything a user can get wrong: a file, a parameter, a dataset.
// The message says what is wrong, where (file and place), and how to fix it.
#include <cstdio>
#include <stdexcept>
#include <string>
#include <string_view>

namespace gradlab {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Text from a user's file as a message quotes it: in double quotes, at most `maxChars` bytes
// (then "…"), control and non-ASCII bytes written as \xNN — never raw binary or a 120 KB value
// on the terminal.
inline std::string quoteText(std::string_view text, size_t maxChars = 40) {
  std::string out = "\"";
  for (size_t i = 0; i < text.size() && i < maxChars; ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
      out += char(c);
    } else {
      char esc[8];
      std::snprintf(esc, sizeof esc, "\\x%02X", c);
      out += esc;
    }
  }
  if (text.size() > maxChars) out += "…";
  return out + "\"";
}

}  // namespace gradlab
