#pragma once
// LandscapeMap: the loss landscape seen from above, a plot one can read at any dock size. The
// data area is kept square (whatever the dock's shape) by the plot layout's margins, set before
// each replot from the last layout; tick counts follow the side's length in pixels, so tick
// labels never crowd; the colour is smooth (interpolated, the viridis map of
// landscape_colors.h, log₁₀ of the loss) with contour lines (isolines.h) at evenly spaced
// levels of log₁₀ loss; the paths on top.
//
//   auto* map = new LandscapeMap(parent);
//   map->setSurface(probe.loss);                           // colour and contour lines
//   map->setPath(probe.pathX, probe.pathY);               // start ring, line, now dot
//   map->setAxisLabels("d₁: back towards the start", "d₂: across the path");
#include <qcustomplot.h>

#include "train/probes/probe.h"

namespace gradlab::widgets {

class LandscapeMap : public QCustomPlot {
  Q_OBJECT
 public:
  explicit LandscapeMap(QWidget* parent = nullptr);

  void setSurface(const GridMap& grid);
  // The weights' path: a line from a ring (start) to a red dot (now).
  void setPath(const std::vector<double>& x, const std::vector<double>& y);
  // The race: one coloured path per runner with its name in the legend; the start ringed.
  struct Runner {
    std::vector<double> x, y;
    QColor color;
    QString name;
  };
  void setRunners(const std::vector<Runner>& runners);
  void setAxisLabels(const QString& x, const QString& y);
  void clearAll();

  // For tests: the drawn surface's cells, contour polylines, path points; the data area.
  int surfaceCells() const;
  int contourLines() const { return int(contours_.size()); }
  int pathPoints() const { return path_->dataCount(); }
  int runners() const { return int(runners_.size()); }
  QRect dataArea() const { return axisRect()->rect(); }

 protected:
  void resizeEvent(QResizeEvent* e) override;

 private:
  // What the square is computed from, as the last layout left it: the axes' own margins (tick
  // labels, axis names), the colour scale's width and the legend row's height.
  struct SquareInputs {
    QMargins axes;
    int scaleWidth = 0, legendHeight = 0;
    bool operator==(const SquareInputs&) const = default;
  };
  SquareInputs squareInputs() const;
  void keepSquare();
  void settleSquare();
  void applyTheme();
  void drawContours(const GridMap& logGrid, double lo, double hi);

  QCPColorMap* map_;
  QCPColorScale* scale_;
  QCPCurve *path_, *start_, *now_;
  std::vector<QCPCurve*> contours_, runners_;
  QCPLayer* contourLayer_;
  SquareInputs squaredFrom_;  // what keepSquare used for the layout now shown
  int resquares_ = 0;         // replots settleSquare queued in a row
};

}  // namespace gradlab::widgets
