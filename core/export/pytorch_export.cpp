#include "export/pytorch_export.h"

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <set>

#include "backend/backend.h"
#include "blocks/registry.h"
#include "export/pytorch_blocks.h"
#include "export/pytorch_text.h"
#include "optim/optimizer.h"
#include "spec/analysis.h"
#include "util/error.h"
#include "util/file.h"

namespace gradlab {

namespace {

std::string num(double v) {
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

// A Python string literal (JSON's escapes are Python's).
std::string quoted(const std::string& s) { return nlohmann::json(s).dump(); }

const std::set<std::string>& pythonKeywords() {
  static const std::set<std::string> k{
      "False", "None",   "True",    "and",      "as",     "assert", "async",  "await",
      "break", "class",  "continue", "def",     "del",    "elif",   "else",   "except",
      "finally", "for",  "from",    "global",   "if",     "import", "in",     "is",
      "lambda", "nonlocal", "not",  "or",       "pass",   "raise",  "return", "try",
      "while", "with",   "yield"};
  return k;
}

// nn.Module's own attributes (torch 1.13 and later): a submodule of that name would be hidden
// behind them (self.train would stay the method), so such ids are refused.
const std::set<std::string>& moduleAttributes() {
  static const std::set<std::string> a{
      "T_destination", "add_module", "apply", "bfloat16", "buffers", "call_super_init",
      "children", "compile", "cpu", "cuda", "double", "dump_patches", "eval", "extra_repr",
      "float", "forward", "get_buffer", "get_extra_state", "get_parameter", "get_submodule",
      "half", "ipu", "load_state_dict", "modules", "mtia", "named_buffers", "named_children",
      "named_modules", "named_parameters", "parameters", "register_backward_hook",
      "register_buffer", "register_forward_hook", "register_forward_pre_hook",
      "register_full_backward_hook", "register_full_backward_pre_hook",
      "register_load_state_dict_post_hook", "register_load_state_dict_pre_hook",
      "register_module", "register_parameter", "register_state_dict_post_hook",
      "register_state_dict_pre_hook", "requires_grad_", "set_extra_state", "set_submodule",
      "share_memory", "state_dict", "to", "to_empty", "train", "training", "type", "xpu",
      "zero_grad"};
  return a;
}

bool isIdentifier(const std::string& s) {
  if (s.empty() || std::isdigit(static_cast<unsigned char>(s[0]))) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  });
}

std::string suggestedId(std::string id) {
  std::replace(id.begin(), id.end(), '.', '_');
  if (id[0] == '_') id = "b" + id;
  return moduleAttributes().count(id) ? id + "_1" : id;
}

// How forward() refers to block `id`'s submodule; throws for ids PyTorch cannot take.
std::string moduleRef(const std::string& id) {
  const bool dot = id.find('.') != std::string::npos;
  if (dot || id[0] == '_' || moduleAttributes().count(id))
    throw Error("block \"" + id + "\" cannot be exported to PyTorch: its id " +
                (dot ? "contains a dot, which PyTorch's module names cannot"
                     : id[0] == '_' ? "starts with _, which PyTorch keeps for its own names"
                                    : "is a name nn.Module uses itself") +
                " — rename the block, e.g. to \"" + suggestedId(id) + "\"");
  if (isIdentifier(id) && !pythonKeywords().count(id)) return "self." + id;
  return "getattr(self, " + quoted(id) + ")";
}

// The Python variables holding each block's output: the id where it is a fresh identifier.
std::map<std::string, std::string> variableNames(const std::vector<std::string>& ids) {
  std::set<std::string> taken{"self", "torch", "nn", "F", "math", "json", "os", "struct"};
  std::map<std::string, std::string> out;
  for (const std::string& id : ids) {
    std::string v;
    for (char c : id) v += std::isalnum(static_cast<unsigned char>(c)) || c == '_' ? c : '_';
    if (v.empty() || std::isdigit(static_cast<unsigned char>(v[0]))) v = "b_" + v;
    if (pythonKeywords().count(v)) v += "_";
    std::string unique = v;
    for (int i = 2; taken.count(unique); ++i) unique = v + "_" + std::to_string(i);
    taken.insert(unique);
    out[id] = unique;
  }
  return out;
}

std::string shapeText(const Shape& s) {
  std::string t;
  for (int64_t d : s) t += (t.empty() ? "" : ", ") + std::to_string(d);
  return "[" + t + "]";
}

// (2,) or (1, 28, 28): a Python tuple; joined(s) is its inside without the parentheses.
std::string joined(const Shape& s) {
  std::string t;
  for (int64_t d : s) t += (t.empty() ? "" : ", ") + std::to_string(d);
  return t;
}
std::string tupleText(const Shape& s) { return "(" + joined(s) + (s.size() == 1 ? ",)" : ")"); }

Analysis checkedAnalysis(const NetworkSpec& spec) {
  Analysis a = analyze(spec);
  if (!a.ok())
    throw Error("the network has problems, so it cannot be exported — fix them first:\n" +
                describe(a.problems));
  return a;
}

// The names of the parameters L1/L2 apply to (weights, not biases), in block order.
std::vector<std::string> penalisedNames(const NetworkSpec& spec, const Analysis& a) {
  std::vector<std::string> names;
  for (const std::string& id : a.order) {
    const BlockSpec& b = *spec.find(id);
    const BlockInfo* info = findBlockType(b.type);
    for (const ParamDecl& d : info->paramDecls(b, a.inShapes.at(id)))
      if (d.trainable && d.penalised) names.push_back(id + "." + d.name);
  }
  return names;
}

std::string optimizerLine(const TrainConfig& c) {
  const OptimKind kind = parseOptimKind(c.optimizer);
  OptimHyper h = defaultHyper(kind);
  if (c.lr) h.lr = *c.lr;
  const std::string lr = "lr=" + num(h.lr);
  switch (kind) {
    case OptimKind::Sgd: return "torch.optim.SGD(params, " + lr + ")";
    case OptimKind::Momentum:
      return "torch.optim.SGD(params, " + lr + ", momentum=" + num(h.momentum) + ")";
    case OptimKind::Nesterov:
      return "torch.optim.SGD(params, " + lr + ", momentum=" + num(h.momentum) + ", nesterov=True)";
    case OptimKind::Adagrad: return "torch.optim.Adagrad(params, " + lr + ", eps=" + num(h.eps) + ")";
    case OptimKind::Adadelta:
      return "torch.optim.Adadelta(params, " + lr + ", rho=" + num(h.rho) + ", eps=" + num(h.eps) + ")";
    case OptimKind::RmsProp:
      return "torch.optim.RMSprop(params, " + lr + ", alpha=" + num(h.rho) + ", eps=" + num(h.eps) + ")";
    case OptimKind::Adam:
      return "torch.optim.Adam(params, " + lr + ", betas=(" + num(h.beta1) + ", " + num(h.beta2) +
             "), eps=" + num(h.eps) + ")";
  }
  return {};
}

// loss_of(out, y) and correct_of(out, y): the targets as Gradlab's Trainer makes them
// (trainer.cpp, targetValues) and the predictions as its Readout reads them.
std::string lossFunctions(const NetworkSpec& spec, const Analysis& a, const Dataset& train) {
  const std::string& kind = spec.loss.type;
  const Shape& out = a.outShapes.at(spec.loss.block);
  const int64_t width = numel(out);
  const bool classes = train.isClassification();
  const std::string fn = kind == "mse"          ? "F.mse_loss"
                         : kind == "bce"        ? "F.binary_cross_entropy"
                         : kind == "bce_logits" ? "F.binary_cross_entropy_with_logits"
                                                : "F.cross_entropy";
  std::string loss = "\n\ndef loss_of(out, y):\n    \"\"\"" + kind + " on block " +
                     quoted(spec.loss.block) + " " + shapeText(out) +
                     ": the mean over every element, as Gradlab's.\"\"\"\n";
  std::string correct = "\n\ndef correct_of(out, y):\n";
  if (kind == "cross_entropy") {
    if (out.size() == 2) {
      loss += "    # one class per time step: nn.CrossEntropyLoss wants the classes on axis 1\n"
              "    return F.cross_entropy(out.transpose(1, 2), y.long())\n";
    } else {
      loss += "    return F.cross_entropy(out, y.long())\n";
    }
    correct += "    \"\"\"Right predictions: the largest score is the class.\"\"\"\n"
               "    return (out.argmax(-1) == y.long()).sum()\n";
  } else if (classes && width > 1) {
    loss += "    target = F.one_hot(y.long(), CLASSES).to(out.dtype)  # class -> one-hot row\n"
            "    return " + fn + "(out, target.reshape(out.shape))\n";
    correct += "    \"\"\"Right predictions: the largest output is the class.\"\"\"\n"
               "    return (out.reshape(out.shape[0], -1).argmax(-1) == y.long()).sum()\n";
  } else {
    loss += "    return " + fn + "(out, y.reshape(out.shape).to(out.dtype))\n";
    if (classes)
      correct += std::string("    \"\"\"Right predictions: class 1 where the output is above ") +
                 (kind == "bce_logits" ? "0" : "0.5") + ".\"\"\"\n    return ((out.reshape(-1) > " +
                 (kind == "bce_logits" ? "0" : "0.5") + ").long() == y.reshape(-1).long()).sum()\n";
  }
  return classes ? loss + correct : loss + "\n\ncorrect_of = None  # numeric targets: no accuracy\n";
}

}  // namespace

