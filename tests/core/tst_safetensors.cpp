// safetensors: byte layout, round trips, the dtypes we read, PyTorch reading our files and we
// reading PyTorch's, and one test per kind of hostile file (each error names file and place).
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>
#include <cstring>

#include "io/safetensors.h"
#include "support/cli_runner.h"
#include "support/error_text.h"

using namespace gradlab;
using gradlab::test::errorOf;

namespace {

// A file: 8-byte little-endian header length, the header, the data.
std::vector<char> fileOf(const std::string& header, const std::vector<char>& data = {}) {
  const uint64_t n = header.size();
  std::vector<char> out(8 + header.size() + data.size());
  std::memcpy(out.data(), &n, 8);
  std::copy(header.begin(), header.end(), out.begin() + 8);
  std::copy(data.begin(), data.end(), out.begin() + 8 + std::ptrdiff_t(header.size()));
  return out;
}

template <typename T>
std::vector<char> bytesOf(std::initializer_list<T> values) {
  std::vector<char> out(values.size() * sizeof(T));
  std::memcpy(out.data(), values.begin(), out.size());
  return out;
}

QString parseError(const std::string& header, const std::vector<char>& data = {}) {
  return errorOf([&] { parseSafetensors(fileOf(header, data), "w.safetensors"); });
}

QString python() { return QStringLiteral("/usr/bin/python3"); }

bool haveTorch() {
  static const bool have = [] {
    QProcess p;
    p.start(python(), {"-c", "import torch"});
    return p.waitForFinished(60000) && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
  }();
  return have;
}

// Runs a Python script; returns its stdout, or fails the test with its stderr.
QString runPython(const QString& script, const QStringList& args, bool* ok) {
  QProcess p;
  p.start(python(), QStringList{"-c", script} + args);
  *ok = p.waitForFinished(120000) && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
  const QString out = QString::fromUtf8(p.readAllStandardOutput());
  if (!*ok) qWarning().noquote() << "python failed:" << p.readAllStandardError();
  return out;
}

}  // namespace

class TestSafetensors : public QObject {
  Q_OBJECT

 private slots:
  void layoutMatchesThePythonLibrary() {
    TensorMap m;
    m["b"] = {{2}, DType::F32, {1.5, -2}};
    m["a"] = {{1}, DType::F64, {0.25}};
    const std::vector<char> bytes = serializeSafetensors(m);
    uint64_t n = 0;
    std::memcpy(&n, bytes.data(), 8);
    QCOMPARE(n % 8, uint64_t(0));
    const std::string header(bytes.data() + 8, n);
    // Sorted names, dtype/shape/data_offsets in that order, spaces as padding.
    const std::string json =
        R"({"a":{"dtype":"F64","shape":[1],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}})";
    QCOMPARE(QString::fromStdString(header.substr(0, json.size())), QString::fromStdString(json));
    QCOMPARE(QString::fromStdString(header.substr(json.size())), QString(int(n - json.size()), ' '));
    QCOMPARE(bytes.size(), size_t(8 + n + 16));
    double a;
    std::memcpy(&a, bytes.data() + 8 + n, 8);
    QCOMPARE(a, 0.25);
    float b[2];
    std::memcpy(b, bytes.data() + 8 + n + 8, 8);
    QCOMPARE(b[0], 1.5f);
    QCOMPARE(b[1], -2.0f);
  }

