#include "editor/inspector.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QLineEdit>
#include <QRegularExpression>
#include <QVBoxLayout>

#include "blocks/registry.h"
#include "editor/activation_plot.h"
#include "editor/category_style.h"

namespace gradlab::widgets {

namespace {
const std::vector<std::string> kLosses{"cross_entropy", "bce", "bce_logits", "mse"};

QString jsonText(const nlohmann::json& v) {
  if (v.is_null()) return {};
  if (v.is_string()) return QString::fromStdString(v.get<std::string>());
  if (v.is_array()) {
    QStringList parts;
    for (const auto& d : v) parts << QString::fromStdString(d.dump());
    return parts.join(QStringLiteral(", "));
  }
  if (v.is_number_float()) return QString::number(v.get<double>(), 'g', 10);
  return QString::fromStdString(v.dump());
}

const ParamInfo* paramInfo(const BlockInfo* info, const QString& key) {
  if (!info) return nullptr;
  for (const auto& p : info->params)
    if (QString::fromStdString(p.key) == key) return &p;
  return nullptr;
}

const char* kErrorStyle = "border: 2px solid #d62c1a; border-radius: 3px; padding: 1px;";
}  // namespace

Inspector::Inspector(NetworkModel* model, QWidget* parent) : QWidget(parent), model_(model) {
  auto* outer = new QVBoxLayout(this);
  outer->setContentsMargins(8, 8, 8, 8);
  title_ = new QLabel(this);
  QFont f = title_->font();
  f.setBold(true);
  f.setPointSizeF(f.pointSizeF() + 1.5);
  title_->setFont(f);
  help_ = new QLabel(this);
  help_->setWordWrap(true);
  help_->setStyleSheet("color: #546e7a;");
  outer->addWidget(title_);
  outer->addWidget(help_);
  body_ = new QWidget(this);
  form_ = new QFormLayout(body_);
  form_->setContentsMargins(0, 6, 0, 0);
  form_->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
  outer->addWidget(body_);
  act_ = new ActivationPlot(this);
  outer->addWidget(act_);
  outer->addStretch(1);
  setObjectName("inspector");
  connect(model_, &NetworkModel::changed, this, [this] {
    if (!block_.isEmpty() && !model_->spec().find(block_.toStdString())) block_.clear();
    refresh();
  });
  rebuild();
}

Inspector::~Inspector() {
  for (QObject* child : findChildren<QObject*>()) child->disconnect(this);
}

void Inspector::setSelection(const QStringList& ids) {
  multi_ = int(ids.size());
  block_ = ids.size() == 1 ? ids.first() : QString();
  refresh();
}

QString Inspector::errorOf(const QString& key) const {
  QLabel* l = errors_.value(key);
  return l ? l->text() : QString();
}

void Inspector::addField(const QString& key, const QString& label, QWidget* editor,
                         const QString& help) {
  auto* box = new QWidget(body_);
  auto* v = new QVBoxLayout(box);
  v->setContentsMargins(0, 0, 0, 0);
  v->setSpacing(2);
  v->addWidget(editor);
  auto* error = new QLabel(box);
  error->setWordWrap(true);
  error->setStyleSheet("color: #c62828;");
  error->setObjectName("error:" + key);
  error->hide();
  v->addWidget(error);
  editor->setToolTip(help);
  editor->setObjectName("field:" + key);
  auto* l = new QLabel(label, body_);
  l->setToolTip(help);
  form_->addRow(l, box);
  fields_.insert(key, editor);
  errors_.insert(key, error);
}

void Inspector::setError(const QString& key, const QString& message) {
  QLabel* l = errors_.value(key);
  QWidget* w = fields_.value(key);
  if (!l || !w) return;
  l->setText(message);
  l->setVisible(!message.isEmpty());
  w->setStyleSheet(message.isEmpty() ? QString() : QString(kErrorStyle));
}

void Inspector::rebuild() {
  // The old fields may be the very widgets whose signal got us here: delete them later.
  while (form_->rowCount() > 0) {
    const QFormLayout::TakeRowResult row = form_->takeRow(0);
    for (QLayoutItem* item : {row.labelItem, row.fieldItem}) {
      if (!item) continue;
      if (QWidget* w = item->widget()) {
        w->hide();
        w->disconnect(this);
        for (QObject* child : w->findChildren<QObject*>()) child->disconnect(this);
        w->deleteLater();
      }
      delete item;
    }
  }
  fields_.clear();
  errors_.clear();
  act_->setActivation({});
  const BlockSpec* b = block_.isEmpty() ? nullptr : model_->spec().find(block_.toStdString());
  builtFor_ = b ? block_ + "|" + QString::fromStdString(b->type) : QString();
  if (!b) {
    if (multi_ > 1) {
      title_->setText(tr("%1 blocks selected").arg(multi_));
      help_->setText(tr("Select one block to edit its parameters."));
      return;
    }
    title_->setText(tr("Network"));
    help_->setText(tr("Select a block on the canvas to edit it. Here: the network's name and "
                      "its loss."));
    auto* name = new QLineEdit(body_);
    addField("name", tr("Name"), name, tr("The network's name"));
    connect(name, &QLineEdit::editingFinished, this, [this] { commit("name"); });
    auto* loss = new QComboBox(body_);
    for (const auto& l : kLosses) loss->addItem(QString::fromStdString(l));
    addField("loss", tr("Loss"), loss,
             tr("cross_entropy: classes from raw scores (softmax inside); bce: a probability "
                "per output; bce_logits: bce on raw scores; mse: regression"));
    connect(loss, &QComboBox::activated, this, [this] { commit("loss"); });
    auto* lossBlock = new QComboBox(body_);
    addField("loss block", tr("Loss reads"), lossBlock, tr("The block whose output the loss compares with the targets"));
    connect(lossBlock, &QComboBox::activated, this, [this] { commit("loss block"); });
    refreshing_ = true;
    refresh();
    refreshing_ = false;
    return;
  }
  const BlockInfo* info = findBlockType(b->type);
  title_->setText(QString::fromStdString(b->type));
  help_->setText(info ? QString::fromStdString(info->formula) + " — " +
                            QString::fromStdString(info->help)
                      : tr("Unknown block type."));
  auto* id = new QLineEdit(body_);
  addField("id", tr("Id"), id, tr("The block's name: letters, digits and _; unique"));
  connect(id, &QLineEdit::textEdited, this, [this](const QString& t) {
    nlohmann::json v;
    setError("id", check("id", t, &v));
  });
  connect(id, &QLineEdit::editingFinished, this, [this] { commit("id"); });
  if (info) {
    for (const auto& p : info->params) {
      const QString key = QString::fromStdString(p.key);
      QString help = QString::fromStdString(p.help);
      // The range the field checks against (the registry's), said before a value is refused.
      if (p.kind == ParamInfo::Kind::Int || p.kind == ParamInfo::Kind::Float ||
          p.kind == ParamInfo::Kind::IntOrChoice)
        help += tr(" (%1 to %2)").arg(QString::number(p.min, 'g', 12), QString::number(p.max, 'g', 12));
      QWidget* editor = nullptr;
      switch (p.kind) {
        case ParamInfo::Kind::Bool: {
          auto* c = new QCheckBox(body_);
          connect(c, &QCheckBox::clicked, this, [this, key] { commit(key); });
          editor = c;
          break;
        }
        case ParamInfo::Kind::Choice: {
          auto* c = new QComboBox(body_);
          for (const auto& s : p.choices) c->addItem(QString::fromStdString(s));
          connect(c, &QComboBox::activated, this, [this, key] { commit(key); });
          editor = c;
          break;
        }
        case ParamInfo::Kind::IntOrChoice: {
          auto* c = new QComboBox(body_);
          c->setEditable(true);
          for (const auto& s : p.choices) c->addItem(QString::fromStdString(s));
          connect(c->lineEdit(), &QLineEdit::textEdited, this, [this, key](const QString& t) {
            nlohmann::json v;
            setError(key, check(key, t, &v));
          });
          connect(c->lineEdit(), &QLineEdit::editingFinished, this, [this, key] { commit(key); });
          connect(c, &QComboBox::activated, this, [this, key] { commit(key); });
          editor = c;
          break;
        }
        default: {
          auto* e = new QLineEdit(body_);
          if (p.kind == ParamInfo::Kind::Shape) e->setPlaceholderText(tr("e.g. 2  or  1, 28, 28"));
          connect(e, &QLineEdit::textEdited, this, [this, key](const QString& t) {
            nlohmann::json v;
            setError(key, check(key, t, &v));
          });
          connect(e, &QLineEdit::editingFinished, this, [this, key] { commit(key); });
          editor = e;
        }
      }
      addField(key, key, editor, help);
    }
  }
  refreshing_ = true;
  refresh();
  refreshing_ = false;
}

void Inspector::refresh() {
  const BlockSpec* b = block_.isEmpty() ? nullptr : model_->spec().find(block_.toStdString());
  const QString want = b ? block_ + "|" + QString::fromStdString(b->type) : QString();
  if (want != builtFor_ || (!b && (multi_ > 1) != fields_.isEmpty())) {
    if (!refreshing_) {
      refreshing_ = true;
      rebuild();
      refreshing_ = false;
      return;
    }
  }
  auto setText = [&](const QString& key, const QString& text) {
    QWidget* w = fields_.value(key);
    if (auto* e = qobject_cast<QLineEdit*>(w)) {
      if (e->hasFocus() && errors_.value(key) && !errors_.value(key)->text().isEmpty()) return;
      if (e->text() != text) e->setText(text);
      setError(key, {});
    } else if (auto* c = qobject_cast<QComboBox*>(w)) {
      if (c->isEditable()) c->setEditText(text);
      else c->setCurrentText(text);
      setError(key, {});
    }
  };
  if (!b) {
    act_->setActivation({});
    if (fields_.isEmpty()) return;
    const NetworkSpec& s = model_->spec();
    setText("name", QString::fromStdString(s.name));
    setText("loss", QString::fromStdString(s.loss.type));
    if (auto* c = qobject_cast<QComboBox*>(fields_.value("loss block"))) {
      c->clear();
      for (const auto& blk : s.blocks)
        if (blk.type != "Input") c->addItem(QString::fromStdString(blk.id));
      c->setCurrentText(QString::fromStdString(s.loss.block));
    }
    return;
  }
  setText("id", block_);
  QString activation;  // Dense's and Conv2D's "activation", the Activation block's "function"
  if (const BlockInfo* info = findBlockType(b->type))
    for (const auto& p : info->params) {
      if (p.key == "activation" || p.key == "function")
        activation = QString::fromStdString(paramString(*b, p.key));
      const QString key = QString::fromStdString(p.key);
      const nlohmann::json v = paramValue(*b, p.key);
      if (auto* c = qobject_cast<QCheckBox*>(fields_.value(key)))
        c->setChecked(v.is_boolean() && v.get<bool>());
      else
        setText(key, jsonText(v));
    }
  act_->setActivation(activation);
}

QString Inspector::check(const QString& key, const QString& raw, nlohmann::json* value) const {
  const QString text = raw.trimmed();
  if (key == "id") {
    if (text.isEmpty()) return tr("The id cannot be empty.");
    if (!QRegularExpression("^[A-Za-z_][A-Za-z0-9_]*$").match(text).hasMatch())
      return tr("Use letters, digits and _ only, starting with a letter (e.g. h3).");
    if (text != block_ && model_->spec().find(text.toStdString()))
      return tr("Another block is already called \"%1\".").arg(text);
    *value = text.toStdString();
    return {};
  }
  const BlockSpec* b = model_->spec().find(block_.toStdString());
  const BlockInfo* info = b ? findBlockType(b->type) : nullptr;
  const ParamInfo* p = paramInfo(info, key);
  if (!p) return {};
  const QString name = "\"" + key + "\"";
  switch (p->kind) {
    case ParamInfo::Kind::Int: {
      bool ok = false;
      const qlonglong n = text.toLongLong(&ok);
      if (!ok) return tr("%1 must be a whole number, got \"%2\".").arg(name, text);
      *value = int64_t(n);
      break;
    }
    case ParamInfo::Kind::Float: {
      bool ok = false;
      const double x = text.toDouble(&ok);
      if (!ok || !std::isfinite(x)) return tr("%1 must be a number, got \"%2\".").arg(name, text);
      *value = x;
      break;
    }
    case ParamInfo::Kind::Shape: {
      const QStringList parts = text.split(QRegularExpression("[\\s,x×\\[\\]]+"), Qt::SkipEmptyParts);
      if (parts.isEmpty()) return tr("%1 needs at least one size, e.g. 2 or 1, 28, 28.").arg(name);
      nlohmann::json dims = nlohmann::json::array();
      for (const auto& s : parts) {
        bool ok = false;
        const qlonglong n = s.toLongLong(&ok);
        if (!ok) return tr("%1: \"%2\" is not a whole number.").arg(name, s);
        dims.push_back(int64_t(n));
      }
      *value = dims;
      break;
    }
    case ParamInfo::Kind::IntOrChoice: {
      bool ok = false;
      const qlonglong n = text.toLongLong(&ok);
      if (ok) *value = int64_t(n);
      else *value = text.toStdString();
      break;
    }
    case ParamInfo::Kind::Choice: *value = text.toStdString(); break;
    case ParamInfo::Kind::Bool: *value = text == "true"; break;
  }
  // The schema's own check (ranges, choices), on a copy of the block.
  BlockSpec candidate = *b;
  candidate.params[p->key] = *value;
  for (const auto& msg : checkParams(*info, candidate))
    if (QString::fromStdString(msg).contains(name))
      return QString::fromStdString(msg).replace(0, 1, QString::fromStdString(msg).left(1).toUpper()) + ".";
  return {};
}

void Inspector::commit(const QString& key) {
  if (refreshing_) return;
  QWidget* w = fields_.value(key);
  if (!w) return;
  if (block_.isEmpty()) {
    if (key == "name") {
      const std::string name = qobject_cast<QLineEdit*>(w)->text().toStdString();
      model_->edit(tr("Rename network"), [&](NetworkSpec& s) { s.name = name; });
    } else if (key == "loss") {
      const std::string t = qobject_cast<QComboBox*>(w)->currentText().toStdString();
      model_->edit(tr("Set loss to %1").arg(QString::fromStdString(t)),
                   [&](NetworkSpec& s) { s.loss.type = t; });
    } else if (key == "loss block") {
      const std::string t = qobject_cast<QComboBox*>(w)->currentText().toStdString();
      model_->edit(tr("Loss reads %1").arg(QString::fromStdString(t)),
                   [&](NetworkSpec& s) { s.loss.block = t; });
    }
    return;
  }
  QString text;
  if (auto* e = qobject_cast<QLineEdit*>(w)) text = e->text();
  else if (auto* c = qobject_cast<QComboBox*>(w)) text = c->currentText();
  else if (auto* c = qobject_cast<QCheckBox*>(w)) text = c->isChecked() ? "true" : "false";
  nlohmann::json value;
  const QString error = check(key, text, &value);
  setError(key, error);
  if (!error.isEmpty()) return;  // never write an impossible value into the model
  if (key == "id") return rename(text.trimmed());
  const BlockSpec* b = model_->spec().find(block_.toStdString());
  if (b && paramValue(*b, key.toStdString()) == value) return;
  model_->setParam(block_, key, value);
}

void Inspector::rename(const QString& newId) {
  if (newId == block_) return;
  const std::string from = block_.toStdString(), to = newId.toStdString();
  block_ = newId;
  model_->edit(tr("Rename %1 to %2").arg(QString::fromStdString(from), newId), [&](NetworkSpec& s) {
    if (BlockSpec* b = s.find(from)) b->id = to;
    for (auto& e : s.edges) {
      if (e.from == from) e.from = to;
      if (e.to == from) e.to = to;
    }
    if (s.loss.block == from) s.loss.block = to;
  });
}

}  // namespace gradlab::widgets
