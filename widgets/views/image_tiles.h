#pragma once
// Images for the explain views (saliency, feature visualisation): a network input drawn as a
// picture, a heat map of how much each pixel matters, and the two overlaid.
//
//   QImage in = inputImage(x, {1, 28, 28});          // grey, 0 → black, 1 → white
//   std::vector<float> h = channelMax(absolute(g), {1, 28, 28});  // |∂S/∂x|, max over channels
//   QImage heat = heatImage(h, 28, 28, max);           // white → yellow → red → dark red
//   drawPixels(painter, rect, heat);                   // square, sharp pixels, centred in rect
#include <QImage>
#include <QRect>
#include <span>
#include <vector>

#include "tensor/shape.h"

class QPainter;

namespace gradlab::widgets {

// [C, H, W] values as an image: C = 3 as R, G, B, any other C by its first channel in grey;
// values lo..hi map to 0..255 (clipped).
QImage inputImage(std::span<const float> values, const Shape& shape, float lo = 0, float hi = 1);
// The largest value over the channels of [C, H, W] values: H × W values.
std::vector<float> channelMax(std::span<const float> values, const Shape& shape);
// The colour of t in [0, 1] on the heat ramp white → yellow → orange → red → dark red.
QRgb heatColor(double t);
// h × w non-negative values as a heat map, 0 → white, `max` and above → dark red.
QImage heatImage(std::span<const float> heat, int h, int w, float max);
// The input in grey, faded, with the heat laid over it (the heat's own colour where it is high).
QImage overlayImage(const QImage& input, std::span<const float> heat, float max);
// Draws `image` as large as fits `area`, pixels square and sharp (nearest neighbour), centred;
// returns the rectangle it took.
QRect drawPixels(QPainter& p, const QRect& area, const QImage& image);
// A horizontal legend of the heat ramp in `area`, labelled 0 and `max` beneath.
void drawHeatLegend(QPainter& p, const QRect& area, float max, const QString& title);

}  // namespace gradlab::widgets
