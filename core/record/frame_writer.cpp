#include "record/frame_writer.h"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/videoio.hpp>
#include <vector>

#include "record/gif_writer.h"
#include "util/error.h"

namespace gradlab {

namespace fs = std::filesystem;

namespace {

std::string lower(std::string s) {
  for (char& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// MP4 or AVI through OpenCV (FFmpeg underneath in Debian's build).
class VideoFrameWriter : public FrameWriter {
 public:
  VideoFrameWriter(const std::string& path, RecordFormat format, double fps, int w, int h)
      : path_(path), fps_(fps), w_(w), h_(h) {
    const int fourcc = format == RecordFormat::Mp4 ? cv::VideoWriter::fourcc('m', 'p', '4', 'v')
                                                   : cv::VideoWriter::fourcc('M', 'J', 'P', 'G');
    if (!video_.open(path, fourcc, fps, cv::Size(w, h), true))
      throw Error(path + ": OpenCV cannot open a video writer for it (" +
                  (format == RecordFormat::Mp4 ? "MPEG-4, fourcc mp4v" : "Motion-JPEG, fourcc MJPG") +
                  ", " + std::to_string(w) + " x " + std::to_string(h) + " at " +
                  std::to_string(fps) + " frames/s); check that the folder is writable, or record "
                  "to an .avi file or a folder of PNGs");
  }
  void write(const uint8_t* bgr, double seconds) override {
    const cv::Mat frame(h_, w_, CV_8UC3, const_cast<uint8_t*>(bgr));
    // The frame's slot; missed slots repeat the frame before (or this one, at the start).
    const int64_t slot = std::max<int64_t>(written_, std::llround(seconds * fps_));
    while (written_ < slot) put(previous_.empty() ? frame : previous_);
    put(frame);
    frame.copyTo(previous_);
  }
  void finish(double endSeconds) override {
    // The last picture stays until the recording stopped.
    const int64_t end = std::llround(endSeconds * fps_);
    while (!previous_.empty() && written_ < end) put(previous_);
    video_.release();
    std::error_code ec;
    if (!fs::exists(path_, ec) || fs::file_size(path_, ec) == 0)
      throw Error(path_ + ": the video was not written; is the disk full?");
  }
  int64_t framesWritten() const override { return written_; }

 private:
  void put(const cv::Mat& m) {
    video_.write(m);
    ++written_;
  }
  std::string path_;
  double fps_;
  int w_, h_;
  cv::VideoWriter video_;
  cv::Mat previous_;
  int64_t written_ = 0;
};

class GifFrameWriter : public FrameWriter {
 public:
  GifFrameWriter(const std::string& path, int w, int h) : gif_(path, w, h) {}
  void write(const uint8_t* bgr, double seconds) override { gif_.add(bgr, seconds); }
  void finish(double endSeconds) override { gif_.finish(endSeconds); }
  int64_t framesWritten() const override { return gif_.frames(); }

 private:
  GifWriter gif_;
};

class PngFolderWriter : public FrameWriter {
 public:
  PngFolderWriter(const std::string& dir, int w, int h) : dir_(dir), w_(w), h_(h) {
    std::error_code ec;
    fs::create_directories(dir_, ec);
    if (!fs::is_directory(dir_, ec))
      throw Error(dir + ": cannot create the folder for the PNG frames (" + ec.message() + ")");
  }
  void write(const uint8_t* bgr, double) override {
    char name[32];
    std::snprintf(name, sizeof name, "frame-%06lld.png", (long long)(written_ + 1));
    const std::string file = (dir_ / name).string();
    const cv::Mat frame(h_, w_, CV_8UC3, const_cast<uint8_t*>(bgr));
    bool ok = false;
    try {
      ok = cv::imwrite(file, frame, {cv::IMWRITE_PNG_COMPRESSION, 1});
    } catch (const cv::Exception&) {
      ok = false;
    }
    if (!ok) throw Error(file + ": writing the PNG frame failed; is the disk full?");
    ++written_;
  }
  void finish(double) override {}
  int64_t framesWritten() const override { return written_; }

 private:
  fs::path dir_;
  int w_, h_;
  int64_t written_ = 0;
};

}  // namespace

RecordFormat checkRecordingPath(const std::string& path) {
  if (path.empty()) throw Error("give a file to record to: a .mp4, .avi or .gif file, or a folder for PNG frames");
  const fs::path p(path);
  const std::string ext = lower(p.extension().string());
  const bool folder = path.back() == '/' || ext.empty();
  RecordFormat f;
  if (folder) f = RecordFormat::PngFolder;
  else if (ext == ".mp4") f = RecordFormat::Mp4;
  else if (ext == ".avi") f = RecordFormat::Avi;
  else if (ext == ".gif") f = RecordFormat::Gif;
  else
    throw Error(path + ": Gradlab records to .mp4, .avi or .gif files, or to a folder of PNG "
                "frames (a name without a suffix); not to " + quoteText(ext));
  std::error_code ec;
  const fs::path target = folder ? fs::path(path).lexically_normal() : p;
  fs::path parent = target.has_filename() ? target.parent_path() : target.parent_path().parent_path();
  if (!parent.empty() && !fs::is_directory(parent, ec))
    throw Error(path + ": the folder " + parent.string() + " does not exist; create it or choose another");
  if (!folder && fs::is_directory(p, ec))
    throw Error(path + ": is a folder; give a file name such as " + (p / "recording.mp4").string());
  return f;
}

std::unique_ptr<FrameWriter> openFrameWriter(const std::string& path, double fps, int width, int height) {
  const RecordFormat f = checkRecordingPath(path);
  if (!(fps >= 1 && fps <= 60))
    throw Error("record at 1 to 60 frames a second, not " + std::to_string(fps));
  if (width < 2 || height < 2 || width % 2 || height % 2)
    throw Error("a recording's width and height are even and at least 2, not " + std::to_string(width) +
                " x " + std::to_string(height));
  switch (f) {
    case RecordFormat::Mp4:
    case RecordFormat::Avi: return std::make_unique<VideoFrameWriter>(path, f, fps, width, height);
    case RecordFormat::Gif: return std::make_unique<GifFrameWriter>(path, width, height);
    case RecordFormat::PngFolder: break;
  }
  return std::make_unique<PngFolderWriter>(path, width, height);
}

}  // namespace gradlab
