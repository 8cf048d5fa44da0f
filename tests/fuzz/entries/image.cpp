// Image files through the OpenCV path Gradlab uses, with its size limits: loadImage (a file of an
// image folder data set, grey and RGB) and loadOwnImage (an image dropped on a view, with the
// automatic inversion). Both check the header's size (data/image_size.h) before decoding.
#include <opencv2/core/utility.hpp>

#include "data/image_folder.h"
#include "data/own_image.h"
#include "fuzz_entries.h"
#include "fuzz_support.h"

namespace gradlab::fuzz {

void image(const uint8_t* data, size_t size) {
  // One thread: the fuzzer runs one input at a time on one core, and OpenCV's pool would only
  // add threads that outlive the input (and noise to the leak check).
  static const bool oneThread = (cv::setNumThreads(0), true);
  (void)oneThread;
  const MemFile file(data, size);
  refusalIsFine([&] { loadImage(file.path(), {.width = 28, .height = 28, .channels = 1}); });
  refusalIsFine([&] { loadImage(file.path(), {.width = 8, .height = 5, .channels = 3}); });
  refusalIsFine([&] { loadOwnImage(file.path(), {1, 28, 28}, {.invert = Invert::Auto}); });
}

}  // namespace gradlab::fuzz
