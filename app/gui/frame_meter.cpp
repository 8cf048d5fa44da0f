#include "frame_meter.h"

#include <QApplication>
#include <algorithm>

#include "main_window.h"
#include "views/landscape_view.h"

void spinEventLoop(int ms) {
  QElapsedTimer t;
  t.start();
  while (t.elapsed() < ms) QApplication::processEvents(QEventLoop::AllEvents, 5);
}

bool showEveryView(gradlab::widgets::MainWindow& w) {
  w.resize(1600, 1000);
  w.show();
  w.showAllViews();
  w.view<gradlab::widgets::LandscapeView>()->set3D(true);
  for (int i = 0; i < 600 && !(w.snapshot() && w.snapshot()->ready); ++i) spinEventLoop(50);
  return w.snapshot() && w.snapshot()->ready;
}

FrameMeter::FrameMeter(const gradlab::widgets::MainWindow& window) : window_(window) {
  timer_.setTimerType(Qt::PreciseTimer);
  timer_.setInterval(1);
  gaps_.reserve(70000);  // a minute of 1 ms ticks and some: no reallocation while measuring
  QObject::connect(&timer_, &QTimer::timeout, [this] {
    if (tick_.isValid()) {
      const double gap = tick_.nsecsElapsed() / 1e6;
      gaps_.push_back(gap);
      if (gap > longestGap_) {
        longestGap_ = gap;
        longestGapAt_ = elapsed();
      }
    }
    tick_.start();
  });
}

void FrameMeter::start() {
  gaps_.clear();
  longestGap_ = longestGapAt_ = 0;
  tick_.invalidate();
  shown0_ = window_.snapshotsShown();
  clock_.start();
  timer_.start();
}

FrameMeter::Interval FrameMeter::take() {
  Interval i;
  i.seconds = clock_.nsecsElapsed() / 1e9;
  const int64_t shown = window_.snapshotsShown();
  i.frames = shown - shown0_;
  i.framesPerSecond = i.seconds > 0 ? double(i.frames) / i.seconds : 0;
  std::sort(gaps_.begin(), gaps_.end());
  if (!gaps_.empty()) {
    i.longestStallMs = gaps_.back() - 1.0;
    i.p99StallMs = gaps_[size_t(double(gaps_.size() - 1) * 0.99)] - 1.0;
    i.longestStallAt = longestGapAt_;
  }
  // The next interval starts here; the gap running now (tick_) counts in it.
  gaps_.clear();
  longestGap_ = longestGapAt_ = 0;
  shown0_ = shown;
  clock_.start();
  return i;
}
