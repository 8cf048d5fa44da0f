#pragma once
// Project: everything a *.gradlab file holds — the network, where the data comes from, the
// training settings and the window's layout. The weights live beside it in a safetensors file
// of the same name ("spiral.gradlab" -> "spiral.safetensors"). The window opens and saves it;
// `gradlab-cli train spiral.gradlab` trains it headless.
//
//   {"format": "gradlab.project/1",
//    "network": {...gradlab.network/1...},
//    "data": {"source": "builtin", "name": "spiral", "noise": 0.1, "testFraction": 0.5, ...},
//    "training": {"optimizer": "adam", "lr": 0.03, "l1": 0, "l2": 0, "clipNorm": 0,
//                 "batch": 10, "seed": 1, "speed": 0, "randomLabels": false,
//                 "earlyStopping": 0},                 // io/training_settings.h
//    "step": 812, "weights": "spiral.safetensors", "layout": "<base64 window state>"}
//
//   Project p = loadProject("spiral.gradlab");  // p.weights set when the file names them
//   saveProject("copy.gradlab", p);             // copy.safetensors, then copy.gradlab
//
// Loading checks everything first (a corrupt file throws Error naming the file and the place,
// and nothing is changed); saving writes both files atomically (util/file.h).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "data/data_source.h"
#include "io/safetensors.h"
#include "spec/network_spec.h"
#include "train/trainer.h"

namespace gradlab {

inline constexpr const char* kProjectFormat = "gradlab.project/1";

struct Project {
  NetworkSpec network;
  DataSource data;
  TrainConfig training;
  double speed = 0;        // the window's steps per second; 0 = flat out
  int64_t step = 0;        // steps the saved weights were trained for (informative)
  std::string layout;      // the window's layout (QMainWindow::saveState) in base64; opaque here
  std::optional<TensorMap> weights;
  std::string weightsFile;  // as named in the file (beside it); empty = none
};

// "dir/spiral.gradlab" -> "dir/spiral.safetensors", and "dir/spiral.weights.safetensors": a save
// writes the one the project does not name now (see saveProject).
std::string weightsPathFor(const std::string& projectPath);
std::vector<std::string> weightsPathsFor(const std::string& projectPath);
// Reads the project and the weights it names. A relative data file path is taken relative to
// the project's folder. Throws Error naming the file and the place.
Project loadProject(const std::string& path);
// The project file's text alone (no weights read); `source` names it in errors.
Project parseProject(const std::string& text, const std::string& source);
// Writes the weights (when `project.weights` holds any) beside `path`, then the project file
// naming them, then removes the weights file the project named before: the pair on disk is
// consistent whenever a save stops. Never replaces a file beside it that a project did not
// write (a data file "spiral.safetensors"). Throws Error naming the file that could not be written.
void saveProject(const std::string& path, const Project& project);
std::string serializeProject(const Project& project, const std::string& weightsFile);
// True for a path that names a project: the extension is .gradlab.
bool isProjectPath(const std::string& path);

}  // namespace gradlab
