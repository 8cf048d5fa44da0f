#include "record/gif_writer.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cmath>
#include <cstring>

#include "util/error.h"

namespace gradlab {

namespace {

void le16(std::vector<uint8_t>& out, int v) {
  out.push_back(uint8_t(v & 0xff));
  out.push_back(uint8_t((v >> 8) & 0xff));
}

// A colour's bin: 5 bits per channel (blue, green, red).
int bin(const uint8_t* p) { return (p[0] >> 3) | ((p[1] >> 3) << 5) | ((p[2] >> 3) << 10); }

// At most 256 colours for the bins present and, for every bin present, the index of its colour.
struct Palette {
  std::vector<std::array<uint8_t, 3>> colours;  // blue, green, red
  std::vector<int16_t> indexOfBin;              // 32768 entries; -1: bin absent
};

// Median cut: the bins present (weighted by their pixels) in one box, split where the box is
// longest at the weighted median until there are 256 boxes; a box's colour is its pixels'
// mean. A picture with at most 256 bins (a screenshot's flat colours) keeps one colour each.
Palette makePalette(const uint8_t* bgr, int stride, int x0, int y0, int w, int h) {
  std::vector<int64_t> count(32768, 0);
  std::vector<std::array<int64_t, 3>> sum(32768, {0, 0, 0});
  for (int y = y0; y < y0 + h; ++y)
    for (int x = x0; x < x0 + w; ++x) {
      const uint8_t* p = bgr + int64_t(y) * stride + x * 3;
      const int b = bin(p);
      ++count[b];
      for (int c = 0; c < 3; ++c) sum[b][c] += p[c];
    }
  std::vector<int> bins;
  for (int b = 0; b < 32768; ++b)
    if (count[b]) bins.push_back(b);
  auto channel = [](int b, int c) { return (b >> (5 * c)) & 31; };
  using Box = std::pair<size_t, size_t>;  // [first, last) in bins
  std::vector<Box> boxes = {{0, bins.size()}};
  auto extent = [&](const Box& box, int c) {
    int lo = 31, hi = 0;
    for (size_t i = box.first; i < box.second; ++i) lo = std::min(lo, channel(bins[i], c)), hi = std::max(hi, channel(bins[i], c));
    return hi - lo;
  };
  while (boxes.size() < 256) {
    // The box to split: the one with the longest side among those with two bins or more.
    int best = -1, bestLength = 0, bestChannel = 0;
    for (size_t k = 0; k < boxes.size(); ++k) {
      if (boxes[k].second - boxes[k].first < 2) continue;
      for (int c = 0; c < 3; ++c)
        if (const int len = extent(boxes[k], c); len > bestLength || best < 0)
          best = int(k), bestLength = len, bestChannel = c;
    }
    if (best < 0) break;  // every box holds one bin
    Box box = boxes[size_t(best)];
    std::sort(bins.begin() + int64_t(box.first), bins.begin() + int64_t(box.second),
              [&](int a, int b) { return channel(a, bestChannel) < channel(b, bestChannel); });
    int64_t total = 0, half = 0;
    for (size_t i = box.first; i < box.second; ++i) total += count[bins[i]];
    size_t cut = box.first + 1;
    for (size_t i = box.first; i + 1 < box.second; ++i) {
      half += count[bins[i]];
      cut = i + 1;
      if (2 * half >= total) break;
    }
    boxes[size_t(best)] = {box.first, cut};
    boxes.push_back({cut, box.second});
  }
  Palette pal;
  pal.indexOfBin.assign(32768, -1);
  for (const Box& box : boxes) {
    std::array<int64_t, 4> s = {0, 0, 0, 0};
    for (size_t i = box.first; i < box.second; ++i) {
      for (int c = 0; c < 3; ++c) s[c] += sum[bins[i]][c];
      s[3] += count[bins[i]];
    }
    if (s[3] == 0) continue;
    for (size_t i = box.first; i < box.second; ++i) pal.indexOfBin[bins[i]] = int16_t(pal.colours.size());
    pal.colours.push_back({uint8_t((s[0] + s[3] / 2) / s[3]), uint8_t((s[1] + s[3] / 2) / s[3]),
                           uint8_t((s[2] + s[3] / 2) / s[3])});
  }
  return pal;
}

// GIF's LZW: codes of 9 to 12 bits, least significant bit first, for 8-bit pixels.
//   0..255 the pixels, 256 clear (the table starts again), 257 end, 258.. strings seen before.
// A string not yet in the table: its longest known prefix is written and prefix+pixel becomes
// the next code; when the next code needs a wider field, the field grows; at 4096 codes a clear.
class LzwEncoder {
 public:
  explicit LzwEncoder(std::vector<uint8_t>& out) : out_(out), child_(4096 * 256, 0) {}

