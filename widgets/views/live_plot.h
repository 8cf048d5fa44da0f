#pragma once
// LivePlot: a QCustomPlot for a live view. After a resize it redraws at the next turn of the
// event loop, once, instead of at once: tiling or tabbing the docks resizes every visible plot
// once per dock shown (QMainWindow lays the dock area out again for each), and QCustomPlot's own
// resizeEvent redrew the whole plot into new buffers every time — 15 views tiled held the
// window's thread 60-80 ms. The plot's picture for that one turn is the old one.
//
//   plot_ = new LivePlot(this);  // instead of new QCustomPlot(this)
#include <qcustomplot.h>

namespace gradlab::widgets {

class LivePlot : public QCustomPlot {
 public:
  using QCustomPlot::QCustomPlot;

 protected:
  void resizeEvent(QResizeEvent*) override {
    setViewport(rect());
    replot(rpQueuedReplot);
  }
};

}  // namespace gradlab::widgets
