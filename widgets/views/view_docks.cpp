#include "views/view_docks.h"

#include <QDockWidget>
#include <QMainWindow>

#include "views/view_types.h"

namespace gradlab::widgets {

ViewDocks::ViewDocks(QMainWindow* window, TrainingSession* session)
    : QObject(window), window_(window) {
  for (const ViewType& type : viewTypes()) {
    View* view = type.create(window);
    view->attach(session);
    auto* dock = new QDockWidget(view->title(), window);
    dock->setObjectName(QString(type.name) + "Dock");
    dock->setWidget(view);
    views_.push_back(view);
    docks_.push_back(dock);
    // On screen or off, in this one place: a view shown again (a tab raised, a dock reopened)
    // catches up with the newest snapshot at once, and the worker hears what is on view.
    connect(dock, &QDockWidget::visibilityChanged, this, [this, view](bool visible) {
      view->setOnScreen(visible);
      if (visible && shown_) {
        view->setLatest(shown_);
        view->showSnapshot(*shown_);
      }
      emit probesChanged();
    });
    connect(view, &View::probesChanged, this, &ViewDocks::probesChanged);
  }
}

void ViewDocks::placeDefault() {
  QDockWidget* front = nullptr;
  QDockWidget* below = nullptr;
  for (size_t i = 0; i < views_.size(); ++i) {
    QDockWidget* d = docks_[i];
    if (viewTypes()[i].place == ViewType::Place::Below) {
      window_->addDockWidget(Qt::RightDockWidgetArea, d);
      below = d;
    } else if (!front) {
      window_->addDockWidget(Qt::RightDockWidgetArea, d);
      front = d;
    } else {
      window_->tabifyDockWidget(front, d);
    }
  }
  if (front) front->raise();
  if (front && below) window_->resizeDocks({front, below}, {520, 300}, Qt::Vertical);
}

void ViewDocks::showAll() {
  for (QDockWidget* d : docks_) {
    d->show();
    window_->removeDockWidget(d);
  }
  // Two rows: the first half of the views side by side above, the rest below.
  const size_t perRow = (docks_.size() + 1) / 2;
  window_->addDockWidget(Qt::RightDockWidgetArea, docks_[0]);
  if (docks_.size() > perRow) window_->splitDockWidget(docks_[0], docks_[perRow], Qt::Vertical);
  for (size_t i = 1; i < docks_.size(); ++i)
    if (i != perRow)
      window_->splitDockWidget(docks_[i - 1], docks_[i], Qt::Horizontal);
  for (QDockWidget* d : docks_) d->show();
  emit probesChanged();
}

QDockWidget* ViewDocks::dockOf(const View* view) const {
  for (size_t i = 0; i < views_.size(); ++i)
    if (views_[i] == view) return docks_[i];
  return nullptr;
}

ProbeRequest ViewDocks::probes() const {
  ProbeRequest r;
  for (View* v : views_)
    if (v->onScreen()) v->addProbes(r);
  return r;
}

void ViewDocks::show(std::shared_ptr<const Snapshot> snap) {
  shown_ = std::move(snap);
  for (View* v : views_)
    if (v->onScreen()) {
      v->setLatest(shown_);
      v->showSnapshot(*shown_);
    }
}

void ViewDocks::setNetwork(const NetworkSpec& spec, const Analysis& analysis) {
  for (View* v : views_) v->setNetwork(spec, analysis);
}

void ViewDocks::pointAt(const QString& block, bool hovered) {
  for (View* v : views_) v->pointAt(block, hovered);
}

void ViewDocks::setData(const Split& data, const QString& builtin) {
  bool raised = false;
  for (size_t i = 0; i < views_.size(); ++i) {
    views_[i]->setData(data, builtin);
    if (!raised && views_[i]->suits(data)) {
      docks_[i]->raise();
      raised = true;
    }
  }
}

}  // namespace gradlab::widgets
