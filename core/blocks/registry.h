#pragma once
// The catalogue of block types: what the palette shows, what validation checks, how shapes are
// inferred, and how a block is built. One BlockInfo per type; registry.cpp lists them all.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "blocks/block.h"
#include "util/error.h"

namespace gradlab {

// A block parameter's schema: drives type checks, the inspector and the file docs.
struct ParamInfo {
  enum class Kind { Int, Float, Bool, Choice, Shape, IntOrChoice };
  std::string key;
  Kind kind = Kind::Int;
  nlohmann::json defaultValue;      // null = required
  std::vector<std::string> choices; // Choice / IntOrChoice
  double min = -1e300, max = 1e300; // Int / Float / IntOrChoice (inclusive)
  std::string help;
};

struct BlockInfo {
  std::string type;       // "Dense"
  std::string category;   // Data, Dense, Convolution, Recurrent, Regularisation, Activation,
                          // Merge, Output
  std::string formula;    // one line, for the palette's tooltip: "y = f(x·Wᵀ + b)"
  std::string help;       // a sentence on what it does
  std::vector<ParamInfo> params;
  int minInputs = 1, maxInputs = 1;  // maxInputs -1 = any number
  // Output shape (no batch) from the input shapes; throws Error with a message that says what
  // is wrong and how to fix it ("expects a flat input, got 8×14×14 — insert Flatten").
  std::function<Shape(const BlockSpec&, const std::vector<Shape>&)> infer;
  // Parameters, in order (empty for parameter-free blocks).
  std::function<std::vector<ParamDecl>(const BlockSpec&, const std::vector<Shape>&)> paramDecls;
  std::function<std::unique_ptr<Block>(const BlockArgs&)> create;
};

const std::vector<BlockInfo>& blockTypes();
const BlockInfo* findBlockType(const std::string& type);
// The block with its parameters as paramDecls() declares them, zero (the trainable ones with
// zero gradients and optimizer state): the Network draws the initial values afterwards.
std::unique_ptr<Block> createBlock(const BlockInfo& info, const BlockArgs& args);

// A parameter's value, or its default (the spec was validated against the schema before).
nlohmann::json paramValue(const BlockSpec& spec, const std::string& key);
int64_t paramInt(const BlockSpec& spec, const std::string& key);
double paramFloat(const BlockSpec& spec, const std::string& key);
bool paramBool(const BlockSpec& spec, const std::string& key);
std::string paramString(const BlockSpec& spec, const std::string& key);
Shape paramShape(const BlockSpec& spec, const std::string& key);

// Checks spec.params against the type's schema; returns one message per problem.
std::vector<std::string> checkParams(const BlockInfo& info, const BlockSpec& spec);

}  // namespace gradlab
