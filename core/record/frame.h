#pragma once
// Frame: one picture of a recording — the window or a view as the window's thread grabbed it,
// handed to the recording's worker (record/recording.h) without a copy.
//
//   QImage img = widget->grab().toImage().convertToFormat(QImage::Format_RGB32);
//   auto keep = std::make_shared<QImage>(img);
//   recording.push({img.width(), img.height(), img.bytesPerLine(), keep->constBits(), keep, t});
#include <cstdint>
#include <memory>

namespace gradlab {

struct Frame {
  int width = 0, height = 0;
  int64_t stride = 0;                // bytes from one row to the next
  const uint8_t* bgra = nullptr;     // 4 bytes a pixel: blue, green, red, unused (Qt's RGB32)
  std::shared_ptr<const void> owner; // keeps the pixels alive until the worker is done
  double seconds = 0;                // when it was grabbed, since the recording started
};

}  // namespace gradlab
