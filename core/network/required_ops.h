#pragma once
// Which backend ops a network needs, checked before it is built on a backend that lacks some
// (Backend::supportsOp, backend/backend.h).
//
// No block declares its ops, so none can forget one: each block of the spec is built once on
// the cpu and run at a batch of 2 on zeros — forward in training and in evaluation mode and
// backward — under an OpTrace, and the ops it called are the ops it needs. That costs a few
// milliseconds, and only for a partial backend: on one that has every op it is skipped.
//
//   requireOps(spec, analyze(spec), be, DType::F32);
//   // throws Error: the cuda backend cannot run block "c1" (Conv2D): it has no conv2dForward
//   //   op yet — train this network on the CPU (choose the cpu backend)
#include "backend/backend.h"
#include "spec/analysis.h"
#include "spec/network_spec.h"

namespace gradlab {

// Throws Error naming the block, the op and the backend when `be` lacks an op that a block of
// the (valid) spec or a training step (zeroing gradients, the loss, the optimizer) needs.
void requireOps(const NetworkSpec& spec, const Analysis& analysis, Backend& be, DType dtype);

}  // namespace gradlab
