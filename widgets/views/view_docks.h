#pragma once
// ViewDocks: every live view of viewTypes() in a dock of the main window, kept up to date.
// One place for the wiring all views share: a view is on screen while its dock is shown and
// its tab in front (View::onScreen); a view coming on screen catches up with the newest
// snapshot at once and the probes asked for change with it; only views on screen get
// snapshots. The window forwards the network, the canvas selection and the data here.
#include <QObject>
#include <memory>
#include <vector>

#include "train/snapshot.h"
#include "views/view.h"

class QDockWidget;
class QMainWindow;

namespace gradlab {
class TrainingSession;
}

namespace gradlab::widgets {

class ViewDocks : public QObject {
  Q_OBJECT
 public:
  ViewDocks(QMainWindow* window, TrainingSession* session);

  // Docks every view in the window's right area: the tabbed ones together, the others below.
  void placeDefault();
  // Every view visible at once, tiled (for demos and the benchmark).
  void showAll();

  const std::vector<View*>& views() const { return views_; }
  QDockWidget* dockOf(const View* view) const;
  template <class V>
  V* find() const {
    for (View* v : views_)
      if (auto* w = qobject_cast<V*>(v)) return w;
    return nullptr;
  }

  // What the views on screen ask the worker to measure.
  ProbeRequest probes() const;
  // Hands the snapshot to the views on screen (and remembers it for those that come later).
  void show(std::shared_ptr<const Snapshot> snap);

  void setNetwork(const NetworkSpec& spec, const Analysis& analysis);
  void pointAt(const QString& block, bool hovered);
  // New data: every view hears of it, and the first view that suits it comes to the front.
  void setData(const Split& data, const QString& builtin);

 signals:
  void probesChanged();  // a view came or went, or asks for something else

 private:
  QMainWindow* window_;
  std::vector<View*> views_;
  std::vector<QDockWidget*> docks_;  // parallel to views_
  std::shared_ptr<const Snapshot> shown_;
};

}  // namespace gradlab::widgets
