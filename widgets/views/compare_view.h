#pragma once
// CompareView: two to four variants trained side by side (train/compare_job.h) — their loss
// curves overlaid (one colour per variant; test solid, train dashed), and for each variant,
// under its name and numbers, its decision boundary (2-D data) and its layer gradients, the
// gradient bars of all variants on one scale. Started from Training › Compare… (compare_dialog.h)
// or by a lesson step:
//
//   auto* v = window.view<CompareView>();
//   v->start({{"sigmoid", sigmoidNet, cfg}, {"relu", reluNet, cfg}}, data, {.steps = 2000});
//   std::optional<double> acc = v->metric(1, "test.accuracy");   // core/lesson/metrics.h names
//
// The comparison runs on its own thread beside the window's training; the view draws its
// snapshots on a timer of its own (the session's snapshots do not carry them).
#include <QStringList>
#include <memory>
#include <optional>
#include <vector>

#include "train/compare_job.h"
#include "views/view.h"

class QCPBars;
class QCPColorMap;
class QCPGraph;
class QGridLayout;
class QTimer;

namespace gradlab::widgets {

class CompareView : public View {
  Q_OBJECT
 public:
  explicit CompareView(QWidget* parent = nullptr);
  ~CompareView() override;

  // Starts a comparison (cancelling one that runs) and shows it; errors appear in the note.
  void start(std::vector<CompareVariant> variants, std::shared_ptr<const Split> data,
             CompareJob::Options options);
  void start(std::vector<CompareVariant> variants, std::shared_ptr<const Split> data) {
    start(std::move(variants), std::move(data), CompareJob::Options{});
  }
  void pause() { job_.pause(); }
  void resume() { job_.resume(); }
  void stop() { job_.cancel(); }
  void setSpeed(double stepsPerSecond) { job_.setSpeed(stepsPerSecond); }

  // The newest state of the comparison, and variant `i`'s value of a lesson metric
  // ("test.accuracy", …; nullopt: not measured yet or no such variant).
  std::shared_ptr<const CompareSnapshot> comparison() const { return job_.snapshot(); }
  std::optional<double> metric(size_t variant, const std::string& name) const;

  void showSnapshot(const Snapshot& snap) override;  // the session's: not used here
  QCustomPlot* plot() const override { return curves_; }

  // For tests: what is drawn now.
  int curveCount() const;                   // graphs with points on the loss plot
  int pointCount(int variant) const;        // points of its test curve
  QStringList labels() const;               // the legend's entries and the columns' headers
  int drawnSerial() const { return int(drawn_); }

 private:
  struct Column {
    QWidget* box = nullptr;
    QLabel* header = nullptr;
    QCustomPlot* boundary = nullptr;
    QCPColorMap* map = nullptr;
    QCustomPlot* grads = nullptr;
    QCPBars* bars = nullptr;
    QCPGraph *train = nullptr, *test = nullptr;  // on the loss plot
  };
  void poll();
  void build(const CompareSnapshot& s);
  void draw(const CompareSnapshot& s);
  void drawBoundary(Column& c, const CompareSeries& r, const CompareSnapshot& s);
  void drawGradients(const CompareSnapshot& s);
  void restyle();  // the theme's colours, lines and font sizes
  void styleFonts(QCustomPlot* plot);

  CompareJob job_;
  QTimer* timer_;
  QCustomPlot* curves_;
  QWidget* columnsBox_;
  QGridLayout* columnsGrid_;
  std::vector<Column> columns_;
  QAction *pause_, *stop_;
  uint64_t drawn_ = 0;                        // the snapshot serial drawn last
  int generation_ = 0, builtGeneration_ = -1;  // start() count; the one the columns show
};

}  // namespace gradlab::widgets
