#pragma once
// gradlab-cli's subcommands. Each add* function registers one subcommand on the app; its
// callback runs the command and returns the process exit code through `exitCode`.
#include <CLI/CLI.hpp>

namespace gradlab::cli {

void addValidate(CLI::App& app, int& exitCode);
void addTrain(CLI::App& app, int& exitCode);
void addBench(CLI::App& app, int& exitCode);
void addDevices(CLI::App& app, int& exitCode);
void addForward(CLI::App& app, int& exitCode);
// `export onnx` under the parent command `export` (created in main.cpp).
void addExportOnnx(CLI::App& exportCommand, int& exitCode);
// `export pytorch`: a PyTorch project of the run (model.py, train.py for torchrun, data, init).
void addExportPytorch(CLI::App& exportCommand, int& exitCode);
void addLesson(CLI::App& app, int& exitCode);
void addCompare(CLI::App& app, int& exitCode);
void addLandscape(CLI::App& app, int& exitCode);
void addExplain(CLI::App& app, int& exitCode);
void addPcaAngles(CLI::App& app, int& exitCode);

}  // namespace gradlab::cli
