// Your own image (core/data/own_image.h): PNG and JPEG files written here with OpenCV decode to
// the network's input — its channels, its size, pixels / 255, inverted on request or when the
// background is light — and damaged, huge or non-image files are refused with a message naming
// the file, the huge one before anything is decoded.
#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QtTest>
#include <filesystem>
#include <fstream>
#include <opencv2/imgcodecs.hpp>

#include "data/own_image.h"
#include "support/error_text.h"

using namespace gradlab;
using gradlab::test::errorOf;

class TestOwnImage : public QObject {
  Q_OBJECT
  QTemporaryDir tmp_;

  std::string path(const char* name) const { return tmp_.filePath(name).toStdString(); }
  std::string write(const char* name, const cv::Mat& img) const {
    const std::string p = path(name);
    if (!cv::imwrite(p, img)) qFatal("cannot write %s", p.c_str());
    return p;
  }
  static float at(const OwnImage& im, int64_t c, int64_t y, int64_t x) {
    return im.values[size_t((c * im.shape[1] + y) * im.shape[2] + x)];
  }

 private slots:
  // A 56×56 grey PNG, left half white (255), right half 64: shrunk to 28×28 by area averaging,
  // every pixel is one 2×2 block of the file, v = byte / 255 exactly.
  void greyPngToTheInput() {
    cv::Mat img(56, 56, CV_8UC1, cv::Scalar(64));
    img(cv::Rect(0, 0, 28, 56)).setTo(255);
    const OwnImage im = loadOwnImage(write("grey.png", img), {1, 28, 28});
    QCOMPARE(im.values.size(), size_t(784));
    QCOMPARE(im.shape, (Shape{1, 28, 28}));
    QCOMPARE(im.fileWidth, int64_t(56));
    QCOMPARE(im.fileHeight, int64_t(56));
    QVERIFY(!im.inverted);
    QCOMPARE(at(im, 0, 5, 0), 1.0f);
    QCOMPARE(at(im, 0, 5, 13), 1.0f);
    QCOMPARE(at(im, 0, 5, 14), 64.0f / 255.0f);
    QCOMPARE(at(im, 0, 27, 27), 64.0f / 255.0f);
    // Inverted: v ← 1 − v.
    const OwnImage inv = loadOwnImage(path("grey.png"), {1, 28, 28}, {.invert = Invert::Yes});
    QVERIFY(inv.inverted);
    QCOMPARE(at(inv, 0, 5, 0), 0.0f);
    QCOMPARE(at(inv, 0, 5, 20), 1.0f - 64.0f / 255.0f);
  }

  // OpenCV's BGR becomes R, G, B in that order for a colour input, and grey for a grey one
  // (0.299 R + 0.587 G + 0.114 B); an image smaller than the input is enlarged.
  void colourToChannels() {
    const cv::Mat red(4, 6, CV_8UC3, cv::Scalar(0, 0, 255));  // B, G, R
    const std::string file = write("red.png", red);
    const OwnImage rgb = loadOwnImage(file, {3, 8, 12});
    QCOMPARE(rgb.values.size(), size_t(3 * 8 * 12));
    QCOMPARE(at(rgb, 0, 3, 7), 1.0f);
    QCOMPARE(at(rgb, 1, 3, 7), 0.0f);
    QCOMPARE(at(rgb, 2, 3, 7), 0.0f);
    const OwnImage grey = loadOwnImage(file, {1, 4, 6});
    QVERIFY2(std::abs(at(grey, 0, 2, 2) - 0.299f) < 0.003f, qPrintable(QString::number(at(grey, 0, 2, 2))));
    // A grey file to a colour input: three equal channels.
    const OwnImage tripled = loadOwnImage(write("g.png", cv::Mat(3, 3, CV_8UC1, cv::Scalar(51))), {3, 3, 3});
    for (int c = 0; c < 3; ++c) QCOMPARE(at(tripled, c, 1, 1), 0.2f);
  }

  // A cut-out photo: transparent pixels lie on white; Invert::Auto then sees a light border and
  // inverts, so the object is light on black, as Fashion-MNIST's clothes are.
  void transparencyAndAutoInvert() {
    cv::Mat img(20, 20, CV_8UC4, cv::Scalar(0, 0, 0, 0));            // transparent
    img(cv::Rect(5, 5, 10, 10)).setTo(cv::Scalar(40, 40, 40, 255));  // an opaque dark square
    const std::string file = write("cutout.png", img);
    const OwnImage plain = loadOwnImage(file, {1, 20, 20});
    QCOMPARE(at(plain, 0, 0, 0), 1.0f);  // transparent black: white
    QVERIFY(std::abs(at(plain, 0, 10, 10) - 40.0f / 255.0f) < 1e-5f);
    QCOMPARE(borderMean(plain.values, plain.shape), 1.0);
    const OwnImage autoInv = loadOwnImage(file, {1, 20, 20}, {.invert = Invert::Auto});
    QVERIFY(autoInv.inverted);
    QCOMPARE(at(autoInv, 0, 0, 0), 0.0f);
    QVERIFY(at(autoInv, 0, 10, 10) > 0.8f);
    // A dark background stays as it is.
    const OwnImage dark = loadOwnImage(write("dark.png", cv::Mat(8, 8, CV_8UC1, cv::Scalar(10))),
                                       {1, 8, 8}, {.invert = Invert::Auto});
    QVERIFY(!dark.inverted);
  }

