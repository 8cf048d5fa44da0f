// LiveBox (widgets/live_box.h): a label whose text changes at every frame re-lays out its box,
// not the window — while the text still gets the room it needs: more lines when it wraps onto
// them, a wider box when a single line grows, never cut off.
#include <QApplication>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QTest>
#include <QVBoxLayout>

#include "live_box.h"

using namespace gradlab::widgets;

namespace {
// Counts the requests for a new layout that reach a window.
class LayoutRequests : public QObject {
 public:
  explicit LayoutRequests(QWidget* window) { window->installEventFilter(this); }
  int count = 0;

 protected:
  bool eventFilter(QObject*, QEvent* e) override {
    if (e->type() == QEvent::LayoutRequest) ++count;
    return false;
  }
};

// A window like a view: a note beside a button over a body, inside a frame of its own.
struct Window {
  QWidget top;
  QWidget* frame = new QWidget(&top);
  QLabel* note = new QLabel;
  explicit Window(bool boxed, bool wrap) {
    auto* outer = new QVBoxLayout(&top);
    outer->addWidget(frame);
    auto* v = new QVBoxLayout(frame);
    auto* row = new QHBoxLayout;
    note->setWordWrap(wrap);
    if (boxed)
      row->addWidget(new LiveBox(note, frame), 1);
    else
      row->addWidget(note, 1);
    row->addWidget(new QPushButton("Export…", frame));
    v->addLayout(row);
    v->addWidget(new QWidget(frame), 1);
    top.resize(420, 300);
    top.show();
  }
  // Writes `n` step counts, letting the event loop run after each, as the window's frames do.
  void tick(int n) {
    for (int i = 0; i < n; ++i) {
      note->setText(QString("Step %L1: the output of \"h1\" on test sample 3.").arg(1000 + 7 * i));
      QApplication::processEvents();
    }
  }
};
}  // namespace

class TestLiveBox : public QObject {
  Q_OBJECT
 private slots:
  void newDigitsDoNotLayOutTheWindow_data() {
    QTest::addColumn<bool>("wrap");
    QTest::newRow("wrapped note") << true;
    QTest::newRow("single line") << false;
  }
  void newDigitsDoNotLayOutTheWindow() {
    QFETCH(bool, wrap);
    Window plain(false, wrap), boxed(true, wrap);
    QVERIFY(QTest::qWaitForWindowExposed(&plain.top) && QTest::qWaitForWindowExposed(&boxed.top));
    plain.tick(3);
    boxed.tick(3);
    LayoutRequests plainRequests(&plain.top), boxedRequests(&boxed.top);
    plain.tick(50);
    boxed.tick(50);
    QVERIFY2(plainRequests.count >= 40, qPrintable(QString::number(plainRequests.count)));  // a QLabel's way
    QCOMPARE(boxedRequests.count, 0);
    QCOMPARE(boxed.note->text(), plain.note->text());
  }

  void aNoteThatNeedsMoreLinesGetsThem() {
    Window w(true, true);
    QVERIFY(QTest::qWaitForWindowExposed(&w.top));
    w.tick(1);
    const int oneLine = w.note->height();
    w.note->setText(QString("A long note: ").repeated(20));
    QTRY_VERIFY(w.note->height() >= w.note->heightForWidth(w.note->width()));
    QVERIFY(w.note->height() > 2 * oneLine);
    w.note->setText("Short again.");  // and gives the room back
    QTRY_COMPARE(w.note->height(), oneLine);
  }

  void aLineThatGrowsIsNeverCutOff() {
    Window w(true, false);
    QVERIFY(QTest::qWaitForWindowExposed(&w.top));
    w.note->setText("step 9");
    QApplication::processEvents();
    w.note->setText("step 1,234,567 · epoch 120.5 · 5,745 steps/s");
    QTRY_VERIFY(w.note->width() >= w.note->sizeHint().width());
    const int wide = w.note->width();
    w.note->setText("step 9");  // the width stays: what is beside it does not move
    QApplication::processEvents();
    QApplication::processEvents();
    QCOMPARE(w.note->width(), wide);
  }

  void aBiggerFontGetsRoomAndASmallerOneGivesItBack() {
    Window w(true, false);
    QVERIFY(QTest::qWaitForWindowExposed(&w.top));
    w.note->setText("Step 1,234");
    QApplication::processEvents();
    const QSize normal = w.note->size();
    QFont big = w.note->font();
    big.setPointSizeF(big.pointSizeF() * 2.5);  // classroom mode's counter
    w.note->setFont(big);
    QTRY_VERIFY(w.note->width() >= w.note->sizeHint().width() && w.note->height() > normal.height());
    QFont small = big;
    small.setPointSizeF(big.pointSizeF() / 2.5);
    w.note->setFont(small);
    QTRY_COMPARE(w.note->height(), normal.height());
  }
};

QTEST_MAIN(TestLiveBox)
#include "tst_live_box.moc"
