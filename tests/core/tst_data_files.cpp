// Data files: CSV, safetensors datasets, Fashion-MNIST's IDX files and image folders. Good
// files load with the right values; each kind of bad input gives an Error that names the file
// and the place. Every file is written here, into a QTemporaryDir.
#include <sys/stat.h>

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>
#include <cstring>
#include <filesystem>

#include "data/catalog.h"
#include "data/csv.h"
#include "data/fashion_mnist.h"
#include "data/image_size.h"
#include "data/image_folder.h"
#include "data/tensor_file.h"
#include "io/safetensors.h"
#include "support/cli_runner.h"
#include "support/error_text.h"

using namespace gradlab;
using gradlab::test::errorOf;
using gradlab::test::writeFile;

namespace {

// ---- gzip by hand (stored deflate blocks), so that the test needs no zlib of its own ----

uint32_t crc32(const QByteArray& data) {
  uint32_t table[256];
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    table[i] = c;
  }
  uint32_t crc = 0xFFFFFFFFu;
  for (char ch : data) crc = table[(crc ^ uint8_t(ch)) & 0xFF] ^ (crc >> 8);
  return crc ^ 0xFFFFFFFFu;
}

void putLE32(QByteArray& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.append(char((v >> (8 * i)) & 0xFF));
}

QByteArray gzip(const QByteArray& data) {
  QByteArray out("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff", 10);
  qsizetype at = 0;
  do {
    const qsizetype n = std::min<qsizetype>(data.size() - at, 65535);
    const bool last = at + n == data.size();
    out.append(char(last ? 1 : 0));
    out.append(char(n & 0xFF)).append(char(n >> 8));
    out.append(char(~n & 0xFF)).append(char((~n >> 8) & 0xFF));
    out.append(data.mid(at, n));
    at += n;
  } while (at < data.size());
  putLE32(out, crc32(data));
  putLE32(out, uint32_t(data.size()));
  return out;
}

void putBE32(QByteArray& out, uint32_t v) {
  for (int i = 3; i >= 0; --i) out.append(char((v >> (8 * i)) & 0xFF));
}

// n images; pixel p of image i is (i * 7 + p) % 256.
QByteArray idxImages(uint32_t n, uint32_t side = 28, uint32_t magic = 2051, uint32_t count = 0) {
  QByteArray out;
  putBE32(out, magic);
  putBE32(out, count ? count : n);
  putBE32(out, side);
  putBE32(out, side);
  for (uint32_t i = 0; i < n; ++i)
    for (uint32_t p = 0; p < side * side; ++p) out.append(char((i * 7 + p) % 256));
  return out;
}

QByteArray idxLabels(const std::vector<uint8_t>& labels, uint32_t magic = 2049) {
  QByteArray out;
  putBE32(out, magic);
  putBE32(out, uint32_t(labels.size()));
  for (uint8_t l : labels) out.append(char(l));
  return out;
}

// ---- safetensors by hand for integer dtypes ----

QByteArray safetensorsOf(const std::string& header, const QByteArray& data) {
  QByteArray out;
  const uint64_t n = header.size();
  out.append(reinterpret_cast<const char*>(&n), 8);
  out.append(header.data(), qsizetype(header.size()));
  out.append(data);
  return out;
}

// ---- images by hand: Netpbm, which OpenCV reads ----

QByteArray pgm(int w, int h, const std::vector<uint8_t>& pixels) {
  QByteArray out = QString("P5\n%1 %2\n255\n").arg(w).arg(h).toLatin1();
  for (uint8_t p : pixels) out.append(char(p));
  return out;
}

QByteArray ppm(int w, int h, const std::vector<uint8_t>& rgb) {
  QByteArray out = QString("P6\n%1 %2\n255\n").arg(w).arg(h).toLatin1();
  for (uint8_t p : rgb) out.append(char(p));
  return out;
}

std::string str(const QString& s) { return s.toStdString(); }

}  // namespace