  void jpeg() {
    cv::Mat img(30, 30, CV_8UC3, cv::Scalar(200, 200, 200));
    const OwnImage im = loadOwnImage(write("photo.jpg", img), {1, 28, 28});
    QVERIFY(std::abs(at(im, 0, 14, 14) - 200.0f / 255.0f) < 0.02f);
  }

  // A PNG cut short: refused, naming the file; nothing half-decoded is returned.
  void truncatedFile() {
    cv::Mat img(64, 64, CV_8UC1);
    cv::randu(img, 0, 256);  // noise does not compress: the pixel data is most of the file
    const std::string full = write("full.png", img);
    std::ifstream in(full, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), {});
    const std::string cut = path("cut.png");
    std::ofstream(cut, std::ios::binary).write(bytes.data(), std::streamsize(bytes.size() / 2));
    const QString m = errorOf([&] { loadOwnImage(cut, {1, 28, 28}); });
    QVERIFY2(m.startsWith(QString::fromStdString(cut) + ": OpenCV cannot read this image"), qPrintable(m));
  }

  // A 50 000 × 50 000 PNG header (2.5 billion pixels) in a file of 33 bytes: refused from the
  // header, before OpenCV would allocate 2.5 GB.
  void hugeHeaderRefusedBeforeDecoding() {
    std::string png("\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR", 16);
    for (uint32_t v : {50000u, 50000u})
      for (int s = 24; s >= 0; s -= 8) png.push_back(char((v >> s) & 0xFF));
    png.append(std::string("\x08\0\0\0\0", 5));
    png.append(std::string(4, '\0'));  // CRC (not checked by the header reader)
    const std::string file = path("bomb.png");
    std::ofstream(file, std::ios::binary).write(png.data(), std::streamsize(png.size()));
    QElapsedTimer t;
    t.start();
    const QString m = errorOf([&] { loadOwnImage(file, {1, 28, 28}); });
    QVERIFY2(m.startsWith(QString::fromStdString(file) +
                          ": 50000×50000 pixels is more than the 40 million Gradlab decodes"),
             qPrintable(m));
    QVERIFY2(t.elapsed() < 1000, "refused from the header, not decoded");
  }

  void notAnImage() {
    const std::string text = path("notes.png");
    std::ofstream(text) << "this is not a picture\n";
    const QString m = errorOf([&] { loadOwnImage(text, {1, 28, 28}); });
    QVERIFY2(m.startsWith(QString::fromStdString(text) + ": not an image Gradlab reads (PNG, JPEG"), qPrintable(m));
    const QString none = errorOf([&] { loadOwnImage(path("none.png"), {1, 28, 28}); });
    QVERIFY2(none.startsWith(QString::fromStdString(path("none.png")) + ": no such file"), qPrintable(none));
    const QString folder = errorOf([&] { loadOwnImage(tmp_.path().toStdString(), {1, 28, 28}); });
    QVERIFY2(folder.contains("not a regular file"), qPrintable(folder));
    std::ofstream(path("empty.png"));
    const QString empty = errorOf([&] { loadOwnImage(path("empty.png"), {1, 28, 28}); });
    QVERIFY2(empty.startsWith(QString::fromStdString(path("empty.png")) + ": not an image"), qPrintable(empty));
  }

  // Networks that do not take images say what they take and what would do.
  void inputMustBeAnImage() {
    const std::string file = write("ok.png", cv::Mat(4, 4, CV_8UC1, cv::Scalar(0)));
    for (const Shape& s : {Shape{2}, Shape{20, 1}, Shape{2, 28, 28}, Shape{1, 0, 28}}) {
      const QString m = errorOf([&] { loadOwnImage(file, s); });
      QVERIFY2(m.startsWith("The network's input is " + QString::fromStdString(toString(s)) + " (not an image)"),
               qPrintable(m));
    }
    QVERIFY(takesImages({1, 28, 28}));
    QVERIFY(takesImages({3, 32, 32}));
    QVERIFY(!takesImages({784}));
  }
};

QTEST_MAIN(TestOwnImage)
#include "tst_own_image.moc"
