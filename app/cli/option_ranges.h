#pragma once
// Every numeric option of gradlab-cli is declared with its range and checked as the command line
// is parsed, by the one function here: a value outside it (batch 0, lr nan, --threads 1000,
// --test-split 1, --seed -1, --steps 1e18) stops gradlab-cli with exit code 2 and a message
// naming the option, the value and the range — before the command runs, so it never reaches
// the engine. (CLI11's own range checks let NaN through and convert "1e18" to an int64 only to
// fail with a message that names no range.)
//
//   addNumber(cmd, "--threads", o.threads, kThreads, "cpu threads")->default_val(1);
//   addNumber(cmd, "--test-split", o.testSplit, kFraction, "fraction held out for testing");
//   $ gradlab-cli train net.json --dataset spiral --threads 0
//   error: --threads must be a whole number between 1 and 256, got 0
#include <CLI/CLI.hpp>
#include <string>

#include "util/error.h"

namespace gradlab::cli {

// The exit code of a mistake on the command line (an option out of range, a missing argument,
// an unknown flag); 1 is for a command that ran and failed.
constexpr int kUsageExitCode = 2;

// An option's value that the command cannot take: main() prints it and exits with code 2.
class UsageError : public Error {
 public:
  using Error::Error;
};

struct Range {
  double lo = 0, hi = 0;
  bool whole = false;  // whole numbers only (the option is an integer)
  bool open = false;   // hi itself is excluded: [lo, hi)
};

// The ranges options share, so that the same option is the same in every subcommand.
inline constexpr Range kThreads{1, 256, true};     // beyond a few hundred libgomp dies
inline constexpr Range kSeed{0, 1e15, true};        // as a project's "seed"
inline constexpr Range kFraction{0, 1, false, true};  // --test-split: a share, 1 leaves no training set
inline constexpr Range kPoints{1, 1e7, true};
inline constexpr Range kNoise{0, 10};
inline constexpr Range kSteps{1, 1e9, true};
inline constexpr Range kSamples{0, 1e7, true};     // 0: all of them

// "--threads must be a whole number between 1 and 256, got 0", or "" when `text` is in range.
// `text` is what was typed; a whole number is rewritten without exponent ("1e3" -> "1000") so
// that CLI11 converts it to an integer.
std::string rangeProblem(const std::string& flag, const Range& range, std::string& text);
// A CLI11 transform that throws UsageError with rangeProblem's message.
CLI::Validator inRange(const std::string& flag, const Range& range);

// Adds the numeric option `name` ("--steps", or "-o,--out") stored in `value`, checked against
// `range` whenever it is given (and for its default, when it has one).
template <class T>
CLI::Option* addNumber(CLI::App* cmd, const std::string& name, T& value, const Range& range,
                       const std::string& help) {
  const std::string flag = name.substr(name.rfind(',') == std::string::npos ? 0 : name.rfind(',') + 1);
  return cmd->add_option(name, value, help)->transform(inRange(flag, range));
}

}  // namespace gradlab::cli