PytorchRun makePytorchRun(const NetworkSpec& spec, std::shared_ptr<const Split> data,
                          const TrainConfig& config, const TensorMap* weights,
                          const std::string& dataLabel) {
  checkedAnalysis(spec);
  TrainConfig c = config;
  c.shuffle = true;
  // The Trainer checks that the data fits, draws the weights as a run would and makes the
  // randomly relabelled copy when asked for.
  Trainer trainer(spec, std::move(data), c, cpuBackend(), DType::F32);
  if (weights) trainer.network().loadWeights(*weights, "the weights to export");
  PytorchRun run;
  run.network = spec;
  run.data = trainer.sharedData();
  run.training = config;
  run.init = weights ? *weights : trainer.network().weights();
  run.dataLabel = dataLabel;
  return run;
}

std::string pytorchDataLabel(const DataSource& source, const Split& split) {
  std::string label = source.label();
  if (!source.builtin.empty() && source.builtin != "fashion-mnist")
    label += " (" + std::to_string(split.train.size() + split.test.size()) + " samples)";
  return label + ", test split " + std::to_string(int(source.testFraction * 100 + 0.5)) +
         " %, data seed " + std::to_string(source.seed);
}

std::string pytorchModelSource(const NetworkSpec& spec) {
  const Analysis a = checkedAnalysis(spec);
  const auto& emitters = pytorchEmitters();
  const auto vars = variableNames(a.order);
  std::vector<std::string> init, forward;
  std::set<std::string> helpers;
  for (const std::string& id : a.order) {
    const BlockSpec& b = *spec.find(id);
    const auto e = emitters.find(b.type);
    if (e == emitters.end())
      throw Error("block \"" + id + "\" (" + b.type +
                  ") cannot be exported to PyTorch: the exporter has no " + b.type +
                  " yet — remove it or replace it by blocks that can be exported");
    PyBlockContext c{b, b.type == "Input" ? std::string() : moduleRef(id), id, vars.at(id), {},
                     a.inShapes.at(id), a.outShapes.at(id)};
    for (const std::string& src : a.inputs.at(id)) c.in.push_back(vars.at(src));
    PyBlock out;
    try {
      e->second(c, out);
    } catch (const Error& err) {
      throw Error("block \"" + id + "\" (" + b.type + ") cannot be exported to PyTorch: " + err.what());
    }
    if (b.type == "Input") continue;
    std::string from;
    for (const std::string& src : a.inputs.at(id)) from += (from.empty() ? "" : ", ") + src;
    forward.push_back("# " + id + ": " + b.type + " " + from + " -> " + shapeText(a.outShapes.at(id)));
    forward.insert(forward.end(), out.forward.begin(), out.forward.end());
    init.insert(init.end(), out.init.begin(), out.init.end());
    helpers.insert(out.helpers.begin(), out.helpers.end());
  }
  const std::string name = spec.name.empty() ? "network" : spec.name;
  const std::string x = vars.at(a.inputBlock);
  const Shape& inShape = a.outShapes.at(a.inputBlock);
  const Shape& outShape = a.outShapes.at(spec.loss.block);

  std::string s;
  s += "\"\"\"Gradlab's network " + quoted(name) +
       " as a PyTorch module, written by `gradlab-cli export pytorch`.\n\n"
       "Standalone (torch only). The submodules are named after Gradlab's block ids, so the\n"
       "weights Gradlab saves (safetensors: <block id>.<param>, PyTorch's names and layouts) load\n"
       "with load_state_dict, and weights saved from here open in Gradlab:\n\n"
       "    model = Net()\n"
       "    load_weights(model, \"init.safetensors\")\n"
       "    out = model(torch.zeros(5, " + joined(inShape) + "))   # -> " + quoted(spec.loss.block) + "'s output [5, " +
       shapeText(outShape).substr(1) + "\n"
       "    write_safetensors(\"trained.safetensors\", gradlab_weights(model))\n\"\"\"\n";
  s += "import json\nimport math\nimport os\nimport struct\n\nimport torch\nfrom torch import nn\n"
       "import torch.nn.functional as F\n\n";
  s += "NAME = " + quoted(name) + "\n";
  s += "INPUT_SHAPE = " + tupleText(inShape) + "  # one sample, without the batch\n";
  s += "OUTPUT_BLOCK = " + quoted(spec.loss.block) + "  # the block forward() returns (the loss reads it)\n";
  s += pytorch_text::kSafetensors;
  s += pytorch_text::kWeights;
  if (helpers.count("GRU")) s += pytorch_text::kGru;
  if (helpers.count("PositionEncoding")) s += pytorch_text::kPositionEncoding;
  if (helpers.count("Attention")) s += pytorch_text::kAttention;
  s += "\n\nclass Net(nn.Module):\n    \"\"\"" + quoted(name).substr(1, quoted(name).size() - 2) +
       ": input " + shapeText(inShape) + " -> " + quoted(spec.loss.block) + " " +
       shapeText(outShape) + " (shapes without the batch).\"\"\"\n\n"
       "    def __init__(self):\n        super().__init__()\n";
  for (const std::string& l : init) s += "        " + l + "\n";
  s += "\n    def forward(self, " + x + "):\n";
  for (const std::string& l : forward) s += "        " + l + "\n";
  s += "        return " + vars.at(spec.loss.block) + "\n";
  return s;
}

