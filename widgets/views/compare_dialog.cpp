#include "views/compare_dialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>
#include <cmath>
#include <sstream>

#include "blocks/registry.h"
#include "optim/optimizer.h"
#include "util/error.h"

namespace gradlab {
namespace {

std::vector<std::string> splitValues(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    const auto b = item.find_first_not_of(" \t"), e = item.find_last_not_of(" \t");
    if (b != std::string::npos) out.push_back(item.substr(b, e - b + 1));
  }
  return out;
}

// "0.03" -> 0.03; anything else -> nullopt.
std::optional<double> number(const std::string& s) {
  try {
    size_t used = 0;
    const double v = std::stod(s, &used);
    if (used == s.size() && std::isfinite(v)) return v;
  } catch (const std::exception&) {
  }
  return std::nullopt;
}

std::string joined(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

// A parameter value from its text, checked against the schema.
nlohmann::json paramFromText(const ParamInfo& p, const std::string& block, const std::string& text) {
  const std::string where = "compare: " + block + "." + p.key + " = \"" + text + "\": ";
  auto inRange = [&](double v) {
    if (v < p.min || v > p.max)
      throw Error(where + "out of range; use " + std::to_string(p.min) + " to " + std::to_string(p.max));
    return v;
  };
  switch (p.kind) {
    case ParamInfo::Kind::Float:
      if (auto v = number(text)) return inRange(*v);
      throw Error(where + "not a number");
    case ParamInfo::Kind::Int:
    case ParamInfo::Kind::IntOrChoice:
      if (auto v = number(text); v && *v == std::floor(*v)) return int64_t(inRange(*v));
      if (p.kind == ParamInfo::Kind::IntOrChoice &&
          std::find(p.choices.begin(), p.choices.end(), text) != p.choices.end())
        return text;
      throw Error(where + "not a whole number" +
                  (p.choices.empty() ? std::string() : " or one of " + joined(p.choices)));
    case ParamInfo::Kind::Bool:
      if (text == "true" || text == "on" || text == "1") return true;
      if (text == "false" || text == "off" || text == "0") return false;
      throw Error(where + "use true or false");
    case ParamInfo::Kind::Choice:
      if (std::find(p.choices.begin(), p.choices.end(), text) != p.choices.end()) return text;
      throw Error(where + "use one of " + joined(p.choices));
    case ParamInfo::Kind::Shape:
      break;
  }
  throw Error(where + "a shape cannot be varied here");
}

}  // namespace
}  // namespace gradlab

