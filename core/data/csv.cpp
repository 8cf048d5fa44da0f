#include "data/csv.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string_view>
#include <unordered_map>

#include "util/error.h"
#include "util/file.h"

namespace gradlab {

namespace {

constexpr double kMaxClassIndex = 1000;
constexpr size_t kMaxAutoClasses = 20;
// More columns than any table a lab trains on (Fashion-MNIST as CSV has 785); a limit keeps a
// hostile 50 MB header line from costing minutes.
constexpr size_t kMaxColumns = 100000;
// Each field costs a string of its own while the text is split, about 40 bytes even when empty,
// so without this limit and CsvOptions::maxRows a 100 MB file of commas or of short lines would
// take gigabytes before any check.


struct Record {
  int64_t line = 0;  // line the record starts on, 1-based
  std::vector<std::string> fields;
};

// A column name as messages quote it: 'alcohol' (short, escaped: util/error.h quoteText).
std::string columnName(const std::string& name) {
  std::string q = quoteText(name);
  q.front() = q.back() = '\'';
  return q;
}

bool isSpace(char c) { return c == ' ' || c == '\t'; }

std::string trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && isSpace(s[b])) ++b;
  while (e > b && isSpace(s[e - 1])) --e;
  return std::string(s.substr(b, e - b));
}

// The separator: a comma, unless the first line has none outside quotes but has semicolons or
// tabs (spreadsheets in many locales write "a;b;c").
char detectSeparator(const std::string& text, size_t start) {
  int commas = 0, semicolons = 0, tabs = 0;
  bool quoted = false;
  for (size_t i = start; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '"') quoted = !quoted;
    if (quoted) continue;
    if (c == '\n') break;
    commas += c == ',';
    semicolons += c == ';';
    tabs += c == '\t';
  }
  if (commas > 0) return ',';
  if (semicolons > 0) return ';';
  if (tabs > 0) return '\t';
  return ',';
}

// Splits text into records (RFC 4180 with lenient whitespace); skips blank lines.
std::vector<Record> splitRecords(const std::string& text, const std::string& source, size_t maxRows) {
  size_t i = 0;
  const size_t n = text.size();
  if (n >= 3 && text.compare(0, 3, "\xEF\xBB\xBF") == 0) i = 3;  // UTF-8 byte order mark
  const char sep = detectSeparator(text, i);
  const bool sepIsSpace = isSpace(sep);
  auto skipBlanks = [&] {
    while (i < n && isSpace(text[i]) && !(sepIsSpace && text[i] == sep)) ++i;
  };

  std::vector<Record> records;
  int64_t line = 1;
  while (i < n) {
    if (records.size() > maxRows)  // the header and maxRows rows
      throw Error(source + ":" + std::to_string(line) + ": more than " + std::to_string(maxRows) +
                  " data rows; Gradlab reads at most that many (split the file or sample it)");
    Record r;
    r.line = line;
    bool anyQuoted = false;
    while (true) {  // one field per pass
      skipBlanks();
      std::string field;
      if (i < n && text[i] == '"') {
        anyQuoted = true;
        const int64_t quoteLine = line;
        ++i;
        while (true) {
          if (i >= n)
            throw Error(source + ":" + std::to_string(quoteLine) +
                        ": a quoted field is never closed; add the closing \"");
          const char c = text[i];
          if (c == '"') {
            if (i + 1 < n && text[i + 1] == '"') {
              field += '"';
              i += 2;
              continue;
            }
            ++i;
            break;
          }
          if (c == '\n') ++line;
          field += c;
          ++i;
        }
        skipBlanks();
        if (i < n && text[i] != sep && text[i] != '\n' && text[i] != '\r')
          throw Error(source + ":" + std::to_string(line) + ": field " + std::to_string(r.fields.size() + 1) +
                      " has text after its closing quote; quote the whole field and write a \" inside it as \"\"");
      } else {
        const size_t begin = i;
        while (i < n && text[i] != sep && text[i] != '\n' && text[i] != '\r') ++i;
        field = trim(std::string_view(text).substr(begin, i - begin));
      }
      r.fields.push_back(std::move(field));
      if (r.fields.size() > kMaxColumns)
        throw Error(source + ":" + std::to_string(r.line) + ": more than " + std::to_string(kMaxColumns) +
                    " columns; Gradlab reads at most " + std::to_string(kMaxColumns) + " (is this a CSV file?)");
      if (i < n && text[i] == sep) {
        ++i;
        continue;
      }
      // End of the record: \n, \r\n, \r or the end of the text.
      if (i < n && text[i] == '\r') ++i;
      if (i < n && text[i] == '\n') ++i;
      ++line;
      break;
    }
    const bool blank = r.fields.size() == 1 && r.fields[0].empty() && !anyQuoted;
    if (!blank) records.push_back(std::move(r));
  }
  return records;
}

// A number in a field, or nothing when the field is not one.
std::optional<double> parseNumber(const std::string& field) {
  std::string_view s = field;
  if (!s.empty() && s[0] == '+') s.remove_prefix(1);
  if (s.empty()) return std::nullopt;
  double v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

std::string where(const std::string& source, const Record& r) { return source + ":" + std::to_string(r.line); }

float numberAt(const std::string& source, const Record& r, const std::string& column, const std::string& field) {
  if (field.empty())
    throw Error(where(source, r) + ": column " + columnName(column) + " is empty; fill in a number or remove the row");
  const auto v = parseNumber(field);
  if (!v) throw Error(where(source, r) + ": column " + columnName(column) + ": " + quoteText(field) + " is not a number");
  if (!std::isfinite(*v) || std::abs(*v) > 3.4e38)
    throw Error(where(source, r) + ": column " + columnName(column) + ": " + quoteText(field) +
                " is not a finite number that fits in float32; fill in a number or remove the row");
  return float(*v);
}

bool isClassIndex(double v) { return v >= 0 && v <= kMaxClassIndex && v == std::floor(v); }

}  // namespace

