#include "backend/cuda/allocator.h"

#include <cuda_runtime_api.h>

#include <string>

#include "backend/cuda/cuda_check.h"
#include "backend/cuda/cuda_index.h"

namespace gradlab::cuda {

namespace {
std::string mib(size_t bytes) { return std::to_string((bytes + (size_t(1) << 19)) >> 20) + " MiB"; }
}  // namespace

Allocator::~Allocator() {
  // Errors are ignored: at process exit the runtime may already be gone.
  std::lock_guard lock(mu_);
  for (auto& [size, blocks] : free_)
    for (void* p : blocks) cudaFree(p);
}

void* Allocator::allocate(size_t bytes, size_t* classBytes, bool mayEmptyCache) {
  const size_t size = bucketBytes(bytes);
  *classBytes = size;
  std::lock_guard lock(mu_);
  auto it = free_.find(size);
  if (it != free_.end() && !it->second.empty()) {
    void* p = it->second.back();
    it->second.pop_back();
    cached_ -= size;
    inUse_ += size;
    return p;
  }
  void* p = nullptr;
  cudaError_t e = cudaMalloc(&p, size);
  if (e == cudaErrorMemoryAllocation && mayEmptyCache && cached_ > 0) {
    cudaGetLastError();  // clear it; the retry decides
    emptyCacheLocked();
    e = cudaMalloc(&p, size);
  }
  if (e != cudaSuccess) {
    cudaGetLastError();
    if (e != cudaErrorMemoryAllocation) throwCuda(e, "cudaMalloc", __FILE__, __LINE__);
    size_t freeBytes = 0, totalBytes = 0;
    cudaMemGetInfo(&freeBytes, &totalBytes);
    cudaGetLastError();
    throw DeviceError("out of GPU memory",
                      "out of GPU memory: could not allocate " + mib(size) + " (Gradlab holds " +
                          mib(inUse_ + cached_ + held_) + ", the GPU has " + mib(freeBytes) +
                          " free of " + mib(totalBytes) +
                          ") — use a smaller batch or network, or the cpu backend",
                      false);
  }
  inUse_ += size;
  return p;
}

void Allocator::release(void* p, size_t classBytes) {
  if (!p) return;
  std::lock_guard lock(mu_);
  inUse_ -= classBytes;
  if (hold_) {
    hold_->emplace_back(p, classBytes);
    held_ += classBytes;
    return;
  }
  free_[classBytes].push_back(p);
  cached_ += classBytes;
}

void Allocator::emptyCacheLocked() {
  for (auto& [size, blocks] : free_) {
    for (void* p : blocks) cudaFree(p);
    cached_ -= size * blocks.size();
    blocks.clear();
  }
  cudaGetLastError();
}

void Allocator::holdFrees(HeldList* into) {
  std::lock_guard lock(mu_);
  hold_ = into;
}

void Allocator::releaseHeld(HeldList& held) {
  std::lock_guard lock(mu_);
  for (auto& [p, size] : held) {
    free_[size].push_back(p);
    cached_ += size;
    held_ -= size;
  }
  held.clear();
}

}  // namespace gradlab::cuda
