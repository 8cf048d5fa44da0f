#include "backend/cuda/cuda_graph.h"

#include <cuda_runtime_api.h>

#include "backend/cuda/cuda_backend.h"

namespace gradlab::cuda {

namespace {
cudaGraphExec_t asExec(void* p) { return static_cast<cudaGraphExec_t>(p); }
}  // namespace

CudaRecording::CudaRecording(CudaBackend& backend) : be_(backend) { be_.recordingCreated(); }

CudaRecording::~CudaRecording() {
  if (capturing_) cancel();
  if (exec_) cudaGraphExecDestroy(asExec(exec_));
  // Work queued before this point (the last replay) precedes any later use of these blocks on
  // the backend's one stream, so they may go back to the free lists at once.
  be_.allocator().releaseHeld(held_);
  be_.recordingDestroyed();
}

void CudaRecording::begin() {
  if (capturing_) cancel();
  be_.use();
  // The previous graph will not be launched again before end() replaces it: its held blocks
  // are free (stream order keeps any queued replay ahead of their next use).
  be_.allocator().releaseHeld(held_);
  fingerprint_ = kFingerprintSeed;
  interrupted_ = false;
  replayable_ = false;
  be_.allocator().holdFrees(&held_);
  const cudaError_t e = cudaStreamBeginCapture(be_.stream(), cudaStreamCaptureModeRelaxed);
  if (e != cudaSuccess) {
    be_.allocator().holdFrees(nullptr);
    throwCuda(e, "cudaStreamBeginCapture", __FILE__, __LINE__);
  }
  capturing_ = true;
  be_.setRecording(this);
}

void CudaRecording::note(const char* op, std::initializer_list<uint64_t> words) {
  for (const char* c = op; *c; ++c) fingerprint_ = fingerprintMix(fingerprint_, uint64_t(*c));
  for (uint64_t w : words) fingerprint_ = fingerprintMix(fingerprint_, w);
}

// Ends the capture; with `launch`, instantiates (or updates) the executable and launches it.
void CudaRecording::stopCapture(bool launch) {
  be_.setRecording(nullptr);
  be_.allocator().holdFrees(nullptr);
  capturing_ = false;
  cudaGraph_t graph = nullptr;
  const cudaError_t e = cudaStreamEndCapture(be_.stream(), &graph);
  if (e != cudaSuccess) {
    cudaGetLastError();
    if (graph) cudaGraphDestroy(graph);
    launched_ = false;
    if (launch) throwCuda(e, "cudaStreamEndCapture", __FILE__, __LINE__);
    return;
  }
  if (!launch) {
    cudaGraphDestroy(graph);
    return;
  }
  size_t nodes = 0;
  cudaGraphGetNodes(graph, nullptr, &nodes);
  if (nodes == 0) {  // nothing captured, nothing to run
    cudaGraphDestroy(graph);
    launched_ = false;
    return;
  }
  if (exec_) {
    cudaGraphExecUpdateResultInfo info{};
    if (cudaGraphExecUpdate(asExec(exec_), graph, &info) != cudaSuccess) {
      cudaGetLastError();  // the topology changed: instantiate afresh
      cudaGraphExecDestroy(asExec(exec_));
      exec_ = nullptr;
    }
  }
  if (!exec_) {
    cudaGraphExec_t exec = nullptr;
    const cudaError_t ie = cudaGraphInstantiate(&exec, graph, 0);
    if (ie != cudaSuccess) {
      cudaGraphDestroy(graph);
      launched_ = false;
      throwCuda(ie, "cudaGraphInstantiate", __FILE__, __LINE__);
    }
    exec_ = exec;
  }
  cudaGraphDestroy(graph);
  launched_ = true;
  CUDA_CHECK(cudaGraphLaunch(asExec(exec_), be_.stream()));
}

void CudaRecording::interrupt() {
  if (!capturing_) return;
  interrupted_ = true;
  stopCapture(true);
  // The partial graph is queued; nothing later can run before it, and it will not be replayed.
  be_.allocator().releaseHeld(held_);
}

bool CudaRecording::end() {
  if (capturing_) stopCapture(true);
  const bool same = !interrupted_ && launched_ && havePrevious_ && previous_ == fingerprint_;
  havePrevious_ = !interrupted_ && launched_;
  previous_ = fingerprint_;
  replayable_ = same;
  return replayable_;
}

void CudaRecording::cancel() {
  if (capturing_) stopCapture(false);
  be_.allocator().releaseHeld(held_);  // nothing recorded ran
  interrupted_ = true;
  havePrevious_ = false;
  replayable_ = false;
}

void CudaRecording::replay() {
  if (!replayable_ || !exec_)
    throw Error("cuda: replay() of a recording that cannot be replayed (a bug in the caller)");
  be_.use();
  CUDA_CHECK(cudaGraphLaunch(asExec(exec_), be_.stream()));
}

}  // namespace gradlab::cuda
