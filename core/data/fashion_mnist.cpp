#include "data/fashion_mnist.h"

#include <zlib.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <future>

#include "util/error.h"

namespace gradlab {

namespace {

constexpr uint32_t kImagesMagic = 2051;
constexpr uint32_t kLabelsMagic = 2049;
constexpr int64_t kSide = 28;
constexpr int64_t kPixels = kSide * kSide;
constexpr int kClasses = 10;
// Fashion-MNIST has 70 000; a header announcing more than a million images is corrupt or hostile.
constexpr uint32_t kMaxImages = 1u << 20;

// A gzip (or plain) file read front to back with zlib's gz* functions.
class GzReader {
 public:
  explicit GzReader(const std::string& path) : path_(path) {
    file_ = gzopen(path.c_str(), "rb");
    if (!file_) throw Error(path + ": cannot open (" + std::strerror(errno) + ")");
    gzbuffer(file_, 1 << 18);
  }
  ~GzReader() { gzclose_r(file_); }
  GzReader(const GzReader&) = delete;
  GzReader& operator=(const GzReader&) = delete;

  // Reads up to n bytes; fewer only at the end of the data. Throws when the data is corrupt.
  size_t read(void* dst, size_t n) {
    auto* out = static_cast<unsigned char*>(dst);
    size_t done = 0;
    while (done < n) {
      const unsigned chunk = unsigned(std::min<size_t>(n - done, 1u << 30));
      const int got = gzread(file_, out + done, chunk);
      if (got < 0) throw corrupt();
      if (got == 0) break;
      done += size_t(got);
    }
    return done;
  }

  // Reads exactly n bytes; when the file ends early, throws saying where (`where(bytes read)`).
  template <typename Where>
  void readAll(void* dst, size_t n, Where where) {
    const size_t got = read(dst, n);
    if (got < n) {
      const std::string why = zlibMessage();
      const std::string gz = why.empty() ? "" : " (gzip: " + why + ")";
      throw Error(path_ + ": the file ends " + where(got) + gz + "; it is truncated — reinstall it or fetch it again");
    }
  }

  // At the end of the data: checks that nothing follows and that the gzip checksum holds.
  void expectEnd(const std::string& what) {
    unsigned char extra;
    const int got = gzread(file_, &extra, 1);
    if (got < 0) throw corrupt();
    if (got > 0) throw Error(path_ + ": more data follows " + what + " than its header announces; the file is corrupt");
  }

 private:
  // zlib's message for the last error ("" when there was none), without the path it puts in front.
  std::string zlibMessage() const {
    int code = Z_OK;
    const char* msg = gzerror(file_, &code);
    if (code == Z_OK || !msg) return {};
    std::string text = msg;
    if (text.rfind(path_ + ": ", 0) == 0) text.erase(0, path_.size() + 2);
    return text;
  }

  Error corrupt() const {
    const std::string why = zlibMessage();
    return Error(path_ + ": corrupt or truncated gzip data (" + (why.empty() ? "unknown error" : why) +
                 "); reinstall the file or fetch it again");
  }

