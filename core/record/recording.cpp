#include "record/recording.h"

#include <algorithm>
#include <opencv2/imgproc.hpp>

#include "util/error.h"

namespace gradlab {

namespace {
// A BGRA frame as the recording's w × h BGR picture: as it is when the size matches (an odd
// pixel cut off), else scaled to fit (aspect kept) and centred on black.
void toRecordingSize(const Frame& f, cv::Mat& out, int w, int h) {
  const cv::Mat bgra(f.height, f.width, CV_8UC4, const_cast<uint8_t*>(f.bgra), size_t(f.stride));
  if (f.width >= w && f.height >= h && f.width - w <= 1 && f.height - h <= 1) {
    cv::cvtColor(bgra(cv::Rect(0, 0, w, h)), out, cv::COLOR_BGRA2BGR);
    return;
  }
  out.create(h, w, CV_8UC3);
  out.setTo(cv::Scalar(0, 0, 0));
  const double s = std::min(double(w) / f.width, double(h) / f.height);
  const int sw = std::clamp(int(f.width * s), 1, w), sh = std::clamp(int(f.height * s), 1, h);
  cv::Mat scaled;
  cv::resize(bgra, scaled, cv::Size(sw, sh), 0, 0, cv::INTER_AREA);
  cv::Mat into = out(cv::Rect((w - sw) / 2, (h - sh) / 2, sw, sh));
  cv::cvtColor(scaled, into, cv::COLOR_BGRA2BGR);
}
}  // namespace

Recording::Recording(const std::string& path, double fps, int width, int height, size_t queueFrames)
    : path_(path), fps_(fps), width_(width), height_(height), capacity_(std::max<size_t>(1, queueFrames)) {
  recordingSize(width_, height_);
  writer_ = openFrameWriter(path, fps, width_, height_);
  worker_ = std::thread([this] { work(); });
}

Recording::~Recording() {
  try {
    stop(0);
  } catch (const Error&) {
  }
}

bool Recording::push(Frame frame) {
  if (!frame.bgra || frame.width < 1 || frame.height < 1) return false;
  {
    std::lock_guard lock(mutex_);
    if (stopping_ || finished_ || queue_.size() >= capacity_) {
      ++dropped_;
      return false;
    }
    queue_.push_back(std::move(frame));
  }
  wake_.notify_one();
  return true;
}

void Recording::work() {
  cv::Mat picture;
  double last = 0;
  std::string error;
  for (;;) {
    Frame f;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) break;  // stopping, all written
      f = std::move(queue_.front());
      queue_.pop_front();
    }
    try {
      last = std::max(last, f.seconds);
      toRecordingSize(f, picture, width_, height_);
      f = {};  // the grabbed picture goes back now
      writer_->write(picture.data, last);
    } catch (const std::exception& e) {
      error = e.what();
      break;
    }
    std::lock_guard lock(mutex_);
    written_ = writer_->framesWritten();
  }
  double end;
  {
    std::lock_guard lock(mutex_);
    end = std::max(end_, last);
  }
  if (error.empty()) {
    try {
      writer_->finish(end);
    } catch (const std::exception& e) {
      error = e.what();
    }
  }
  std::lock_guard lock(mutex_);
  written_ = writer_->framesWritten();
  error_ = error;
  dropped_ += int64_t(queue_.size());
  queue_.clear();
  finished_ = true;
}

void Recording::requestStop(double endSeconds) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
    end_ = endSeconds;
  }
  wake_.notify_one();
}

bool Recording::finished() const {
  std::lock_guard lock(mutex_);
  return finished_;
}

void Recording::stop(double endSeconds) {
  requestStop(endSeconds);
  if (joined_) return;
  joined_ = true;
  if (worker_.joinable()) worker_.join();
  const std::string error = this->error();
  if (!error.empty()) throw Error(error);
}

int64_t Recording::framesWritten() const {
  std::lock_guard lock(mutex_);
  return written_;
}

int64_t Recording::framesDropped() const {
  std::lock_guard lock(mutex_);
  return dropped_;
}

std::string Recording::error() const {
  std::lock_guard lock(mutex_);
  return error_;
}

}  // namespace gradlab
