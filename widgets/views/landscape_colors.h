#pragma once
// The landscape's colours, shared by the 2-D map (landscape_map.cpp) and the 3-D surface
// (landscape_3d.cpp, shaders/surface.frag): viridis (van der Walt & Smith, matplotlib's
// default) from low loss (dark violet) to high (yellow) — ordered in lightness, legible for
// colour-blind readers and in greyscale — and red where the loss is NaN/Inf.
#include <QColor>
#include <array>

namespace gradlab::widgets {

inline const std::array<QColor, 5>& landscapeStops() {
  static const std::array<QColor, 5> stops{QColor("#440154"), QColor("#3b528b"), QColor("#21918c"),
                                           QColor("#5ec962"), QColor("#fde725")};
  return stops;
}
inline QColor landscapeNan() { return QColor("#d50000"); }
inline QColor landscapePath() { return QColor("#f59322"); }  // the weights' path
inline QColor landscapeNow() { return QColor("#d62728"); }   // where the weights are

}  // namespace gradlab::widgets
