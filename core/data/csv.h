#pragma once
// A user's CSV file as a dataset: a header row naming the columns, then one row per sample.
// One column is the target (what to predict); every other column is a numeric feature.
//
//   wine.csv                    loadCsv("wine.csv", {.target = "quality"})
//   alcohol,acidity,quality     → xShape {2} (alcohol, acidity), 3 samples, y = quality as
//   9.4,0.70,5                    classes 0..6 (Classify::Auto: a few whole numbers)
//   "10.2",0.88,6
//   9.8,0.76,5
//
// Format: fields separated by commas (or by semicolons or tabs when the header has no comma);
// fields may be quoted with "…", a quote inside written "", commas and line breaks inside
// quotes kept; spaces around fields ignored; blank lines ignored; a UTF-8 byte order mark
// and Windows line ends accepted.
//
// The target: classification when asked (Classify::Yes) and the target holds whole numbers
// from 0 to 1000 (class k = value k, numClasses = largest + 1) or holds text (each distinct
// text is a class, in sorted order: "setosa", "versicolor", …). Classify::Auto chooses
// classification for text, and for whole numbers 0..1000 with at most 20 distinct values;
// regression otherwise. Classify::No: regression, yShape {1}.
//
// Errors name the file and line: "data.csv:17: row has 3 values, the header has 4 columns",
// "data.csv:17: column 'alcohol': \"abc\" is not a number".
#include <cstddef>
#include <string>

#include "data/dataset.h"

namespace gradlab {

struct CsvOptions {
  std::string target{};  // the column to predict; empty: the last column
  Classify classify = Classify::Auto;
  // Data rows read at most; more is refused with a message (against hostile files: each field
  // costs a string while the text is split). Far more than any table a lab trains on.
  size_t maxRows = 10'000'000;
};

Dataset loadCsv(const std::string& path, const CsvOptions& opts = {});
// The same from text; `source` names it in errors (usually the path).
Dataset parseCsv(const std::string& text, const std::string& source, const CsvOptions& opts = {});

}  // namespace gradlab
