#pragma once
// FrameMeter: what the window's benchmarks (--bench-responsiveness, --soak) measure while the
// event loop runs, over an interval:
//   - event-loop stalls: the gaps between ticks of a 1 ms precise timer, minus the 1 ms;
//   - the views' frame rate: snapshots the window handed to its views per second.
//
//   FrameMeter meter(window);
//   meter.start();                       // the 1 ms timer starts, the clock and counts reset
//   ... run the event loop ...
//   FrameMeter::Interval i = meter.take();  // figures since start() or the last take()
//
// take() starts the next interval at once, so a long run reads one interval per minute; the
// gaps of one interval are all that is kept (an hour of 1 ms gaps would be 29 MB).
#include <QElapsedTimer>
#include <QTimer>
#include <cstdint>
#include <vector>

namespace gradlab::widgets {
class MainWindow;
}

// Runs the event loop for `ms` milliseconds, processing events at most 5 ms at a time.
void spinEventLoop(int ms);

// What both benchmarks measure in: the window at 1600×1000 with every view tiled and the
// landscape as its 3-D surface; waits up to 30 s for the project to be ready (false if not).
bool showEveryView(gradlab::widgets::MainWindow& window);

class FrameMeter {
 public:
  struct Interval {
    double seconds = 0;
    int64_t frames = 0;          // snapshots shown
    double framesPerSecond = 0;
    double longestStallMs = 0;   // the longest gap between two ticks, less the 1 ms interval
    double longestStallAt = 0;   // when it ended: seconds from the interval's start
    double p99StallMs = 0;       // 99th percentile of the same
  };

  explicit FrameMeter(const gradlab::widgets::MainWindow& window);
  void start();
  Interval take();
  void stop() { timer_.stop(); }
  double elapsed() const { return clock_.nsecsElapsed() / 1e9; }  // seconds into this interval

 private:
  const gradlab::widgets::MainWindow& window_;
  QTimer timer_;
  QElapsedTimer tick_, clock_;
  std::vector<double> gaps_;  // ms; cleared (capacity kept) at every take()
  double longestGap_ = 0, longestGapAt_ = 0;
  int64_t shown0_ = 0;
};
