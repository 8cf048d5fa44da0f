#pragma once
// LandscapeView: the loss landscape around the current weights with the path the weights took
// to get there (train/landscape.h chooses the plane). Two ways to see it: a lit 3-D surface one
// can turn (landscape_3d.h, OpenGL 3.3) and a map from above (landscape_map.h), colour and
// contour lines of log₁₀(loss), dark low; the path runs from a white ring/ball (the start) to a
// red dot (now). A learning rate that is too large shows as a path that jumps across the
// valley; a tiny one barely leaves the start.
//
// The row under the toolbar chooses the plane — the path's principal directions, two
// filter-normalised random directions (Li et al. 2018), or the plane through three checkpoints
// (start, now and a step of the path) —, the samples the loss is measured on, log or linear
// height, and the 1-D slice under the picture: the loss on the straight line from the start
// (t = 0) to now (t = 1), Goodfellow et al. 2015. Each choice goes to the worker as the
// probe's options (addProbes). "Race optimizers" runs every optimizer from the current
// weights and draws their paths (curriculum topic 8) until training moves on.
//
// The map is shown first; the toolbar's 3-D switches to the surface. Where no OpenGL 3.3
// context can be made (Qt's offscreen platform, an old driver) or the shaders fail, the view
// shows the map with a line saying why.
#include <QPointer>
#include <nlohmann/json.hpp>

#include "train/probes/landscape.h"
#include "views/view.h"

class QAction;
class QCheckBox;
class QComboBox;
class QLabel;
class QSpinBox;
class QStackedWidget;

namespace gradlab::widgets {

class Landscape3D;
class LandscapeMap;

class LandscapeView : public View {
  Q_OBJECT
 public:
  explicit LandscapeView(QWidget* parent = nullptr);
  void showSnapshot(const Snapshot& snap) override;
  void addProbes(ProbeRequest& request) const override { request.ask<LandscapeProbe>(options()); }
  QCustomPlot* plot() const override;

  // The probe's options as chosen in the view ({"plane", "grid", "samples", "through"}).
  nlohmann::json options() const;
  // 3-D (true) or the map; false where 3-D cannot be drawn (fallbackReason() says why).
  bool showing3D() const;
  void set3D(bool on);
  QString fallbackReason() const { return fallback_; }
  Landscape3D* surface3D() const;  // null until 3-D was first shown
  LandscapeMap* map() const { return map_; }
  QCustomPlot* slicePlot() const { return slice_; }

  // Curves of the race on view (0: the path is shown).
  int raceRunners() const { return runners_; }
  // Points of the drawn path, and cells of the drawn surface (tests).
  int pathPoints() const { return pathPoints_; }
  int surfaceCells() const { return surfaceCells_; }

 protected:
  void showEvent(QShowEvent* e) override;

 private:
  void redraw();
  void drawProbe(const LandscapeProbe& p);
  void drawRace(const RaceProbe& r);
  void drawSlice(const LandscapeProbe* p);
  void setFallback(const QString& why);
  void ensure3D();
  void optionsChanged();

  QStackedWidget* stack_;
  LandscapeMap* map_;
  QPointer<Landscape3D> gl_;
  QCustomPlot* slice_;
  QLabel* fallbackNote_;
  QAction *race_, *mode3D_;
  QComboBox *plane_, *samples_;
  QSpinBox* through_;
  QCheckBox *logHeight_, *showSlice_;
  QString fallback_;
  bool want3D_ = false;
  std::shared_ptr<const LandscapeProbe> shown_;
  std::shared_ptr<const RaceProbe> shownRace_;
  bool racing_ = false;
  int runners_ = 0, pathPoints_ = 0, surfaceCells_ = 0;
};

}  // namespace gradlab::widgets
