#pragma once
// View: a live view of training, docked in the window. The window's timer hands every view on
// screen the newest Snapshot (at most 60 times a second); a view draws from it and never waits
// on the trainer. addProbes() says what the view needs the worker to measure
// (core/train/probes/): only views on screen have their probes measured.
//
// To add a view: derive from View, draw in showSnapshot(), ask for your probe in addProbes(),
// and list the view in viewTypes() (views/view_types.cpp). The window (views/view_docks.h) docks
// it, tells it about the network, the canvas selection and the data through the hooks below,
// and keeps it up to date; export to PNG/PDF/SVG comes with the base class.
#include <QWidget>
#include <memory>

#include "data/dataset.h"
#include "spec/analysis.h"
#include "spec/network_spec.h"
#include "train/snapshot.h"

class QCustomPlot;
class QLabel;
class QSpinBox;
class QToolBar;
class QVBoxLayout;

namespace gradlab {
class TrainingSession;
}

namespace gradlab::widgets {

class View : public QWidget {
  Q_OBJECT
 public:
  explicit View(const QString& title, QWidget* parent = nullptr);

  const QString& title() const { return title_; }
  virtual void showSnapshot(const Snapshot& snap) = 0;
  // Adds what this view needs to `request` (train/probes/probe.h); emit probesChanged() when
  // that changes.
  virtual void addProbes(ProbeRequest& request) const { (void)request; }

  // Hooks, called for every view (on screen or not); the defaults ignore them.
  // The network on the canvas changed (it may be invalid: see analysis.problems).
  virtual void setNetwork(const NetworkSpec& spec, const Analysis& analysis) { (void)spec, (void)analysis; }
  // A block was selected on the canvas (hovered: only pointed at); empty: none.
  virtual void pointAt(const QString& block, bool hovered) { (void)block, (void)hovered; }
  // New data was loaded; `builtin` is its built-in name ("fn-sine"), empty for a user's file.
  virtual void setData(const Split& data, const QString& builtin) { (void)data, (void)builtin; }
  // Whether this is the view to bring to the front for such data (the first that suits wins).
  virtual bool suits(const Split& data) const { (void)data; return false; }

  // The session the view may send commands to (the landscape's race) and the snapshot shown last.
  void attach(TrainingSession* session) { session_ = session; }
  void setLatest(std::shared_ptr<const Snapshot> snap) { latest_ = std::move(snap); }
  // The plot exported as vector PDF or SVG; views without one export a rendering of themselves.
  virtual QCustomPlot* plot() const { return nullptr; }
  // Writes the view to a .png, .pdf or .svg file; false (and a message) when it could not.
  bool exportTo(const QString& path, QString* error = nullptr);
  int frames() const { return frames_; }
  // On screen: its dock shown and, among tabbed docks, the tab in front. (isVisible() stays
  // true for a tab behind another one.) The window sets it from the dock's visibilityChanged;
  // only views on screen get snapshots and have their probes computed.
  bool onScreen() const { return onScreen_ && isVisible(); }
  void setOnScreen(bool on) { onScreen_ = on; }

 signals:
  void probesChanged();  // what addProbes() asks for changed: the worker must measure anew

 protected:
  TrainingSession* session() const { return session_; }
  const Snapshot* latest() const { return latest_.get(); }
  QToolBar* toolbar() const { return toolbar_; }
  QVBoxLayout* body() const { return body_; }
  // A line of text over the view: what it shows now, or why it has nothing to show.
  void setNote(const QString& text);
  void countFrame() { ++frames_; }

 private:
  QString title_;
  QToolBar* toolbar_;
  QLabel* note_;
  QVBoxLayout* body_;
  int frames_ = 0;
  bool onScreen_ = false;
  TrainingSession* session_ = nullptr;
  std::shared_ptr<const Snapshot> latest_;
};

// Sets a spin box's maximum when it differs. Views call it at every frame (the data's sample
// count), and QSpinBox::setMaximum lays out the spin box's window again even for the same value.
void setMaximum(QSpinBox* box, int maximum);

// Shared look for QCustomPlot in every view: light grid, no antialiasing on fast layers.
void stylePlot(QCustomPlot* plot);

}  // namespace gradlab::widgets