std::string pytorchTrainSource(const PytorchRun& run) {
  const NetworkSpec& spec = run.network;
  const Analysis a = checkedAnalysis(spec);
  const TrainConfig& c = run.training;
  const Dataset& train = run.data->train;
  const std::string name = spec.name.empty() ? "network" : spec.name;
  const std::string label = run.dataLabel.empty() ? train.name : run.dataLabel;

  std::string s = "#!/usr/bin/python3\n";
  s += "\"\"\"Trains Gradlab's network " + quoted(name) +
       " (model.py) as Gradlab trains it; written by\n`gradlab-cli export pytorch`.\n\n"
       "  python3 train.py [--steps N] [--no-shuffle] [--init W.safetensors] [--log losses.csv]\n"
       "                   [--out checkpoint.safetensors] [--dtype f32|f64] [--device auto|cpu|cuda]\n"
       "  torchrun --nproc_per_node N train.py [the same options]\n"
       "      Debian 12's torch 1.13 under Python 3.11: torchrun --redirects 2 --tee 2 ... (its\n"
       "      launcher fails on the default \"0\" there: Python 3.11 enumerates no zero flag)\n\n"
       "The run, as Gradlab had it: " + label + " (" + std::to_string(train.size()) +
       " training rows); " + c.optimizer + ", batch " + std::to_string(c.batch) + ", seed " +
       std::to_string(c.seed) + (c.l1 ? ", l1 " + num(c.l1) : "") + (c.l2 ? ", l2 " + num(c.l2) : "") +
       (c.clipNorm > 0 ? ", gradient norm clipped to " + num(c.clipNorm) : "") +
       ", loss " + spec.loss.type + ".\n\n"
       "A step trains one batch, drawn as Gradlab draws it: each epoch in a new seeded order (or in\n"
       "file order with --no-shuffle), the batches running on into the next epoch. train_loss is\n"
       "the batch's loss before the update, without the penalty. From the same weights\n"
       "(init.safetensors: those Gradlab started from) with --no-shuffle, the losses are\n"
       "gradlab-cli train's step by step; shuffled orders and dropout masks are PyTorch's draws.\n\n"
       "Under torchrun: DistributedDataParallel (gloo on CPUs, nccl on GPUs) and a\n"
       "DistributedSampler. Each of the N processes takes BATCH / N rows of every step's batch\n"
       "and DDP averages the gradients, so a step trains on the same BATCH rows as one process\n"
       "does (BatchNorm's statistics are each process's own). Rank 0 logs the step's loss (the\n"
       "mean of the processes') and writes the checkpoint; at the end every process checks that\n"
       "its weights equal rank 0's. Checkpoints are safetensors with Gradlab's names: open them\n"
       "in Gradlab (gradlab-cli train NET --init checkpoint.safetensors, or the window's File menu).\n"
       "\"\"\"\n";
  s += "import os\n\n"
       "# OpenBLAS tuning variables of the machine that exported this can break another's BLAS.\n"
       "for _name in (\"OPENBLAS_CORETYPE\", \"OPENBLAS_L2_SIZE\"):\n"
       "    os.environ.pop(_name, None)\n\n"
       "import argparse  # noqa: E402\nimport math  # noqa: E402\nimport sys  # noqa: E402\n\n"
       "sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))\n\n"
       "import torch  # noqa: E402\nimport torch.distributed as dist  # noqa: E402\n"
       "import torch.nn.functional as F  # noqa: E402\n"
       "from torch.nn.parallel import DistributedDataParallel as DDP  # noqa: E402\n"
       "from torch.utils.data.distributed import DistributedSampler  # noqa: E402\n\n"
       "from model import NAME, Net, gradlab_weights, load_weights, read_safetensors, "
       "write_safetensors  # noqa: E402\n\n";
  s += "# ---- the run, as Gradlab had it -----------------------------------------------------------\n";
  s += "DATA = \"data.safetensors\"  # " + label + ": x, y (training set), x_test, y_test\n";
  s += "INIT = \"init.safetensors\"  # the weights the run starts from\n";
  s += "STEPS = 1000  # --steps' default, as gradlab-cli train's\n";
  s += "BATCH = " + std::to_string(c.batch) + "\n";
  s += "SEED = " + std::to_string(c.seed) + "\n";
  s += "CLASSES = " + std::to_string(train.numClasses) + "  # 0: numeric targets\n";
  s += "L1 = " + num(c.l1) + "  # g += L1·sign(w) for the weights in PENALISED (not biases)\n";
  s += "L2 = " + num(c.l2) + "  # g += L2·w\n";
  std::string pen;
  for (const std::string& n : penalisedNames(spec, a)) pen += (pen.empty() ? "" : ", ") + quoted(n);
  s += "PENALISED = [" + pen + "]\n";
  s += "CLIP_NORM = " + num(c.clipNorm) +
       "  # g ← g · min(1, CLIP_NORM / (‖g‖₂ + 1e−6)) over all parameters; 0: off\n";
  s += "\n\ndef make_optimizer(params):\n    \"\"\"Gradlab's " + c.optimizer +
       ": torch.optim's rule, Gradlab's settings (core/optim/optimizer.h).\"\"\"\n    return " +
       optimizerLine(c) + "\n";
  s += lossFunctions(spec, a, train);
  s += pytorch_text::kTrainLoop;
  return s;
}