class TestDataFiles : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir tmp_;
  QString path(const QString& name) { return tmp_.filePath(name); }
  // Writes text to a file in the temporary folder; returns its path.
  std::string csvFile(const QString& name, const QByteArray& text) { return str(writeFile(path(name), text)); }

 private slots:
  void initTestCase() { QVERIFY(tmp_.isValid()); }

  // ---------------------------------------------------------------- CSV

  void csvClassification() {
    const std::string p = csvFile("wine.csv",
                                  "alcohol,acidity,quality\n"
                                  "9.4,0.70,5\r\n"
                                  " \"10.5\" , 0.88 ,6\n"
                                  "9.8,-1e-2,3\n"
                                  "\n\n  \n");
    const Dataset d = loadCsv(p, {.target = "quality"});
    QCOMPARE(d.name, std::string("wine"));
    QCOMPARE(d.size(), int64_t(3));
    QCOMPARE(d.xShape, (Shape{2}));
    QCOMPARE(d.x, (std::vector<float>{9.4f, 0.70f, 10.5f, 0.88f, 9.8f, -0.01f}));
    QCOMPARE(d.numClasses, 7);  // whole numbers 3..6 → classes 0..6
    QCOMPARE(d.yShape, Shape{});
    QCOMPARE(d.y, (std::vector<float>{5, 6, 3}));
    QCOMPARE(d.classNames.at(6), std::string("6"));
  }

  void csvTargetInTheMiddleAndRegression() {
    const std::string p = csvFile("houses.csv", "rooms,price,age\n3,250.5,10\n4,300,20\n");
    const Dataset d = loadCsv(p, {.target = "price"});
    QCOMPARE(d.numClasses, 0);
    QCOMPARE(d.yShape, (Shape{1}));
    QCOMPARE(d.x, (std::vector<float>{3, 10, 4, 20}));
    QCOMPARE(d.y, (std::vector<float>{250.5f, 300}));
    // No target named: the last column.
    const Dataset last = loadCsv(p, {});
    QCOMPARE(last.y, (std::vector<float>{10, 20}));
  }

  void csvClassifyFlag() {
    const std::string ints = csvFile("ints.csv", "a,b\n1,0\n2,1\n3,2\n");
    QCOMPARE(loadCsv(ints, {.target = "b", .classify = Classify::Auto}).numClasses, 3);
    const Dataset no = loadCsv(ints, {.target = "b", .classify = Classify::No});
    QCOMPARE(no.numClasses, 0);
    QCOMPARE(no.yShape, (Shape{1}));
    // Many distinct whole numbers: auto picks regression, Yes insists on classes.
    QByteArray many = "x,y\n";
    for (int i = 0; i < 30; ++i) many += QByteArray::number(i) + "," + QByteArray::number(i * 3) + "\n";
    const std::string manyPath = csvFile("many.csv", many);
    QCOMPARE(loadCsv(manyPath, {.target = "y"}).numClasses, 0);
    QCOMPARE(loadCsv(manyPath, {.target = "y", .classify = Classify::Yes}).numClasses, 88);
    // Yes with a value that is no class index names the line.
    const std::string frac = csvFile("frac.csv", "a,b\n1,0\n2,1.5\n");
    VERIFY_ERROR(errorOf([&] { loadCsv(frac, {.target = "b", .classify = Classify::Yes}); }),
                 QString::fromStdString(frac + ":3: column 'b': \"1.5\" is not a class index"));
    const std::string big = csvFile("big.csv", "a,b\n1,0\n2,1001\n");
    VERIFY_ERROR(errorOf([&] { loadCsv(big, {.target = "b", .classify = Classify::Yes}); }),
                 QString::fromStdString(big + ":3: column 'b': \"1001\" is not a class index"));
  }

  void csvTextLabelsAndQuotedCommas() {
    const std::string p = csvFile("iris.csv",
                                  "\xEF\xBB\xBF" "petal length,\"width, in cm\",species\n"
                                  "1.4,0.2,setosa\n"
                                  "4.7,1.4,\"versicolor, maybe\"\n"
                                  "1.3,0.2,setosa\n"
                                  "6.0,2.5,\"virginica \"\"big\"\"\"\n");
    const Dataset d = loadCsv(p, {.target = "species"});
    QCOMPARE(d.xShape, (Shape{2}));
    QCOMPARE(d.numClasses, 3);
    QCOMPARE(d.classNames, (std::vector<std::string>{"setosa", "versicolor, maybe", "virginica \"big\""}));
    QCOMPARE(d.y, (std::vector<float>{0, 1, 0, 2}));
    // The quoted header name with a comma is one column; with it as the target, the text
    // column becomes a feature, which must be numeric.
    VERIFY_ERROR(errorOf([&] { loadCsv(p, {.target = "width, in cm"}); }),
                 QString::fromStdString(p + ":2: column 'species': \"setosa\" is not a number"));
    VERIFY_ERROR(errorOf([&] { loadCsv(p, {.target = "species", .classify = Classify::No}); }),
                 QString::fromStdString(p + ":2: column 'species': \"setosa\" is not a number"));
  }

  void csvSemicolons() {
    const std::string p = csvFile("semi.csv", "a;b;c\n1;2;0\n3;4;1\n");
    const Dataset d = loadCsv(p, {.target = "c"});
    QCOMPARE(d.x, (std::vector<float>{1, 2, 3, 4}));
    QCOMPARE(d.numClasses, 2);
  }

  void csvErrors() {
    VERIFY_ERROR(errorOf([&] { loadCsv(str(path("nope.csv")), {}); }), path("nope.csv") + ": no such file");
    const std::string empty = csvFile("empty.csv", "");
    VERIFY_ERROR(errorOf([&] { loadCsv(empty, {}); }), QString::fromStdString(empty + ": the file is empty"));
    const std::string blank = csvFile("blank.csv", "\n  \n\n");
    VERIFY_ERROR(errorOf([&] { loadCsv(blank, {}); }), QString::fromStdString(blank + ": the file is empty"));
    const std::string noHeader = csvFile("noheader.csv", "1,2,3\n4,5,6\n");
    VERIFY_ERROR(errorOf([&] { loadCsv(noHeader, {}); }),
                 QString::fromStdString(noHeader + ":1: the first row holds numbers, not column names"));
    const std::string headerOnly = csvFile("headeronly.csv", "a,b\n\n");
    VERIFY_ERROR(errorOf([&] { loadCsv(headerOnly, {}); }),
                 QString::fromStdString(headerOnly + ": no data rows below the header"));
    const std::string one = csvFile("one.csv", "a\n1\n");
    VERIFY_ERROR(errorOf([&] { loadCsv(one, {}); }), QString::fromStdString(one + ": only one column ('a')"));
    const std::string dup = csvFile("dup.csv", "a,b,a\n1,2,3\n");
    VERIFY_ERROR(errorOf([&] { loadCsv(dup, {}); }),
                 QString::fromStdString(dup + ":1: column name 'a' appears twice (columns 1 and 3)"));
    const std::string quote = csvFile("quote.csv", "a,b\n1,2\n3,\"4\n5,6\n");
    VERIFY_ERROR(errorOf([&] { loadCsv(quote, {}); }),
                 QString::fromStdString(quote + ":3: a quoted field is never closed"));
    const std::string after = csvFile("after.csv", "a,b\n1,\"2\"x\n");
    VERIFY_ERROR(errorOf([&] { loadCsv(after, {}); }),
                 QString::fromStdString(after + ":2: field 2 has text after its closing quote"));
  }

  // Issue 16: the duplicate-name check compared every pair of columns, so a one-line header of
  // 90 000 names took minutes (the window said "Loading…" forever); now a hash set, and a cap.
  void csvWideHeadersAnswerAtOnce() {
    std::string names;
    for (int c = 0; c < 90000; ++c) names += "column" + std::to_string(c) + ",";
    const std::string dup = csvFile("wide.csv", QByteArray::fromStdString(names + "column5\n"));
    QElapsedTimer t;
    t.start();
    VERIFY_ERROR(errorOf([&] { loadCsv(dup, {}); }),
                 QString::fromStdString(dup + ":1: column name 'column5' appears twice (columns 6 and 90001)"));
    const std::string tooWide = csvFile("wider.csv", QByteArray::fromStdString(names + names + "last\n"));
    VERIFY_ERROR(errorOf([&] { loadCsv(tooWide, {}); }),
                 QString::fromStdString(tooWide + ":1: more than 100000 columns; Gradlab reads at most 100000"));
    QVERIFY2(t.elapsed() < 3000, qPrintable(QString::number(t.elapsed()) + " ms"));
  }

  // Issue 16: binary bytes and 120 KB values were echoed to the terminal.
  void csvMessagesQuoteShortPrintableExcerpts() {
    const std::string p = csvFile("binary.csv", QByteArray("a,b\n1,2\n", 8) + QByteArray(120000, 'z') +
                                                    QByteArray("\x1b[31m\xff,1\n", 10));
    const QString e = errorOf([&] { loadCsv(p, {}); });
    QCOMPARE(e, QString::fromStdString(p + ":3: column 'a': \"" + std::string(40, 'z') + "…\" is not a number"));
    const std::string bin = csvFile("binary2.csv", QByteArray("a,b\n\x1b[31m\xff,1\n", 14));
    QCOMPARE(errorOf([&] { loadCsv(bin, {}); }),
             QString::fromStdString(bin + ":2: column 'a': \"\\x1B[31m\\xFF\" is not a number"));
  }

  void csvUnknownTargetListsColumns() {
    const std::string p = csvFile("data.csv", "alcohol,acidity,quality\n9.4,0.7,5\n");
    QCOMPARE(errorOf([&] { loadCsv(p, {.target = "qualty"}); }),
             QString::fromStdString(p + ": no column named 'qualty'; the columns are: alcohol, acidity, quality"));
  }

  void csvRaggedAndNonNumberRows() {
    // Line 17: 1 header line + 15 good rows before it.
    QByteArray good = "alcohol,acidity,sugar,quality\n";
    for (int i = 0; i < 15; ++i) good += "9.4,0.7,1.9,5\n";
    const std::string ragged = csvFile("data.csv", good + "9.4,0.7,5\n9.4,0.7,1.9,5\n");
    QCOMPARE(errorOf([&] { loadCsv(ragged, {.target = "quality"}); }),
             QString::fromStdString(ragged + ":17: row has 3 values, the header has 4 columns"));
    const std::string abc = csvFile("abc/data.csv", good + "abc,0.7,1.9,5\n");
    QCOMPARE(errorOf([&] { loadCsv(abc, {.target = "quality"}); }),
             QString::fromStdString(abc + ":17: column 'alcohol': \"abc\" is not a number"));
    // A quoted comma keeps the field whole: "1,5" is one (non-numeric) value, not two.
    const std::string comma = csvFile("comma.csv", good + "\"1,5\",0.7,1.9,5\n");
    QCOMPARE(errorOf([&] { loadCsv(comma, {.target = "quality"}); }),
             QString::fromStdString(comma + ":17: column 'alcohol': \"1,5\" is not a number"));
    const std::string missing = csvFile("missing.csv", good + "9.4,,1.9,5\n");
    VERIFY_ERROR(errorOf([&] { loadCsv(missing, {.target = "quality"}); }),
                 QString::fromStdString(missing + ":17: column 'acidity' is empty"));
    const std::string nan = csvFile("nan.csv", good + "9.4,nan,1.9,5\n");
    VERIFY_ERROR(errorOf([&] { loadCsv(nan, {.target = "quality"}); }),
                 QString::fromStdString(nan + ":17: column 'acidity': \"nan\" is not a finite number"));
    // A multi-line quoted field: later rows keep their true line numbers.
    const std::string multi = csvFile("multi.csv", "a,b\n\"1\n\",2\n3,4,5\n");
    VERIFY_ERROR(errorOf([&] { loadCsv(multi, {.target = "b"}); }),
                 QString::fromStdString(multi + ":2: column 'a': \"1\\x0A\" is not a number"));
    const std::string multi2 = csvFile("multi2.csv", "a,b\n1,\"x\ny\"\n3,4,5\n");
    VERIFY_ERROR(errorOf([&] { loadCsv(multi2, {.target = "b"}); }),
                 QString::fromStdString(multi2 + ":4: row has 3 values"));
  }

  // ---------------------------------------------------------------- safetensors datasets

  void tensorFileClassification() {
    // x F32 [4, 2, 3], y I64 [4] as PyTorch writes class indices.
    std::vector<float> x(24);
    for (size_t i = 0; i < x.size(); ++i) x[i] = float(i) / 8;
    const int64_t y[4] = {2, 0, 1, 2};
    QByteArray data(reinterpret_cast<const char*>(x.data()), 96);
    data.append(reinterpret_cast<const char*>(y), 32);
    const QString p = writeFile(path("d.safetensors"),
                                safetensorsOf(R"({"x":{"dtype":"F32","shape":[4,2,3],"data_offsets":[0,96]},)"
                                              R"("y":{"dtype":"I64","shape":[4],"data_offsets":[96,128]}})",
                                              data));
    const Dataset d = loadTensorFile(str(p));
    QCOMPARE(d.name, std::string("d"));
    QCOMPARE(d.size(), int64_t(4));
    QCOMPARE(d.xShape, (Shape{2, 3}));
    QCOMPARE(d.x, x);
    QCOMPARE(d.numClasses, 3);
    QCOMPARE(d.y, (std::vector<float>{2, 0, 1, 2}));
    QCOMPARE(loadTensorFile(str(p), {.classify = Classify::No}).yShape, (Shape{1}));
  }

  void tensorFileRegression() {
    const QString p = path("r.safetensors");
    TensorMap m;
    m["x"] = {{3}, DType::F32, {1, 2, 3}};
    m["y"] = {{3, 2}, DType::F64, {0.5, 1, 1.5, 2, 2.5, 3}};
    writeSafetensors(str(p), m);
    const Dataset d = loadTensorFile(str(p));
    QCOMPARE(d.xShape, (Shape{1}));
    QCOMPARE(d.yShape, (Shape{2}));
    QCOMPARE(d.numClasses, 0);
    QCOMPARE(d.y, (std::vector<float>{0.5f, 1, 1.5f, 2, 2.5f, 3}));
    // y [N] with fractions: regression with one value per sample; Yes refuses it.
    m["y"] = {{3}, DType::F32, {0.5, 1, 2}};
    writeSafetensors(str(p), m);
    QCOMPARE(loadTensorFile(str(p)).yShape, (Shape{1}));
    QCOMPARE(errorOf([&] { loadTensorFile(str(p), {.classify = Classify::Yes}); }),
             p + ": tensor \"y\": sample 0 is 0.500000, not a class index; classification needs whole numbers "
                 "0–1000 (or use regression)");
  }

  void tensorFileErrors() {
    const QString p = path("bad.safetensors");
    TensorMap m;
    m["x"] = {{3, 2}, DType::F32, {1, 2, 3, 4, 5, 6}};
    m["labels"] = {{3}, DType::F32, {0, 1, 0}};
    writeSafetensors(str(p), m);
    QCOMPARE(errorOf([&] { loadTensorFile(str(p)); }),
             p + ": no tensor named \"y\" (the file holds \"labels\" [3], \"x\" [3, 2]); a dataset file holds x [N, …] and "
                 "y [N] or [N, k]");
    m.erase("x");
    m["y"] = {{3}, DType::F32, {0, 1, 0}};
    writeSafetensors(str(p), m);
    VERIFY_ERROR(errorOf([&] { loadTensorFile(str(p)); }), p + ": no tensor named \"x\"");
    m["x"] = {{2, 2}, DType::F32, {1, 2, 3, 4}};
    writeSafetensors(str(p), m);
    QCOMPARE(errorOf([&] { loadTensorFile(str(p)); }),
             p + ": x [2, 2] holds 2 samples but y [3] holds 3; both need the same first extent N");
    m["x"] = {{3, 1}, DType::F32, {1, std::nan(""), 3}};
    writeSafetensors(str(p), m);
    VERIFY_ERROR(errorOf([&] { loadTensorFile(str(p)); }), p + ": tensor \"x\": element 1 is nan");
    m["x"] = {{3, 1}, DType::F32, {1, 2, 3}};
    m["y"] = {{3, 1, 1}, DType::F32, {0, 1, 0}};
    writeSafetensors(str(p), m);
    VERIFY_ERROR(errorOf([&] { loadTensorFile(str(p)); }), p + ": tensor \"y\" is [3, 1, 1]; it must be [N]");
    // A broken file reports the safetensors error with the file's name.
    writeFile(p, QByteArray("\x02\x00\x00\x00\x00\x00\x00\x00{]", 10));
    VERIFY_ERROR(errorOf([&] { loadTensorFile(str(p)); }), p + " (header):1:2: not valid JSON");
  }

  // ---------------------------------------------------------------- Fashion-MNIST (IDX)

  void idxPairLoads() {
    const QString images = writeFile(path("idx/images.gz"), gzip(idxImages(3)));
    const QString labels = writeFile(path("idx/labels.gz"), gzip(idxLabels({0, 9, 3})));
    const Dataset d = loadIdxPair(str(images), str(labels));
    QCOMPARE(d.size(), int64_t(3));
    QCOMPARE(d.xShape, (Shape{1, 28, 28}));
    QCOMPARE(d.numClasses, 10);
    QCOMPARE(d.classNames.at(0), std::string("T-shirt/top"));
    QCOMPARE(d.classNames.at(9), std::string("Ankle boot"));
    QCOMPARE(d.y, (std::vector<float>{0, 9, 3}));
    for (int i = 0; i < 3; ++i)
      for (int p : {0, 1, 300, 783}) QCOMPARE(d.x[size_t(i * 784 + p)], float((i * 7 + p) % 256) / 255.0f);
    const Dataset limited = loadIdxPair(str(images), str(labels), 2);
    QCOMPARE(limited.size(), int64_t(2));
    QCOMPARE(limited.y, (std::vector<float>{0, 9}));
  }

  void fashionFolderOverride() {
    const QString dir = path("fmnist");
    writeFile(dir + "/train-images-idx3-ubyte.gz", gzip(idxImages(5)));
    writeFile(dir + "/train-labels-idx1-ubyte.gz", gzip(idxLabels({1, 2, 3, 4, 5})));
    writeFile(dir + "/t10k-images-idx3-ubyte", idxImages(2));  // uncompressed works too
    writeFile(dir + "/t10k-labels-idx1-ubyte", idxLabels({7, 8}));
    const Split s = loadFashionMnist({.dir = str(dir)});
    QCOMPARE(s.train.size(), int64_t(5));
    QCOMPARE(s.test.size(), int64_t(2));
    QCOMPARE(s.test.y, (std::vector<float>{7, 8}));
    const Split small = loadFashionMnist({.dir = str(dir), .limit = 3});
    QCOMPARE(small.train.size(), int64_t(3));
    QCOMPARE(small.test.size(), int64_t(2));
    // Through the catalogue, with the folder override.
    const Split c = loadBuiltin("fashion-mnist", {.limit = 4, .dataDir = str(dir)});
    QCOMPARE(c.train.size(), int64_t(4));
    QCOMPARE(c.train.y, (std::vector<float>{1, 2, 3, 4}));  // its own split, in file order
  }

  void fashionMissing() {
    const QString none = path("no-such-folder");
    const QString e = errorOf([&] { loadFashionMnist({.dir = str(none)}); });
    VERIFY_ERROR(e, "Fashion-MNIST: the folder " + none + " does not exist");
    QVERIFY2(e.contains("apt-get install dataset-fashion-mnist"), qPrintable(e));
    const QString half = path("fmnist-half");
    writeFile(half + "/train-images-idx3-ubyte.gz", gzip(idxImages(1)));
    const QString e2 = errorOf([&] { loadFashionMnist({.dir = str(half)}); });
    VERIFY_ERROR(e2, "Fashion-MNIST: " + half + "/train-labels-idx1-ubyte.gz is missing");
    QVERIFY2(e2.contains("apt-get install dataset-fashion-mnist"), qPrintable(e2));
  }

  void idxErrors() {
    const QString images = writeFile(path("e/images.gz"), gzip(idxImages(3)));
    const QString labels = writeFile(path("e/labels.gz"), gzip(idxLabels({0, 1, 2})));
    auto load = [&](const QString& i, const QString& l) { return errorOf([&] { loadIdxPair(str(i), str(l)); }); };

    // Swapped files: wrong magic.
    VERIFY_ERROR(load(labels, images), labels + ": magic number 2049, expected 2051 (an IDX image file); that is a "
                                                "label file, not an image file");
    const QString junk = writeFile(path("e/junk.gz"), gzip(QByteArray(64, 'j')));
    VERIFY_ERROR(load(images, junk), junk + ": magic number 1785358954, expected 2049 (an IDX label file)");
    // Counts disagree.
    const QString two = writeFile(path("e/two.gz"), gzip(idxLabels({0, 1})));
    QCOMPARE(load(images, two), images + " holds 3 images but " + two + " holds 2 labels; the two files must belong "
                                                                         "together");
    // A header cut short.
    const QString stub = writeFile(path("e/stub.gz"), gzip(idxImages(0).left(10)));
    QCOMPARE(load(stub, labels), stub + ": the file ends inside its 16-byte header; it is truncated — reinstall it or "
                                        "fetch it again");
    // A label that is no class.
    const QString eleven = writeFile(path("e/eleven.gz"), gzip(idxLabels({0, 11, 2})));
    QCOMPARE(load(images, eleven), eleven + ": label 11 of sample 1 is not a Fashion-MNIST class (0–9); the file is "
                                            "corrupt");
    // Wrong image size.
    const QString big = writeFile(path("e/big.gz"), gzip(idxImages(3, 32)));
    QCOMPARE(load(big, labels), big + ": images are 32×32, Fashion-MNIST's are 28×28");
    // The header promises more images than the (plain) file holds.
    QByteArray shortIdx = idxImages(2, 28, 2051, 3);
    const QString truncatedPlain = writeFile(path("e/short-images"), shortIdx);
    VERIFY_ERROR(load(truncatedPlain, labels), truncatedPlain + ": the file ends in image 2 of the 3 its header announces; it is truncated");
    // A gzip stream cut short.
    const QByteArray gz = gzip(idxImages(3));
    const QString cut = writeFile(path("e/cut.gz"), gz.left(gz.size() / 2));
    VERIFY_ERROR(load(cut, labels), cut + ": the file ends in image 1 of the 3 its header announces (gzip: "
                                          "unexpected end of file); it is truncated");
    // A flipped byte: the gzip checksum no longer holds.
    QByteArray flipped = gz;
    flipped[1000] = char(flipped[1000] ^ 0x55);
    const QString bad = writeFile(path("e/flipped.gz"), flipped);
    VERIFY_ERROR(load(bad, labels), bad + ": corrupt or truncated gzip data (incorrect data check)");
    // A broken deflate block header.
    QByteArray broken = gz;
    broken[13] = char(broken[13] ^ 0x01);  // NLEN no longer the complement of LEN
    const QString badBlock = writeFile(path("e/block.gz"), broken);
    VERIFY_ERROR(load(badBlock, labels), badBlock + ": corrupt or truncated gzip data");
    // More data than announced.
    const QString longer = writeFile(path("e/longer.gz"), gzip(idxLabels({0, 1, 2}) + "x"));
    VERIFY_ERROR(load(images, longer), longer + ": more data follows the last label than its header announces");
    VERIFY_ERROR(load(path("e/none.gz"), labels), path("e/none.gz") + ": cannot open");
  }

  // Issue 16: a 2 MB gzip of labels whose header announced 2^32 - 1 grew to 2.3 GB before
  // std::bad_alloc with no file named. The count is capped, and labels and images are read
  // together: a header that announces more than the file holds fails at its first block.
  void idxBombsAreRefusedBeforeTheyGrow() {
    auto load = [&](const QString& i, const QString& l) { return errorOf([&] { loadIdxPair(str(i), str(l)); }); };
    QByteArray hugeLabels;
    putBE32(hugeLabels, 2049);
    putBE32(hugeLabels, 0xFFFFFFFFu);
    hugeLabels.append(QByteArray(2 << 20, '\0'));
    const QString labels = writeFile(path("b/labels.gz"), gzip(hugeLabels));
    const QString images = writeFile(path("b/images.gz"), gzip(idxImages(3, 28, 2051, 0xFFFFFFFFu)));
    VERIFY_ERROR(load(images, labels), images + ": its header announces 4294967295 images; Gradlab reads at most 1048576");
    // Within the cap, the labels run far ahead of the images: it stops at the first image block.
    QByteArray manyLabels;
    putBE32(manyLabels, 2049);
    putBE32(manyLabels, 1000000);
    manyLabels.append(QByteArray(1000000, '\0'));
    const QString many = writeFile(path("b/many.gz"), gzip(manyLabels));
    const QString few = writeFile(path("b/few.gz"), gzip(idxImages(3, 28, 2051, 1000000)));
    VERIFY_ERROR(load(few, many), few + ": the file ends in image 3 of the 1000000 its header announces");
  }

  void realFashionMnist() {
    const std::string dir = defaultFashionMnistDir();
    if (!std::filesystem::exists(dir + "/train-images-idx3-ubyte.gz"))
      QSKIP("dataset-fashion-mnist is not installed; the real files are not checked");
    QElapsedTimer timer;
    timer.start();
    const Split s = loadFashionMnist();
    qInfo("Fashion-MNIST: 60000 + 10000 images loaded in %lld ms", timer.elapsed());
    QCOMPARE(s.train.size(), int64_t(60000));
    QCOMPARE(s.test.size(), int64_t(10000));
    // Balanced: 6000 and 1000 per class.
    std::vector<int> trainCount(10), testCount(10);
    for (float y : s.train.y) ++trainCount[size_t(y)];
    for (float y : s.test.y) ++testCount[size_t(y)];
    QCOMPARE(trainCount, std::vector<int>(10, 6000));
    QCOMPARE(testCount, std::vector<int>(10, 1000));
    QCOMPARE(s.train.y[0], 9.0f);  // the first training image is an ankle boot
    float lo = 1, hi = 0;
    double sum = 0;
    for (float v : s.train.x) {
      lo = std::min(lo, v);
      hi = std::max(hi, v);
      sum += v;
    }
    QCOMPARE(lo, 0.0f);
    QCOMPARE(hi, 1.0f);
    const double mean = sum / double(s.train.x.size());
    QVERIFY2(std::abs(mean - 0.2860) < 0.001, qPrintable(QString::number(mean)));  // the known pixel mean
  }

  // ---------------------------------------------------------------- image folders

  void imageFolderLoads() {
    const QString dir = path("shapes");
    // Class "b" (sorted second) before "a" on disk; 4×4 grayscale images, area-averaged to 2×2.
    writeFile(dir + "/b/one.pgm", pgm(4, 4, {0, 0, 255, 255, 0, 0, 255, 255, 100, 100, 50, 50, 100, 100, 50, 50}));
    writeFile(dir + "/a/z.pgm", pgm(2, 2, {10, 20, 30, 40}));
    writeFile(dir + "/a/y.pgm", pgm(2, 2, {0, 0, 0, 255}));
    writeFile(dir + "/a/README.txt", "not an image");  // skipped: no image extension
    writeFile(dir + "/a/.hidden.pgm", "garbage");       // skipped: hidden
    writeFile(dir + "/.thumbnails/t.pgm", "garbage");   // skipped: hidden folder
    const Dataset d = loadImageFolder(str(dir), {.width = 2, .height = 2, .channels = 1});
    QCOMPARE(d.name, std::string("shapes"));
    QCOMPARE(d.classNames, (std::vector<std::string>{"a", "b"}));
    QCOMPARE(d.numClasses, 2);
    QCOMPARE(d.xShape, (Shape{1, 2, 2}));
    QCOMPARE(d.size(), int64_t(3));
    QCOMPARE(d.y, (std::vector<float>{0, 0, 1}));
    const std::vector<float> expected{0, 0, 0, 1,                                      // a/y.pgm
                                      10 / 255.f, 20 / 255.f, 30 / 255.f, 40 / 255.f,  // a/z.pgm
                                      0, 1, 100 / 255.f, 50 / 255.f};                  // b/one.pgm shrunk
    QCOMPARE(d.x.size(), expected.size());
    for (size_t i = 0; i < expected.size(); ++i) QVERIFY2(std::abs(d.x[i] - expected[i]) < 1e-6, qPrintable(QString::number(i)));
    // limitPerClass keeps the first by name.
    QCOMPARE(loadImageFolder(str(dir), {.width = 2, .height = 2, .channels = 1, .limitPerClass = 1}).size(), int64_t(2));
    // Default size is 28×28.
    QCOMPARE(loadImageFolder(str(dir)).xShape, (Shape{1, 28, 28}));
  }

  void imageFolderRgbAndGray() {
    const QString dir = path("colours");
    // One pixel each: pure red, then pure blue (PPM stores RGB).
    writeFile(dir + "/red/r.ppm", ppm(1, 1, {255, 0, 0}));
    writeFile(dir + "/blue/b.PPM", ppm(1, 1, {0, 0, 255}));
    const Dataset rgb = loadImageFolder(str(dir), {.width = 1, .height = 1, .channels = 3});
    QCOMPARE(rgb.classNames, (std::vector<std::string>{"blue", "red"}));
    QCOMPARE(rgb.xShape, (Shape{3, 1, 1}));
    QCOMPARE(rgb.x, (std::vector<float>{0, 0, 1, 1, 0, 0}));  // blue = (0, 0, 1), red = (1, 0, 0): RGB order
    const Dataset gray = loadImageFolder(str(dir), {.width = 1, .height = 1, .channels = 1});
    QCOMPARE(gray.xShape, (Shape{1, 1, 1}));
    // OpenCV's luma: 0.114·B and 0.299·R.
    QVERIFY2(std::abs(gray.x[0] - 29 / 255.f) < 1.5f / 255, qPrintable(QString::number(gray.x[0] * 255)));
    QVERIFY2(std::abs(gray.x[1] - 76 / 255.f) < 1.5f / 255, qPrintable(QString::number(gray.x[1] * 255)));
    // A single image, as a user's own photo is classified.
    const std::vector<float> one = loadImage(str(dir + "/red/r.ppm"), {.width = 2, .height = 2, .channels = 3});
    QCOMPARE(one, (std::vector<float>{1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0}));
  }

  void imageFolderErrors() {
    VERIFY_ERROR(errorOf([&] { loadImageFolder(str(path("nothing-here"))); }), path("nothing-here") + ": no such folder");
    const QString file = writeFile(path("file.png"), "x");
    VERIFY_ERROR(errorOf([&] { loadImageFolder(str(file)); }), file + ": not a folder");
    const QString flat = path("flat");
    writeFile(flat + "/a.pgm", pgm(1, 1, {0}));
    VERIFY_ERROR(errorOf([&] { loadImageFolder(str(flat)); }), flat + ": no class sub-folders");
    const QString withEmpty = path("withempty");
    writeFile(withEmpty + "/cat/1.pgm", pgm(1, 1, {0}));
    writeFile(withEmpty + "/dog/notes.txt", "no images here");
    QCOMPARE(errorOf([&] { loadImageFolder(str(withEmpty)); }),
             withEmpty + "/dog: class 'dog' holds no images (.png, .jpg, …); add some or remove the folder");
    const QString broken = path("broken");
    writeFile(broken + "/cat/1.pgm", pgm(1, 1, {0}));
    writeFile(broken + "/cat/2.png", "this is not a PNG");
    writeFile(broken + "/dog/1.pgm", pgm(1, 1, {0}));
    VERIFY_ERROR(errorOf([&] { loadImageFolder(str(broken)); }),
                 broken + "/cat/2.png: OpenCV cannot read this image");
    VERIFY_ERROR(errorOf([&] { loadImageFolder(str(broken), {.channels = 2}); }), broken + ": 2 channels asked");
    VERIFY_ERROR(errorOf([&] { loadImage(str(path("none.png"))); }), path("none.png") + ": no such image file");
    // Issue 16: one class folder suggested "give it 1 units", which validation then rejected.
    const QString single = path("single");
    writeFile(single + "/cat/1.pgm", pgm(1, 1, {0}));
    VERIFY_ERROR(errorOf([&] { loadImageFolder(str(single)); }),
                 single + ": only one class sub-folder ('cat'); a classifier needs at least two");
    // Issue 16: a FIFO named like an image blocked the loader (and the window) for ever.
    const QString piped = path("piped");
    writeFile(piped + "/cat/1.pgm", pgm(1, 1, {0}));
    writeFile(piped + "/dog/1.pgm", pgm(1, 1, {0}));
    QCOMPARE(::mkfifo(str(piped + "/dog/2.png").c_str(), 0600), 0);
    VERIFY_ERROR(errorOf([&] { loadImageFolder(str(piped)); }), piped + "/dog/2.png: not a regular file");
  }

  // Issue 16: a 125 KB PNG of 32000×32000 pixels decoded to 1 GB per image. The header is read
  // first (PNG, JPEG, BMP, GIF, Netpbm) and more than kMaxImagePixels is refused before decoding.
  void imageHeadersAreCheckedBeforeDecoding() {
    QByteArray png("\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR", 16);
    putBE32(png, 32000);
    putBE32(png, 32000);
    png.append(QByteArray("\x08\0\0\0", 4));
    QByteArray jpeg("\xFF\xD8\xFF\xE0\0\x10JFIF\0\x01\x01\0\0\x01\0\x01\0\0\xFF\xC0\0\x11\x08", 25);
    jpeg.append(QByteArray("\x7D\0\x9C\x40", 4));  // height 32000, width 40000
    QByteArray gif("GIF89a\x40\x01\xF0\0", 10);   // 320 × 240
    QByteArray bmp(26, '\0');
    bmp[0] = 'B', bmp[1] = 'M';
    bmp[18] = char(0x80), bmp[19] = char(0x02);         // width 640
    bmp[22] = char(0x20), bmp[23] = char(0xFE), bmp[24] = char(0xFF), bmp[25] = char(0xFF);  // height -480
    const QByteArray pgmHead = "P5\n# a comment\n40000 30000\n255\n";
    struct Case { const char* name; QByteArray bytes; int64_t w, h; };
    for (const Case& c : {Case{"a.png", png, 32000, 32000}, Case{"a.jpg", jpeg, 40000, 32000},
                          Case{"a.gif", gif, 320, 240}, Case{"a.bmp", bmp, 640, 480},
                          Case{"a.pgm", pgmHead, 40000, 30000}}) {
      const QString f = writeFile(path(QString("sizes/") + c.name), c.bytes);
      const auto size = readImageSize(str(f));
      QVERIFY2(size && size->width == c.w && size->height == c.h, c.name);
    }
    const QString bombs = path("bombs");
    writeFile(bombs + "/cat/1.pgm", pgm(1, 1, {0}));
    writeFile(bombs + "/dog/huge.png", png);
    VERIFY_ERROR(errorOf([&] { loadImageFolder(str(bombs)); }),
                 bombs + "/dog/huge.png: 32000×32000 pixels is more than the 40 million Gradlab decodes");
    QVERIFY(!readImageSize(str(writeFile(path("sizes/x.txt"), "plain text"))));
  }

  // ---------------------------------------------------------------- the catalogue's file dispatch

  void loadDataFileDispatches() {
    const std::string csv = csvFile("cat/points.csv", "x,y,label\n0,0,0\n1,1,1\n2,2,0\n3,3,1\n4,4,0\n");
    const Split c = loadDataFile(csv, {.testFraction = 0.4, .target = "label"});
    QCOMPARE(c.train.size(), int64_t(3));
    QCOMPARE(c.test.size(), int64_t(2));
    QCOMPARE(c.train.numClasses, 2);
    QCOMPARE(loadDataset(csv, {.target = "label"}).train.xShape, (Shape{2}));

    TensorMap m;
    m["x"] = {{10, 1}, DType::F32, std::vector<double>(10, 1.0)};
    m["y"] = {{10}, DType::F32, {0, 1, 2, 0, 1, 2, 0, 1, 2, 0}};
    const QString st = path("cat/t.safetensors");
    writeSafetensors(str(st), m);
    const Split t = loadDataFile(str(st), {});
    QCOMPARE(t.test.size(), int64_t(2));
    QCOMPARE(t.train.numClasses, 3);

    const QString folder = path("cat/images");
    writeFile(folder + "/x/1.pgm", pgm(1, 1, {0}));
    writeFile(folder + "/y/1.pgm", pgm(1, 1, {255}));
    const Split f = loadDataFile(str(folder), {.testFraction = 0, .imageWidth = 3, .imageHeight = 5});
    QCOMPARE(f.train.xShape, (Shape{1, 5, 3}));
    QCOMPARE(f.train.size(), int64_t(2));

    const QString txt = writeFile(path("cat/data.txt"), "1 2 3");
    VERIFY_ERROR(errorOf([&] { loadDataFile(str(txt), {}); }), txt + ": unknown kind of data file \".txt\"");
    VERIFY_ERROR(errorOf([&] { loadDataFile(str(path("cat/gone.csv")), {}); }),
                 path("cat/gone.csv") + ": no such file or folder");
  }
};

QTEST_GUILESS_MAIN(TestDataFiles)
#include "tst_data_files.moc"
