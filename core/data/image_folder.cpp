#include "data/image_folder.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "data/image_size.h"
#include "util/error.h"

namespace gradlab {

namespace fs = std::filesystem;

namespace {

bool hidden(const fs::path& p) {
  const std::string name = p.filename().string();
  return !name.empty() && name[0] == '.';
}

void checkOptions(const std::string& where, const ImageFolderOptions& o) {
  if (o.channels != 1 && o.channels != 3)
    throw Error(where + ": " + std::to_string(o.channels) + " channels asked; use 1 (grayscale) or 3 (RGB)");
  if (o.width < 1 || o.height < 1 || o.width > 4096 || o.height > 4096)
    throw Error(where + ": image size " + std::to_string(o.width) + "×" + std::to_string(o.height) +
                " is out of range; use 1 to 4096 pixels a side (28×28 suits small networks)");
}

// Appends one image, C×H×W in [0, 1], to out.
void appendImage(const std::string& path, const ImageFolderOptions& o, std::vector<float>& out) {
  // Only a regular file: a FIFO named like an image would block the reader for ever.
  std::error_code ec;
  if (!fs::is_regular_file(path, ec))
    throw Error(path + ": not a regular file (a FIFO, device or socket?); remove it from the folder");
  // The header first: a small file can announce a huge image (a decompression bomb). A format
  // whose size Gradlab cannot read (OpenEXR, Radiance HDR, JPEG 2000, Sun raster, PAM, PFM) is not
  // decoded; bytes no decoder recognises go on to imread, which says it cannot read them.
  if (const auto size = readImageSize(path)) {
    checkImageSize(path, *size);
  } else {
    bool known = false;
    try {
      known = cv::haveImageReader(path);
    } catch (const cv::Exception&) {
    }
    if (known)
      throw Error(path + ": Gradlab cannot read this image's size from its header (it can for PNG, JPEG, BMP, "
                  "GIF, TIFF, WebP and PGM/PPM), and a small file may announce a huge image; save it as PNG "
                  "or JPEG");
  }
  cv::Mat img;
  try {
    img = cv::imread(path, o.channels == 1 ? cv::IMREAD_GRAYSCALE : cv::IMREAD_COLOR);
  } catch (const cv::Exception& e) {
    throw Error(path + ": OpenCV cannot read this image (" + e.msg + "); remove it or save it as PNG or JPEG");
  }
  if (img.empty())
    throw Error(path + ": OpenCV cannot read this image (corrupt or an unsupported format); remove it or save it "
                "as PNG or JPEG");
  try {
    if (o.channels == 3) cv::cvtColor(img, img, cv::COLOR_BGR2RGB);
    if (img.cols != o.width || img.rows != o.height) {
      const bool shrink = img.cols >= o.width && img.rows >= o.height;
      cv::resize(img, img, cv::Size(o.width, o.height), 0, 0, shrink ? cv::INTER_AREA : cv::INTER_LINEAR);
    }
  } catch (const cv::Exception& e) {
    throw Error(path + ": OpenCV failed to convert this image (" + e.msg + ")");
  }
  // imread with these flags gives 8-bit pixels, interleaved (HWC); the network wants CHW.
  const size_t plane = size_t(o.width) * size_t(o.height);
  const size_t at = out.size();
  out.resize(at + plane * size_t(o.channels));
  for (int y = 0; y < o.height; ++y) {
    const uint8_t* row = img.ptr<uint8_t>(y);
    for (int x = 0; x < o.width; ++x)
      for (int c = 0; c < o.channels; ++c)
        out[at + size_t(c) * plane + size_t(y) * size_t(o.width) + size_t(x)] =
            float(row[x * o.channels + c]) / 255.0f;
  }
}

}  // namespace

bool hasImageExtension(const std::string& path) {
  static const char* const kExtensions[] = {".png", ".jpg",  ".jpeg", ".jpe", ".bmp", ".dib", ".tif",
                                            ".tiff", ".webp", ".pgm", ".ppm", ".pbm", ".pnm", ".pxm",
                                            ".jp2",  ".sr",   ".ras", ".exr", ".hdr", ".pic"};
  std::string ext = fs::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  return std::find(std::begin(kExtensions), std::end(kExtensions), ext) != std::end(kExtensions);
}

std::vector<float> loadImage(const std::string& path, const ImageFolderOptions& opts) {
  checkOptions(path, opts);
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) throw Error(path + ": no such image file; check the path");
  std::vector<float> out;
  appendImage(path, opts, out);
  return out;
}

Dataset loadImageFolder(const std::string& dir, const ImageFolderOptions& opts) {
  checkOptions(dir, opts);
  std::error_code ec;
  if (!fs::exists(dir, ec)) throw Error(dir + ": no such folder; check the path");
  if (!fs::is_directory(dir, ec))
    throw Error(dir + ": not a folder; an image dataset is a folder with one sub-folder of images per class");

  std::vector<fs::path> classDirs;
  try {
    for (const auto& entry : fs::directory_iterator(dir))
      if (entry.is_directory() && !hidden(entry.path())) classDirs.push_back(entry.path());
  } catch (const fs::filesystem_error& e) {
    throw Error(dir + ": cannot list the folder (" + e.code().message() + ")");
  }
  if (classDirs.empty())
    throw Error(dir + ": no class sub-folders; put each class's images in a sub-folder named for the class "
                "(e.g. " + dir + "/cat/1.png, " + dir + "/dog/2.png)");
  if (classDirs.size() == 1)
    throw Error(dir + ": only one class sub-folder ('" + classDirs[0].filename().string() +
                "'); a classifier needs at least two — add a sub-folder of images per class");
  std::sort(classDirs.begin(), classDirs.end());

  Dataset d;
  d.name = fs::path(dir).filename().string();
  if (d.name.empty()) d.name = fs::path(dir).parent_path().filename().string();  // "photos/"
  d.xShape = {opts.channels, opts.height, opts.width};
  d.yShape = {};
  d.numClasses = int(classDirs.size());
  for (size_t k = 0; k < classDirs.size(); ++k) {
    const fs::path& classDir = classDirs[k];
    d.classNames.push_back(classDir.filename().string());
    std::vector<fs::path> files;
    try {
      for (const auto& entry : fs::directory_iterator(classDir))
        if (!hidden(entry.path()) && !entry.is_directory() && hasImageExtension(entry.path().string()))
          files.push_back(entry.path());
    } catch (const fs::filesystem_error& e) {
      throw Error(classDir.string() + ": cannot list the folder (" + e.code().message() + ")");
    }
    if (files.empty())
      throw Error(classDir.string() + ": class '" + classDir.filename().string() +
                  "' holds no images (.png, .jpg, …); add some or remove the folder");
    std::sort(files.begin(), files.end());
    if (opts.limitPerClass > 0 && int64_t(files.size()) > opts.limitPerClass) files.resize(size_t(opts.limitPerClass));
    for (const fs::path& file : files) {
      appendImage(file.string(), opts, d.x);
      d.y.push_back(float(k));
    }
  }
  return d;
}

}  // namespace gradlab
