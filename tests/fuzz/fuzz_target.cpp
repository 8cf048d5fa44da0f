// A libFuzzer target: gives each input to the entry GRADLAB_FUZZ_ENTRY names (fuzz_entries.h).
#include "fuzz_entries.h"

#ifndef GRADLAB_FUZZ_ENTRY
#error "build with -DGRADLAB_FUZZ_ENTRY=<entry> (tests/fuzz/CMakeLists.txt does)"
#endif

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  gradlab::fuzz::GRADLAB_FUZZ_ENTRY(data, size);
  return 0;
}
