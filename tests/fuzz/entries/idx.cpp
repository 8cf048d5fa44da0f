// Fashion-MNIST's IDX files, gzip-compressed or plain: loadIdxPair on an images file and a labels
// file made from the input. The first two bytes (little-endian) say where the labels file starts
// in the rest, so the fuzzer mutates both files and the boundary between them.
#include "data/fashion_mnist.h"
#include "fuzz_entries.h"
#include "fuzz_support.h"

namespace gradlab::fuzz {

void idx(const uint8_t* data, size_t size) {
  if (size < 2) return;
  const size_t rest = size - 2;
  const size_t split = rest == 0 ? 0 : (size_t(data[0]) | size_t(data[1]) << 8) % (rest + 1);
  const MemFile images(data + 2, split), labels(data + 2 + split, rest - split);
  refusalIsFine([&] { loadIdxPair(images.path(), labels.path()); });
}

}  // namespace gradlab::fuzz
