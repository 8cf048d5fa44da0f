#pragma once
// PyTorch export: a standalone PyTorch project that trains a Gradlab network as Gradlab does,
// on one process or on many with torchrun. exportPytorch writes into a folder:
//
//   model.py           the network as an nn.Module named Net, its submodules named after the
//                      block ids (so Gradlab's safetensors load with load_state_dict), with a
//                      small safetensors reader and writer (Debian has no safetensors package)
//   train.py           the run: data, batch, seed, optimizer with Gradlab's formulas (torch.optim's
//                      rules and hyper-parameters), L1/L2 on the weights, clipping, loss;
//                      `torchrun --nproc_per_node N train.py` trains with DistributedDataParallel
//   data.safetensors   the training set as Gradlab trains on it (x, y) and the test set (x_test,
//                      y_test), float32; y as Gradlab's data files hold it (class indices or values)
//   init.safetensors   the weights the run starts from
//
//   PytorchRun run = makePytorchRun(spec, split, config, &weights);  // or nullptr: fresh weights
//   exportPytorch(run, "out/");   // python3 out/train.py --no-shuffle --log losses.csv
//
// From the same init with --no-shuffle, train.py's per-step losses are gradlab-cli train's
// (tests/parity/tst_export_pytorch.cpp). Dropout masks and shuffled orders come from PyTorch's
// generators, not Gradlab's, so those runs differ in their draws only.
#include <memory>
#include <string>

#include "data/data_source.h"
#include "data/dataset.h"
#include "io/safetensors.h"
#include "spec/network_spec.h"
#include "train/trainer.h"

namespace gradlab {

struct PytorchRun {
  NetworkSpec network;
  std::shared_ptr<const Split> data;  // as Gradlab trains on it (random labels applied)
  TrainConfig training;
  TensorMap init;                     // the weights the run starts from
  std::string dataLabel;              // what the data is, for the files' comments
};

// The run Gradlab would train: checks that the network is valid and fits the data (Error
// otherwise), and takes the starting weights from `weights` (checked against the network) or,
// when null, draws them from config.seed as Gradlab does (float32, as Gradlab trains).
PytorchRun makePytorchRun(const NetworkSpec& spec, std::shared_ptr<const Split> data,
                          const TrainConfig& config, const TensorMap* weights,
                          const std::string& dataLabel);

// What the data is, for the files' comments: "spiral (500 samples), test split 50 %, data seed 1".
std::string pytorchDataLabel(const DataSource& source, const Split& split);

// The texts of model.py and train.py. Throw Error naming a block that cannot be exported
// (a block type without a PyTorch emitter, or an id PyTorch cannot take as a module name).
std::string pytorchModelSource(const NetworkSpec& spec);
std::string pytorchTrainSource(const PytorchRun& run);

// Writes the four files into `dir` (created when missing). Every text is made before any
// file is written, and each file is written atomically: a refused network writes nothing.
void exportPytorch(const PytorchRun& run, const std::string& dir);

}  // namespace gradlab