Dataset parseCsv(const std::string& text, const std::string& source, const CsvOptions& opts) {
  const std::vector<Record> records = splitRecords(text, source, opts.maxRows);
  if (records.empty())
    throw Error(source + ": the file is empty; a CSV needs a header row naming the columns, then one row per sample");

  const Record& header = records[0];
  const std::vector<std::string>& columns = header.fields;
  const size_t width = columns.size();
  if (std::all_of(columns.begin(), columns.end(), [](const std::string& c) { return parseNumber(c).has_value(); }))
    throw Error(where(source, header) +
                ": the first row holds numbers, not column names; add a header row naming the columns "
                "(e.g. x1,x2,label)");
  std::unordered_map<std::string_view, size_t> seen;  // name -> its column
  for (size_t c = 0; c < width; ++c) {
    if (columns[c].empty()) continue;
    const auto [it, fresh] = seen.emplace(columns[c], c);
    if (!fresh)
      throw Error(where(source, header) + ": column name " + columnName(columns[c]) + " appears twice (columns " +
                  std::to_string(it->second + 1) + " and " + std::to_string(c + 1) +
                  "); give each column its own name");
  }

  size_t target = width - 1;
  if (!opts.target.empty()) {
    const auto it = std::find(columns.begin(), columns.end(), opts.target);
    if (it == columns.end()) {
      std::string list;
      for (size_t c = 0; c < std::min<size_t>(width, 20); ++c) list += (c ? ", " : "") + columns[c];
      if (width > 20) list += ", … (" + std::to_string(width) + " in all)";
      throw Error(source + ": no column named " + columnName(opts.target) + "; the columns are: " + list);
    }
    target = size_t(it - columns.begin());
  }
  if (width < 2)
    throw Error(source + ": only one column ('" + columns[target] +
                "'); a dataset needs at least one feature column beside the target");
  if (records.size() < 2) throw Error(source + ": no data rows below the header; add one row per sample");

  const std::string& targetName = columns[target];
  const int64_t rows = int64_t(records.size()) - 1;
  Dataset d;
  d.name = std::filesystem::path(source).stem().string();
  d.xShape = {int64_t(width) - 1};
  d.x.reserve(size_t(rows) * (width - 1));
  std::vector<const std::string*> targets;
  targets.reserve(size_t(rows));
  for (size_t r = 1; r < records.size(); ++r) {
    const Record& rec = records[r];
    if (rec.fields.size() != width)
      throw Error(where(source, rec) + ": row has " + std::to_string(rec.fields.size()) + " value" +
                  (rec.fields.size() == 1 ? "" : "s") + ", the header has " + std::to_string(width) + " columns");
    for (size_t c = 0; c < width; ++c)
      if (c != target) d.x.push_back(numberAt(source, rec, columns[c], rec.fields[c]));
    targets.push_back(&rec.fields[target]);
  }

  // The target: numbers, or text labels (only when classification is allowed and no value is a number).
  size_t numbers = 0;
  for (const std::string* t : targets) numbers += parseNumber(*t).has_value();
  if (numbers == 0 && opts.classify != Classify::No) {
    std::set<std::string> names;
    for (size_t r = 0; r < targets.size(); ++r) {
      if (targets[r]->empty())
        throw Error(where(source, records[r + 1]) + ": column " + columnName(targetName) + " is empty; fill in a label or remove the row");
      names.insert(*targets[r]);
    }
    d.classNames.assign(names.begin(), names.end());
    d.numClasses = int(d.classNames.size());
    d.yShape = {};
    for (const std::string* t : targets)
      d.y.push_back(float(std::lower_bound(d.classNames.begin(), d.classNames.end(), *t) - d.classNames.begin()));
    return d;
  }
  std::vector<double> values;
  values.reserve(targets.size());
  for (size_t r = 0; r < targets.size(); ++r) values.push_back(numberAt(source, records[r + 1], targetName, *targets[r]));

  bool classes = false;
  if (opts.classify == Classify::Yes) {
    for (size_t r = 0; r < values.size(); ++r)
      if (!isClassIndex(values[r]))
        throw Error(where(source, records[r + 1]) + ": column " + columnName(targetName) + ": " + quoteText(*targets[r]) +
                    " is not a class index; for classification the target must hold whole numbers from 0 to 1000 "
                    "(or text labels), otherwise treat it as regression");
    classes = true;
  } else if (opts.classify == Classify::Auto) {
    std::set<double> distinct(values.begin(), values.end());
    classes = std::all_of(values.begin(), values.end(), isClassIndex) && distinct.size() <= kMaxAutoClasses;
  }
  if (classes) {
    const double largest = *std::max_element(values.begin(), values.end());
    d.numClasses = int(largest) + 1;
    for (int k = 0; k < d.numClasses; ++k) d.classNames.push_back(std::to_string(k));
    d.yShape = {};
  } else {
    d.numClasses = 0;
    d.yShape = {1};
  }
  d.y.assign(values.begin(), values.end());
  return d;
}

Dataset loadCsv(const std::string& path, const CsvOptions& opts) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec))
    throw Error(path + ": no such file; check the path (a dataset file is .csv, .safetensors or a folder of images)");
  return parseCsv(readTextFile(path), path, opts);
}

}  // namespace gradlab
