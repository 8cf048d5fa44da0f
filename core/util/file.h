#pragma once
// Whole-file reads and atomic writes (write a temporary file beside the target, then rename),
// so a crash or a full disk never leaves a half-written file in the user's place.
// Reads refuse anything but a regular file (a FIFO would block forever). Writes create the
// temporary file exclusively under a fresh name (never through a planted file or link), fsync
// it before the rename, keep an existing file's mode, write through a symbolic link to its
// target, and refuse to replace a device, FIFO or folder.
#include <string>
#include <vector>

namespace gradlab {

std::string readTextFile(const std::string& path);
std::vector<char> readBinaryFile(const std::string& path);
void writeFileAtomically(const std::string& path, const std::string& bytes);

// Whether `path` names a regular file (a folder), following links. False, never an exception,
// for a path the system cannot look at: too long a name, no permission, a dangling link.
bool isRegularFile(const std::string& path);
bool isFolder(const std::string& path);

}  // namespace gradlab
