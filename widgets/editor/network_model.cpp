#include "editor/network_model.h"

#include <QRegularExpression>
#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "blocks/registry.h"

namespace gradlab::widgets {

// Swaps the whole spec: small, and correct for every kind of edit.
class SpecCommand : public QUndoCommand {
 public:
  SpecCommand(NetworkModel* model, const QString& text, NetworkSpec before, NetworkSpec after)
      : QUndoCommand(text), model_(model), before_(std::move(before)), after_(std::move(after)) {}
  void undo() override { model_->apply(before_); }
  void redo() override { model_->apply(after_); }

 private:
  NetworkModel* model_;
  NetworkSpec before_, after_;
};

NetworkModel::NetworkModel(QObject* parent) : QObject(parent) { apply(NetworkSpec{}); }

namespace {
// Points the loss at the only block nothing consumes, when it reads no existing block.
void fixLoss(NetworkSpec& s) {
  if (s.find(s.loss.block)) return;
  std::vector<std::string> sinks;
  for (const auto& b : s.blocks)
    if (b.type != "Input" && s.consumersOf(b.id).empty()) sinks.push_back(b.id);
  if (sinks.size() == 1) {
    s.loss.block = sinks[0];
    if (s.loss.type.empty()) s.loss.type = "cross_entropy";
  }
}
}  // namespace

void NetworkModel::edit(const QString& text, const std::function<void(NetworkSpec&)>& change) {
  NetworkSpec after = spec_;
  change(after);
  fixLoss(after);
  if (toJson(after) == toJson(spec_)) return;
  undo_.push(new SpecCommand(this, text, spec_, std::move(after)));
}

void NetworkModel::setSpec(const NetworkSpec& spec) {
  undo_.clear();
  apply(spec);
  // A hand-written network file has no canvas positions: opening it lays it out, so that its
  // blocks do not lie on top of each other (part of opening, not an edit to undo).
  if (!placed(spec)) {
    autoLayout();
    undo_.clear();
  }
  undo_.setClean();
}

void NetworkModel::importSpec(const NetworkSpec& spec, const QString& text) {
  undo_.beginMacro(text);
  edit(text, [&](NetworkSpec& s) { s = spec; });
  if (!placed(spec)) autoLayout();
  undo_.endMacro();
}

bool NetworkModel::placed(const NetworkSpec& spec) {
  return std::all_of(spec.blocks.begin(), spec.blocks.end(), [](const BlockSpec& b) {
    return b.ui.is_object() && b.ui.contains("x") && b.ui.contains("y");
  });
}

nlohmann::json NetworkModel::engineJson(const NetworkSpec& spec) {
  NetworkSpec s = spec;
  for (auto& b : s.blocks) b.ui = nlohmann::json::object();
  s.name.clear();
  return toJson(s);
}

void NetworkModel::apply(const NetworkSpec& spec) {
  spec_ = spec;
  analysis_ = analyze(spec_);
  nlohmann::json engine = engineJson(spec_);
  const bool engineChanged = engine != engine_;
  engine_ = std::move(engine);
  emit changed();
  if (engineChanged) emit engineSpecChanged();
}

QPointF NetworkModel::position(const BlockSpec& b) {
  const auto& ui = b.ui;
  if (!ui.is_object()) return {};
  auto num = [&](const char* k) {
    auto it = ui.find(k);
    return it != ui.end() && it->is_number() ? it->get<double>() : 0.0;
  };
  return {num("x"), num("y")};
}

QString NetworkModel::uniqueId(const QString& base) const {
  QString stem = base.toLower();
  stem.remove(QRegularExpression("[^a-z0-9_]"));
  if (stem.isEmpty()) stem = "b";
  for (int i = 1;; ++i) {
    const QString id = stem + QString::number(i);
    if (!spec_.find(id.toStdString())) return id;
  }
}

QString NetworkModel::addBlock(const QString& type, QPointF pos) {
  const BlockInfo* info = findBlockType(type.toStdString());
  QString base = type;
  if (type == "Dense") base = "h";
  if (type == "Input") base = "x";
  const QString id = uniqueId(base);
  BlockSpec b;
  b.id = id.toStdString();
  b.type = type.toStdString();
  if (info)
    for (const auto& p : info->params)
      if (p.defaultValue.is_null()) {  // required: start from a sensible value
        switch (p.kind) {
          case ParamInfo::Kind::Shape: b.params[p.key] = {2}; break;
          case ParamInfo::Kind::Choice: b.params[p.key] = p.choices.empty() ? "" : p.choices[0]; break;
          case ParamInfo::Kind::Bool: b.params[p.key] = false; break;
          case ParamInfo::Kind::Float: b.params[p.key] = std::max(p.min, 0.0); break;
          default: b.params[p.key] = int64_t(std::clamp(8.0, p.min, p.max));
        }
      }
  b.ui = {{"x", std::round(pos.x())}, {"y", std::round(pos.y())}};
  edit(tr("Add %1").arg(type), [&](NetworkSpec& s) { s.blocks.push_back(b); });
  return id;
}

bool NetworkModel::canConnect(const QString& from, const QString& to, QString* why) const {
  auto fail = [&](const QString& w) {
    if (why) *why = w;
    return false;
  };
  const BlockSpec* a = spec_.find(from.toStdString());
  const BlockSpec* b = spec_.find(to.toStdString());
  if (!a || !b) return fail(tr("no such block"));
  if (a == b) return fail(tr("a block cannot feed itself"));
  for (const auto& e : spec_.edges)
    if (e.from == a->id && e.to == b->id) return fail(tr("already connected"));
  if (const BlockInfo* info = findBlockType(b->type)) {
    if (info->maxInputs == 0) return fail(tr("%1 takes no input").arg(QString::fromStdString(b->type)));
    if (info->maxInputs > 0 && int(spec_.inputsOf(b->id).size()) >= info->maxInputs)
      return fail(tr("%1 takes %2 input(s); remove the existing edge first")
                      .arg(QString::fromStdString(b->id))
                      .arg(info->maxInputs));
  }
  return true;
}

void NetworkModel::connectBlocks(const QString& from, const QString& to) {
  if (!canConnect(from, to)) return;
  edit(tr("Connect %1 → %2").arg(from, to),
       [&](NetworkSpec& s) { s.edges.push_back({from.toStdString(), to.toStdString()}); });
}

void NetworkModel::removeItems(const QStringList& blocks, const std::vector<Edge>& edges) {
  std::set<std::string> ids;
  for (const auto& b : blocks) ids.insert(b.toStdString());
  if (ids.empty() && edges.empty()) return;
  const QString text = ids.empty() ? tr("Delete connection") : ids.size() == 1
                                         ? tr("Delete %1").arg(blocks.first())
                                         : tr("Delete %1 blocks").arg(ids.size());
  edit(text, [&](NetworkSpec& s) {
    std::erase_if(s.blocks, [&](const BlockSpec& b) { return ids.count(b.id) > 0; });
    std::erase_if(s.edges, [&](const Edge& e) {
      return ids.count(e.from) || ids.count(e.to) ||
             std::find(edges.begin(), edges.end(), e) != edges.end();
    });
  });
}

void NetworkModel::setParam(const QString& id, const QString& key, const nlohmann::json& value) {
  edit(tr("Set %1 of %2").arg(key, id), [&](NetworkSpec& s) {
    if (BlockSpec* b = s.find(id.toStdString())) b->params[key.toStdString()] = value;
  });
}

void NetworkModel::moveBlocks(const std::map<std::string, QPointF>& positions, const QString& text) {
  edit(text.isEmpty() ? tr("Move") : text, [&](NetworkSpec& s) {
    for (auto& b : s.blocks)
      if (auto it = positions.find(b.id); it != positions.end()) {
        if (!b.ui.is_object()) b.ui = nlohmann::json::object();
        b.ui["x"] = std::round(it->second.x());
        b.ui["y"] = std::round(it->second.y());
      }
  });
}

void NetworkModel::autoLayout() {
  // Layers by longest path from a source; blocks in a cycle go after the rest.
  std::map<std::string, int> depth;
  const auto& order = analysis_.order;
  for (const auto& id : order) {
    int d = 0;
    for (const auto& in : spec_.inputsOf(id))
      if (depth.count(in)) d = std::max(d, depth[in] + 1);
    depth[id] = d;
  }
  int maxDepth = 0;
  for (auto& [id, d] : depth) maxDepth = std::max(maxDepth, d);
  for (const auto& b : spec_.blocks)
    if (!depth.count(b.id)) depth[b.id] = ++maxDepth;
  std::map<int, std::vector<std::string>> layers;
  for (const auto& b : spec_.blocks) layers[depth[b.id]].push_back(b.id);
  std::map<std::string, QPointF> pos;
  for (auto& [d, ids] : layers)
    for (size_t i = 0; i < ids.size(); ++i)
      pos[ids[i]] = QPointF(d * 240.0, (double(i) - (ids.size() - 1) / 2.0) * 150.0);
  moveBlocks(pos, tr("Auto-layout"));
}

}  // namespace gradlab::widgets
