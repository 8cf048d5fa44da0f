#pragma once
// NetworkModel: the editor's single source of truth — a NetworkSpec, its Analysis and the undo
// stack. The canvas, the inspector, the problems list and project files all read and edit this
// one model; every edit is one undoable command that swaps in a new spec (SpecCommand).
//
//   model.edit("Add Dense", [&](NetworkSpec& s) { s.blocks.push_back(block); });
//   model.undoStack()->undo();   // the spec is back, and changed() fired again
#include <QObject>
#include <QPointF>
#include <QUndoStack>
#include <functional>

#include "spec/analysis.h"
#include "spec/network_spec.h"

namespace gradlab::widgets {

class NetworkModel : public QObject {
  Q_OBJECT
 public:
  explicit NetworkModel(QObject* parent = nullptr);

  const NetworkSpec& spec() const { return spec_; }
  const Analysis& analysis() const { return analysis_; }
  QUndoStack* undoStack() { return &undo_; }

  // One undoable edit: `change` edits a copy of the spec; nothing is pushed when it changes
  // nothing. Afterwards the loss is pointed at the only output block if it reads none.
  void edit(const QString& text, const std::function<void(NetworkSpec&)>& change);
  // Replaces the whole spec without undo history (New, Open, recovery).
  void setSpec(const NetworkSpec& spec);
  // Replaces the whole spec as one undoable edit (File › Import Network), laid out when the
  // file has no canvas positions.
  void importSpec(const NetworkSpec& spec, const QString& text);

  // Helpers that build edits.
  QString uniqueId(const QString& base) const;
  QString addBlock(const QString& type, QPointF pos);
  void connectBlocks(const QString& from, const QString& to);
  bool canConnect(const QString& from, const QString& to, QString* why = nullptr) const;
  void removeItems(const QStringList& blocks, const std::vector<Edge>& edges);
  void setParam(const QString& id, const QString& key, const nlohmann::json& value);
  void moveBlocks(const std::map<std::string, QPointF>& positions, const QString& text = {});
  void autoLayout();

  static QPointF position(const BlockSpec& b);
  static bool placed(const NetworkSpec& spec);  // every block has a canvas position
  // The spec as the engine sees it (canvas positions left out).
  static nlohmann::json engineJson(const NetworkSpec& spec);

 signals:
  void changed();              // spec and analysis changed (positions included)
  void engineSpecChanged();    // a change that matters to training (not only positions)

 private:
  friend class SpecCommand;
  void apply(const NetworkSpec& spec);

  NetworkSpec spec_;
  Analysis analysis_;
  nlohmann::json engine_;
  QUndoStack undo_;
};

}  // namespace gradlab::widgets
