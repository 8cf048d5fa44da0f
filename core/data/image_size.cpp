#include "data/image_size.h"

#include <cctype>
#include <cstring>
#include <fstream>
#include <vector>

#include "util/error.h"

namespace gradlab {

namespace {

uint32_t be16(const unsigned char* p) { return uint32_t(p[0]) << 8 | p[1]; }
uint32_t be32(const unsigned char* p) { return be16(p) << 16 | be16(p + 2); }
uint32_t le16(const unsigned char* p) { return uint32_t(p[1]) << 8 | p[0]; }
uint32_t le24(const unsigned char* p) { return uint32_t(p[2]) << 16 | le16(p); }
uint32_t le32(const unsigned char* p) { return le16(p + 2) << 16 | le16(p); }

// JPEG: the frame header (SOF0–SOF15 but DHT, JPG, DAC) after the segments before it.
std::optional<ImageSize> jpegSize(std::ifstream& in) {
  in.seekg(2);
  unsigned char m[9];
  for (int segments = 0; segments < 1000 && in.read(reinterpret_cast<char*>(m), 4); ++segments) {
    if (m[0] != 0xFF) return std::nullopt;
    const unsigned marker = m[1];
    const uint32_t length = be16(m + 2);
    if (length < 2) return std::nullopt;
    const bool frame = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 &&
                       marker != 0xCC;
    if (frame) {
      if (!in.read(reinterpret_cast<char*>(m), 5)) return std::nullopt;
      return ImageSize{be16(m + 3), be16(m + 1)};  // precision, height, width
    }
    in.seekg(std::streamoff(length - 2), std::ios::cur);
  }
  return std::nullopt;
}

// Netpbm: "P5\n# comment\n640 480\n255\n" — magic, then whitespace-separated numbers.
std::optional<ImageSize> netpbmSize(const std::vector<unsigned char>& head) {
  size_t i = 2;
  int64_t numbers[2] = {0, 0};
  for (int k = 0; k < 2; ++k) {
    while (i < head.size() && (std::isspace(head[i]) || head[i] == '#')) {
      if (head[i] == '#')
        while (i < head.size() && head[i] != '\n') ++i;
      else
        ++i;
    }
    if (i >= head.size() || !std::isdigit(head[i])) return std::nullopt;
    while (i < head.size() && std::isdigit(head[i]) && numbers[k] < (int64_t(1) << 40))
      numbers[k] = numbers[k] * 10 + (head[i++] - '0');
  }
  return ImageSize{numbers[0], numbers[1]};
}

// TIFF: the first image file directory (the page imread decodes), tags 256 ImageWidth and 257
// ImageLength, each a SHORT or LONG in the file's byte order ("II" little, "MM" big endian).
std::optional<ImageSize> tiffSize(std::ifstream& in, const std::vector<unsigned char>& head) {
  const bool little = head[0] == 'I';
  auto u16 = [&](const unsigned char* p) { return little ? le16(p) : be16(p); };
  auto u32 = [&](const unsigned char* p) { return little ? le32(p) : be32(p); };
  in.seekg(std::streamoff(u32(head.data() + 4)));
  unsigned char count[2];
  if (!in.read(reinterpret_cast<char*>(count), 2)) return std::nullopt;
  int64_t width = -1, height = -1;
  unsigned char e[12];
  for (uint32_t i = 0; i < u16(count) && in.read(reinterpret_cast<char*>(e), 12); ++i) {
    const uint32_t tag = u16(e), type = u16(e + 2);
    if (tag != 256 && tag != 257) continue;
    if (type != 3 && type != 4) return std::nullopt;  // SHORT or LONG, nothing else is valid
    (tag == 256 ? width : height) = type == 3 ? u16(e + 8) : u32(e + 8);
  }
  if (width < 0 || height < 0) return std::nullopt;
  return ImageSize{width, height};
}

// WebP: RIFF "WEBP", then the first chunk — "VP8 " (lossy: 14-bit sizes after the key frame's
// start code), "VP8L" (lossless: 14-bit sizes minus one) or "VP8X" (extended: the canvas, 24-bit
// sizes minus one).
std::optional<ImageSize> webpSize(const std::vector<unsigned char>& head) {
  const unsigned char* h = head.data();
  if (head.size() >= 30 && std::memcmp(h + 12, "VP8 ", 4) == 0 && h[23] == 0x9D && h[24] == 0x01 &&
      h[25] == 0x2A)
    return ImageSize{le16(h + 26) & 0x3FFF, le16(h + 28) & 0x3FFF};
  if (head.size() >= 25 && std::memcmp(h + 12, "VP8L", 4) == 0 && h[20] == 0x2F) {
    const uint32_t bits = le32(h + 21);
    return ImageSize{int64_t(bits & 0x3FFF) + 1, int64_t((bits >> 14) & 0x3FFF) + 1};
  }
  if (head.size() >= 30 && std::memcmp(h + 12, "VP8X", 4) == 0)
    return ImageSize{int64_t(le24(h + 24)) + 1, int64_t(le24(h + 27)) + 1};
  return std::nullopt;
}

}  // namespace

std::optional<ImageSize> readImageSize(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<unsigned char> head(512);
  if (!in.read(reinterpret_cast<char*>(head.data()), std::streamsize(head.size()))) {
    head.resize(size_t(in.gcount()));
    in.clear();
  }
  const unsigned char* h = head.data();
  const size_t n = head.size();
  if (n >= 24 && std::memcmp(h, "\x89PNG\r\n\x1a\n", 8) == 0 && std::memcmp(h + 12, "IHDR", 4) == 0)
    return ImageSize{be32(h + 16), be32(h + 20)};
  if (n >= 3 && h[0] == 0xFF && h[1] == 0xD8 && h[2] == 0xFF) return jpegSize(in);
  if (n >= 26 && h[0] == 'B' && h[1] == 'M') {
    const int32_t height = int32_t(le32(h + 22));  // negative: stored top-down
    return ImageSize{int32_t(le32(h + 18)), height < 0 ? -int64_t(height) : height};
  }
  if (n >= 10 && (std::memcmp(h, "GIF87a", 6) == 0 || std::memcmp(h, "GIF89a", 6) == 0))
    return ImageSize{le16(h + 6), le16(h + 8)};
  if (n >= 3 && h[0] == 'P' && h[1] >= '1' && h[1] <= '6') return netpbmSize(head);
  if (n >= 8 && (std::memcmp(h, "II*\0", 4) == 0 || std::memcmp(h, "MM\0*", 4) == 0)) return tiffSize(in, head);
  if (n >= 16 && std::memcmp(h, "RIFF", 4) == 0 && std::memcmp(h + 8, "WEBP", 4) == 0) return webpSize(head);
  return std::nullopt;
}

void checkImageSize(const std::string& path, const ImageSize& size) {
  if (size.width < 1 || size.height < 1)
    throw Error(path + ": the image header says " + std::to_string(size.width) + "×" +
                std::to_string(size.height) + " pixels; the file is damaged");
  if (size.width > kMaxImagePixels / size.height)
    throw Error(path + ": " + std::to_string(size.width) + "×" + std::to_string(size.height) +
                " pixels is more than the " + std::to_string(kMaxImagePixels / 1'000'000) +
                " million Gradlab decodes from one image; shrink it first");
}

}  // namespace gradlab
