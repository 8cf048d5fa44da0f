#pragma once
// The cuda backend's caching device allocator.
//
// cudaMalloc and cudaFree are slow (cudaFree synchronises the whole device), and a training
// loop frees and allocates the same sizes over and over (a batch, its activations, a scratch
// buffer). So freed blocks are kept in free lists, one per size class (cuda_index.h,
// bucketBytes: 512-byte steps up to 1 MiB, then four classes per power of two), and handed out
// again for the next request of that class. All work runs on the backend's one stream, so a
// block freed by the host may be handed out at once: work queued on it before the free still
// runs before work queued after the reuse.
//
// When cudaMalloc fails, the cache is returned to the driver and the allocation tried once
// more; then it throws DeviceError "out of GPU memory", naming the sizes.
//
// Graph capture (cuda_backend.h, step graphs): a block freed while a graph is recorded may be
// used by that graph whenever it is replayed, so until the graph is dropped such blocks go to a
// reserved list of that graph instead of the free lists (holdFrees / releaseHeld).
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace gradlab::cuda {

class Allocator {
 public:
  Allocator() = default;
  ~Allocator();
  Allocator(const Allocator&) = delete;
  Allocator& operator=(const Allocator&) = delete;

  // A device block of at least `bytes`; *classBytes receives its size class (give it back to
  // release). `mayEmptyCache` false: do not cudaFree on failure (while a graph is recorded).
  void* allocate(size_t bytes, size_t* classBytes, bool mayEmptyCache = true);
  void release(void* p, size_t classBytes);

  // A list of reserved blocks (one per recorded graph).
  using HeldList = std::vector<std::pair<void*, size_t>>;
  // While `into` is set, released blocks go to *into instead of the free lists.
  void holdFrees(HeldList* into);
  // Reserved blocks back to the free lists (the graph that used them will not run again).
  void releaseHeld(HeldList& held);

 private:
  // cudaFree every cached (free) block; mu_ is held.
  void emptyCacheLocked();

  std::mutex mu_;
  std::unordered_map<size_t, std::vector<void*>> free_;  // size class -> blocks
  HeldList* hold_ = nullptr;
  // Bytes handed out, cached in free_, and held for recorded graphs (for the out-of-memory
  // message, and to know whether emptying the cache can help).
  size_t inUse_ = 0, cached_ = 0, held_ = 0;
};

}  // namespace gradlab::cuda
