#pragma once
// Whole-file reads and atomic writes (write a temporary file beside the target, then rename),
// so a crash or a full disk never leaves a half-written file in the user's place.
#include <string>
#include <vector>

namespace gradlab {

std::string readTextFile(const std::string& path);
std::vector<char> readBinaryFile(const std::string& path);
void writeFileAtomically(const std::string& path, const std::string& bytes);

}  // namespace gradlab