  std::string path_;
  gzFile file_ = nullptr;
};

uint32_t bigEndian(const unsigned char* p) {
  return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | uint32_t(p[3]);
}

void checkMagic(const std::string& path, uint32_t magic, uint32_t expected) {
  if (magic == expected) return;
  const char* kind = expected == kImagesMagic ? "an IDX image file" : "an IDX label file";
  std::string hint = "; it is not " + std::string(kind);
  if (magic == kImagesMagic) hint = "; that is an image file, not a label file — are the two swapped?";
  if (magic == kLabelsMagic) hint = "; that is a label file, not an image file — are the two swapped?";
  throw Error(path + ": magic number " + std::to_string(magic) + ", expected " + std::to_string(expected) + " (" +
              kind + ")" + hint);
}

std::string existing(const std::string& dir, const std::string& name) {
  namespace fs = std::filesystem;
  std::error_code ec;
  for (const std::string& candidate : {name + ".gz", name})
    if (fs::is_regular_file(fs::path(dir) / candidate, ec)) return (fs::path(dir) / candidate).string();
  throw Error("Fashion-MNIST: " + (fs::path(dir) / (name + ".gz")).string() +
              " is missing; install the dataset with `apt-get install dataset-fashion-mnist` (it puts the files in "
              "/usr/share/datasets/fashion-mnist), or point the data folder at one holding the four IDX files");
}

}  // namespace

const std::vector<std::string>& fashionMnistClassNames() {
  static const std::vector<std::string> names{"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                              "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};
  return names;
}

std::string defaultFashionMnistDir() {
  if (const char* env = std::getenv("GRADLAB_FASHION_MNIST_DIR"); env && *env) return env;
  return "/usr/share/datasets/fashion-mnist";
}

Dataset loadIdxPair(const std::string& imagesPath, const std::string& labelsPath, int64_t limit) {
  GzReader images(imagesPath), labels(labelsPath);
  // The magic number first, so that a wrong file is named as such before anything else.
  unsigned char head[16];
  images.readAll(head, 4, [](size_t) { return std::string("inside its 16-byte header"); });
  checkMagic(imagesPath, bigEndian(head), kImagesMagic);
  images.readAll(head + 4, 12, [](size_t) { return std::string("inside its 16-byte header"); });
  const uint32_t count = bigEndian(head + 4), rows = bigEndian(head + 8), cols = bigEndian(head + 12);
  if (rows != kSide || cols != kSide)
    throw Error(imagesPath + ": images are " + std::to_string(rows) + "×" + std::to_string(cols) +
                ", Fashion-MNIST's are 28×28");
  labels.readAll(head, 4, [](size_t) { return std::string("inside its 8-byte header"); });
  checkMagic(labelsPath, bigEndian(head), kLabelsMagic);
  labels.readAll(head + 4, 4, [](size_t) { return std::string("inside its 8-byte header"); });
  const uint32_t labelCount = bigEndian(head + 4);
  if (labelCount != count)
    throw Error(imagesPath + " holds " + std::to_string(count) + " images but " + labelsPath + " holds " +
                std::to_string(labelCount) + " labels; the two files must belong together");
  if (count > kMaxImages)
    throw Error(imagesPath + ": its header announces " + std::to_string(count) + " images; Gradlab reads at most " +
                std::to_string(kMaxImages) + " (3 GB of pixels) — the file is corrupt or not Fashion-MNIST");

  const int64_t n = limit > 0 ? std::min<int64_t>(limit, count) : int64_t(count);
  Dataset d;
  d.name = "fashion-mnist";
  d.xShape = {1, kSide, kSide};
  d.yShape = {};
  d.numClasses = kClasses;
  d.classNames = fashionMnistClassNames();

  // Labels and images are read together, a block at a time, so that a file whose header
  // announces more than it holds fails at its first missing block, not after gigabytes.
  std::array<float, 256> scale;  // pixel bytes to [0, 1]
  for (int v = 0; v < 256; ++v) scale[size_t(v)] = float(v) / 255.0f;
  const int64_t block = 1024;
  std::vector<unsigned char> labelBytes(static_cast<size_t>(block)), pixelBytes(static_cast<size_t>(block * kPixels));
  // Reserve for real data; a hostile count grows the buffers only as data arrives.
  d.y.reserve(size_t(std::min<int64_t>(n, 100'000)));
  d.x.reserve(size_t(std::min<int64_t>(n, 100'000) * kPixels));
  for (int64_t done = 0; done < n;) {
    const int64_t chunk = std::min(n - done, block);
    labels.readAll(labelBytes.data(), size_t(chunk), [&](size_t got) {
      return "at label " + std::to_string(done + int64_t(got)) + " of the " + std::to_string(count) +
             " its header announces";
    });
    for (int64_t i = 0; i < chunk; ++i) {
      if (labelBytes[size_t(i)] >= kClasses)
        throw Error(labelsPath + ": label " + std::to_string(labelBytes[size_t(i)]) + " of sample " +
                    std::to_string(done + i) + " is not a Fashion-MNIST class (0–9); the file is corrupt");
      d.y.push_back(float(labelBytes[size_t(i)]));
    }
    images.readAll(pixelBytes.data(), size_t(chunk * kPixels), [&](size_t got) {
      return "in image " + std::to_string(done + int64_t(got) / kPixels) + " of the " + std::to_string(count) +
             " its header announces";
    });
    const size_t at = d.x.size();
    d.x.resize(at + size_t(chunk * kPixels));
    float* out = d.x.data() + at;
    for (int64_t i = 0; i < chunk * kPixels; ++i) out[i] = scale[pixelBytes[size_t(i)]];
    done += chunk;
  }
  if (n == int64_t(count)) {
    images.expectEnd("the last image");
    labels.expectEnd("the last label");
  }
  return d;
}

Split loadFashionMnist(const FashionMnistOptions& opts) {
  namespace fs = std::filesystem;
  const std::string dir = opts.dir.empty() ? defaultFashionMnistDir() : opts.dir;
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    throw Error("Fashion-MNIST: the folder " + dir +
                " does not exist; install the dataset with `apt-get install dataset-fashion-mnist` (it puts the "
                "files in /usr/share/datasets/fashion-mnist), or point the data folder at one holding the four IDX "
                "files");
  const std::string trainImages = existing(dir, "train-images-idx3-ubyte");
  const std::string trainLabels = existing(dir, "train-labels-idx1-ubyte");
  const std::string testImages = existing(dir, "t10k-images-idx3-ubyte");
  const std::string testLabels = existing(dir, "t10k-labels-idx1-ubyte");

  // The two parts decompress in parallel.
  auto train = std::async(std::launch::async, [&] { return loadIdxPair(trainImages, trainLabels, opts.limit); });
  Split split;
  split.test = loadIdxPair(testImages, testLabels, opts.limit);
  split.train = train.get();
  return split;
}

}  // namespace gradlab
