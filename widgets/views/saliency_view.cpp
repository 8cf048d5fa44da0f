#include "views/saliency_view.h"

#include <QComboBox>
#include <QFileInfo>
#include <QLabel>
#include <QPainter>
#include <QSpinBox>
#include <QToolBar>
#include <QToolButton>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <numeric>

#include "theme.h"
#include "views/image_drop.h"
#include "views/image_tiles.h"

namespace gradlab::widgets {

namespace {
constexpr int kGap = 12;
constexpr int kMaxBars = 64;     // input values drawn as bars (points, short vectors)
constexpr int kMaxClassRows = 12;  // more classes: the most probable ones

// How a result's input is drawn as a picture: an image [C, H, W] as it is, a sequence [T, F]
// as F rows by T columns (time to the right), its values min..max in grey.
struct Picture {
  QImage input;
  int h = 0, w = 0;
  std::vector<float> heat;  // h × w
};

Picture pictureOf(const SaliencyProbe& r, const std::vector<float>& absGrad) {
  Picture p;
  const Shape& s = r.inputShape;
  if (s.size() == 3) {
    p.h = int(s[1]), p.w = int(s[2]);
    p.input = inputImage(r.input, s);
    p.heat = channelMax(absGrad, s);
  } else if (s.size() == 2) {  // [T, F] → F × T
    const int t = int(s[0]), f = int(s[1]);
    p.h = f, p.w = t;
    const auto [mn, mx] = std::minmax_element(r.input.begin(), r.input.end());
    std::vector<float> seq(size_t(t * f)), heat(size_t(t * f));
    for (int i = 0; i < t; ++i)
      for (int j = 0; j < f; ++j) {
        seq[size_t(j * t + i)] = r.input[size_t(i * f + j)];
        heat[size_t(j * t + i)] = absGrad[size_t(i * f + j)];
      }
    p.input = inputImage(seq, {1, f, t}, *mn, *mx > *mn ? *mx : *mn + 1);
    p.heat = std::move(heat);
  }
  return p;
}
}  // namespace

// ---------------------------------------------------------------------------------- canvas

SaliencyCanvas::SaliencyCanvas(QWidget* parent) : QWidget(parent) {
  setObjectName("saliencyCanvas");
  setMinimumSize(320, 200);
  connect(&theme(), &Theme::changed, this, qOverload<>(&QWidget::update));
}

void SaliencyCanvas::setResult(std::shared_ptr<const SaliencyProbe> r,
                               std::vector<std::string> names, const QString& emptyText) {
  result_ = std::move(r);
  names_ = std::move(names);
  emptyText_ = emptyText;
  heat_.clear();
  heatMax_ = 0;
  if (result_ && result_->why.empty()) {
    heat_.resize(result_->gradient.size());
    for (size_t i = 0; i < heat_.size(); ++i) heat_[i] = std::abs(result_->gradient[i]);
    for (float v : heat_)
      if (std::isfinite(v)) heatMax_ = std::max(heatMax_, v);
  }
  update();
}

QString SaliencyCanvas::className(int c) const {
  return c >= 0 && c < int(names_.size()) ? QString::fromStdString(names_[size_t(c)])
                                          : tr("class %1").arg(c);
}

void SaliencyCanvas::paintEvent(QPaintEvent*) {
  QPainter p(this);
  p.setRenderHint(QPainter::Antialiasing);
  const QRect all = rect().adjusted(kGap, kGap / 2, -kGap, -kGap / 2);
  if (!result_ || !result_->why.empty()) {
    p.setPen(palette().color(QPalette::PlaceholderText));
    p.drawText(all, Qt::AlignCenter | Qt::TextWordWrap,
               result_ ? QString::fromStdString(result_->why) : emptyText_);
    return;
  }
  // The probabilities to the right where there is room, else below.
  const int rows = std::min<int>(int(result_->probabilities.size()), kMaxClassRows);
  const int lineH = p.fontMetrics().height() + 4;
  const bool image = result_->inputShape.size() >= 2;
  // Beside: the probabilities in a column on the right; below: under the pictures. Images take
  // the layout that draws them larger; bars go beside from 640 px.
  const int colW = std::clamp(all.width() / 4, 200, 300);
  const int rowsH = std::min(all.height() / 2, (rows + 1) * lineH);
  const int text = 3 * p.fontMetrics().height() + 14;  // a picture's title and legend
  auto side = [&](int w, int h) { return std::min((w - 2 * kGap) / 3, h - text); };
  const bool beside = image ? side(all.width() - colW - 2 * kGap, all.height()) >=
                                  side(all.width(), all.height() - rowsH - kGap)
                            : all.width() >= 640;
  QRect pictures = all, probs;
  if (beside) {
    probs = QRect(all.right() - colW + 1, all.top(), colW, all.height());
    pictures.setRight(probs.left() - 2 * kGap);
  } else {
    probs = QRect(all.left(), all.bottom() - rowsH + 1, all.width(), rowsH);
    pictures.setBottom(probs.top() - kGap);
  }
  if (image)
    paintImage(p, pictures);
  else
    paintBars(p, pictures);
  paintProbabilities(p, probs);
}

void SaliencyCanvas::paintImage(QPainter& p, const QRect& area) {
  const Picture pic = pictureOf(*result_, heat_);
  if (pic.input.isNull()) return;
  const QFontMetrics fm = p.fontMetrics();
  const int title = fm.height() + 6, legend = 2 * fm.height() + 8;
  const int panelW = (area.width() - 2 * kGap) / 3;
  const QString heatTitle = result_->smooth > 0 ? tr("|∂ score / ∂x|, SmoothGrad ×%1").arg(result_->smooth)
                                                : tr("|∂ score / ∂x|");
  const QString titles[3] = {result_->ownImage ? tr("Your image") : tr("Input"), heatTitle,
                             tr("Overlay")};
  const QImage images[3] = {pic.input, heatImage(pic.heat, pic.h, pic.w, heatMax_),
                            overlayImage(pic.input, pic.heat, heatMax_)};
  QRect heatRect;
  for (int i = 0; i < 3; ++i) {
    const QRect panel(area.left() + i * (panelW + kGap), area.top(), panelW, area.height());
    const QRect box(panel.left(), panel.top() + title, panel.width(), panel.height() - title - legend);
    const QRect drawn = drawPixels(p, box, images[i]);
    p.setPen(palette().color(QPalette::WindowText));
    p.drawText(QRect(panel.left(), drawn.top() - title, panel.width(), title),
               Qt::AlignHCenter | Qt::AlignBottom, fm.elidedText(titles[i], Qt::ElideRight, panel.width()));
    if (i == 1) heatRect = drawn;
  }
  if (heatRect.isValid()) {  // at least wide enough for its labels
    const int w = std::max(heatRect.width(), fm.horizontalAdvance("0  per pixel  0.000") + 8);
    drawHeatLegend(p, QRect(heatRect.center().x() - w / 2, heatRect.bottom() + 6, w, legend - 8),
                   heatMax_, tr("per pixel"));
  }
}

void SaliencyCanvas::paintBars(QPainter& p, const QRect& area) {
  const SaliencyProbe& r = *result_;
  const int n = std::min<int>(int(r.gradient.size()), kMaxBars);
  const QFontMetrics fm = p.fontMetrics();
  const int title = fm.height() + 6;
  p.setPen(palette().color(QPalette::WindowText));
  p.drawText(QRect(area.left(), area.top(), area.width(), title), Qt::AlignLeft | Qt::AlignVCenter,
             tr("∂ score / ∂x per input value (blue: raising it raises the score)"));
  if (n == 0) return;
  float maxAbs = 0;
  for (int i = 0; i < n; ++i) maxAbs = std::max(maxAbs, std::abs(r.gradient[size_t(i)]));
  if (!(maxAbs > 0)) maxAbs = 1;
  const int labelW = fm.horizontalAdvance("x64 = -0.000  ");
  const int valueW = fm.horizontalAdvance("-0.000e-00 ");
  const int rowH = std::clamp((area.height() - title) / n, 4, 3 * fm.height());
  const int barW = area.width() - labelW - valueW;
  const int zero = area.left() + labelW + barW / 2;
  for (int i = 0; i < n; ++i) {
    const int y = area.top() + title + i * rowH;
    const float g = r.gradient[size_t(i)];
    const int len = int(std::round(double(g) / maxAbs * (barW / 2 - 2)));
    if (rowH >= fm.height()) {
      p.setPen(palette().color(QPalette::WindowText));
      p.drawText(QRect(area.left(), y, labelW - 6, rowH), Qt::AlignRight | Qt::AlignVCenter,
                 tr("x%1 = %2").arg(i + 1).arg(double(r.input[size_t(i)]), 0, 'f', 2));
      p.drawText(QRect(zero + barW / 2 + 6, y, valueW, rowH), Qt::AlignLeft | Qt::AlignVCenter,
                 QString::number(double(g), 'g', 3));
    }
    const QRect bar = len >= 0 ? QRect(zero, y + rowH / 6, len, std::max(2, rowH * 2 / 3))
                               : QRect(zero + len, y + rowH / 6, -len, std::max(2, rowH * 2 / 3));
    p.fillRect(bar, g >= 0 ? theme().train() : theme().test());
  }
  p.setPen(QPen(palette().color(QPalette::Mid), theme().line(1)));
  p.drawLine(zero, area.top() + title, zero, area.top() + title + n * rowH);
}

void SaliencyCanvas::paintProbabilities(QPainter& p, const QRect& area) {
  const SaliencyProbe& r = *result_;
  const int k = int(r.probabilities.size());
  std::vector<int> order(static_cast<size_t>(k));
  std::iota(order.begin(), order.end(), 0);
  if (k > kMaxClassRows) {  // the most probable ones, the explained class among them
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
      return r.probabilities[size_t(a)] > r.probabilities[size_t(b)];
    });
    order.resize(kMaxClassRows);
    if (std::find(order.begin(), order.end(), r.cls) == order.end()) order.back() = r.cls;
  }
  QFont base = p.font(), bold = base;
  bold.setBold(true);
  const QFontMetrics fm(base);
  const int title = fm.height() + 6;
  const int rowH = std::clamp((area.height() - title) / std::max(1, int(order.size())), fm.height(),
                              fm.height() * 2);
  const int nameW = std::min(area.width() * 9 / 20, fm.horizontalAdvance("T-shirt/top (true) ◆ "));
  const int pctW = fm.horizontalAdvance("100.0 %") + 4;
  const int barW = area.width() - nameW - pctW - 8;
  p.setPen(palette().color(QPalette::WindowText));
  p.setFont(bold);
  p.drawText(QRect(area.left(), area.top(), area.width(), title), Qt::AlignLeft | Qt::AlignVCenter,
             tr("Class probabilities"));
  for (size_t i = 0; i < order.size(); ++i) {
    const int c = order[i];
    const int y = area.top() + title + int(i) * rowH;
    const double prob = double(r.probabilities[size_t(c)]);
    QString name = className(c);
    if (c == r.truth) name += tr(" (true)");
    p.setFont(c == r.predicted ? bold : base);
    p.setPen(palette().color(QPalette::WindowText));
    p.drawText(QRect(area.left(), y, nameW, rowH), Qt::AlignRight | Qt::AlignVCenter,
               fm.elidedText(name, Qt::ElideMiddle, nameW - 4));
    const QRect track(area.left() + nameW + 4, y + rowH / 5, barW, std::max(3, rowH * 3 / 5));
    p.fillRect(track, palette().color(QPalette::AlternateBase));
    p.fillRect(QRect(track.left(), track.top(), int(std::round(prob * track.width())), track.height()),
               c == r.predicted ? theme().train() : theme().train().lighter(160));
    if (c == r.cls) {  // the class whose score the map explains: framed in the heat's red
      p.setPen(QPen(QColor(heatColor(0.8)), theme().line(2)));
      p.setBrush(Qt::NoBrush);
      p.drawRect(track.adjusted(-2, -2, 1, 1));
    }
    p.setPen(palette().color(QPalette::WindowText));
    p.drawText(QRect(track.right() + 4, y, pctW, rowH), Qt::AlignLeft | Qt::AlignVCenter,
               QString::number(100 * prob, 'f', 1) + " %");
  }
  p.setFont(base);
  const int below = area.top() + title + int(order.size()) * rowH + 4;
  if (below + fm.height() <= area.bottom()) {
    p.setPen(palette().color(QPalette::PlaceholderText));
    p.drawText(QRect(area.left(), below, area.width(), area.bottom() - below),
               Qt::AlignLeft | Qt::AlignTop | Qt::TextWordWrap,
               tr("Framed: the class the map explains (%1).").arg(className(r.cls)));
  }
}

