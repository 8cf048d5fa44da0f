// Image sizes checked before decoding (issue 15): the header readers of data/image_size.h now
// know TIFF (its first page) and WebP (lossy, lossless, extended), and an image folder no longer
// decodes a format whose size Gradlab cannot read — before, a small TIFF, WebP or PAM file
// announcing 40000×30000 pixels went straight to OpenCV, whose own limit is a billion pixels.
#include <QTemporaryDir>
#include <QtTest>
#include <fstream>
#include <opencv2/imgcodecs.hpp>

#include "data/image_folder.h"
#include "data/image_size.h"
#include "support/error_text.h"

using namespace gradlab;
using gradlab::test::errorOf;

class TstImageLimits : public QObject {
  Q_OBJECT
  QTemporaryDir tmp_;

  std::string path(const std::string& name) const { return tmp_.filePath(QString::fromStdString(name)).toStdString(); }
  std::string writeBytes(const std::string& name, const std::string& bytes) const {
    const std::string p = path(name);
    std::filesystem::create_directories(std::filesystem::path(p).parent_path());
    std::ofstream(p, std::ios::binary) << bytes;
    return p;
  }
  std::string writeImage(const std::string& name, const cv::Mat& img, const std::vector<int>& params = {}) const {
    const std::string p = path(name);
    std::filesystem::create_directories(std::filesystem::path(p).parent_path());
    if (!cv::imwrite(p, img, params)) qFatal("cannot write %s", p.c_str());
    return p;
  }
  static void verifySize(const std::string& file, int64_t w, int64_t h) {
    const auto size = readImageSize(file);
    QVERIFY2(size, file.c_str());
    QCOMPARE(size->width, w);
    QCOMPARE(size->height, h);
  }
  // A folder with one good class and `bomb` as the only image of the other.
  std::string folderWith(const std::string& name, const std::string& bomb) const {
    writeImage(name + "/cat/1.png", cv::Mat(2, 2, CV_8UC1, cv::Scalar(9)));
    writeBytes(name + "/dog/" + bomb, readAll(path(bomb)));
    return path(name);
  }
  static std::string readAll(const std::string& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }
  // A TIFF header with one image file directory holding ImageWidth and ImageLength as LONGs.
  static std::string tiffHeader(bool little, uint32_t width, uint32_t height) {
    auto u16 = [&](uint32_t v) {
      return little ? std::string{char(v & 0xFF), char(v >> 8)} : std::string{char(v >> 8), char(v & 0xFF)};
    };
    auto u32 = [&](uint32_t v) { return little ? u16(v & 0xFFFF) + u16(v >> 16) : u16(v >> 16) + u16(v & 0xFFFF); };
    std::string t = little ? std::string("II*\0", 4) : std::string("MM\0*", 4);
    t += u32(8) + u16(2);
    t += u16(256) + u16(4) + u32(1) + u32(width);
    t += u16(257) + u16(4) + u32(1) + u32(height);
    return t + u32(0);
  }

 private slots:
  void initTestCase() { QVERIFY(tmp_.isValid()); }

  void tiffAndWebpSizesComeFromTheirHeaders() {
    const cv::Mat img(23, 41, CV_8UC3, cv::Scalar(10, 200, 30));
    verifySize(writeImage("real.tiff", img), 41, 23);
    verifySize(writeImage("lossy.webp", img, {cv::IMWRITE_WEBP_QUALITY, 60}), 41, 23);
    verifySize(writeImage("lossless.webp", img, {cv::IMWRITE_WEBP_QUALITY, 101}), 41, 23);
    verifySize(writeBytes("le.tif", tiffHeader(true, 40000, 30000)), 40000, 30000);
    verifySize(writeBytes("be.tif", tiffHeader(false, 640, 70000)), 640, 70000);
    // VP8X (extended): the canvas, 24-bit sizes minus one.
    std::string vp8x = std::string("RIFF\x16\0\0\0WEBPVP8X\x0a\0\0\0\0\0\0\0", 24);
    vp8x += std::string("\x3f\x9c\0\x2f\x75\0", 6);  // 40000 - 1, 30000 - 1
    verifySize(writeBytes("ext.webp", vp8x), 40000, 30000);
    // Cut short: no size, never a read past the bytes there are.
    QVERIFY(!readImageSize(writeBytes("short.webp", vp8x.substr(0, 29))));
    QVERIFY(!readImageSize(writeBytes("short.tif", tiffHeader(true, 5, 5).substr(0, 20))));
  }

  void tiffAndWebpBombsAreRefusedBeforeDecoding() {
    writeBytes("bomb.tif", tiffHeader(true, 40000, 30000));
    VERIFY_ERROR(errorOf([&] { loadImageFolder(folderWith("tiffs", "bomb.tif")); }),
                 QString::fromStdString(path("tiffs/dog/bomb.tif")) +
                     ": 40000×30000 pixels is more than the 40 million Gradlab decodes");
    std::string vp8x = std::string("RIFF\x16\0\0\0WEBPVP8X\x0a\0\0\0\0\0\0\0", 24) + std::string("\x3f\x9c\0\x2f\x75\0", 6);
    writeBytes("bomb.webp", vp8x);
    VERIFY_ERROR(errorOf([&] { loadImage(path("bomb.webp")); }),
                 QString::fromStdString(path("bomb.webp")) + ": 40000×30000 pixels is more than the 40 million");
  }

  // PAM (P7) is a format OpenCV decodes whose size Gradlab does not read: refused, not decoded.
  void aFormatWithoutASizeReaderIsNotDecoded() {
    // (Named .pnm: a folder takes .pnm files, and OpenCV picks the decoder by the bytes.)
    writeBytes("big.pnm", "P7\nWIDTH 40000\nHEIGHT 30000\nDEPTH 1\nMAXVAL 255\nTUPLTYPE GRAYSCALE\nENDHDR\n");
    VERIFY_ERROR(errorOf([&] { loadImageFolder(folderWith("pams", "big.pnm")); }),
                 QString::fromStdString(path("pams/dog/big.pnm")) +
                     ": Gradlab cannot read this image's size from its header");
    // Bytes no decoder knows still get OpenCV's answer.
    writeBytes("junk.png", "this is not a PNG");
    VERIFY_ERROR(errorOf([&] { loadImage(path("junk.png")); }),
                 QString::fromStdString(path("junk.png")) + ": OpenCV cannot read this image");
  }

  // The formats a folder may hold still load: TIFF and WebP through the new size readers.
  void tiffAndWebpStillLoad() {
    const cv::Mat grey(6, 4, CV_8UC1, cv::Scalar(51));
    for (const char* name : {"ok.tiff", "ok.webp"}) {
      const std::vector<float> v =
          loadImage(writeImage(name, grey, {cv::IMWRITE_WEBP_QUALITY, 101}), {.width = 4, .height = 6});
      QCOMPARE(v.size(), size_t(24));
      QCOMPARE(v[0], 51.0f / 255.0f);
    }
  }
};

QTEST_APPLESS_MAIN(TstImageLimits)
#include "tst_image_limits.moc"
