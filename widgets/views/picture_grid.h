#pragma once
// PictureGrid: tensors drawn as pictures, one titled section per tensor (the Inside view).
//   [C, H, W]        C tiles of H × W: feature maps, the input image (C = 3: one colour tile)
//   [T, F]           one tile, F rows by T columns: a sequence, time to the right (gates)
//   [F]              one strip of F cells, wrapped in rows of 32 (a dense output, a mask)
//   weights          [O, C, kH, kW] filters as O·C tiles; [out, in] as one matrix
// Colours: values all in [0, 1] (images, gates, masks) on a white-to-blue scale (grey for an
// input image); others diverging, blue positive, orange negative, white zero, scaled by the
// largest |value| of the tensor so that its tiles compare.
// With setTraces(true) (the Inside view on a Conv1D or MaxPool1D block) a sequence [T, F] of up
// to 16 features is drawn as F traces instead, one line chart per feature on a common scale,
// each as wide as the view's sequences so that time lines up from the raw signal to the
// pooled feature maps; [O, 1, k] filters as O small charts of their k taps.
#include <QImage>
#include <QWidget>
#include <vector>

#include "train/probes/inside.h"

namespace gradlab::widgets {

class PictureGrid : public QWidget {
  Q_OBJECT
 public:
  explicit PictureGrid(QWidget* parent = nullptr);
  // The pictures to draw (input first); an empty list shows `emptyText`.
  void setPictures(std::vector<TensorPicture> pictures, const QString& emptyText);
  // Sequences as traces (line charts) rather than maps, from the next setPictures on.
  void setTraces(bool on) { traces_ = on; }
  int sections() const { return int(sections_.size()); }
  int tiles(int section) const { return int(sections_[size_t(section)].tiles.size()); }
  QString sectionTitle(int section) const { return sections_[size_t(section)].title; }

 protected:
  void paintEvent(QPaintEvent* e) override;
  void resizeEvent(QResizeEvent* e) override;

 private:
  struct Tile {
    QImage image;
    QSize size;  // drawn size
  };
  struct Section {
    QString title;
    std::vector<Tile> tiles;
  };
  // Lays the sections out at `width` — a title line each, then its tiles left to right,
  // wrapping — calling onTitle(section, rect) and onTile(tile, rect); returns the height.
  template <class OnTitle, class OnTile>
  int walk(int width, OnTitle onTitle, OnTile onTile) const;
  int layoutHeight(int width) const;

  std::vector<Section> sections_;
  QString emptyText_;
  bool traces_ = false;
};

}  // namespace gradlab::widgets