// ---------------------------------------------------------------------------------- view

SaliencyView::SaliencyView(QWidget* parent) : View(tr("Saliency"), parent) {
  setObjectName("saliencyView");
  toolbar()->addWidget(new QLabel(tr("Sample "), this));
  prev_ = new QToolButton(this);
  prev_->setText("‹");
  prev_->setObjectName("saliencyPrev");
  prev_->setToolTip(tr("The previous sample"));
  toolbar()->addWidget(prev_);
  sample_ = new QSpinBox(this);
  sample_->setObjectName("saliencySample");
  sample_->setToolTip(tr("Which test sample to explain (the training set's when there is no test set)"));
  sample_->setRange(0, 0);
  toolbar()->addWidget(sample_);
  next_ = new QToolButton(this);
  next_->setText("›");
  next_->setObjectName("saliencyNext");
  next_->setToolTip(tr("The next sample"));
  toolbar()->addWidget(next_);
  toolbar()->addWidget(new QLabel(tr("  Class "), this));
  class_ = new QComboBox(this);
  class_->setObjectName("saliencyClass");
  class_->setToolTip(tr("Whose score to explain: the predicted class, or any other"));
  class_->setSizeAdjustPolicy(QComboBox::AdjustToContents);
  class_->addItem(tr("Predicted"), -1);
  toolbar()->addWidget(class_);
  toolbar()->addWidget(new QLabel(tr("  SmoothGrad "), this));
  smooth_ = new QSpinBox(this);
  smooth_->setObjectName("saliencySmooth");
  smooth_->setRange(0, SaliencyProbe::kMaxSmooth);
  smooth_->setSpecialValueText(tr("off"));
  smooth_->setSuffix(tr(" copies"));
  smooth_->setToolTip(tr("SmoothGrad (Smilkov et al. 2017): the mean gradient over this many "
                         "copies of the input with Gaussian noise (σ = 15 % of its range) — less "
                         "speckled maps; off: the plain gradient"));
  toolbar()->addWidget(smooth_);
  toolbar()->addSeparator();
  drop_ = new ImageDrop(this, toolbar());
  canvas_ = new SaliencyCanvas(this);
  body()->addWidget(canvas_, 1);

  connect(prev_, &QToolButton::clicked, this, [this] { sample_->setValue(sample_->value() - 1); });
  connect(next_, &QToolButton::clicked, this, [this] { sample_->setValue(sample_->value() + 1); });
  connect(sample_, &QSpinBox::valueChanged, this, [this] {
    drop_->clear();  // a sample of the data set again
    dropMessage_.clear();
    emit probesChanged();
  });
  connect(class_, &QComboBox::currentIndexChanged, this, [this] { emit probesChanged(); });
  connect(smooth_, &QSpinBox::valueChanged, this, [this] { emit probesChanged(); });
  connect(drop_, &ImageDrop::changed, this, [this] {
    dropMessage_.clear();
    emit probesChanged();
  });
  connect(drop_, &ImageDrop::failed, this, [this](const QString& m) {
    dropMessage_ = m;
    setNote(tr("Your image cannot be used: %1").arg(m));
  });
  setNote(tr("Train a classifier (Step or Play): the pixels its choice hangs on show here. Drop "
             "a PNG or JPEG here to explain your own image."));
}

