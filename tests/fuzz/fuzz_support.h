#pragma once
// What every fuzz target shares (tests/fuzz/README.md). A target feeds libFuzzer's bytes to one
// loader; a refusal (gradlab::Error, the message a user would see) is the right answer to a bad
// file, anything else — a crash, an ASan or UBSan report, a leak, a hang, another exception
// escaping — is a finding.
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "util/error.h"

namespace gradlab::fuzz {

inline std::string asText(const uint8_t* data, size_t size) {
  return std::string(reinterpret_cast<const char*>(data), size);
}

// Runs `load`; an Error is a refusal, and its message must say something (a refusal with an
// empty message tells the user nothing).
template <typename Load>
void refusalIsFine(Load&& load) {
  try {
    load();
  } catch (const Error& e) {
    if (e.what()[0] == '\0') {
      std::fprintf(stderr, "a loader threw gradlab::Error with an empty message\n");
      std::abort();
    }
  }
}

// The bytes as a file, for loaders that read a path (zlib's gzopen, OpenCV's imread): an
// anonymous in-memory file (memfd), named /proc/self/fd/N, gone when this is destroyed.
class MemFile {
 public:
  MemFile(const uint8_t* data, size_t size) {
    fd_ = memfd_create("gradlab-fuzz", MFD_CLOEXEC);
    if (fd_ < 0) {
      std::perror("memfd_create");
      std::abort();
    }
    for (size_t done = 0; done < size;) {
      const ssize_t n = write(fd_, data + done, size - done);
      if (n <= 0) {
        std::perror("write to memfd");
        std::abort();
      }
      done += size_t(n);
    }
    path_ = "/proc/self/fd/" + std::to_string(fd_);
  }
  ~MemFile() { close(fd_); }
  MemFile(const MemFile&) = delete;
  MemFile& operator=(const MemFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  int fd_ = -1;
  std::string path_;
};

}  // namespace gradlab::fuzz
