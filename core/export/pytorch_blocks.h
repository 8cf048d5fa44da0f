#pragma once
// The PyTorch code of each block type, for model.py (export/pytorch_export.h): one emitter per
// type in one table. An emitter gets the block, its Python names and its shapes, and writes the
// lines of the module's __init__ and of forward(). For a Dense block "h1" after "x":
//
//   PyBlock b;  // after emitting {id "h1", Dense, units 4, tanh} with inputs {"x"}, in [2]:
//   b.init    == {"self.h1 = nn.Linear(2, 4)"}
//   b.forward == {"h1 = torch.tanh(self.h1(x))"}
//
// Submodules are named after the block ids, so their state_dict names are Gradlab's weight
// names ("h1.weight") and a Gradlab safetensors file loads with load_state_dict.
#include <map>
#include <set>
#include <string>
#include <vector>

#include "spec/network_spec.h"
#include "tensor/shape.h"

namespace gradlab {

struct PyBlock {
  std::vector<std::string> init;     // lines of Net.__init__ (empty: no parameters)
  std::vector<std::string> forward;  // lines of Net.forward, assigning `out`
  std::set<std::string> helpers;     // helper classes model.py must define ("GRU")
};

struct PyBlockContext {
  const BlockSpec& spec;
  std::string module;               // "self.h1", or getattr(self, "…") for other ids
  std::string name;                 // the submodule's name: the block id
  std::string out;                  // the Python variable this block assigns
  std::vector<std::string> in;      // its inputs' variables, in edge order
  std::vector<Shape> inShapes;      // without the batch
  Shape outShape;

  // The __init__ line that registers `expr` as this block's submodule:
  // "self.h1 = nn.Linear(2, 4)", or self.add_module("h-1", …) for an id that is no identifier.
  std::string registerModule(const std::string& expr) const;
};

using PyEmitter = void (*)(const PyBlockContext&, PyBlock&);

// Block type -> emitter. A type missing here cannot be exported (exportPytorch says which).
const std::map<std::string, PyEmitter>& pytorchEmitters();

// `expr` through a Gradlab activation ("tanh" -> "torch.tanh(expr)"); throws Error for a name
// that has no PyTorch counterpart here.
std::string pythonActivation(const std::string& name, const std::string& expr);

}  // namespace gradlab
