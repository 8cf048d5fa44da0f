#pragma once
// Project: everything a *.gradlab file holds — the network, where the data comes from, the
// training settings and the window's layout. The weights live beside it in a safetensors file
// of the same name ("spiral.gradlab" -> "spiral.safetensors").
//
//   {"format": "gradlab.project/1",
//    "network": {...gradlab.network/1...},
//    "data": {"source": "builtin", "name": "spiral", "noise": 0.1, "testFraction": 0.5, ...},
//    "training": {"optimizer": "adam", "lr": 0.03, "l1": 0, "l2": 0, "batch": 10, "seed": 1,
//                 "speed": 0},
//    "step": 812, "weights": "spiral.safetensors", "layout": "<base64 window state>"}
//
// Loading checks everything first (a corrupt file throws Error naming the file and the place,
// and nothing is changed); saving is atomic (QSaveFile) for both files.
#include <QByteArray>
#include <QString>
#include <optional>

#include "io/safetensors.h"
#include "panels/data_source.h"
#include "spec/network_spec.h"
#include "train/trainer.h"

namespace gradlab::widgets {

inline constexpr const char* kProjectFormat = "gradlab.project/1";

struct Project {
  NetworkSpec network;
  DataSource data;
  TrainConfig training;
  double speed = 0;     // steps per second; 0 = flat out
  int64_t step = 0;     // steps the saved weights were trained for (informative)
  QByteArray layout;    // QMainWindow::saveState
  std::optional<TensorMap> weights;
  QString weightsFile;  // as named in the file (beside it); empty = none
};

QString weightsPathFor(const QString& projectPath);
// Throws Error with a message for the user.
Project loadProject(const QString& path);
Project parseProject(const QByteArray& bytes, const QString& source);
void saveProject(const QString& path, const Project& project);
QByteArray serializeProject(const Project& project, const QString& weightsFile);

// A network file (*.net.json, the format gradlab-cli reads): loading throws Error naming the
// file and the place; writing is atomic and keeps the canvas positions in each block's "ui".
NetworkSpec importNetwork(const QString& path);
void exportNetwork(const QString& path, const NetworkSpec& spec);

}  // namespace gradlab::widgets