namespace gradlab::widgets {

std::vector<CompareVariant> CompareDialog::makeVariants(const NetworkSpec& spec,
                                                        const TrainConfig& config,
                                                        const std::string& what,
                                                        const std::string& text) {
  const std::vector<std::string> values = splitValues(text);
  if (values.size() < 2 || values.size() > 4)
    throw Error("compare: give 2 to 4 values separated by commas (got " +
                std::to_string(values.size()) + ")");
  std::vector<CompareVariant> out;
  for (const std::string& v : values) {
    CompareVariant variant{"", spec, config};
    if (what == "lr") {
      const auto lr = number(v);
      if (!lr || *lr <= 0) throw Error("compare: learning rate \"" + v + "\" is not a positive number (e.g. 0.03)");
      variant.config.lr = *lr;
      variant.name = "lr " + v;
    } else if (what == "optimizer") {
      parseOptimKind(v);  // throws Error listing the valid names
      variant.config.optimizer = v;
      variant.name = v;
    } else {
      const auto dot = what.find('.');
      const std::string block = what.substr(0, dot), key = dot == std::string::npos ? "" : what.substr(dot + 1);
      auto b = std::find_if(variant.spec.blocks.begin(), variant.spec.blocks.end(),
                            [&](const BlockSpec& s) { return s.id == block; });
      if (b == variant.spec.blocks.end()) throw Error("compare: the network has no block \"" + block + "\"");
      const BlockInfo* info = findBlockType(b->type);
      auto p = info ? std::find_if(info->params.begin(), info->params.end(),
                                   [&](const ParamInfo& pi) { return pi.key == key; })
                    : std::vector<ParamInfo>::const_iterator{};
      if (!info || p == info->params.end())
        throw Error("compare: block " + block + " (" + b->type + ") has no parameter \"" + key + "\"");
      b->params[key] = paramFromText(*p, block, v);
      variant.name = block + " " + key + " " + v;
    }
    out.push_back(std::move(variant));
  }
  return out;
}

CompareDialog::CompareDialog(const NetworkSpec& spec, const TrainConfig& config, QWidget* parent)
    : QDialog(parent), spec_(spec), config_(config) {
  setWindowTitle(tr("Compare variants"));
  setObjectName("compareDialog");
  auto* v = new QVBoxLayout(this);
  auto* intro = new QLabel(tr("Train two to four variants of the current network side by side: "
                              "the same data, the same initial weights, the same batches."), this);
  intro->setWordWrap(true);
  v->addWidget(intro);
  auto* form = new QFormLayout;
  vary_ = new QComboBox(this);
  vary_->setObjectName("vary");
  vary_->addItem(tr("Learning rate"), int(Vary::LearningRate));
  vary_->addItem(tr("Optimizer"), int(Vary::Optimizer));
  vary_->addItem(tr("A block parameter"), int(Vary::Parameter));
  form->addRow(tr("Vary"), vary_);
  param_ = new QComboBox(this);
  param_->setObjectName("parameter");
  paramLabel_ = new QLabel(tr("Parameter"), this);
  form->addRow(paramLabel_, param_);
  values_ = new QLineEdit(this);
  values_->setObjectName("values");
  values_->setToolTip(tr("Two to four values separated by commas"));
  form->addRow(tr("Values"), values_);
  steps_ = new QSpinBox(this);
  steps_->setObjectName("steps");
  steps_->setRange(10, 1000000);
  steps_->setValue(2000);
  steps_->setSingleStep(500);
  form->addRow(tr("Steps"), steps_);
  v->addLayout(form);
  error_ = new QLabel(this);
  error_->setWordWrap(true);
  error_->setStyleSheet("color: #b00020;");
  v->addWidget(error_);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
  ok_ = buttons->button(QDialogButtonBox::Ok);
  ok_->setText(tr("Compare"));
  v->addWidget(buttons);
  connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

  fillParameters();
  connect(vary_, &QComboBox::currentIndexChanged, this, [this] { suggest(); });
  connect(param_, &QComboBox::currentIndexChanged, this, [this] { suggest(); });
  connect(values_, &QLineEdit::textChanged, this, &CompareDialog::validate);
  suggest();
}

// Every parameter of the network's blocks that a value can be typed for.
void CompareDialog::fillParameters() {
  for (const BlockSpec& b : spec_.blocks) {
    const BlockInfo* info = findBlockType(b.type);
    if (!info || b.type == "Input") continue;
    for (const ParamInfo& p : info->params)
      if (p.kind != ParamInfo::Kind::Shape)
        param_->addItem(QString::fromStdString(b.id + " " + p.key + " (" + b.type + ")"),
                        QString::fromStdString(b.id + "." + p.key));
  }
}

std::string CompareDialog::what() const {
  switch (Vary(vary_->currentData().toInt())) {
    case Vary::LearningRate: return "lr";
    case Vary::Optimizer: return "optimizer";
    case Vary::Parameter: return param_->currentData().toString().toStdString();
  }
  return "lr";
}

// Values to start from: the current one and neighbours a lesson would show.
void CompareDialog::suggest() {
  const Vary vary = Vary(vary_->currentData().toInt());
  param_->setVisible(vary == Vary::Parameter);
  paramLabel_->setVisible(vary == Vary::Parameter);
  QString text;
  if (vary == Vary::LearningRate) {
    const double lr = config_.lr.value_or(0.03);
    text = QString("%1, %2, %3").arg(lr / 10, 0, 'g', 3).arg(lr, 0, 'g', 3).arg(lr * 10, 0, 'g', 3);
  } else if (vary == Vary::Optimizer) {
    text = "sgd, momentum, adam";
  } else {
    const std::string w = what();
    const auto dot = w.find('.');
    for (const BlockSpec& b : spec_.blocks)
      if (b.id == w.substr(0, dot))
        if (const BlockInfo* info = findBlockType(b.type))
          for (const ParamInfo& p : info->params)
            if (p.key == w.substr(dot + 1)) {
              const nlohmann::json cur = paramValue(b, p.key);
              if (p.kind == ParamInfo::Kind::Choice && p.choices.size() >= 2) {
                QStringList two{QString::fromStdString(cur.get<std::string>())};
                for (const auto& c : p.choices)
                  if (two.size() < 2 && c != cur.get<std::string>()) two << QString::fromStdString(c);
                text = two.join(", ");
              } else if (p.kind == ParamInfo::Kind::Bool) {
                text = "false, true";
              } else if (cur.is_number()) {
                const double x = cur.get<double>();
                text = x == 0 ? QString("0, 0.5") : QString("%1, %2").arg(x, 0, 'g', 4).arg(x * 2, 0, 'g', 4);
              }
            }
  }
  values_->setText(text);
  validate();
}

void CompareDialog::validate() {
  const QString e = error();
  error_->setText(e);
  ok_->setEnabled(e.isEmpty());
}

QString CompareDialog::error() const {
  try {
    makeVariants(spec_, config_, what(), values_->text().toStdString());
    return {};
  } catch (const std::exception& e) {
    return QString::fromStdString(e.what());
  }
}

std::vector<CompareVariant> CompareDialog::variants() const {
  try {
    return makeVariants(spec_, config_, what(), values_->text().toStdString());
  } catch (const std::exception&) {
    return {};
  }
}

int64_t CompareDialog::steps() const { return steps_->value(); }

void CompareDialog::choose(Vary vary, const QString& values, const QString& blockParam) {
  vary_->setCurrentIndex(vary_->findData(int(vary)));
  if (!blockParam.isEmpty()) param_->setCurrentIndex(param_->findData(blockParam));
  values_->setText(values);
}

}  // namespace gradlab::widgets
