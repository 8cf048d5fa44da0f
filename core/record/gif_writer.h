#pragma once
// GifWriter: an animated GIF (GIF89a), written frame by frame — for slides that play a recording
// where a video will not. Gradlab's own small encoder:
//   - colours: each frame gets its own palette of at most 256 colours — median cut over the
//     colours present (32 levels per channel), each box's mean colour; a screenshot's few flat
//     colours keep one entry each;
//   - only the rectangle that changed since the last frame is stored (the rest stays on
//     screen: disposal "leave in place"); a frame equal to the last one lengthens its time;
//   - pixels are LZW-coded as GIF wants (variable code size 9–12 bits, a clear code when the
//     table is full), in sub-blocks of at most 255 bytes.
//
//   GifWriter gif("run.gif", 640, 480);
//   gif.add(bgr0, 0.0);  gif.add(bgr1, 0.1);  …  gif.finish(1.0);   // times in seconds
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace gradlab {

class GifWriter {
 public:
  // Throws Error when the file cannot be created, or for a size GIF cannot hold (1..65535).
  GifWriter(const std::string& path, int width, int height);
  ~GifWriter();
  GifWriter(const GifWriter&) = delete;
  GifWriter& operator=(const GifWriter&) = delete;

  // A picture of width × height pixels, 3 bytes each (blue, green, red), rows packed, shown
  // from `seconds` (since the start) until the next one. Throws Error when a write fails.
  void add(const uint8_t* bgr, double seconds);
  // Writes the last frame (shown until `endSeconds`) and the trailer, and closes the file.
  void finish(double endSeconds);
  int frames() const { return frames_; }  // frames stored (equal ones merged)

 private:
  struct Rect {
    int x = 0, y = 0, w = 0, h = 0;
  };
  Rect changed(const uint8_t* bgr) const;
  std::vector<uint8_t> imageBlock(const uint8_t* bgr, Rect r) const;  // palette + LZW data
  void flushPending(double untilSeconds);
  void put(const void* bytes, size_t n);

  std::string path_;
  int width_, height_;
  FILE* file_ = nullptr;
  std::vector<uint8_t> last_;     // the picture on screen after the pending frame
  std::vector<uint8_t> pending_;  // the pending frame's image block, its delay not yet known
  double pendingStart_ = 0;
  int64_t centisecondsWritten_ = 0;
  int frames_ = 0;
};

}  // namespace gradlab