void SaliencyView::setSample(int index) { sample_->setValue(index); }
int SaliencyView::sample() const { return sample_->value(); }
void SaliencyView::setSmooth(int copies) { smooth_->setValue(copies); }

void SaliencyView::setClass(int cls) {
  const int i = class_->findData(cls);
  class_->setCurrentIndex(std::max(0, i));
}

void SaliencyView::addProbes(ProbeRequest& r) const {
  nlohmann::json o = {{"class", class_->currentData().toInt()}, {"smooth", smooth_->value()}};
  if (drop_->active())
    o["image"] = drop_->values();
  else
    o["sample"] = sample_->value();
  r.ask<SaliencyProbe>(std::move(o));
}

void SaliencyView::setNetwork(const NetworkSpec&, const Analysis& analysis) {
  auto in = analysis.outShapes.find(analysis.inputBlock);
  if (in != analysis.outShapes.end()) drop_->setInputShape(in->second);
}

void SaliencyView::setData(const Split& data, const QString&) {
  setClassNames(data.train.classNames, data.train.numClasses);
}

void SaliencyView::setClassNames(const std::vector<std::string>& names, int classes) {
  if (names == names_ && class_->count() == classes + 1) return;
  names_ = names;
  const int keep = class_->currentData().toInt();
  QSignalBlocker quiet(class_);
  class_->clear();
  class_->addItem(tr("Predicted"), -1);
  for (int c = 0; c < classes; ++c)
    class_->addItem(c < int(names.size()) ? QString("%1 %2").arg(c).arg(QString::fromStdString(names[size_t(c)]))
                                          : QString::number(c),
                    c);
  class_->setCurrentIndex(std::max(0, class_->findData(keep)));
}

