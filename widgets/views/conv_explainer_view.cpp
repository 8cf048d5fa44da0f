#include "views/conv_explainer_view.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QSlider>
#include <QSpinBox>
#include <QTimer>
#include <QToolBar>
#include <QVBoxLayout>

#include "blocks/conv2d.h"
#include "blocks/registry.h"
#include "theme.h"
#include "util/error.h"
#include "views/conv_walk_canvas.h"

namespace gradlab::widgets {

namespace {

constexpr int64_t kKeptSamples = 1000;  // samples kept for regions (the first of the set)

QSpinBox* spin(QWidget* parent, const char* name, int lo, int hi, int value, const QString& tip) {
  auto* s = new QSpinBox(parent);
  s->setObjectName(name);
  s->setRange(lo, hi);
  s->setValue(value);
  s->setToolTip(tip);
  return s;
}

QString count(int64_t n) { return QLocale().toString(qlonglong(n)); }

// A 3×3 preset at another size: blur stays a box filter (1/k² each), the others are centred in
// zeros (larger) or cut around their centre (smaller).
Grid resized(const std::string& name, const Grid& g, int k) {
  if (k == g.rows) return g;
  if (name == "blur") return Grid(k, k, std::vector<double>(size_t(k * k), 1.0 / (k * k)));
  Grid out(k, k);
  const int shift = (int(g.rows) - k) / 2;  // where out's (0, 0) lies in g
  for (int r = 0; r < k; ++r)
    for (int c = 0; c < k; ++c) {
      const int gr = r + shift, gc = c + shift;
      if (gr >= 0 && gc >= 0 && gr < g.rows && gc < g.cols) out.at(r, c) = g.at(gr, gc);
    }
  return out;
}

}  // namespace

ConvExplainerView::ConvExplainerView(QWidget* parent) : View(tr("Convolution"), parent) {
  setObjectName("convExplainerView");

  // The walk's controls in the toolbar: ‹ Back, Step ›, Play, Reset, speed.
  auto button = [this](const char* name, const QString& text, const QString& tip) {
    auto* b = new QPushButton(text, this);
    b->setObjectName(name);
    b->setToolTip(tip);
    b->setFlat(true);
    b->setSizePolicy(QSizePolicy::Maximum, QSizePolicy::Fixed);
    b->setMinimumWidth(b->fontMetrics().horizontalAdvance(text) + 14);
    b->setMaximumWidth(b->fontMetrics().horizontalAdvance(text) + 20);
    return b;
  };
  back_ = button("convBack", tr("‹"), tr("Back: the position before"));
  step_ = button("convStep", tr("Step ›"), tr("Slide the window to the next position"));
  play_ = button("convPlay", tr("Play"), tr("Slide through every position at the chosen speed"));
  play_->setCheckable(true);
  play_->setMinimumWidth(play_->fontMetrics().horizontalAdvance(tr("Pause")) + 14);
  play_->setMaximumWidth(play_->fontMetrics().horizontalAdvance(tr("Pause")) + 20);
  reset_ = button("convReset", tr("Reset"), tr("Back to the first position"));
  speed_ = new QSlider(Qt::Horizontal, this);
  speed_->setObjectName("convSpeed");
  speed_->setRange(1, 10);
  speed_->setValue(2);
  speed_->setFixedWidth(50);
  speed_->setToolTip(tr("Speed: positions per second while playing (1 to 10)"));
  for (QWidget* w : std::initializer_list<QWidget*>{back_, step_, play_, reset_, speed_})
    toolbar()->addWidget(w);

  // Row 1: what is walked over what, and the window's geometry.
  kind_ = new QComboBox(this);
  kind_->setObjectName("convKind");
  kind_->addItems({tr("Convolution"), tr("Max pooling"), tr("Average pooling")});
  kind_->setToolTip(tr("Slide a kernel (convolution) or a pooling window"));
  input_ = new QComboBox(this);
  input_->setObjectName("convInput");
  input_->addItems({tr("Lecture"), tr("Sample"), tr("Your numbers")});
  input_->setToolTip(tr("The input: the lecture's 6×6 example (of convolution or of pooling), a "
                        "region of a sample of the loaded data, or your own numbers (double-click "
                        "a cell to change it)"));
  kernel_ = new QComboBox(this);
  kernel_->setObjectName("convKernel");
  for (const std::string& n : presetKernelNames()) kernel_->addItem(QString::fromStdString(n));
  kernel_->addItem("network");
  kernel_->setToolTip(tr("The kernel: the lecture's, a classic image filter, or a filter of the "
                         "network's Conv2D layer as trained so far (\"network\")"));
  filter_ = spin(this, "convFilter", 0, 0, 0, tr("Which filter of the network's Conv2D layer"));
  size_ = spin(this, "convSize", 1, int(kWalkMaxKernel), 3, tr("Kernel (window) side k"));
  stride_ = spin(this, "convStride", 1, int(kWalkMaxStride), 1, tr("Stride s: cells moved per step"));
  padding_ = spin(this, "convPadding", 0, int(kWalkMaxPadding), 0,
                  tr("Padding p: rings of zeros around the input (convolution only)"));
  auto* row1 = new QHBoxLayout;
  row1->setContentsMargins(4, 2, 4, 0);
  row1->setSpacing(3);
  row1->addWidget(kind_);
  row1->addWidget(input_);
  row1->addWidget(kernel_);
  filterLabel_ = new QLabel(tr("filter"), this);
  row1->addWidget(filterLabel_);
  row1->addWidget(filter_);
  for (auto [label, box] : std::initializer_list<std::pair<QString, QSpinBox*>>{
           {tr(" k"), size_}, {tr(" s"), stride_}, {tr(" p"), padding_}}) {
    auto* l = new QLabel(label, this);
    l->setToolTip(box->toolTip());
    row1->addWidget(l);
    row1->addWidget(box);
  }
  row1->addStretch(1);

  // Row 2, for a region of a sample: which sample, where, how large.
  sample_ = spin(this, "convSample", 0, 0, 0, tr("Which test sample (as the Inside view numbers them)"));
  top_ = spin(this, "convTop", 0, 0, 10, tr("The region's first row in the sample"));
  left_ = spin(this, "convLeft", 0, 0, 10, tr("The region's first column in the sample"));
  side_ = spin(this, "convSide", 2, int(kWalkMaxInput), 8, tr("The region's side"));
  sampleRow_ = new QWidget(this);
  auto* row2 = new QHBoxLayout(sampleRow_);
  row2->setContentsMargins(4, 0, 4, 0);
  row2->setSpacing(3);
  for (auto [label, box] : std::initializer_list<std::pair<QString, QSpinBox*>>{
           {tr("Sample"), sample_}, {tr(" row"), top_}, {tr(" column"), left_}, {tr(" side"), side_}}) {
    row2->addWidget(new QLabel(label, sampleRow_));
    box->setParent(sampleRow_);
    row2->addWidget(box);
  }
  row2->addStretch(1);
  sampleRow_->setVisible(false);

  canvas_ = new ConvWalkCanvas(this);
  formula_ = new QLabel(this);
  formula_->setObjectName("convFormula");
  formula_->setWordWrap(true);
  counts_ = new QLabel(this);
  counts_->setObjectName("convCounts");
  counts_->setWordWrap(true);
  counts_->setTextFormat(Qt::PlainText);
  for (QLabel* l : {formula_, counts_}) l->setContentsMargins(8, 2, 8, 2);
  body()->addLayout(row1);
  body()->addWidget(sampleRow_);
  body()->addWidget(canvas_, 1);
  body()->addWidget(formula_);
  body()->addWidget(counts_);

  timer_ = new QTimer(this);
  connect(timer_, &QTimer::timeout, this, [this] {
    if (!walk_ || position() + 1 >= int(walk_->positions.size())) {
      play(false);
      return;
    }
    setPosition(position() + 1);
  });
  connect(speed_, &QSlider::valueChanged, this, [this](int v) { timer_->setInterval(1000 / v); });
  timer_->setInterval(1000 / speed_->value());
  connect(back_, &QPushButton::clicked, this, &ConvExplainerView::stepBack);
  connect(step_, &QPushButton::clicked, this, &ConvExplainerView::stepForward);
  connect(play_, &QPushButton::toggled, this, [this](bool on) { play(on); });
  connect(reset_, &QPushButton::clicked, this, &ConvExplainerView::reset);
  connect(kind_, &QComboBox::currentIndexChanged, this, [this](int i) { setKind(WalkKind(i)); });
  connect(input_, &QComboBox::currentIndexChanged, this, [this](int i) { setInput(Input(i)); });
  connect(kernel_, &QComboBox::currentTextChanged, this, [this] {
    emit probesChanged();
    rebuild();
  });
  for (QSpinBox* s : {filter_, size_, stride_, padding_, top_, left_, side_})
    connect(s, &QSpinBox::valueChanged, this, [this] { rebuild(); });
  connect(sample_, &QSpinBox::valueChanged, this, [this] {
    emit probesChanged();
    rebuild();
  });
  connect(canvas_, &ConvWalkCanvas::editCell, this, [this](int r, int c) {
    bool ok = false;
    const double v = QInputDialog::getDouble(this, tr("Input cell"),
                                             tr("Row %1, column %2:").arg(r).arg(c), own_.at(r, c),
                                             -1e6, 1e6, 3, &ok);
    if (!ok) return;
    own_.at(r, c) = v;
    rebuild();
  });
  connect(&theme(), &Theme::changed, this, [this] { canvas_->update(); });
  own_ = lectureConvInput();
  setKind(WalkKind::Conv);
}

WalkKind ConvExplainerView::kind() const { return WalkKind(kind_->currentIndex()); }
int ConvExplainerView::position() const { return canvas_->position(); }
bool ConvExplainerView::playing() const { return timer_->isActive(); }

void ConvExplainerView::setKind(WalkKind k) {
  {
    QSignalBlocker a(kind_), b(input_), c(size_), d(stride_), e(padding_);
    kind_->setCurrentIndex(int(k));
    // The lecture's example for each: a 3×3 kernel at stride 1; 3×3 windows at stride 3.
    if (Input(input_->currentIndex()) == Input::Lecture) {
      size_->setValue(3);
      stride_->setValue(k == WalkKind::Conv ? 1 : 3);
    }
    if (k != WalkKind::Conv) padding_->setValue(0);
  }
  const bool conv = k == WalkKind::Conv;
  padding_->setEnabled(conv);
  kernel_->setEnabled(conv);
  emit probesChanged();
  reset();
}

void ConvExplainerView::setInput(Input in) {
  {
    QSignalBlocker a(input_);
    input_->setCurrentIndex(int(in));
  }
  // Your numbers start from what was shown.
  if (in == Input::Own && walk_) own_ = walk_->input;
  if (in == Input::Own && own_.empty()) own_ = lectureConvInput();
  sampleRow_->setVisible(in == Input::Sample);
  reset();
}

void ConvExplainerView::setKernel(const QString& name) {
  const int i = kernel_->findText(name);
  if (i >= 0) kernel_->setCurrentIndex(i);
}

void ConvExplainerView::setSizes(int kernel, int stride, int padding) {
  {
    QSignalBlocker a(size_), b(stride_), c(padding_);
    size_->setValue(kernel);
    stride_->setValue(stride);
    padding_->setValue(kind() == WalkKind::Conv ? padding : 0);
  }
  reset();
}

void ConvExplainerView::setSampleRegion(int sample, int top, int left, int side) {
  {
    QSignalBlocker a(sample_), b(top_), c(left_), d(side_);
    sample_->setValue(sample);
    top_->setValue(top);
    left_->setValue(left);
    side_->setValue(side);
  }
  setInput(Input::Sample);
  emit probesChanged();
}

void ConvExplainerView::setPosition(int p) {
  canvas_->setPosition(p);
  updateButtons();
}

void ConvExplainerView::stepForward() { setPosition(position() + 1); }
void ConvExplainerView::stepBack() { setPosition(position() - 1); }

void ConvExplainerView::play(bool on) {
  if (on && walk_ && position() + 1 >= int(walk_->positions.size())) setPosition(0);
  if (on && walk_) {
    timer_->start();
  } else {
    timer_->stop();
  }
  QSignalBlocker quiet(play_);
  play_->setChecked(timer_->isActive());
  play_->setText(timer_->isActive() ? tr("Pause") : tr("Play"));
}

void ConvExplainerView::reset() {
  play(false);
  rebuild();
  setPosition(0);
}

void ConvExplainerView::updateButtons() {
  const int n = walk_ ? int(walk_->positions.size()) : 0;
  back_->setEnabled(position() > 0);
  step_->setEnabled(position() + 1 < n);
  play_->setEnabled(n > 1);
}

Grid ConvExplainerView::currentInput() const {
  switch (Input(input_->currentIndex())) {
    case Input::Lecture: return kind() == WalkKind::Conv ? lectureConvInput() : lecturePoolInput();
    case Input::Own: return own_;
    case Input::Sample:
      if (samples_.size() == 0)
        throw Error("no data loaded: load a data set (Fashion-MNIST: a crop of an image) to take "
                    "a region of one of its samples");
      return sampleRegion(samples_, sample_->value(), 0, top_->value(), left_->value(),
                          side_->value(), side_->value());
  }
  return {};
}

// Filter f of the network's Conv2D layer, input channel 0, from the Inside probe's "weights".
std::optional<Grid> ConvExplainerView::networkKernel(QString* why) const {
  if (convBlock_.isEmpty()) {
    *why = tr("The network has no Conv2D layer: add one (or open fashion-cnn) to walk its filters.");
    return std::nullopt;
  }
  if (!inside_ || QString::fromStdString(inside_->block) != convBlock_) {
    *why = tr("Waiting for %1's weights: press Step or Play in the window to build the network.")
               .arg(convBlock_);
    return std::nullopt;
  }
  for (const TensorPicture& pic : inside_->pictures) {
    if (pic.name != "weights" || pic.shape.size() != 4) continue;
    const int64_t O = pic.shape[0], C = pic.shape[1], kh = pic.shape[2], kw = pic.shape[3];
    const int64_t f = std::min<int64_t>(filter_->value(), O - 1);
    if (kh != kw || kh > kWalkMaxKernel) {
      *why = tr("%1's kernels are %2×%3: the explainer walks square kernels up to %4×%4.")
                 .arg(convBlock_).arg(kh).arg(kw).arg(kWalkMaxKernel);
      return std::nullopt;
    }
    Grid g(kh, kw);
    for (int64_t i = 0; i < kh * kw; ++i) g.values[size_t(i)] = pic.values[size_t(f * C * kh * kw + i)];
    return g;
  }
  *why = tr("%1's weights are too many to show.").arg(convBlock_);
  return std::nullopt;
}

void ConvExplainerView::rebuild() {
  const WalkKind k = kind();
  const bool network = k == WalkKind::Conv && kernel_->currentText() == "network";
  filter_->setVisible(network);
  filterLabel_->setVisible(network);
  size_->setEnabled(!network);
  canvas_->setEditable(Input(input_->currentIndex()) == Input::Own);
  const int keep = position();
  try {
    const Grid in = currentInput();
    if (k == WalkKind::Conv) {
      Grid kernel;
      if (network) {
        QString why;
        auto g = networkKernel(&why);
        if (!g) throw Error(why.toStdString());
        kernel = *g;
        QSignalBlocker quiet(size_);
        size_->setValue(int(kernel.rows));
      } else {
        const std::string name = kernel_->currentText().toStdString();
        kernel = resized(name, presetKernel(name), size_->value());
      }
      walk_ = std::make_shared<const ConvWalk>(walkConv(in, kernel, stride_->value(), padding_->value()));
    } else {
      walk_ = std::make_shared<const ConvWalk>(walkPool(
          k == WalkKind::MaxPool ? PoolMode::Max : PoolMode::Average, in, size_->value(), stride_->value()));
    }
    problem_.clear();
  } catch (const std::exception& e) {
    walk_.reset();
    problem_ = QString::fromStdString(e.what());
  }
  canvas_->setWalk(walk_, problem_);
  canvas_->setPosition(keep);
  if (walk_) {
    const ConvWalk& w = *walk_;
    // "6×6 ∗ 3×3, stride 2, padding 1: 9 positions, each output cell the engine's conv2d."
    QString note = w.kind == WalkKind::Conv
                       ? tr("%1×%2 ∗ %3×%3, stride %4, padding %5")
                             .arg(w.input.rows).arg(w.input.cols).arg(w.size).arg(w.stride).arg(w.padding)
                       : tr("%1 of %2×%3 in %4×%4 windows, stride %5")
                             .arg(w.kind == WalkKind::MaxPool ? tr("Max") : tr("Average"))
                             .arg(w.input.rows).arg(w.input.cols).arg(w.size).arg(w.stride);
    note += tr(": %1 positions, each output cell the engine's %2.")
                .arg(w.positions.size())
                .arg(w.kind == WalkKind::Conv ? "conv2d" : tr("pooling"));
    setNote(note);
  } else {
    setNote(problem_);
  }
  updateCounts();
  updateButtons();
  countFrame();
}

void ConvExplainerView::updateCounts() {
  if (!walk_) {
    formula_->clear();
  } else {
    const ConvWalk& w = *walk_;
    const QString rows = QString::fromStdString(w.sizeFormula(true));
    const QString cols = QString::fromStdString(w.sizeFormula(false));
    formula_->setText(rows == cols
                          ? tr("Output size ⌊(n + 2p − k) / s⌋ + 1 = %1 per side").arg(rows)
                          : tr("Output size ⌊(n + 2p − k) / s⌋ + 1: rows %1, columns %2").arg(rows, cols));
  }
  counts_->setText(countsText());
}

QString ConvExplainerView::countsText() const {
  QStringList lines;
  auto line = [](const QString& what, const LayerParamCounts& c) {
    return tr("%1: fully connected %2 · locally connected %3 · convolution %4")
        .arg(what, count(c.dense), count(c.local), count(c.conv));
  };
  if (walk_ && walk_->kind == WalkKind::Conv) {
    const ConvWalk& w = *walk_;
    lines << line(tr("Parameters %1×%2 → %3×%4 (k = %5, bias)")
                      .arg(w.input.rows).arg(w.input.cols).arg(w.outRows).arg(w.outCols).arg(w.size),
                  layerParamCounts(1, w.input.rows, w.input.cols, 1, w.outRows, w.outCols, w.size));
  } else if (walk_) {
    lines << tr("Pooling has no parameters: it only picks (max) or averages what is there.");
    // The lecture's slide answers [8 7; 5 9]; the engine's bottom-left cell says otherwise.
    if (walk_->kind == WalkKind::MaxPool && Input(input_->currentIndex()) == Input::Lecture &&
        walk_->size == 3 && walk_->stride == 3 && walk_->positions.size() == 4)
      lines << tr("The lecture's slide gives 5 for the bottom-left window (position 3); the "
                  "engine finds %1 there: the hand calculation missed it.")
                   .arg(walkNumber(walk_->positions[2].engine));
  }
  if (!convBlock_.isEmpty()) {
    const std::string id = convBlock_.toStdString();
    const BlockSpec* b = spec_.find(id);
    auto in = analysis_.inShapes.find(id);
    if (b && in != analysis_.inShapes.end() && !in->second.empty()) {
      try {
        const Conv2dGeometry g = conv2dGeometryOf(*b, in->second.front());
        const LayerParamCounts c =
            layerParamCounts(g.inChannels, g.inH, g.inW, g.outChannels, g.outH, g.outW, g.kernelH);
        const auto counted = analysis_.paramCounts.find(id);
        QString what = tr("Network's %1 [%2, %3, %4] → [%5, %6, %7], %8×%8")
                           .arg(convBlock_)
                           .arg(g.inChannels).arg(g.inH).arg(g.inW)
                           .arg(g.outChannels).arg(g.outH).arg(g.outW)
                           .arg(g.kernelH);
        QString l = line(what, c);
        if (counted != analysis_.paramCounts.end())
          l += tr(" (Gradlab counts %1)").arg(count(counted->second));
        lines << l;
      } catch (const std::exception&) {
        // An invalid layer: the editor shows its problem; nothing to count here.
      }
    }
  }
  return lines.join("\n");
}

void ConvExplainerView::addProbes(ProbeRequest& r) const {
  if (kind() == WalkKind::Conv && kernel_->currentText() == "network" && !convBlock_.isEmpty())
    r.ask<InsideProbe>({{"block", convBlock_.toStdString()}, {"sample", sample_->value()}});
}

void ConvExplainerView::setNetwork(const NetworkSpec& spec, const Analysis& analysis) {
  spec_ = spec;
  analysis_ = analysis;
  QStringList convs;
  for (const BlockSpec& b : spec.blocks)
    if (b.type == "Conv2D") convs << QString::fromStdString(b.id);
  convBlocks_ = convs;
  if (!convs.contains(convBlock_)) convBlock_ = convs.isEmpty() ? QString() : convs.front();
  updateFilterRange();
  emit probesChanged();
  rebuild();
}

// Filters 0 … filters − 1 of the conv layer shown (its "filters" parameter).
void ConvExplainerView::updateFilterRange() {
  int filters = 1;
  if (const BlockSpec* b = spec_.find(convBlock_.toStdString())) {
    try {
      filters = int(std::clamp<int64_t>(paramInt(*b, "filters"), 1, 100000));
    } catch (const std::exception&) {
      // An invalid parameter: the editor shows the problem; one filter until it is fixed.
    }
  }
  QSignalBlocker quiet(filter_);
  filter_->setMaximum(filters - 1);
}

void ConvExplainerView::pointAt(const QString& block, bool hovered) {
  if (hovered || !convBlocks_.contains(block) || block == convBlock_) return;
  convBlock_ = block;
  updateFilterRange();
  emit probesChanged();
  rebuild();
}

void ConvExplainerView::setData(const Split& data, const QString&) {
  const Dataset& d = data.test.size() > 0 ? data.test : data.train;
  std::vector<int64_t> first;
  for (int64_t i = 0; i < std::min(d.size(), kKeptSamples); ++i) first.push_back(i);
  samples_ = d.subset(first);
  const Shape& s = samples_.xShape;
  const int H = s.size() == 3 ? int(s[1]) : s.size() == 2 ? int(s[0]) : 1;
  const int W = s.empty() ? 1 : int(s.back());
  {
    QSignalBlocker a(sample_), b(top_), c(left_);
    sample_->setMaximum(int(std::max<int64_t>(0, samples_.size() - 1)));
    top_->setMaximum(std::max(0, H - 1));
    left_->setMaximum(std::max(0, W - 1));
  }
  if (Input(input_->currentIndex()) == Input::Sample) rebuild();
}

void ConvExplainerView::showSnapshot(const Snapshot& s) {
  auto in = s.shared<InsideProbe>();
  if (in == inside_) return;
  inside_ = in;
  if (kind() == WalkKind::Conv && kernel_->currentText() == "network") rebuild();
}

}  // namespace gradlab::widgets
