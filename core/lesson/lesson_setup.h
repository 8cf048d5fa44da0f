#pragma once
// Lesson settings -> a LessonSetup: the one place that reads a setting's value, for a step's
// `key: value` lines, a variant's `KEY=VALUE` list and a `do: set KEY=VALUE` action alike.
//
//   LessonSetup s = previousStep.setup;                      // steps inherit the setup
//   applySettings(s, {{"network", "xor-mlp", 12}, {"h1.activation", "relu", 13},
//                     {"lr", "0.1", 14}}, place);
//   // s.network: examples/xor-mlp.net.json with h1's activation "relu"; s.training.lr = 0.1
//
// Errors are Error "FILE:LINE: what is wrong and how to fix it" (the setting's line).
#include <string>
#include <vector>

#include "lesson/lesson.h"

namespace gradlab {

// Where settings come from, for resolving names and for messages.
struct SettingPlace {
  std::string file;       // the lesson.md, as named in messages
  std::string lessonDir;  // relative network and data paths start here
};

// Applies `settings` over `setup`: the network first (a new network drops the old one's block
// settings; the training settings its file carries apply, as when the window opens it), then
// the data, the training settings and the views, then BLOCK.PARAM over the
// network. A block parameter must name a block of the network, and the network must stay
// valid (spec/analysis.h) for the blocks it changed.
void applySettings(LessonSetup& setup, const std::vector<Setting>& settings,
                   const SettingPlace& place);

// "lr=0.3 h1.units=[8, 8] h1.activation=relu" -> settings (brackets and quotes keep spaces).
// Throws Error "FILE:LINE: ..." for a word without "=".
std::vector<Setting> splitSettings(const std::string& text, int line, const std::string& file);
// The pieces of `text` between separators outside [..], {..} and "...": with ' ', any whitespace
// separates and empty pieces are dropped ("lr=0.3 h1.units=[8, 8]"); with another separator,
// every piece is kept ("0.001,[1, 2]" -> 0.001 | [1, 2]).
std::vector<std::string> splitTopLevel(const std::string& text, char separator);
// Whitespace-separated words: splitTopLevel(text, ' ').
std::vector<std::string> splitWords(const std::string& text);

// The keys of a setup (lessons/README.md "Keys"), without BLOCK.PARAM.
bool isSetupKey(const std::string& key);
// BLOCK.PARAM: a block id, a dot, a parameter name.
bool isBlockSetting(const std::string& key);
// A network name -> the *.net.json it means: a path (with "/" or ending in .json) relative to
// the lesson folder; else NAME.net.json beside the lesson, else examples/NAME.net.json.
// Throws Error (without file and line) listing the examples when none exists.
std::string resolveNetwork(const std::string& name, const std::string& lessonDir);

// Folders that hold the example networks (examples/ of the source tree, share/gradlab/examples
// of an installation), existing ones only (lesson/bundled.cpp).
std::vector<std::string> examplesDirs();

// The view ids a step may open (`views:`): the window's live views plus "compare". A widgets
// test keeps this list equal to widgets/views/view_types.cpp.
const std::vector<std::string>& lessonViewNames();

}  // namespace gradlab
