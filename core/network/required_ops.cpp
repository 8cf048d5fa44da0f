#include "network/required_ops.h"

#include <vector>

#include "blocks/registry.h"
#include "util/error.h"

namespace gradlab {

namespace {

[[noreturn]] void refuse(const Backend& be, const std::string& who, Op op) {
  throw Error("the " + be.name() + " backend cannot run " + who + ": it has no " + opName(op) +
              " op yet — train this network on the CPU (choose the cpu backend)");
}

// Runs a twin of block `id` on the cpu (see required_ops.h); the caller's OpTrace records the
// ops it calls, on this thread and in forRowBlocks' parts.
void runTwin(const NetworkSpec& spec, const Analysis& analysis, const std::string& id,
             DType dtype) {
  Backend& cpu = cpuBackend();
  const BlockSpec& bs = *spec.find(id);
  const BlockInfo& info = *findBlockType(bs.type);
  const std::vector<Shape>& inShapes = analysis.inShapes.at(id);
  const Shape& outShape = analysis.outShapes.at(id);
  const BlockArgs args{bs, inShapes, outShape, cpu, dtype, /*seed=*/1};
  std::unique_ptr<Block> block = createBlock(info, args);
  const int64_t batch = 2;  // batch norm needs two values per channel
  std::vector<Tensor> ins, dins;
  for (const Shape& s : inShapes) {
    ins.push_back(cpu.zeros(withBatch(batch, s), dtype));
    dins.push_back(cpu.zeros(withBatch(batch, s), dtype));
  }
  if (inShapes.empty()) ins.push_back(cpu.zeros(withBatch(batch, outShape), dtype));  // Input
  Tensor out = cpu.zeros(withBatch(batch, outShape), dtype);
  Tensor dout = cpu.zeros(withBatch(batch, outShape), dtype);
  block->resize(batch);
  block->forward(ins, out, /*training=*/true);
  if (!inShapes.empty()) block->backward(ins, out, dout, dins);  // as Network::backward
  block->forward(ins, out, /*training=*/false);
}

}  // namespace

void requireOps(const NetworkSpec& spec, const Analysis& analysis, Backend& be, DType dtype) {
  std::vector<Op> missing;
  for (size_t i = 0; i < size_t(Op::Count); ++i)
    if (!be.supportsOp(Op(i))) missing.push_back(Op(i));
  if (missing.empty()) return;
  for (Op op : {Op::Fill, Op::Loss, Op::OptimizerUpdate})
    if (!be.supportsOp(op)) refuse(be, "a training step (gradients, loss and optimizer)", op);
  for (const std::string& id : analysis.order) {
    OpTrace trace;
    try {
      runTwin(spec, analysis, id, dtype);
    } catch (const Error& e) {
      throw Error("block \"" + id + "\": finding the ops it needs on the cpu failed: " + e.what());
    }
    for (Op op : missing)
      if (trace.used(op)) refuse(be, "block \"" + id + "\" (" + spec.find(id)->type + ")", op);
  }
}

}  // namespace gradlab
