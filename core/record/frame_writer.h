#pragma once
// FrameWriter: where a recording's frames go, chosen by the path's ending:
//   run.mp4   MPEG-4 video (OpenCV's VideoWriter, fourcc mp4v)
//   run.avi   Motion-JPEG video (fourcc MJPG: plays almost everywhere)
//   run.gif   an animated GIF (record/gif_writer.h)
//   frames/   a folder (a path ending in '/', or one without a suffix): frame-000001.png, …
// A video has a fixed frame rate: a frame is placed at the slot of its time (seconds × fps);
// slots the grabber missed show the frame before, so that the video lasts as long as the
// recording. A GIF keeps each frame's own time; a PNG sequence has one file per frame.
//
//   checkRecordingPath("talk/run.mp4");                        // throws Error: say why, early
//   auto w = openFrameWriter("talk/run.mp4", 10, 1280, 800);   // throws when it cannot open
//   w->write(bgr, 0.0);  w->write(bgr, 0.1);  …  w->finish(5.0);
#include <cstdint>
#include <memory>
#include <string>

namespace gradlab {

class FrameWriter {
 public:
  virtual ~FrameWriter() = default;
  // A picture of the size the writer was opened with: 3 bytes a pixel (blue, green, red), rows
  // packed, grabbed at `seconds` since the start. Throws Error when writing fails.
  virtual void write(const uint8_t* bgr, double seconds) = 0;
  // Ends the file (the recording stopped at `endSeconds`); throws Error when that fails.
  virtual void finish(double endSeconds) = 0;
  // Frames in the file so far (a video's repeated slots included; a GIF's merged ones not).
  virtual int64_t framesWritten() const = 0;
};

enum class RecordFormat { Mp4, Avi, Gif, PngFolder };
// The format the path asks for; an Error for an ending Gradlab cannot write or a folder that
// is not there (a PNG folder's parent must exist: the folder itself is made).
RecordFormat checkRecordingPath(const std::string& path);
// Width and height are made even (video codecs want it) by the caller: recordingSize().
std::unique_ptr<FrameWriter> openFrameWriter(const std::string& path, double fps, int width, int height);
// The size a recording of a w × h picture gets: rounded down to even, at least 2 × 2.
inline void recordingSize(int& w, int& h) {
  w = w < 2 ? 2 : w & ~1;
  h = h < 2 ? 2 : h & ~1;
}

}  // namespace gradlab
