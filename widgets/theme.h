#pragma once
// Theme: the colours and line widths the live views draw with, in one place, so that classroom
// mode (present/present_mode.h) can switch every view to a projector's palette at once.
//
// Two palettes: the lab's (blue train/class 1, orange test/class 0, as in TF Playground) and the
// presenting one — Okabe & Ito's colour-blind-safe set (2008, "Color Universal Design"), its
// strongest colours first, with lines and points scaled by the presentation scale (≥ 1.5×).
//
//   pen.setColor(theme().train());  pen.setWidthF(theme().line(2));   // 2 px, 3.5 px presenting
//   connect(&theme(), &Theme::changed, this, [this] { /* set pens again, redraw */ });
#include <QColor>
#include <QObject>

namespace gradlab::widgets {

class Theme : public QObject {
  Q_OBJECT
 public:
  bool presenting() const { return presenting_; }
  double scale() const { return presenting_ ? scale_ : 1.0; }  // for fonts, lines and points
  // Switches palette and scale together; emits changed() when either changes.
  void setPresenting(bool on, double scale);

  QColor train() const;   // train curves, train points of a regression
  QColor test() const;    // test curves
  // Class c of n: two classes are test()/train() coloured (0 orange, 1 blue); more take the
  // categorical palette in turn.
  QColor classColor(int c, int n) const;
  // The diverging map of a binary output: low (class 0), middle, high (class 1).
  QColor low() const { return classColor(0, 2); }
  QColor middle() const;
  QColor high() const { return classColor(1, 2); }
  // Layer i of n, input side first (gradient bars): a ramp blue → green → orange in the lab,
  // Okabe–Ito's blue, bluish green, orange … when presenting.
  QColor layer(int i, int n) const;
  // Series i of a comparison (one colour per variant, distinct from each other).
  QColor series(int i) const;
  double line(double width) const { return width * scale(); }
  double point(double size) const { return size * scale(); }

 signals:
  void changed();

 private:
  bool presenting_ = false;
  double scale_ = 1.75;
};

// The one theme of the application (GUI thread).
Theme& theme();

}  // namespace gradlab::widgets
