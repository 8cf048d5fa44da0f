#include "util/file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <random>

#include "util/error.h"

namespace gradlab {

namespace {
std::string why() { return std::strerror(errno); }

// Why a file could not be created in `dir`, and what to do: the reason the system gives, in
// the words of someone saving a file.
std::string cannotCreate(const std::filesystem::path& dir, int err) {
  const std::string folder = dir.empty() ? std::string(".") : dir.string();
  const std::string reason = std::strerror(err);
  switch (err) {
    case ENOENT:
      return "the folder " + folder + " does not exist (" + reason + "); create it or choose another";
    case ENOTDIR:
      return folder + " is not a folder (" + reason + "); choose a file in a folder";
    case EACCES:
    case EPERM:
      return "the folder " + folder + " is not writable (" + reason + "); choose another folder "
             "or change its permissions";
    case EROFS:
      return "the folder " + folder + " is on a read-only file system (" + reason + "); choose "
             "another folder";
    case ENOSPC:
    case EDQUOT:
      return "the disk is full (" + reason + "); free some space or choose another disk";
    default:
      return "cannot write (" + reason + ")";
  }
}

// Why writing the bytes failed: a full disk says so.
std::string writeFailed(int err) {
  const std::string reason = std::strerror(err);
  if (err == ENOSPC || err == EDQUOT)
    return "the disk is full (" + reason + "); free some space or choose another disk";
  if (err == EFBIG)
    return "the file is larger than this file system or the process's file size limit (ulimit -f) "
           "allows (" + reason + "); choose another disk or raise the limit";
  return "write failed (" + reason + ")";
}

std::string kindOf(mode_t mode) {
  if (S_ISDIR(mode)) return "a folder";
  if (S_ISFIFO(mode)) return "a FIFO (named pipe)";
  if (S_ISCHR(mode) || S_ISBLK(mode)) return "a device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

// Closes a descriptor on every path out.
struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

// The whole file into a vector<char> or a string (read straight into either: no second copy of a
// large file).
template <class Bytes>
Bytes readWhole(const std::string& path) {
  // O_NONBLOCK: opening a FIFO must not wait for a writer; the check below refuses it.
  Fd f{::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC)};
  if (f.fd < 0) {
    struct stat st {};
    if (errno == EISDIR || (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)))
      throw Error(path + ": is a folder, not a file");
    throw Error(path + ": cannot open (" + why() + ")");
  }
  struct stat st {};
  if (::fstat(f.fd, &st) != 0) throw Error(path + ": cannot read (" + why() + ")");
  if (S_ISDIR(st.st_mode)) throw Error(path + ": is a folder, not a file");
  if (!S_ISREG(st.st_mode))
    throw Error(path + ": is " + kindOf(st.st_mode) + ", not a file; give a regular file");
  Bytes bytes;
  bytes.reserve(size_t(st.st_size));
  char buf[1 << 16];
  for (;;) {
    const ssize_t n = ::read(f.fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw Error(path + ": read failed (" + why() + ")");
    if (n == 0) break;
    bytes.insert(bytes.end(), buf, buf + n);
  }
  return bytes;
}

}  // namespace

std::vector<char> readBinaryFile(const std::string& path) { return readWhole<std::vector<char>>(path); }

std::string readTextFile(const std::string& path) { return readWhole<std::string>(path); }

void writeFileAtomically(const std::string& requested, const std::string& bytes) {
  namespace fs = std::filesystem;
  // A symbolic link is kept: the file it points to is replaced.
  std::string path = requested;
  std::error_code ec;
  if (fs::is_symlink(requested, ec)) {
    const fs::path target = fs::weakly_canonical(requested, ec);
    if (!ec) path = target.string();
  }
  // Only a regular file is replaced: never a device (/dev/null), FIFO or folder.
  struct stat old {};
  const bool exists = ::stat(path.c_str(), &old) == 0;
  if (exists && !S_ISREG(old.st_mode))
    throw Error(requested + ": is " + kindOf(old.st_mode) +
                ", not a file; it is not replaced. Choose a file name");

  // A fresh name in the target's folder, created exclusively (never a file or link planted
  // there), with the default mode (0666 less the umask) unless the old file's mode is kept.
  const fs::path dir = fs::path(path).parent_path();
  const std::string base = fs::path(path).filename().string();
  // On any failure the temporary file goes; the file at `path`, when there was one, is as it was.
  const std::string kept = exists ? ". The previous file is unchanged" : ". Nothing was written";
  std::random_device rd;
  std::string tmp;
  Fd f;
  for (int attempt = 0; attempt < 100 && f.fd < 0; ++attempt) {
    char suffix[17];
    std::snprintf(suffix, sizeof suffix, "%08x%08x", rd(), rd());
    tmp = (dir / ("." + base + ".tmp-" + suffix)).string();
    f.fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
    if (f.fd < 0 && errno != EEXIST)
      throw Error(requested + ": " + cannotCreate(dir, errno) + kept);
  }
  if (f.fd < 0) throw Error(requested + ": cannot write (no free temporary name in its folder)");
  auto fail = [&](const std::string& what) {
    ::unlink(tmp.c_str());
    throw Error(requested + ": " + what + kept);
  };
  for (size_t done = 0; done < bytes.size();) {
    const ssize_t n = ::write(f.fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail(writeFailed(errno));
    done += size_t(n);
  }
  if (exists) {
    if (::fchmod(f.fd, old.st_mode & 07777) != 0)
      fail("cannot keep the file's permissions (" + why() + ")");
    if (::fchown(f.fd, old.st_uid, old.st_gid) != 0) {
      // Not the owner (a file of someone else's we may write): it becomes ours, as any editor's save.
    }
  }
  if (::fsync(f.fd) != 0) fail(writeFailed(errno));
  if (::close(f.fd) != 0) {
    f.fd = -1;
    fail(writeFailed(errno));
  }
  f.fd = -1;
  if (::rename(tmp.c_str(), path.c_str()) != 0) fail("cannot replace it (" + why() + ")");
  // The rename itself reaches the disk with the folder's entry.
  Fd d{::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
  if (d.fd >= 0) ::fsync(d.fd);
}

bool isRegularFile(const std::string& path) {
  std::error_code ec;
  return !path.empty() && std::filesystem::is_regular_file(path, ec);
}

bool isFolder(const std::string& path) {
  std::error_code ec;
  return !path.empty() && std::filesystem::is_directory(path, ec);
}

}  // namespace gradlab