void SaliencyView::showSnapshot(const Snapshot& s) {
  if (s.data) {
    const Dataset& d = s.data->test.size() > 0 ? s.data->test : s.data->train;
    setMaximum(sample_, int(std::max<int64_t>(0, d.size() - 1)));
    if (d.numClasses + 1 != class_->count()) setClassNames(d.classNames, d.numClasses);
  }
  auto r = s.shared<SaliencyProbe>();
  if (r == shown_) return;
  shown_ = r;
  std::vector<std::string> names;
  if (s.data) names = (r && !r->onTest ? s.data->train : s.data->test).classNames;
  canvas_->setResult(r, names,
                     !s.ready ? tr("Fix the network's problems to see what it looks at.")
                              : tr("Step or Play: the saliency map of the chosen sample shows here."));
  if (!r || !r->why.empty()) {
    if (dropMessage_.isEmpty()) setNote(tr("Step %L1.").arg(s.step));
    return;
  }
  auto name = [&](int c) {
    return c >= 0 && c < int(names.size()) ? QString::fromStdString(names[size_t(c)]) : QString::number(c);
  };
  const double prob = r->predicted >= 0 && r->predicted < int(r->probabilities.size())
                          ? 100.0 * r->probabilities[size_t(r->predicted)] : 0.0;
  QString what;
  if (r->ownImage && drop_->image()) {
    const OwnImage& im = *drop_->image();
    what = tr("your image %1 (%2×%3%4)")
               .arg(drop_->fileName())
               .arg(im.fileWidth)
               .arg(im.fileHeight)
               .arg(im.inverted ? tr(", inverted") : QString());
  } else if (r->ownImage) {
    what = tr("your image");
  } else {
    what = tr("%1 sample %2, a %3,").arg(r->onTest ? tr("test") : tr("training")).arg(r->sample).arg(name(r->truth));
  }
  const QString map = r->inputShape.size() >= 2
                          ? tr("Heat: |∂ score(%1) / ∂x|, where a small change of the input moves "
                               "that score most")
                          : tr("Bars: ∂ score(%1) / ∂x, how much raising each input value moves "
                               "that score");
  QString note = tr("Step %L1: %2 predicted %3 (%4 %). %5")
                     .arg(s.step)
                     .arg(what, name(r->predicted))
                     .arg(prob, 0, 'f', 1)
                     .arg(map.arg(name(r->cls)));
  note += r->smooth > 0 ? tr(", averaged over %1 noisy copies (SmoothGrad).").arg(r->smooth) : tr(".");
  if (!dropMessage_.isEmpty()) note = tr("Your image cannot be used: %1").arg(dropMessage_);
  setNote(note);
  countFrame();
}

}  // namespace gradlab::widgets
