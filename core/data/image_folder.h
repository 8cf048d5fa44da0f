#pragma once
// A folder of images with one sub-folder per class, as a dataset:
//
//   shoes/                 loadImageFolder("shoes", {.width = 28, .height = 28, .channels = 1})
//     boot/  a.png b.jpg   → classes {"boot", "sandal"} (sub-folder names, sorted),
//     sandal/ c.png          xShape {1, 28, 28} (NCHW), pixels scaled to [0, 1]
//
// Each image is read with OpenCV, converted to grayscale (1 channel) or RGB (3 channels, in
// that order — OpenCV's BGR is swapped), resized to width × height (area averaging when
// shrinking, bilinear when enlarging; the aspect ratio is not kept) and scaled to [0, 1].
// Samples come class by class, files in name order.
//
// Which files count: names starting with "." (hidden files and folders) are skipped, and so
// are files whose extension is not an image format OpenCV reads (.png .jpg .jpeg .bmp .tif
// .tiff .webp .pgm .ppm .pbm .pnm .pxm .jp2 .sr .ras .exr .hdr .pic, any case), such as a
// README.txt. A file with an image extension that OpenCV cannot read is an Error naming it —
// never silently dropped. Each image's size is read from its header before it is decoded
// (data/image_size.h): more than kMaxImagePixels, or a format whose size Gradlab cannot read
// there (.jp2 .sr .ras .exr .hdr .pic, PAM), is an Error too. Also errors: the path is not a
// folder, it has no class sub-folders, a class sub-folder holds no images (named).
#include <cstdint>
#include <string>
#include <vector>

#include "data/dataset.h"

namespace gradlab {

struct ImageFolderOptions {
  int width = 28;
  int height = 28;
  int channels = 1;           // 1 = grayscale, 3 = RGB
  int64_t limitPerClass = 0;  // at most this many images per class (the first by name); 0 = all
};

Dataset loadImageFolder(const std::string& dir, const ImageFolderOptions& opts = {});
// One image as the network sees it: channels × height × width values in [0, 1], e.g. to
// classify a user's own photo. Throws Error naming the file when OpenCV cannot read it.
std::vector<float> loadImage(const std::string& path, const ImageFolderOptions& opts = {});
// Whether the file name has an extension loadImageFolder treats as an image.
bool hasImageExtension(const std::string& path);

}  // namespace gradlab
