#pragma once
// Recording a training step as a CUDA Graph (Backend::newRecording, backend.h).
//
// Tiny networks are launch-bound: a 2-8-8-1 MLP's step is ~35 kernels of a few hundred threads,
// each costing more to launch than to run. A CUDA Graph launches them all at once. But a graph
// replays its kernels with the arguments they had when it was captured, so a replay is only
// right when the step would issue exactly the same ops with exactly the same arguments — same
// tensors (device addresses), same scalars — and reads nothing back to the host in between.
// Rather than trusting every block to be replay-safe, each recording proves it:
//
//   begin()  stream capture starts; every op notes its name and arguments (CudaBackend::note)
//            into a fingerprint; blocks freed meanwhile are held for the graph (allocator.h)
//   end()    capture ends; the graph is instantiated (or the existing executable updated with
//            cudaGraphExecUpdate) and launched, so the step runs; returns true when this
//            fingerprint equals the previous recording's and nothing interrupted either
//   replay() launches the executable again
//
// An op that needs the host (a download, an upload, a reduction) interrupts the recording: the
// ops captured so far are launched, the rest of the step runs eagerly, and end() returns
// false. Dropout masks drawn with a new step number, or a batch uploaded into a new tensor,
// change the fingerprint, so such steps are never replayed. The caller (Trainer) also
// re-records whenever it reallocated a tensor the ops touch.
#include <cstdint>
#include <initializer_list>

#include "backend/backend.h"
#include "backend/cuda/allocator.h"

namespace gradlab::cuda {

class CudaBackend;

class CudaRecording final : public StepRecording {
 public:
  explicit CudaRecording(CudaBackend& backend);
  ~CudaRecording() override;

  void begin() override;
  bool end() override;
  void cancel() override;
  void replay() override;

  // Called by the backend while this recording captures.
  void note(const char* op, std::initializer_list<uint64_t> words);
  void interrupt();

 private:
  void stopCapture(bool launch);

  CudaBackend& be_;
  void* exec_ = nullptr;  // cudaGraphExec_t (kept opaque here: no CUDA header)
  bool capturing_ = false;
  bool interrupted_ = false;
  bool launched_ = false;  // the executable holds this recording's ops
  bool replayable_ = false;
  uint64_t fingerprint_ = 0, previous_ = 0;
  bool havePrevious_ = false;
  Allocator::HeldList held_;
};

// The step's fingerprint: FNV-1a over 64-bit words (host code; tested in tst_cuda_index).
inline uint64_t fingerprintMix(uint64_t h, uint64_t word) {
  for (int i = 0; i < 8; ++i) {
    h ^= (word >> (8 * i)) & 0xff;
    h *= 0x100000001b3ULL;
  }
  return h;
}
constexpr uint64_t kFingerprintSeed = 0xcbf29ce484222325ULL;

}  // namespace gradlab::cuda
