#include "blocks/registry.h"

#include <cmath>

#include "blocks/activation.h"
#include "blocks/attention.h"
#include "blocks/batchnorm.h"
#include "blocks/conv1d.h"
#include "blocks/conv2d.h"
#include "blocks/conv_transpose2d.h"
#include "blocks/dense.h"
#include "blocks/dropout.h"
#include "blocks/flatten.h"
#include "blocks/gru.h"
#include "blocks/input.h"
#include "blocks/lstm.h"
#include "blocks/merge.h"
#include "blocks/pool1d.h"
#include "blocks/pool2d.h"
#include "blocks/position_encoding.h"
#include "blocks/repeat_vector.h"
#include "blocks/simple_rnn.h"
#include "blocks/upsample.h"
#include "util/json.h"

namespace gradlab {

using nlohmann::json;

const std::vector<BlockInfo>& blockTypes() {
  static const std::vector<BlockInfo> types{
      inputInfo(), denseInfo(), activationInfo(), addInfo(), concatInfo(),
      conv2dInfo(), maxPool2dInfo(), avgPool2dInfo(), flattenInfo(), reshapeInfo(),
      convTranspose2dInfo(), upsample2dInfo(),
      conv1dInfo(), maxPool1dInfo(),
      dropoutInfo(), batchNormInfo(),
      simpleRnnInfo(), lstmInfo(), gruInfo(),
      attentionInfo(), repeatVectorInfo(), positionEncodingInfo(),
  };
  return types;
}

const BlockInfo* findBlockType(const std::string& type) {
  for (const auto& t : blockTypes())
    if (t.type == type) return &t;
  return nullptr;
}

std::unique_ptr<Block> createBlock(const BlockInfo& info, const BlockArgs& args) {
  std::unique_ptr<Block> block = info.create(args);
  Backend& be = args.backend;
  for (const ParamDecl& decl : info.paramDecls(args.spec, args.inShapes)) {
    Param p;
    p.decl = decl;
    p.value = be.zeros(decl.shape, args.dtype);
    if (decl.trainable) {
      p.grad = be.zeros(decl.shape, args.dtype);
      p.s1 = be.zeros(decl.shape, args.dtype);
      p.s2 = be.zeros(decl.shape, args.dtype);
    }
    block->params().push_back(std::move(p));
  }
  return block;
}

json paramValue(const BlockSpec& spec, const std::string& key) {
  if (auto it = spec.params.find(key); it != spec.params.end()) return *it;
  if (const BlockInfo* info = findBlockType(spec.type))
    for (const auto& p : info->params)
      if (p.key == key) return p.defaultValue;
  return nullptr;
}

int64_t paramInt(const BlockSpec& spec, const std::string& key) {
  json v = paramValue(spec, key);
  return v.is_number() ? int64_t(v.get<double>()) : 0;
}

double paramFloat(const BlockSpec& spec, const std::string& key) {
  json v = paramValue(spec, key);
  return v.is_number() ? v.get<double>() : 0.0;
}

bool paramBool(const BlockSpec& spec, const std::string& key) {
  json v = paramValue(spec, key);
  return v.is_boolean() && v.get<bool>();
}

std::string paramString(const BlockSpec& spec, const std::string& key) {
  json v = paramValue(spec, key);
  return v.is_string() ? v.get<std::string>() : std::string();
}

Shape paramShape(const BlockSpec& spec, const std::string& key) {
  Shape s;
  json v = paramValue(spec, key);
  if (v.is_array())
    for (const auto& d : v) s.push_back(d.is_number() ? int64_t(d.get<double>()) : 0);
  return s;
}

namespace {
std::string listOf(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "\"" : ", \"") + s + "\"";
  return out;
}

bool isWhole(const json& v) {
  return v.is_number_integer() || (v.is_number_float() && std::isfinite(v.get<double>()) &&
                                   v.get<double>() == std::floor(v.get<double>()));
}

std::string range(const ParamInfo& p) {
  auto num = [](double x) {
    std::string s = std::to_string(x);
    s.erase(s.find_last_not_of('0') + 1);
    if (!s.empty() && s.back() == '.') s.pop_back();
    return s;
  };
  if (p.max >= 1e300) return "at least " + num(p.min);
  return "between " + num(p.min) + " and " + num(p.max);
}

// Edit distance, for "did you mean".
size_t distance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t prev = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t cur = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] != b[j - 1])});
      prev = cur;
    }
  }
  return row[b.size()];
}
}  // namespace

