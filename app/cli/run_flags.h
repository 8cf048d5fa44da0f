#pragma once
// The flags that say how a run trains and on what data, shared by `train`, `export pytorch` and
// (the training flags) `compare`: registered once, with their ranges (cli/option_ranges.h), and
// laid over a project's or a network file's settings once — so that the commands cannot drift
// apart (export pytorch had lost --lag's override and never had --length or --symbols).
//
//   TrainConfig flags; DataFlags data;
//   addTrainingFlags(cmd, flags);  addDataFlags(cmd, data);
//   ... after parsing:
//   TrainConfig c = givenTrainingFlags(*cmd, flags, project.training);
//   DataSource d = givenDataFlags(*cmd, data, project.data);
#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>

#include "data/data_source.h"
#include "train/trainer.h"

namespace gradlab::cli {

struct DataFlags {
  std::string dataset, data, target;  // --dataset NAME | --data FILE, --target COLUMN
  double testSplit = 0.2, noise = 0;
  int64_t points = 0, lag = 0, length = 0, symbols = 0;  // 0: the set's default
  bool reconstruct = false;
};

// --optimizer --lr --l1 --l2 --clip --batch --seed --random-labels --early-stopping into `flags`,
// each number within the range a project's "training" object allows (io/training_settings.h).
void addTrainingFlags(CLI::App* cmd, TrainConfig& flags);
// `base` with the training flags given on `cmd`'s command line (a flag not given keeps base's).
TrainConfig givenTrainingFlags(const CLI::App& cmd, const TrainConfig& flags, TrainConfig base);

// --dataset --data --target --test-split --points --noise --lag --length --symbols --reconstruct.
void addDataFlags(CLI::App* cmd, DataFlags& flags);
// `base` with the data flags given (--seed too: the data's draw and split follow it, as in train).
DataSource givenDataFlags(const CLI::App& cmd, const DataFlags& flags, const TrainConfig& given,
                          DataSource base);

// Whether `flag` ("--lr") was given on the command line of `cmd` (false when cmd has no such flag).
bool given(const CLI::App& cmd, const char* flag);

}  // namespace gradlab::cli
