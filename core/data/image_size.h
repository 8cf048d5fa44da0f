#pragma once
// An image's width and height read from its header alone — PNG, JPEG, BMP, GIF, TIFF (its first
// page), WebP and Netpbm (PGM/PPM/PBM) — so that a decompression bomb (a 125 KB PNG of
// 32000×32000 pixels decodes to 1 GB) is refused before OpenCV decodes it. Other formats:
// nullopt, and the loaders do not decode them (OpenCV's own limit, a billion pixels, is no guard).
#include <cstdint>
#include <optional>
#include <string>

namespace gradlab {

struct ImageSize {
  int64_t width = 0, height = 0;
};

// nullopt when the format is not one of the above or the header is unreadable (the decoder then
// reports what is wrong).
std::optional<ImageSize> readImageSize(const std::string& path);

// The most pixels Gradlab decodes from one image file: 40 million (e.g. 8000×5000), far above any
// photo a lab resizes to 28×28, far below a bomb.
inline constexpr int64_t kMaxImagePixels = 40'000'000;

// Throws Error naming `path` when the header's size is empty (a damaged file) or over
// kMaxImagePixels — before anything is decoded.
void checkImageSize(const std::string& path, const ImageSize& size);

}  // namespace gradlab