std::vector<std::string> checkParams(const BlockInfo& info, const BlockSpec& spec) {
  std::vector<std::string> problems;
  for (const auto& [key, value] : spec.params.items()) {
    const ParamInfo* p = nullptr;
    for (const auto& q : info.params)
      if (q.key == key) p = &q;
    if (!p) {
      std::string msg = "has no parameter \"" + key + "\"";
      std::vector<std::string> keys;
      for (const auto& q : info.params) keys.push_back(q.key);
      for (const auto& k : keys)
        if (distance(k, key) <= 2) msg += " — did you mean \"" + k + "\"?";
      if (msg.find("did you mean") == std::string::npos)
        msg += keys.empty() ? " (it takes none)" : " (it takes " + listOf(keys) + ")";
      problems.push_back(msg);
      continue;
    }
    const std::string name = "\"" + key + "\"";
    switch (p->kind) {
      case ParamInfo::Kind::Int:
        if (!isWhole(value))
          problems.push_back(name + " must be a whole number, got " + jsonExcerpt(value));
        else if (value.get<double>() < p->min || value.get<double>() > p->max)
          problems.push_back(name + " must be " + range(*p) + ", got " + jsonExcerpt(value));
        break;
      case ParamInfo::Kind::Float:
        if (!value.is_number() || !std::isfinite(value.get<double>()))
          problems.push_back(name + " must be a number, got " + jsonExcerpt(value));
        else if (value.get<double>() < p->min || value.get<double>() > p->max)
          problems.push_back(name + " must be " + range(*p) + ", got " + jsonExcerpt(value));
        break;
      case ParamInfo::Kind::Bool:
        if (!value.is_boolean())
          problems.push_back(name + " must be true or false, got " + jsonExcerpt(value));
        break;
      case ParamInfo::Kind::Choice:
        if (!value.is_string() ||
            std::find(p->choices.begin(), p->choices.end(), value.get<std::string>()) ==
                p->choices.end())
          problems.push_back(name + " must be one of " + listOf(p->choices) + ", got " +
                             jsonExcerpt(value));
        break;
      case ParamInfo::Kind::IntOrChoice:
        if (value.is_string()) {
          if (std::find(p->choices.begin(), p->choices.end(), value.get<std::string>()) ==
              p->choices.end())
            problems.push_back(name + " must be a number or one of " + listOf(p->choices) +
                               ", got " + jsonExcerpt(value));
        } else if (!isWhole(value) || value.get<double>() < p->min || value.get<double>() > p->max) {
          problems.push_back(name + " must be a whole number " + range(*p) + " or one of " +
                             listOf(p->choices) + ", got " + jsonExcerpt(value));
        }
        break;
      case ParamInfo::Kind::Shape: {
        bool good = value.is_array() && !value.empty() && value.size() <= 4;
        if (good)
          for (const auto& d : value) good = good && isWhole(d) && d.get<double>() >= 1 && d.get<double>() <= 1e6;
        if (!good)
          problems.push_back(name + " must be a list of 1 to 4 positive whole numbers such as "
                             "[2] or [1, 28, 28], got " + jsonExcerpt(value));
        break;
      }
    }
  }
  for (const auto& p : info.params)
    if (p.defaultValue.is_null() && !spec.params.contains(p.key))
      problems.push_back("needs \"" + p.key + "\" (" + p.help + ")");
  return problems;
}

}  // namespace gradlab
