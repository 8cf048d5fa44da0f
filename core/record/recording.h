#pragma once
// Recording: frames in, a file out, on a worker thread of its own — so that the window's thread
// only grabs. push() never waits: when the worker is behind (a slow disk, a busy CPU), the queue
// holds at most `queueFrames` pictures and a frame that does not fit is dropped and counted.
// The worker turns each frame into the recording's size (frames of another size, after the
// window was resized, are scaled to fit and centred on black) and hands it to the FrameWriter.
//
//   Recording rec("run.mp4", 10, 1280, 800);   // throws Error when the file cannot be opened
//   rec.push(frame);  …                        // false: dropped
//   rec.stop(5.0);                             // waits for the queue; throws the worker's Error
//   rec.framesWritten(), rec.framesDropped()
// The window does not wait: it calls requestStop(5.0), polls finished() and then stop().
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "record/frame.h"
#include "record/frame_writer.h"

namespace gradlab {

class Recording {
 public:
  // width × height: the recording's size (made even). Opens the writer here, so that a file that
  // cannot be written is an Error before anything is grabbed.
  Recording(const std::string& path, double fps, int width, int height, size_t queueFrames = 6);
  ~Recording();  // stops (errors dropped: call stop() to hear of them)
  Recording(const Recording&) = delete;
  Recording& operator=(const Recording&) = delete;

  // Queues a frame; false when it was dropped (the queue full, or the worker stopped on an error).
  bool push(Frame frame);
  // The worker writes what is queued, ends the file at `endSeconds` and finishes; push() drops
  // from now on. Returns at once.
  void requestStop(double endSeconds);
  // Whether the worker has finished (after requestStop, or after an error).
  bool finished() const;
  // requestStop (unless requested before) and waits for the worker; throws its Error (a failed
  // write), if any. Later calls do nothing.
  void stop(double endSeconds);

  const std::string& path() const { return path_; }
  int width() const { return width_; }
  int height() const { return height_; }
  double fps() const { return fps_; }
  // Counters, safe from any thread.
  int64_t framesWritten() const;
  int64_t framesDropped() const;
  // The worker's error, empty while all is well (the window polls it to stop and say why).
  std::string error() const;

 private:
  void work();

  std::string path_;
  double fps_;
  int width_, height_;
  size_t capacity_;
  std::unique_ptr<FrameWriter> writer_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Frame> queue_;
  bool stopping_ = false, finished_ = false, joined_ = false;
  double end_ = 0;
  std::string error_;
  int64_t written_ = 0, dropped_ = 0;
  std::thread worker_;
};

}  // namespace gradlab
