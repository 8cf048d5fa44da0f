#pragma once
// The loader entries the fuzz targets drive, one per loader (entries/<name>.cpp). Each fuzz target
// fuzz_<name> is fuzz_target.cpp built with GRADLAB_FUZZ_ENTRY=<name> (tests/fuzz/CMakeLists.txt),
// and tests/core/tst_fuzz_regressions replays every file of tests/fuzz/regressions/<name>/
// through the same entry in the ordinary (gcc) build.
//
// An entry returns normally when the loader accepts or refuses (gradlab::Error) the bytes; it
// aborts when a check of its own fails (say, a network written back that does not read again).
#include <cstddef>
#include <cstdint>

namespace gradlab::fuzz {

void network(const uint8_t* data, size_t size);      // *.net.json and its "training" object
void project(const uint8_t* data, size_t size);      // *.gradlab
void lesson(const uint8_t* data, size_t size);       // lesson.md and timeline.md
void safetensors(const uint8_t* data, size_t size);  // weights and data sets (.safetensors)
void idx(const uint8_t* data, size_t size);          // Fashion-MNIST IDX (gzip or plain)
void csv(const uint8_t* data, size_t size);          // CSV data sets
void image(const uint8_t* data, size_t size);        // image files via OpenCV, with size limits

}  // namespace gradlab::fuzz