void exportPytorch(const PytorchRun& run, const std::string& dir) {
  // Every text and tensor first: a block that cannot be exported stops here, nothing written.
  const std::string model = pytorchModelSource(run.network);
  const std::string train = pytorchTrainSource(run);
  auto tensorOf = [](const std::vector<float>& v, Shape shape) {
    HostTensor t;
    t.shape = std::move(shape);
    t.dtype = DType::F32;
    t.values.assign(v.begin(), v.end());
    return t;
  };
  auto withRows = [](int64_t n, const Shape& s) {
    Shape r{n};
    r.insert(r.end(), s.begin(), s.end());
    return r;
  };
  TensorMap data;
  const Split& split = *run.data;
  data["x"] = tensorOf(split.train.x, withRows(split.train.size(), split.train.xShape));
  data["y"] = tensorOf(split.train.y, withRows(split.train.size(), split.train.yShape));
  if (split.test.size() > 0) {
    data["x_test"] = tensorOf(split.test.x, withRows(split.test.size(), split.test.xShape));
    data["y_test"] = tensorOf(split.test.y, withRows(split.test.size(), split.test.yShape));
  }
  const std::map<std::string, std::string> meta{
      {"source", run.dataLabel}, {"classes", std::to_string(split.train.numClasses)}};
  const std::vector<char> dataBytes = serializeSafetensors(data, meta);
  data.clear();
  const std::vector<char> initBytes = serializeSafetensors(run.init);

  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (!fs::is_directory(dir, ec))
    throw Error(dir + ": cannot create the export folder" + (ec ? " (" + ec.message() + ")" : "") +
                " — give a folder you can write to");
  const fs::path d(dir);
  writeFileAtomically((d / "data.safetensors").string(), std::string(dataBytes.begin(), dataBytes.end()));
  writeFileAtomically((d / "init.safetensors").string(), std::string(initBytes.begin(), initBytes.end()));
  writeFileAtomically((d / "model.py").string(), model);
  writeFileAtomically((d / "train.py").string(), train);
  fs::permissions(d / "train.py", fs::perms::owner_exec | fs::perms::group_exec | fs::perms::others_exec,
                  fs::perm_options::add, ec);
}

}  // namespace gradlab
