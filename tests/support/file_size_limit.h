#pragma once
// A full disk without root or a small tmpfs: while a FileSizeLimit lives, this process may not
// write a file beyond `bytes` (RLIMIT_FSIZE; only the soft limit is lowered, so it can be raised
// again), and SIGXFSZ is ignored, so such a write fails with EFBIG the way a write to a full
// disk fails with ENOSPC — through the very write(2) calls the code under test makes, on
// every thread of the process. The limit and the signal's handling are restored at the end.
//   {
//     FileSizeLimit full(4096);
//     QVERIFY(!window.saveProjectTo(path));  // the weights do not fit
//   }
#include <sys/resource.h>

#include <csignal>

namespace gradlab::test {

class FileSizeLimit {
 public:
  explicit FileSizeLimit(rlim_t bytes);
  ~FileSizeLimit();
  FileSizeLimit(const FileSizeLimit&) = delete;
  FileSizeLimit& operator=(const FileSizeLimit&) = delete;

 private:
  rlimit before_{};
  struct sigaction handler_ {};
};

}  // namespace gradlab::test
