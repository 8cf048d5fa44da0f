#include "support/file_size_limit.h"

#include <cstdio>
#include <cstdlib>

namespace gradlab::test {

FileSizeLimit::FileSizeLimit(rlim_t bytes) {
  struct sigaction ignore {};
  ignore.sa_handler = SIG_IGN;
  sigemptyset(&ignore.sa_mask);
  sigaction(SIGXFSZ, &ignore, &handler_);
  getrlimit(RLIMIT_FSIZE, &before_);
  rlimit lower = before_;
  lower.rlim_cur = bytes;
  if (setrlimit(RLIMIT_FSIZE, &lower) != 0) {
    std::perror("FileSizeLimit: setrlimit(RLIMIT_FSIZE)");
    std::abort();  // a test that believes the disk is full when it is not would prove nothing
  }
}

FileSizeLimit::~FileSizeLimit() {
  setrlimit(RLIMIT_FSIZE, &before_);
  sigaction(SIGXFSZ, &handler_, nullptr);
}

}  // namespace gradlab::test
