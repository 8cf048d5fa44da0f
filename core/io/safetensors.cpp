#include "io/safetensors.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <nlohmann/json.hpp>

#include "util/error.h"
#include "util/json.h"
#include "util/file.h"

static_assert(std::endian::native == std::endian::little,
              "safetensors data is little-endian; this reader assumes a little-endian host");

namespace gradlab {

namespace {

using json = nlohmann::json;

// The Python/Rust safetensors library refuses headers above 100 MB; so do we.
constexpr uint64_t kMaxHeaderBytes = 100'000'000;

// The file's element types, their sizes, and how to turn one element into a double.
enum class FileType { F64, F32, F16, BF16, I64, I32, I16, I8, U64, U32, U16, U8, Bool };

struct TypeInfo {
  const char* name;
  FileType type;
  size_t size;
};

constexpr TypeInfo kTypes[] = {
    {"F64", FileType::F64, 8},   {"F32", FileType::F32, 4},   {"F16", FileType::F16, 2},
    {"BF16", FileType::BF16, 2}, {"I64", FileType::I64, 8},   {"I32", FileType::I32, 4},
    {"I16", FileType::I16, 2},   {"I8", FileType::I8, 1},     {"U64", FileType::U64, 8},
    {"U32", FileType::U32, 4},   {"U16", FileType::U16, 2},   {"U8", FileType::U8, 1},
    {"BOOL", FileType::Bool, 1},
};

const TypeInfo* findType(const std::string& name) {
  for (const auto& t : kTypes)
    if (name == t.name) return &t;
  return nullptr;
}

std::string typeList() {
  std::string out;
  for (const auto& t : kTypes) {
    if (!out.empty()) out += ", ";
    out += t.name;
  }
  return out;
}

// IEEE 754 half precision -> double.
double halfToDouble(uint16_t h) {
  const int sign = (h >> 15) & 1;
  const int exponent = (h >> 10) & 0x1f;
  const int mantissa = h & 0x3ff;
  double v;
  if (exponent == 0)
    v = std::ldexp(double(mantissa), -24);  // zero or subnormal
  else if (exponent == 31)
    v = mantissa ? std::numeric_limits<double>::quiet_NaN() : std::numeric_limits<double>::infinity();
  else
    v = std::ldexp(double(mantissa | 0x400), exponent - 25);
  return sign ? -v : v;
}

template <typename T>
T load(const char* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}

double element(FileType type, const char* p) {
  switch (type) {
    case FileType::F64: return load<double>(p);
    case FileType::F32: return load<float>(p);
    case FileType::F16: return halfToDouble(load<uint16_t>(p));
    case FileType::BF16: return std::bit_cast<float>(uint32_t(load<uint16_t>(p)) << 16);
    case FileType::I64: return double(load<int64_t>(p));
    case FileType::I32: return load<int32_t>(p);
    case FileType::I16: return load<int16_t>(p);
    case FileType::I8: return load<int8_t>(p);
    case FileType::U64: return double(load<uint64_t>(p));
    case FileType::U32: return load<uint32_t>(p);
    case FileType::U16: return load<uint16_t>(p);
    case FileType::U8: return load<uint8_t>(p);
    case FileType::Bool: return load<uint8_t>(p) != 0 ? 1.0 : 0.0;
  }
  return 0;
}

std::string shapeText(const Shape& s) {
  std::string out = "[";
  for (size_t i = 0; i < s.size(); ++i) out += (i ? ", " : "") + std::to_string(s[i]);
  return out + "]";
}

struct Entry {
  std::string name;
  const TypeInfo* type = nullptr;
  Shape shape;
  uint64_t begin = 0, end = 0;
};

// Reads a JSON number that must be a whole number >= 0 (shapes and offsets).
uint64_t wholeNumber(const json& v, const std::string& where, const std::string& what) {
  if (v.is_number_unsigned()) return v.get<uint64_t>();
  if (v.is_number_integer())
    throw Error(where + ": " + what + " " + jsonExcerpt(v) + " is negative; it must be a whole number ≥ 0");
  throw Error(where + ": " + what + " " + jsonExcerpt(v) + " is not a whole number");
}

struct Header {
  std::vector<Entry> entries;
  std::map<std::string, std::string> metadata;
  uint64_t dataStart = 0;  // offset of the data section in the file
};

Header parseHeader(const std::vector<char>& bytes, const std::string& source) {
  const uint64_t fileSize = bytes.size();
  if (fileSize < 8)
    throw Error(source + ": the file is " + std::to_string(fileSize) +
                " bytes, too short for a safetensors file (an 8-byte header length comes first)");
  const uint64_t headerLen = load<uint64_t>(bytes.data());
  if (headerLen > kMaxHeaderBytes)
    throw Error(source + ": header length " + std::to_string(headerLen) +
                " bytes is larger than the 100 MB safetensors allows; the file is not safetensors or is corrupt");
  if (headerLen > fileSize - 8)
    throw Error(source + ": header length " + std::to_string(headerLen) + " bytes runs past the end of the file (" +
                std::to_string(fileSize) + " bytes); the file is truncated or not safetensors");

  Header header;
  header.dataStart = 8 + headerLen;
  json doc;
  try {
    doc = parseJson(std::string_view(bytes.data() + 8, headerLen), source + " (header)");
  } catch (const Error& e) {
    throw Error(std::string(e.what()) + "; the file is not safetensors or is corrupt");
  }
  if (!doc.is_object())
    throw Error(source + ": the header is JSON " + std::string(doc.type_name()) +
                ", expected an object {\"name\": {\"dtype\", \"shape\", \"data_offsets\"}, ...}");

  const uint64_t dataSize = fileSize - header.dataStart;
  for (auto it = doc.begin(); it != doc.end(); ++it) {
    const std::string& name = it.key();
    const json& v = it.value();
    if (name == "__metadata__") {
      if (!v.is_object()) throw Error(source + ": \"__metadata__\" must be an object of strings");
      for (auto m = v.begin(); m != v.end(); ++m) {
        if (!m.value().is_string())
          throw Error(source + ": \"__metadata__\": " + quotedName(m.key()) + " must be a string, got " + jsonExcerpt(m.value()));
        header.metadata[m.key()] = m.value().get<std::string>();
      }
      continue;
    }
    const std::string where = source + ": tensor " + quotedName(name);
    if (!v.is_object())
      throw Error(where + ": expected an object with dtype, shape and data_offsets, got " +
                  std::string(v.type_name()));
    for (const char* key : {"dtype", "shape", "data_offsets"})
      if (!v.contains(key)) throw Error(where + ": \"" + key + "\" is missing");

    Entry e;
    e.name = name;
    const json& dtype = v["dtype"];
    if (!dtype.is_string()) throw Error(where + ": dtype must be a string such as \"F32\", got " + jsonExcerpt(dtype));
    e.type = findType(dtype.get<std::string>());
    if (!e.type)
      throw Error(where + ": unknown dtype " + jsonExcerpt(dtype) + "; known dtypes are " + typeList());

    const json& shape = v["shape"];
    if (!shape.is_array()) throw Error(where + ": shape must be an array of extents, got " + jsonExcerpt(shape));
    for (const json& d : shape) {
      const uint64_t extent = wholeNumber(d, where, "shape extent");
      if (extent > uint64_t(std::numeric_limits<int64_t>::max()))
        throw Error(where + ": shape extent " + jsonExcerpt(d) + " is too large");
      e.shape.push_back(int64_t(extent));
    }
    // Element count, checked against overflow as it grows (it can never exceed the data size).
    uint64_t count = 1;
    if (std::find(e.shape.begin(), e.shape.end(), 0) != e.shape.end()) count = 0;
    for (int64_t extent : e.shape) {
      if (count == 0) break;
      if (count > dataSize / uint64_t(extent))
        throw Error(where + ": shape " + shapeText(e.shape) + " holds more elements than the file has bytes (" +
                    std::to_string(dataSize) + " bytes of data)");
      count *= uint64_t(extent);
    }

    const json& offsets = v["data_offsets"];
    if (!offsets.is_array() || offsets.size() != 2)
      throw Error(where + ": data_offsets must be [begin, end], got " + jsonExcerpt(offsets));
    e.begin = wholeNumber(offsets[0], where, "data_offsets begin");
    e.end = wholeNumber(offsets[1], where, "data_offsets end");
    const std::string offsetText = "data_offsets [" + std::to_string(e.begin) + ", " + std::to_string(e.end) + "]";
    if (e.begin > e.end) throw Error(where + ": " + offsetText + " begin after end");
    if (e.end > dataSize)
      throw Error(where + ": " + offsetText + " run past the end of the data (" + std::to_string(dataSize) +
                  " bytes); the file is truncated or corrupt");
    const uint64_t need = count * e.type->size;  // count <= dataSize, so no overflow
    if (e.end - e.begin != need)
      throw Error(where + ": " + offsetText + " hold " + std::to_string(e.end - e.begin) + " bytes but " +
                  e.type->name + " " + shapeText(e.shape) + " needs " + std::to_string(need));
    header.entries.push_back(std::move(e));
  }

  // No two tensors may share bytes.
  std::vector<const Entry*> byOffset;
  for (const auto& e : header.entries)
    if (e.end > e.begin) byOffset.push_back(&e);
  std::sort(byOffset.begin(), byOffset.end(), [](const Entry* a, const Entry* b) { return a->begin < b->begin; });
  for (size_t i = 1; i < byOffset.size(); ++i)
    if (byOffset[i]->begin < byOffset[i - 1]->end)
      throw Error(source + ": tensor " + quotedName(byOffset[i]->name) + ": data_offsets [" +
                  std::to_string(byOffset[i]->begin) + ", " + std::to_string(byOffset[i]->end) +
                  "] overlap those of tensor " + quotedName(byOffset[i - 1]->name) + " [" +
                  std::to_string(byOffset[i - 1]->begin) + ", " + std::to_string(byOffset[i - 1]->end) + "]");
  // Bytes after the last tensor belong to nothing: a file glued to another, or a corrupt header.
  const uint64_t used = byOffset.empty() ? 0 : byOffset.back()->end;
  if (used < dataSize)
    throw Error(source + ": " + std::to_string(dataSize - used) + " bytes follow the last tensor's data (the "
                "tensors end at byte " + std::to_string(used) + " of " + std::to_string(dataSize) +
                "); the file is corrupt or not one safetensors file");
  return header;
}

}  // namespace

TensorMap parseSafetensors(const std::vector<char>& bytes, const std::string& source) {
  const Header header = parseHeader(bytes, source);
  TensorMap out;
  const char* data = bytes.data() + header.dataStart;
  for (const Entry& e : header.entries) {
    HostTensor t;
    t.shape = e.shape;
    t.dtype = e.type->type == FileType::F64 ? DType::F64 : DType::F32;
    const uint64_t count = (e.end - e.begin) / e.type->size;
    t.values.resize(count);
    const char* p = data + e.begin;
    if (e.type->type == FileType::F32) {
      for (uint64_t i = 0; i < count; ++i) t.values[i] = load<float>(p + 4 * i);
    } else if (e.type->type == FileType::F64) {
      std::memcpy(t.values.data(), p, count * 8);
    } else {
      for (uint64_t i = 0; i < count; ++i) t.values[i] = element(e.type->type, p + i * e.type->size);
    }
    out.emplace(e.name, std::move(t));
  }
  return out;
}

std::map<std::string, std::string> parseSafetensorsMetadata(const std::vector<char>& bytes,
                                                             const std::string& source) {
  return parseHeader(bytes, source).metadata;
}

TensorMap readSafetensors(const std::string& path) { return parseSafetensors(readBinaryFile(path), path); }

namespace {

void appendBytes(std::string& out, const void* p, size_t n) { out.append(static_cast<const char*>(p), n); }

std::string serialize(const TensorMap& tensors, const std::map<std::string, std::string>& metadata) {
  // Header: {"__metadata__": {...}, "name": {"dtype", "shape", "data_offsets"}, ...} with tensors in
  // name order (std::map) and their data laid out in the same order, back to back.
  std::string head = "{";
  bool first = true;
  if (!metadata.empty()) {
    head += "\"__metadata__\":" + json(metadata).dump();
    first = false;
  }
  uint64_t offset = 0;
  for (const auto& [name, t] : tensors) {
    if (name == "__metadata__") throw Error("safetensors: \"__metadata__\" is reserved and cannot name a tensor");
    for (int64_t d : t.shape)
      if (d < 0) throw Error("safetensors: tensor \"" + name + "\": shape " + shapeText(t.shape) + " has a negative extent");
    if (uint64_t(numel(t.shape)) != t.values.size())
      throw Error("safetensors: tensor \"" + name + "\": shape " + shapeText(t.shape) + " needs " +
                  std::to_string(numel(t.shape)) + " values, it has " + std::to_string(t.values.size()));
    const uint64_t bytes = t.values.size() * sizeOf(t.dtype);
    if (!first) head += ",";
    first = false;
    head += json(name).dump() + ":{\"dtype\":\"" + (t.dtype == DType::F64 ? "F64" : "F32") +
            "\",\"shape\":" + shapeText(t.shape) + ",\"data_offsets\":[" + std::to_string(offset) + "," +
            std::to_string(offset + bytes) + "]}";
    offset += bytes;
  }
  head += "}";
  // Pad with spaces so that the data starts 8-byte aligned, as the Python library does.
  head.append((8 - head.size() % 8) % 8, ' ');

  std::string out;
  out.reserve(8 + head.size() + offset);
  const uint64_t headerLen = head.size();
  appendBytes(out, &headerLen, 8);
  out += head;
  for (const auto& [name, t] : tensors) {
    if (t.dtype == DType::F64) {
      appendBytes(out, t.values.data(), t.values.size() * 8);
    } else {
      const size_t at = out.size();
      out.resize(at + t.values.size() * 4);
      for (size_t i = 0; i < t.values.size(); ++i) {
        const float f = float(t.values[i]);
        std::memcpy(out.data() + at + 4 * i, &f, 4);
      }
    }
  }
  return out;
}

std::string serializeChecked(const TensorMap& tensors, const std::map<std::string, std::string>& metadata) {
  try {
    return serialize(tensors, metadata);
  } catch (const json::exception& e) {  // a name or metadata string that is not UTF-8
    throw Error(std::string("safetensors: names and metadata must be UTF-8 text (") + e.what() + ")");
  }
}

}  // namespace

std::vector<char> serializeSafetensors(const TensorMap& tensors, const std::map<std::string, std::string>& metadata) {
  const std::string bytes = serializeChecked(tensors, metadata);
  return std::vector<char>(bytes.begin(), bytes.end());
}

void writeSafetensors(const std::string& path, const TensorMap& tensors,
                      const std::map<std::string, std::string>& metadata) {
  std::string bytes;
  try {
    bytes = serializeChecked(tensors, metadata);
  } catch (const Error& e) {
    throw Error(path + ": " + e.what());
  }
  writeFileAtomically(path, bytes);
}

}  // namespace gradlab
