#pragma once
// LandscapeView: the loss landscape around the current weights, seen from above, with the path
// the weights took to get there (train/landscape.h chooses the plane: d₁ points back to where
// training started, d₂ along the path's zig-zag). Colour bands are levels of log₁₀(loss), dark
// low; the path runs from a ring (the start) to a red dot (now). A learning rate that is too
// large shows as a path that jumps across the valley; a tiny one barely leaves the ring.
// "Race optimizers" runs every optimizer from the current weights and draws their paths
// (curriculum topic 8) until training moves on.
#include "train/probes/landscape.h"
#include "views/view.h"

class QAction;
class QCPColorMap;
class QCPColorScale;
class QCPCurve;

namespace gradlab::widgets {

class LandscapeView : public View {
  Q_OBJECT
 public:
  explicit LandscapeView(QWidget* parent = nullptr);
  void showSnapshot(const Snapshot& snap) override;
  void addProbes(ProbeRequest& request) const override { request.ask<LandscapeProbe>(); }
  QCustomPlot* plot() const override { return plot_; }
  // Curves of the race on view (0: the path is shown).
  int raceRunners() const { return int(racers_.size()); }
  // Points of the drawn path, and cells of the drawn surface (tests).
  int pathPoints() const;
  int surfaceCells() const;


 private:
  void clear();
  void drawSurface(const GridMap& g);
  void showRace(const RaceProbe& race);

  QCustomPlot* plot_;
  QCPColorMap* map_;
  QCPColorScale* scale_;
  QCPCurve *path_, *start_, *now_;
  std::vector<QCPCurve*> racers_;
  std::shared_ptr<const LandscapeProbe> shown_;
  std::shared_ptr<const RaceProbe> shownRace_;
  QAction* race_;
  bool racing_ = false;
};

}  // namespace gradlab::widgets
