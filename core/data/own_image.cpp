#include "data/own_image.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "data/image_size.h"
#include "util/error.h"

namespace gradlab {

namespace fs = std::filesystem;

bool takesImages(const Shape& s) {
  return s.size() == 3 && (s[0] == 1 || s[0] == 3) && s[1] >= 1 && s[2] >= 1 && s[1] <= 4096 &&
         s[2] <= 4096;
}

double borderMean(const std::vector<float>& v, const Shape& s) {
  if (s.size() != 3 || int64_t(v.size()) != numel(s) || v.empty()) return 0;
  const int64_t c = s[0], h = s[1], w = s[2];
  double sum = 0;
  int64_t n = 0;
  for (int64_t k = 0; k < c; ++k)
    for (int64_t y = 0; y < h; ++y)
      for (int64_t x = 0; x < w; ++x)
        if (y == 0 || x == 0 || y == h - 1 || x == w - 1) {
          sum += v[size_t((k * h + y) * w + x)];
          ++n;
        }
  return sum / double(std::max<int64_t>(1, n));
}

namespace {

bool startsLikeJpeg(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  unsigned char b[2] = {0, 0};
  f.read(reinterpret_cast<char*>(b), 2);
  return f && b[0] == 0xFF && b[1] == 0xD8;
}

}  // namespace

OwnImage loadOwnImage(const std::string& path, const Shape& in, const OwnImageOptions& o) {
  if (!takesImages(in))
    throw Error("The network's input is " + toString(in) +
                " (not an image): your own image needs an input of [1, H, W] (grey) or [3, H, W] "
                "(colour), such as Fashion-MNIST's [1, 28, 28]");
  const int channels = int(in[0]), height = int(in[1]), width = int(in[2]);
  std::error_code ec;
  if (!fs::exists(path, ec)) throw Error(path + ": no such file; check the path");
  // Only a regular file: a FIFO would block the reader for ever.
  if (!fs::is_regular_file(path, ec))
    throw Error(path + ": not a regular file (a folder, FIFO or device?); choose a PNG or JPEG image");
  const auto bytes = int64_t(fs::file_size(path, ec));
  if (ec) throw Error(path + ": cannot read the file (" + ec.message() + ")");
  if (bytes > kMaxOwnImageBytes)
    throw Error(path + ": " + std::to_string(bytes / 1'000'000) + " MB is more than the " +
                std::to_string(kMaxOwnImageBytes / 1'000'000) +
                " MB Gradlab reads as one image; shrink it or save it as JPEG");
  // The header first: a small file can announce a huge image (a decompression bomb). Formats
  // whose size cannot be read from the header are not decoded at all.
  const std::optional<ImageSize> size = readImageSize(path);
  if (!size)
    throw Error(path + ": not an image Gradlab reads (PNG, JPEG, BMP, GIF, PGM/PPM), or its header "
                "is damaged; save it as PNG or JPEG");
  checkImageSize(path, *size);

  // JPEG has no alpha: read as colour so that OpenCV turns it upright (EXIF orientation).
  cv::Mat img;
  try {
    img = cv::imread(path, startsLikeJpeg(path) ? cv::IMREAD_COLOR : cv::IMREAD_UNCHANGED);
  } catch (const cv::Exception& e) {
    throw Error(path + ": OpenCV cannot read this image (" + e.msg + "); save it as PNG or JPEG");
  }
  if (img.empty())
    throw Error(path + ": OpenCV cannot read this image (damaged, cut short, or an unsupported "
                "kind of " + std::string(startsLikeJpeg(path) ? "JPEG" : "image") +
                "); save it again as PNG or JPEG");
  if (img.cols != size->width || img.rows != size->height)
    throw Error(path + ": the header says " + std::to_string(size->width) + "×" +
                std::to_string(size->height) + " pixels but OpenCV decoded " +
                std::to_string(img.cols) + "×" + std::to_string(img.rows) + "; the file is damaged");
  const int have = img.channels();
  if (have != 1 && have != 3 && have != 4)
    throw Error(path + ": an image with " + std::to_string(have) +
                " channels; save it as grey, RGB or RGBA PNG or JPEG");

  OwnImage out;
  out.path = path;
  out.shape = in;
  out.fileWidth = img.cols;
  out.fileHeight = img.rows;
  try {
    // To floats in [0, 1]: v = byte / 255 (16-bit images: / 65535).
    cv::Mat f;
    img.convertTo(f, CV_32F, img.depth() == CV_16U ? 1.0 / 65535.0 : 1.0 / 255.0);
    if (have == 4) {  // over white: v = a·v + (1 − a)
      std::vector<cv::Mat> bgra;
      cv::split(f, bgra);
      const cv::Mat& a = bgra[3];
      std::vector<cv::Mat> bgr(3);
      for (int c = 0; c < 3; ++c) bgr[size_t(c)] = bgra[size_t(c)].mul(a) + (1.0f - a);
      cv::merge(bgr, f);
    }
    if (channels == 1 && f.channels() == 3) cv::cvtColor(f, f, cv::COLOR_BGR2GRAY);
    if (channels == 3) cv::cvtColor(f, f, f.channels() == 1 ? cv::COLOR_GRAY2RGB : cv::COLOR_BGR2RGB);
    if (f.cols != width || f.rows != height) {
      const bool shrink = f.cols >= width && f.rows >= height;
      cv::resize(f, f, cv::Size(width, height), 0, 0, shrink ? cv::INTER_AREA : cv::INTER_LINEAR);
    }
    // Interleaved (HWC) to the network's C × H × W.
    const size_t plane = size_t(width) * size_t(height);
    out.values.resize(plane * size_t(channels));
    for (int y = 0; y < height; ++y) {
      const float* row = f.ptr<float>(y);
      for (int x = 0; x < width; ++x)
        for (int c = 0; c < channels; ++c)
          out.values[size_t(c) * plane + size_t(y) * size_t(width) + size_t(x)] =
              std::clamp(row[x * channels + c], 0.0f, 1.0f);
    }
  } catch (const cv::Exception& e) {
    throw Error(path + ": OpenCV failed to convert this image (" + e.msg + ")");
  }
  out.inverted = o.invert == Invert::Yes || (o.invert == Invert::Auto && borderMean(out.values, in) > 0.5);
  if (out.inverted)
    for (float& v : out.values) v = 1.0f - v;
  return out;
}

}  // namespace gradlab
