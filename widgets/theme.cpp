#include "theme.h"

#include <algorithm>

namespace gradlab::widgets {

namespace {
// Okabe & Ito (2008): distinguishable with every common colour-vision deficiency. Ordered for
// contrast on white: blue, vermillion, bluish green, reddish purple, orange, sky blue, black.
const QColor kOkabeIto[] = {"#0072B2", "#D55E00", "#009E73", "#CC79A7",
                            "#E69F00", "#56B4E9", "#000000"};
constexpr int kOkabeItoCount = 7;
// The lab's categorical palette (matplotlib's tab10).
const QColor kTab10[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                         "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};
}  // namespace

void Theme::setPresenting(bool on, double scale) {
  scale = std::clamp(scale, 1.0, 4.0);
  if (on == presenting_ && scale == scale_) return;
  presenting_ = on;
  scale_ = scale;
  emit changed();
}

QColor Theme::train() const { return presenting_ ? kOkabeIto[0] : QColor("#0877bd"); }
QColor Theme::test() const { return presenting_ ? kOkabeIto[1] : QColor("#f59322"); }
QColor Theme::middle() const { return presenting_ ? QColor("#ffffff") : QColor("#f4f6f7"); }

QColor Theme::classColor(int c, int n) const {
  if (n <= 2) return c == 1 ? train() : test();
  c = std::clamp(c, 0, 1000);
  return presenting_ ? kOkabeIto[c % kOkabeItoCount] : kTab10[c % 10];
}

QColor Theme::layer(int i, int n) const {
  if (presenting_) {
    static const int order[] = {0, 2, 4, 1, 3, 5, 6};  // blue, green, orange, vermillion, …
    return kOkabeIto[order[std::clamp(i, 0, 1000) % kOkabeItoCount]];
  }
  const double t = n > 1 ? double(i) / (n - 1) : 0.0;
  return QColor::fromHsvF(0.62 - 0.56 * t, 0.78, 0.80);
}

QColor Theme::series(int i) const {
  i = std::clamp(i, 0, 1000);
  if (presenting_) return kOkabeIto[i % kOkabeItoCount];
  static const QColor lab[] = {"#0877bd", "#d62728", "#2ca02c", "#9467bd", "#f59322", "#17becf"};
  return lab[i % 6];
}

Theme& theme() {
  static Theme* t = new Theme;  // lives as long as the application (no static-destruction order)
  return *t;
}

}  // namespace gradlab::widgets
