// Every field of the window that sets a number the engine uses refuses a value out of range
// (issue 15). The inspector: every numeric parameter of every block type, swept with 0, -1,
// NaN, ±inf, 1e18, a value just beyond each end of its range in the block registry, a fraction
// for a whole number and text — each refused with a visible message under the field, the model
// unchanged; each end of the range accepted. The training controls: a typed learning rate out of
// range is said under the field and never reaches the config; the spin boxes and sliders of the
// controls and the data panel cannot hold a value the engine or a project file would refuse.
#include <QAction>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QSignalSpy>
#include <QSlider>
#include <QSpinBox>
#include <QtTest>
#include <cmath>

#include "blocks/registry.h"
#include "editor/inspector.h"
#include "editor/network_model.h"
#include "io/training_settings.h"
#include "panels/controls_panel.h"
#include "panels/dataset_panel.h"

using namespace gradlab;
using namespace gradlab::widgets;

namespace {
QString text(double v) { return QString::number(v, 'g', 17); }

bool numeric(const ParamInfo& p) {
  return p.kind == ParamInfo::Kind::Int || p.kind == ParamInfo::Kind::Float ||
         p.kind == ParamInfo::Kind::IntOrChoice;
}

// What a user might type that the parameter cannot take.
QStringList outside(const ParamInfo& p) {
  if (p.kind == ParamInfo::Kind::Shape) return {"0", "-1", "1e18", "2000000", "nan", "2.5", "1, 2, 3, 4, 5", "two"};
  QStringList v{"nan", "inf", "-inf", "1e18", "-1e18", "two"};
  const bool whole = p.kind != ParamInfo::Kind::Float;
  v << (whole ? text(p.min - 1) : text(p.min - std::max(1.0, std::abs(p.min))));
  v << (whole ? text(p.max + 1) : text(p.max + std::max(1.0, std::abs(p.max))));
  if (p.min > -1) v << "-1";
  if (p.min > 0) v << "0";
  if (whole) v << text(p.min + 0.5);
  v.removeDuplicates();
  return v;
}

// The line edit a parameter is typed into (a QLineEdit, or an editable combo box's).
QLineEdit* lineEditOf(QWidget* field) {
  if (auto* e = qobject_cast<QLineEdit*>(field)) return e;
  if (auto* c = qobject_cast<QComboBox*>(field)) return c->lineEdit();
  return nullptr;
}

void type(QLineEdit* e, const QString& value) {
  e->setText(value);
  emit e->textEdited(value);
  emit e->editingFinished();
}
}  // namespace

class TstFieldRanges : public QObject {
  Q_OBJECT
 private slots:
  void inspectorRefusesEveryParameterOutOfRange() {
    int swept = 0;
    for (const BlockInfo& info : blockTypes()) {
      NetworkModel model;
      Inspector inspector(&model);
      inspector.show();
      const QString id = model.addBlock(QString::fromStdString(info.type), {0, 0});
      inspector.setSelection({id});
      // The fields of the form shown before are deleted later and the new ones shown later (Qt
      // shows a widget added to a shown layout through a queued call): both done here.
      QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
      QCoreApplication::processEvents();
      for (const ParamInfo& p : info.params) {
        if (!numeric(p) && p.kind != ParamInfo::Kind::Shape) continue;
        const QString key = QString::fromStdString(p.key), where = QString::fromStdString(info.type) + "." + key;
        if (numeric(p))  // the registry gives every number a range (the fields check against it)
          QVERIFY2(p.min > -1e12 && p.max < 1e12 && p.min <= p.max, qPrintable(where));
        QLineEdit* edit = lineEditOf(inspector.field(key));
        QVERIFY2(edit, qPrintable(where + ": no field to type into"));
        auto* error = inspector.findChild<QLabel*>("error:" + key);
        QVERIFY(error);
        for (const QString& v : outside(p)) {
          const nlohmann::json before = model.spec().find(id.toStdString())->params;
          type(edit, v);
          QVERIFY2(!inspector.errorOf(key).isEmpty() && error->isVisibleTo(&inspector),
                   qPrintable(where + " = " + v + " was taken"));
          QVERIFY2(model.spec().find(id.toStdString())->params == before,
                   qPrintable(where + " = " + v + " reached the model"));
          ++swept;
        }
        // Each end of the range is taken.
        const QStringList ends = p.kind == ParamInfo::Kind::Shape ? QStringList{"1", "3, 28, 28"}
                                                                  : QStringList{text(p.min), text(p.max)};
        for (const QString& v : ends) {
          type(edit, v);
          QVERIFY2(inspector.errorOf(key).isEmpty() && !error->isVisibleTo(&inspector),
                   qPrintable(where + " = " + v + ": " + inspector.errorOf(key)));
          const nlohmann::json now = paramValue(*model.spec().find(id.toStdString()), p.key);
          QVERIFY2(p.kind == ParamInfo::Kind::Shape || now.get<double>() == v.toDouble(),
                   qPrintable(where + " = " + v + " did not reach the model"));
        }
      }
    }
    qInfo("%d out-of-range values refused", swept);
    QVERIFY(swept > 100);
  }