  void roundTrip() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    TensorMap m;
    m["h1.weight"] = {{3, 2}, DType::F32, {1, 2, 3, 4, 5, 6.5}};
    m["h1.bias"] = {{3}, DType::F64, {0.1, -0.2, 1e-300}};
    m["scalar"] = {{}, DType::F32, {42}};
    m["empty"] = {{0, 4}, DType::F32, {}};
    m["name with \"quote\""] = {{1}, DType::F32, {7}};
    const std::string path = dir.filePath("w.safetensors").toStdString();
    writeSafetensors(path, m, {{"format", "pt"}, {"gradlab", "1"}});
    const TensorMap r = readSafetensors(path);
    QCOMPARE(r.size(), m.size());
    for (const auto& [name, t] : m) {
      QVERIFY2(r.count(name), name.c_str());
      const HostTensor& u = r.at(name);
      QCOMPARE(u.shape, t.shape);
      QCOMPARE(u.dtype, t.dtype);
      QCOMPARE(u.values.size(), t.values.size());
      for (size_t i = 0; i < t.values.size(); ++i)
        QCOMPARE(u.values[i], t.dtype == DType::F32 ? double(float(t.values[i])) : t.values[i]);
    }
    const auto meta = parseSafetensorsMetadata(serializeSafetensors(m, {{"format", "pt"}}), "x");
    QCOMPARE(meta.size(), size_t(1));
    QCOMPARE(QString::fromStdString(meta.at("format")), QString("pt"));
  }

  void readsEveryDtype() {
    // F16 1.5 = 0x3E00, -2 = 0xC000; BF16 1.5 = 0x3FC0; then I64, I32, I16, I8, U8, BOOL.
    const std::string header =
        R"({"f16":{"dtype":"F16","shape":[2],"data_offsets":[0,4]},)"
        R"("bf16":{"dtype":"BF16","shape":[1],"data_offsets":[4,6]},)"
        R"("i8":{"dtype":"I8","shape":[2],"data_offsets":[6,8]},)"
        R"("i64":{"dtype":"I64","shape":[1],"data_offsets":[8,16]},)"
        R"("i32":{"dtype":"I32","shape":[1],"data_offsets":[16,20]},)"
        R"("i16":{"dtype":"I16","shape":[1],"data_offsets":[20,22]},)"
        R"("u8":{"dtype":"U8","shape":[1],"data_offsets":[22,23]},)"
        R"("b":{"dtype":"BOOL","shape":[1],"data_offsets":[23,24]}})";
    std::string bytes;
    auto add = [&](const std::vector<char>& b) { bytes.append(b.data(), b.size()); };
    add(bytesOf<uint16_t>({0x3E00, 0xC000}));
    add(bytesOf<uint16_t>({0x3FC0}));
    add(bytesOf<int8_t>({-7, 100}));
    add(bytesOf<int64_t>({-123456789012LL}));
    add(bytesOf<int32_t>({-5}));
    add(bytesOf<int16_t>({-300}));
    add(bytesOf<uint8_t>({255}));
    add(bytesOf<uint8_t>({1}));
    const std::vector<char> data(bytes.begin(), bytes.end());
    const TensorMap m = parseSafetensors(fileOf(header, data), "d.safetensors");
    QCOMPARE(m.at("f16").values, (std::vector<double>{1.5, -2}));
    QCOMPARE(m.at("bf16").values, (std::vector<double>{1.5}));
    QCOMPARE(m.at("i8").values, (std::vector<double>{-7, 100}));
    QCOMPARE(m.at("i64").values, (std::vector<double>{-123456789012.0}));
    QCOMPARE(m.at("i32").values, (std::vector<double>{-5}));
    QCOMPARE(m.at("i16").values, (std::vector<double>{-300}));
    QCOMPARE(m.at("u8").values, (std::vector<double>{255}));
    QCOMPARE(m.at("b").values, (std::vector<double>{1}));
  }

  void pytorchReadsOurFile() {
    if (!haveTorch()) QSKIP("/usr/bin/python3 has no torch; PyTorch interoperability not checked");
    QTemporaryDir dir;
    TensorMap m;
    m["fc.weight"] = {{2, 3}, DType::F32, {1, 2, 3, 4, 5, 6}};
    m["fc.bias"] = {{2}, DType::F32, {0.5, -0.5}};
    m["extra"] = {{2}, DType::F64, {0.125, 3}};
    const QString path = dir.filePath("fc.safetensors");
    writeSafetensors(path.toStdString(), m, {{"format", "pt"}});
    // An independent reader (the safetensors package is not installed): header, then
    // torch.frombuffer per tensor; then load_state_dict into nn.Linear and run it.
    const QString script = R"(
import json, struct, sys, torch
raw = open(sys.argv[1], 'rb').read()
n = struct.unpack('<Q', raw[:8])[0]
assert n % 8 == 0, n
header = json.loads(raw[8:8 + n])
assert header.pop('__metadata__') == {'format': 'pt'}
types = {'F32': torch.float32, 'F64': torch.float64}
t = {}
for name, e in header.items():
    b, end = e['data_offsets']
    t[name] = torch.frombuffer(bytearray(raw[8 + n + b:8 + n + end]), dtype=types[e['dtype']]).reshape(e['shape'])
fc = torch.nn.Linear(3, 2)
fc.load_state_dict({'weight': t['fc.weight'], 'bias': t['fc.bias']})
y = fc(torch.tensor([[1.0, 0.0, -1.0]]))
print(' '.join('%g' % v for v in y.flatten().tolist()), t['extra'].dtype, '%g' % t['extra'][0])
)";
    bool ok = false;
    const QString out = runPython(script, {path}, &ok);
    QVERIFY(ok);
    // W·[1, 0, −1] + b = [1 − 3 + 0.5, 4 − 6 − 0.5]
    QCOMPARE(out.trimmed(), QString("-1.5 -2.5 torch.float64 0.125"));
  }

  void weReadPytorchTensors() {
    if (!haveTorch()) QSKIP("/usr/bin/python3 has no torch; PyTorch interoperability not checked");
    QTemporaryDir dir;
    const QString path = dir.filePath("pt.safetensors");
    // Written the way the safetensors library lays files out, with PyTorch's own bytes.
    const QString script = R"(
import json, struct, sys, torch
ts = {'w': torch.arange(6, dtype=torch.float32).reshape(2, 3) / 4,
      'h': torch.tensor([1.5, -0.25], dtype=torch.float16),
      'i': torch.tensor([[-3], [7]], dtype=torch.int64)}
header, data = {}, b''
for name in sorted(ts):
    b = ts[name].numpy().tobytes()
    header[name] = {'dtype': {torch.float32: 'F32', torch.float16: 'F16', torch.int64: 'I64'}[ts[name].dtype],
                    'shape': list(ts[name].shape), 'data_offsets': [len(data), len(data) + len(b)]}
    data += b
h = json.dumps(header, separators=(',', ':')).encode()
h += b' ' * ((8 - len(h) % 8) % 8)
open(sys.argv[1], 'wb').write(struct.pack('<Q', len(h)) + h + data)
)";
    bool ok = false;
    runPython(script, {path}, &ok);
    QVERIFY(ok);
    const TensorMap m = readSafetensors(path.toStdString());
    QCOMPARE(m.at("w").shape, (Shape{2, 3}));
    QCOMPARE(m.at("w").values, (std::vector<double>{0, 0.25, 0.5, 0.75, 1, 1.25}));
    QCOMPARE(m.at("h").values, (std::vector<double>{1.5, -0.25}));
    QCOMPARE(m.at("i").shape, (Shape{2, 1}));
    QCOMPARE(m.at("i").values, (std::vector<double>{-3, 7}));
  }

  void tooShort() {
    const QString e = errorOf([] { parseSafetensors(std::vector<char>(5), "w.safetensors"); });
    VERIFY_ERROR(e, "w.safetensors: the file is 5 bytes, too short");
  }

  void headerLengthPastEnd() {
    std::vector<char> bytes = fileOf("{}");
    const uint64_t n = 1000;
    std::memcpy(bytes.data(), &n, 8);
    const QString e = errorOf([&] { parseSafetensors(bytes, "w.safetensors"); });
    QVERIFY2(e.contains("w.safetensors: header length 1000 bytes runs past the end of the file (10 bytes)"),
             qPrintable(e));
  }

  void hugeHeaderLength() {
    std::vector<char> bytes = fileOf("{}");
    const uint64_t n = ~uint64_t(0) - 3;  // would wrap 8 + n around
    std::memcpy(bytes.data(), &n, 8);
    const QString e = errorOf([&] { parseSafetensors(bytes, "w.safetensors"); });
    VERIFY_ERROR(e, "w.safetensors: header length");
  }

  void headerNotJson() {
    const QString e = parseError("{\"a\": [1, 2");
    VERIFY_ERROR(e, "w.safetensors (header):1:12: not valid JSON");
    QVERIFY(e.endsWith("the file is not safetensors or is corrupt"));
  }

  void headerNotObject() {
    const QString e = parseError("[1, 2, 3]");
    VERIFY_ERROR(e, "w.safetensors: the header is JSON array, expected an object");
  }

  void tensorEntryNotObject() {
    const QString e = parseError(R"({"h1.weight": 3})");
    VERIFY_ERROR(e, "w.safetensors: tensor \"h1.weight\": expected an object");
  }

  void missingFields_data() {
    QTest::addColumn<QString>("header");
    QTest::addColumn<QString>("field");
    QTest::newRow("dtype") << R"({"h1.weight":{"shape":[1],"data_offsets":[0,4]}})" << "dtype";
    QTest::newRow("shape") << R"({"h1.weight":{"dtype":"F32","data_offsets":[0,4]}})" << "shape";
    QTest::newRow("data_offsets") << R"({"h1.weight":{"dtype":"F32","shape":[1]}})" << "data_offsets";
  }
  void missingFields() {
    QFETCH(QString, header);
    QFETCH(QString, field);
    const QString e = parseError(header.toStdString(), std::vector<char>(4));
    QCOMPARE(e, "w.safetensors: tensor \"h1.weight\": \"" + field + "\" is missing");
  }

  void unknownDtype() {
    const QString e = parseError(R"({"h1.weight":{"dtype":"F8","shape":[1],"data_offsets":[0,1]}})",
                                 std::vector<char>(1));
    VERIFY_ERROR(e, "w.safetensors: tensor \"h1.weight\": unknown dtype \"F8\"; known dtypes are F64, F32");
  }

  // A name is the file's to choose: escape sequences and line breaks in it come out escaped,
  // so the message can neither move the terminal's cursor nor fake a line of its own.
  void hostileNameQuotedSafely() {
    const QString e = parseError(
        "{\"h1\\u001b[2J\\nw.safetensors: all fine\":{\"dtype\":\"F8\",\"shape\":[1],\"data_offsets\":[0,1]}}",
        std::vector<char>(1));
    VERIFY_ERROR(e, "w.safetensors: tensor \"h1\\u001b[2J\\nw.safetensors: all fine\": unknown dtype");
    QVERIFY2(!e.contains(QChar(0x1b)) && !e.contains('\n'), qPrintable(e));
  }

  void negativeShape() {
    const QString e = parseError(R"({"h1.weight":{"dtype":"F32","shape":[2,-1],"data_offsets":[0,8]}})",
                                 std::vector<char>(8));
    VERIFY_ERROR(e, "w.safetensors: tensor \"h1.weight\": shape extent -1 is negative");
  }

  void fractionalShape() {
    const QString e = parseError(R"({"h1.weight":{"dtype":"F32","shape":[2.5],"data_offsets":[0,8]}})",
                                 std::vector<char>(8));
    VERIFY_ERROR(e, "w.safetensors: tensor \"h1.weight\": shape extent 2.5 is not a whole number");
  }

  void overflowingShape() {
    // 2^62 · 2^62 · 4 bytes wraps around 64 bits to 0: must not be accepted as 0 bytes.
    const QString e = parseError(
        R"({"h1.weight":{"dtype":"F32","shape":[4611686018427387904,4611686018427387904],"data_offsets":[0,0]}})");
    VERIFY_ERROR(e, "w.safetensors: tensor \"h1.weight\": shape [4611686018427387904, 4611686018427387904] "
                    "holds more elements than the file has bytes");
  }

  void offsetsOutOfRange() {
    const QString e = parseError(R"({"h1.weight":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})",
                                 std::vector<char>(8));
    VERIFY_ERROR(e, "w.safetensors: tensor \"h1.weight\": data_offsets [0, 16] run past the end of the data "
                    "(8 bytes)");
  }

  void beginAfterEnd() {
    const QString e = parseError(R"({"h1.weight":{"dtype":"F32","shape":[1],"data_offsets":[8,4]}})",
                                 std::vector<char>(8));
    QCOMPARE(e, QString("w.safetensors: tensor \"h1.weight\": data_offsets [8, 4] begin after end"));
  }

  void offsetsNotAPair() {
    const QString e = parseError(R"({"h1.weight":{"dtype":"F32","shape":[1],"data_offsets":[0]}})",
                                 std::vector<char>(4));
    VERIFY_ERROR(e, "w.safetensors: tensor \"h1.weight\": data_offsets must be [begin, end]");
  }

  void sizeMismatch() {
    const QString e = parseError(R"({"h1.weight":{"dtype":"F32","shape":[4,8],"data_offsets":[0,64]}})",
                                 std::vector<char>(128));
    QCOMPARE(e, QString("w.safetensors: tensor \"h1.weight\": data_offsets [0, 64] hold 64 bytes but F32 [4, 8] "
                        "needs 128"));
  }

  void overlapping() {
    const QString e = parseError(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                                 R"("b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})",
                                 std::vector<char>(12));
    QCOMPARE(e, QString("w.safetensors: tensor \"b\": data_offsets [4, 12] overlap those of tensor \"a\" [0, 8]"));
  }

  // Issue 16: bytes after the data section were quietly ignored.
  void bytesAfterTheData() {
    const QString e = parseError(R"({"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}})",
                                 bytesOf<float>({1.0f, 2.0f}));
    QCOMPARE(e, QString("w.safetensors: 4 bytes follow the last tensor's data (the tensors end at byte 4 of "
                        "8); the file is corrupt or not one safetensors file"));
  }

  void badMetadata() {
    const QString e = parseError(R"({"__metadata__":{"format":3}})");
    VERIFY_ERROR(e, "w.safetensors: \"__metadata__\": \"format\" must be a string");
  }

  void missingFile() {
    const QString e = errorOf([] { readSafetensors("/nonexistent/w.safetensors"); });
    VERIFY_ERROR(e, "/nonexistent/w.safetensors: cannot open");
  }

  void writeChecksValueCount() {
    QTemporaryDir dir;
    const std::string path = dir.filePath("w.safetensors").toStdString();
    TensorMap m;
    m["h1.weight"] = {{2, 2}, DType::F32, {1, 2, 3}};
    const QString e = errorOf([&] { writeSafetensors(path, m); });
    QCOMPARE(e, QString::fromStdString(path + ": safetensors: tensor \"h1.weight\": shape [2, 2] needs 4 values, it has 3"));
    QVERIFY(!QFile::exists(QString::fromStdString(path)));  // nothing half-written
  }
};

QTEST_GUILESS_MAIN(TestSafetensors)
#include "tst_safetensors.moc"
