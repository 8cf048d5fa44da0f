// Gradlab's own GIF encoder (core/record/gif_writer.h), read back by Qt's GIF reader (an
// independent decoder): pictures of few colours come back exactly — through LZW tables that fill
// and clear, and codes that grow from 9 to 12 bits —, a smooth gradient of 65536 colours within
// a few levels, unchanged frames merge into a longer one, delays follow the frames' times.
#include <QImageReader>
#include <QTemporaryDir>
#include <QTest>
#include <random>

#include "record/gif_writer.h"
#include "util/error.h"

using namespace gradlab;

namespace {
using Picture = std::vector<uint8_t>;  // blue, green, red

// The largest difference of any channel of any pixel between a decoded frame and the picture.
int largestError(const QImage& decoded, const Picture& bgr, int w, int h) {
  const QImage img = decoded.convertToFormat(QImage::Format_RGB32);
  int worst = 0;
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const QRgb c = img.pixel(x, y);
      const uint8_t* p = &bgr[size_t(y * w + x) * 3];
      worst = std::max({worst, std::abs(qBlue(c) - p[0]), std::abs(qGreen(c) - p[1]), std::abs(qRed(c) - p[2])});
    }
  return worst;
}

struct Decoded {
  std::vector<QImage> frames;
  std::vector<int> delays;  // ms
};

Decoded decode(const QString& path) {
  Decoded d;
  QImageReader reader(path, "gif");
  QImage img;
  while (reader.read(&img)) {
    d.frames.push_back(img);
    d.delays.push_back(reader.nextImageDelay());
  }
  return d;
}
}  // namespace

class TestGifWriter : public QObject {
  Q_OBJECT
  QTemporaryDir tmp_;

 private slots:
  void fewColoursComeBackExactly() {
    // 240 colours at random over 300 × 200: random pixels fill LZW's table of 4096 codes many
    // times over (clear codes) and use every code width.
    const int w = 300, h = 200;
    std::mt19937 rng(7);
    std::vector<std::array<uint8_t, 3>> colours(240);
    for (size_t i = 0; i < colours.size(); ++i)  // distinct 5-bit bins, so no two share a palette entry
      colours[i] = {uint8_t((i % 8) * 32 + 3), uint8_t(((i / 8) % 6) * 40 + 5), uint8_t((i / 48) * 50 + 7)};
    Picture a(size_t(w) * h * 3), b;
    for (size_t i = 0; i < a.size() / 3; ++i) {
      const auto& c = colours[rng() % colours.size()];
      std::copy(c.begin(), c.end(), a.begin() + int64_t(i) * 3);
    }
    b = a;
    for (int y = 50; y < 80; ++y)  // a changed patch
      for (int x = 100; x < 170; ++x) b[size_t(y * w + x) * 3 + 1] = 245;
    const QString path = tmp_.filePath("noise.gif");
    GifWriter gif(path.toStdString(), w, h);
    gif.add(a.data(), 0.0);
    gif.add(a.data(), 0.1);  // unchanged: merged into the first frame
    gif.add(b.data(), 0.3);
    gif.finish(0.5);
    QCOMPARE(gif.frames(), 2);
    const Decoded d = decode(path);
    QCOMPARE(int(d.frames.size()), 2);
    QCOMPARE(d.frames[0].size(), QSize(w, h));
    QCOMPARE(largestError(d.frames[0], a, w, h), 0);
    QCOMPARE(largestError(d.frames[1], b, w, h), 0);  // the patch over the first frame
    QCOMPARE(d.delays[0], 300);
    QCOMPARE(d.delays[1], 200);
  }

  void gradientStaysClose() {
    const int w = 256, h = 256;
    Picture g(size_t(w) * h * 3);
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x) {
        uint8_t* p = &g[size_t(y * w + x) * 3];
        p[0] = uint8_t(x), p[1] = uint8_t(y), p[2] = uint8_t((x + y) / 2);
      }
    const QString path = tmp_.filePath("gradient.gif");
    GifWriter gif(path.toStdString(), w, h);
    gif.add(g.data(), 0);
    gif.finish(1);
    const Decoded d = decode(path);
    QCOMPARE(int(d.frames.size()), 1);
    const int err = largestError(d.frames[0], g, w, h);
    qInfo("gradient of 65536 colours: largest error %d levels", err);
    QVERIFY2(err <= 16, qPrintable(QString::number(err)));
  }

  void badInputIsAnError() {
    QVERIFY_THROWS_EXCEPTION(Error, GifWriter(tmp_.filePath("x.gif").toStdString(), 0, 10));
    QVERIFY_THROWS_EXCEPTION(Error, GifWriter(tmp_.filePath("no/such/dir/x.gif").toStdString(), 10, 10));
  }
};

QTEST_MAIN(TestGifWriter)
#include "tst_gif_writer.moc"
