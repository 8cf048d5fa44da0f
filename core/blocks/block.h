#pragma once
// Block: one node of a compiled network, bound to a backend.
//
// To add a block type (see CONTRIBUTING.md):
//   1. blocks/<name>.h/.cpp: a class derived from Block that overrides
//        forward()   out = f(inputs, params)                      (formula in the comment)
//        backward()  dL/dθ into each param's grad, and ADD dL/dinputᵢ into din[i]
//      and optionally resize() (batch-sized scratch) and internals() (what views may show).
//   2. a BlockInfo for it (blocks/registry.h): category, one-line formula, parameters with
//      types and defaults, infer() for the output shape, paramDecls() for its parameters
//      (PyTorch's names and layouts), and create(). Network creates params() from paramDecls().
//   3. a case in tests/gradcheck and, where PyTorch has the layer, in tests/parity.
// Blocks touch tensors only through the Backend, so the same block runs on cpu and cuda.
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "backend/backend.h"
#include "spec/network_spec.h"

namespace gradlab {

// A parameter as declared by a block type (known without a backend, for analysis).
struct ParamDecl {
  std::string name;       // PyTorch's name: weight, bias, weight_ih_l0, running_mean, ...
  Shape shape;            // PyTorch's layout: Linear weight [out, in]
  std::string init;       // glorot_uniform, glorot_normal, he_uniform, he_normal, uniform,
                          // zeros, ones
  int64_t fanIn = 1, fanOut = 1;
  bool penalised = true;  // L1/L2 penalties apply (weights yes, biases no)
  bool trainable = true;  // running statistics are not trained
  // Added to elements [shiftBegin, shiftEnd) after the draw (LSTM's forget_bias on the forget
  // gate's rows of bias_ih_l0).
  double shift = 0;
  int64_t shiftBegin = 0, shiftEnd = 0;
};

// A parameter bound to a backend: value, gradient and two optimizer state tensors.
struct Param {
  ParamDecl decl;
  Tensor value, grad, s1, s2;
};

// Everything a block is built from.
struct BlockArgs {
  const BlockSpec& spec;
  std::vector<Shape> inShapes;  // per input, without batch
  Shape outShape;               // without batch
  Backend& backend;
  DType dtype;
  uint64_t seed;                // for blocks that draw random numbers (dropout)
};

class Block {
 public:
  explicit Block(const BlockArgs& a)
      : id_(a.spec.id), type_(a.spec.type), inShapes_(a.inShapes), outShape_(a.outShape),
        be_(a.backend), dtype_(a.dtype) {}
  virtual ~Block() = default;

  // out = f(in, params). `training` selects dropout masks and batch statistics.
  virtual void forward(std::span<const Tensor> in, Tensor& out, bool training) = 0;
  // Writes ∂L/∂θ into every param's grad and ADDS ∂L/∂inᵢ into din[i]; an undefined din[i]
  // needs no gradient. in and out are what the last forward saw and produced.
  virtual void backward(std::span<const Tensor> in, const Tensor& out, const Tensor& dout,
                        std::span<Tensor> din) = 0;
  // Called before the first forward with a new batch size: allocate batch-sized scratch.
  virtual void resize(int64_t batch) { (void)batch; }
  // Named internals of the last forward (pre-activations, masks, gates), for views and dumps.
  virtual void internals(std::vector<std::pair<std::string, Tensor>>& out) const { (void)out; }

  const std::string& id() const { return id_; }
  const std::string& type() const { return type_; }
  const Shape& outShape() const { return outShape_; }
  const std::vector<Shape>& inShapes() const { return inShapes_; }
  std::vector<Param>& params() { return params_; }
  const std::vector<Param>& params() const { return params_; }

 protected:
  std::string id_, type_;
  std::vector<Shape> inShapes_;
  Shape outShape_;
  Backend& be_;
  DType dtype_;
  std::vector<Param> params_;  // created by Network from the type's ParamDecls, in that order
};

}  // namespace gradlab