  void encode(const std::vector<uint8_t>& pixels) {
    restart();
    emit(kClear);
    int prefix = pixels.empty() ? -1 : pixels[0];
    for (size_t i = 1; i < pixels.size(); ++i) {
      const uint8_t k = pixels[i];
      const uint16_t next = child_[size_t(prefix) * 256 + k];
      if (next) {
        prefix = next;
        continue;
      }
      emit(prefix);
      if (codes_ < 4096) {
        if (codes_ == (1 << bits_)) ++bits_;
        child_[size_t(prefix) * 256 + k] = uint16_t(codes_++);
      } else {
        emit(kClear);
        restart();
      }
      prefix = k;
    }
    if (prefix >= 0) emit(prefix);
    emit(kEnd);
    if (nbits_ > 0) bytes_.push_back(uint8_t(acc_));
    // Sub-blocks: a length byte (1..255) and that many bytes; a 0 ends the data.
    for (size_t i = 0; i < bytes_.size(); i += 255) {
      const size_t n = std::min<size_t>(255, bytes_.size() - i);
      out_.push_back(uint8_t(n));
      out_.insert(out_.end(), bytes_.begin() + int64_t(i), bytes_.begin() + int64_t(i + n));
    }
    out_.push_back(0);
  }

 private:
  static constexpr int kClear = 256, kEnd = 257;
  void restart() {
    std::fill(child_.begin(), child_.end(), 0);
    codes_ = kEnd + 1;
    bits_ = 9;
  }
  void emit(int code) {
    acc_ |= uint32_t(code) << nbits_;
    nbits_ += bits_;
    while (nbits_ >= 8) {
      bytes_.push_back(uint8_t(acc_ & 0xff));
      acc_ >>= 8;
      nbits_ -= 8;
    }
  }
  std::vector<uint8_t>& out_;
  std::vector<uint16_t> child_;  // code of (prefix code, pixel); 0: not in the table
  std::vector<uint8_t> bytes_;
  uint32_t acc_ = 0;
  int nbits_ = 0, codes_ = 0, bits_ = 9;
};

}  // namespace

GifWriter::GifWriter(const std::string& path, int width, int height)
    : path_(path), width_(width), height_(height) {
  if (width < 1 || height < 1 || width > 65535 || height > 65535)
    throw Error(path + ": a GIF is 1 to 65535 pixels wide and high, not " + std::to_string(width) +
                " x " + std::to_string(height));
  file_ = std::fopen(path.c_str(), "wb");
  if (!file_)
    throw Error(path + ": cannot create the GIF (" + std::strerror(errno) +
                "); choose a folder you can write to");
  std::vector<uint8_t> head = {'G', 'I', 'F', '8', '9', 'a'};
  le16(head, width);
  le16(head, height);
  head.insert(head.end(), {0x00, 0x00, 0x00});  // no global palette; background 0; square pixels
  // NETSCAPE2.0: loop for ever.
  head.insert(head.end(), {0x21, 0xff, 0x0b, 'N', 'E', 'T', 'S', 'C', 'A', 'P', 'E', '2', '.', '0',
                           0x03, 0x01, 0x00, 0x00, 0x00});
  put(head.data(), head.size());
}

GifWriter::~GifWriter() {
  if (file_) std::fclose(file_);
}

void GifWriter::put(const void* bytes, size_t n) {
  if (std::fwrite(bytes, 1, n, file_) != n)
    throw Error(path_ + ": writing the GIF failed (" + std::strerror(errno) + "); is the disk full?");
}

GifWriter::Rect GifWriter::changed(const uint8_t* bgr) const {
  if (last_.empty()) return {0, 0, width_, height_};
  const int64_t row = int64_t(width_) * 3;
  int x0 = width_, x1 = -1, y0 = height_, y1 = -1;
  for (int y = 0; y < height_; ++y) {
    const uint8_t* a = bgr + y * row;
    const uint8_t* b = last_.data() + y * row;
    if (std::memcmp(a, b, size_t(row)) == 0) continue;
    y0 = std::min(y0, y), y1 = y;
    int l = 0, r = width_ - 1;
    while (l < width_ && std::memcmp(a + l * 3, b + l * 3, 3) == 0) ++l;
    while (r > l && std::memcmp(a + r * 3, b + r * 3, 3) == 0) --r;
    x0 = std::min(x0, l), x1 = std::max(x1, r);
  }
  if (y1 < 0) return {};
  return {x0, y0, x1 - x0 + 1, y1 - y0 + 1};
}

std::vector<uint8_t> GifWriter::imageBlock(const uint8_t* bgr, Rect r) const {
  const int stride = width_ * 3;
  const Palette pal = makePalette(bgr, stride, r.x, r.y, r.w, r.h);
  std::vector<uint8_t> out = {0x2c};
  le16(out, r.x);
  le16(out, r.y);
  le16(out, r.w);
  le16(out, r.h);
  out.push_back(0x80 | 0x07);  // a local palette of 2^(7+1) = 256 entries, not interlaced
  for (int i = 0; i < 256; ++i) {
    const std::array<uint8_t, 3> c = i < int(pal.colours.size()) ? pal.colours[size_t(i)]
                                                                 : std::array<uint8_t, 3>{0, 0, 0};
    out.insert(out.end(), {c[2], c[1], c[0]});  // GIF: red, green, blue
  }
  std::vector<uint8_t> pixels;
  pixels.reserve(size_t(r.w) * size_t(r.h));
  for (int y = r.y; y < r.y + r.h; ++y)
    for (int x = r.x; x < r.x + r.w; ++x)
      pixels.push_back(uint8_t(pal.indexOfBin[size_t(bin(bgr + int64_t(y) * stride + x * 3))]));
  out.push_back(8);  // LZW minimum code size: 8-bit pixels
  LzwEncoder(out).encode(pixels);
  return out;
}

void GifWriter::flushPending(double untilSeconds) {
  if (pending_.empty()) return;
  // Delays in centiseconds, rounded on the running total so that errors do not add up;
  // at least 2 (viewers play shorter delays slowly).
  const int64_t until = std::llround(untilSeconds * 100);
  const int delay = int(std::clamp<int64_t>(until - centisecondsWritten_, 2, 65535));
  centisecondsWritten_ += delay;
  std::vector<uint8_t> gce = {0x21, 0xf9, 0x04, 0x04};  // disposal 1: leave the frame in place
  le16(gce, delay);
  gce.insert(gce.end(), {0x00, 0x00});
  put(gce.data(), gce.size());
  put(pending_.data(), pending_.size());
  pending_.clear();
  ++frames_;
}

void GifWriter::add(const uint8_t* bgr, double seconds) {
  if (!file_) throw Error(path_ + ": the GIF is already finished");
  const Rect r = changed(bgr);
  if (r.w == 0) return;  // nothing changed: the pending frame stays on longer
  if (last_.empty()) centisecondsWritten_ = std::llround(seconds * 100);
  flushPending(seconds);
  pending_ = imageBlock(bgr, r);
  pendingStart_ = seconds;
  last_.assign(bgr, bgr + size_t(width_) * size_t(height_) * 3);
}

void GifWriter::finish(double endSeconds) {
  if (!file_) return;
  flushPending(std::max(endSeconds, pendingStart_ + 0.02));
  const uint8_t trailer = 0x3b;
  put(&trailer, 1);
  const bool ok = std::fclose(file_) == 0;
  file_ = nullptr;
  if (!ok) throw Error(path_ + ": closing the GIF failed (" + std::strerror(errno) + "); is the disk full?");
}

}  // namespace gradlab
