#pragma once
// Inspector: edits the selected block's parameters, built from the block type's parameter
// schema (ParamInfo). Every field is checked as it is typed: a value the block cannot take
// shows a message under the field (red) and is never written to the model; a valid value is
// applied — as one undoable edit — on Enter or when the field loses focus.
// With no block selected it edits the network: its name and its loss.
#include <QHash>
#include <QLabel>
#include <QPointer>
#include <QWidget>

#include "editor/network_model.h"

class QFormLayout;
class QLineEdit;
class QComboBox;

namespace gradlab::widgets {

class ActivationPlot;

class Inspector : public QWidget {
  Q_OBJECT
 public:
  explicit Inspector(NetworkModel* model, QWidget* parent = nullptr);
  // Disconnects the fields: closing a window while a field has the focus makes it finish editing
  // after this object's members are gone (a commit then would read freed memory).
  ~Inspector() override;

  void setSelection(const QStringList& blockIds);
  QString block() const { return block_; }
  // The editor for a parameter ("units"), "id", "name", "loss", "loss block" (tests).
  QWidget* field(const QString& key) const { return fields_.value(key); }
  QString errorOf(const QString& key) const;
  ActivationPlot* activationPlot() const { return act_; }

 private:
  struct Field {
    QWidget* editor = nullptr;
    QLabel* error = nullptr;
  };
  void rebuild();
  void refresh();
  void addField(const QString& key, const QString& label, QWidget* editor, const QString& help);
  void setError(const QString& key, const QString& message);
  // Parses and checks a typed value; returns an error message or empty.
  QString check(const QString& key, const QString& text, nlohmann::json* value) const;
  void commit(const QString& key);
  void rename(const QString& newId);

  NetworkModel* model_;
  QString block_;      // selected block id, empty for the network
  QString builtFor_;   // "id|type" the form was built for
  int multi_ = 0;
  QFormLayout* form_ = nullptr;
  QWidget* body_ = nullptr;
  QLabel* title_ = nullptr;
  QLabel* help_ = nullptr;
  ActivationPlot* act_ = nullptr;  // f and f′ of the selected block's activation
  QHash<QString, QWidget*> fields_;
  QHash<QString, QLabel*> errors_;
  bool refreshing_ = false;
};

}  // namespace gradlab::widgets