  void learningRateOutOfRangeIsSaidAndKept() {
    QAction play("Play"), step("Step"), epoch("Epoch"), reset("Reset");
    ControlsPanel panel(&play, &step, &epoch, &reset);
    panel.show();
    TrainConfig c;
    c.lr = 0.03;
    panel.setConfig(c);
    QSignalSpy changed(&panel, &ControlsPanel::configChanged);
    auto* error = panel.findChild<QLabel*>("learningRateError");
    QVERIFY(error);
    QLineEdit* edit = panel.learningRate()->lineEdit();
    for (const char* v : {"0", "-1", "nan", "inf", "-inf", "1e18", "1e7", "1e-13", "fast", ""}) {
      type(edit, v);
      QVERIFY2(error->isVisibleTo(&panel) && error->text().contains("is not a learning rate: type a number from 1e-12 to 1000000"),
               qPrintable(QString(v) + ": " + error->text()));
      QCOMPARE(*panel.applyTo(c).lr, 0.03);
      QCOMPARE(changed.count(), 0);
    }
    for (double v : {1e-12, 1e6, 0.1}) {
      type(edit, text(v));
      QVERIFY2(!error->isVisibleTo(&panel), qPrintable(text(v)));
      QCOMPARE(*panel.applyTo(c).lr, v);
    }
    QCOMPARE(changed.count(), 3);
  }

  // The spin boxes and fixed choices hold only what the engine takes: at either end of each, the
  // config passes the checks a project's settings get.
  void trainingControlsHoldOnlyValidSettings() {
    QAction play("Play"), step("Step"), epoch("Epoch"), reset("Reset");
    ControlsPanel panel(&play, &step, &epoch, &reset);
    const auto spins = panel.findChildren<QSpinBox*>();
    QVERIFY(spins.size() >= 2);
    for (bool high : {false, true}) {
      for (QSpinBox* s : spins) s->setValue(high ? s->maximum() : s->minimum());
      for (QComboBox* box : panel.findChildren<QComboBox*>())
        if (!box->isEditable() && box->objectName() != "optimizer") box->setCurrentIndex(high ? box->count() - 1 : 0);
      const TrainConfig c = panel.applyTo(TrainConfig{});
      try {
        checkTrainConfig(c, [](const std::string& key) { return key; });
      } catch (const std::exception& e) {
        QFAIL(e.what());
      }
    }
    // Typing beyond the seed's end does not get past the box.
    auto* seed = panel.findChild<QSpinBox*>("seed");
    QVERIFY(seed);
    seed->setValue(5);
    seed->selectAll();
    QTest::keyClicks(seed, "99999999999999");
    QTest::keyClick(seed, Qt::Key_Return);
    QVERIFY(seed->value() <= seed->maximum());
    QVERIFY(seed->maximum() <= trainingRange("seed").hi);
  }

  // The data panel's sliders and boxes at their ends load data a project file may store.
  void dataPanelHoldsOnlyValidSources() {
    DatasetPanel panel;
    panel.load(panel.source());
    QVERIFY(QTest::qWaitFor([&] { return !panel.loading(); }, 20000));
    for (bool high : {false, true}) {
      for (QSlider* s : panel.findChildren<QSlider*>()) {
        const QSignalBlocker quiet(s);  // no reload per slider: the samples box reloads them all
        s->setValue(high ? s->maximum() : s->minimum());
      }
      QSpinBox* batch = panel.findChild<QSpinBox*>("batch");
      QVERIFY(batch);
      QVERIFY(batch->minimum() >= trainingRange("batch").lo && batch->maximum() <= trainingRange("batch").hi);
      for (QSpinBox* s : panel.findChildren<QSpinBox*>()) {
        if (s == batch) continue;
        s->setValue(high ? s->maximum() : s->minimum());
        emit s->editingFinished();  // the samples box reloads with every field as it is
      }
      QVERIFY(QTest::qWaitFor([&] { return !panel.loading(); }, 60000));
      const DataSource s = panel.source();
      QCOMPARE(s.points, high ? 100000 : 0);  // loaded with the fields' values
      try {
        QVERIFY(DataSource::fromJson(s.toJson(), "panel") == s);
      } catch (const std::exception& e) {
        QFAIL(e.what());
      }
    }
  }
};

QTEST_MAIN(TstFieldRanges)
#include "tst_field_ranges.moc"
