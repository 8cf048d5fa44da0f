#pragma once
// Your own image (curriculum topic 15): a PNG or JPEG a user drops on a view, turned into one
// input of the network — the same numbers a sample of the data set would be.
//
//   OwnImage im = loadOwnImage("shirt.jpg", {1, 28, 28}, {.invert = Invert::Auto});
//   // a 640×480 photo of a dark shirt on white: grey (one channel), shrunk to 28×28 by area
//   // averaging, the light background inverted to dark as in Fashion-MNIST, pixels / 255:
//   // im.values: 784 floats in [0, 1] (C×H×W), im.fileWidth 640, im.inverted true
//
// Steps, in order:
//   1. a regular file of at most kMaxOwnImageBytes, whose header (data/image_size.h) is a PNG,
//      JPEG, BMP, GIF or PGM/PPM of at most kMaxImagePixels — checked BEFORE decoding, so a
//      small file announcing 50 000 × 50 000 pixels is refused without allocating them;
//   2. decoded by OpenCV with its alpha channel: transparent pixels become white (a cut-out
//      product photo sits on white, as a photographed one does);
//   3. to the input's channels: 1 = grey (0.299 R + 0.587 G + 0.114 B), 3 = R, G, B;
//   4. v = byte / 255 — how data/fashion_mnist.cpp and data/image_folder.cpp scale pixels
//      (16-bit images: / 65535);
//   5. resized to H × W (area averaging when shrinking, bilinear when enlarging; the aspect
//      ratio is not kept);
//   6. inverted, v ← 1 − v, when asked; Invert::Auto inverts when the image's border is light
//      (mean > 0.5) — Fashion-MNIST's clothes are light on a black background.
// Every failure is an Error naming the file and saying what to do.
#include <cstdint>
#include <string>
#include <vector>

#include "tensor/shape.h"

namespace gradlab {

enum class Invert { No, Yes, Auto };

struct OwnImageOptions {
  Invert invert = Invert::No;
};

struct OwnImage {
  std::string path;
  std::vector<float> values;  // C × H × W in [0, 1]
  Shape shape;                // {C, H, W}: the network's input shape
  int64_t fileWidth = 0, fileHeight = 0;  // the file's own size in pixels
  bool inverted = false;
};

// The largest file a dropped image may be (a 40-million-pixel JPEG is about 20 MB).
inline constexpr int64_t kMaxOwnImageBytes = 100'000'000;

// Throws Error when the input shape is not an image ([C, H, W], C 1 or 3, H and W 1 to 4096)
// — e.g. "the network's input is [2] (not an image) …" — or the file cannot be used.
OwnImage loadOwnImage(const std::string& path, const Shape& inputShape,
                      const OwnImageOptions& options = {});

// Whether a network with this input can take an image: [C, H, W] with C 1 or 3.
bool takesImages(const Shape& inputShape);

// The mean of an image's border pixels (the outermost row and column on each side, every
// channel): how light its background is. values: C × H × W.
double borderMean(const std::vector<float>& values, const Shape& shape);

}  // namespace gradlab
