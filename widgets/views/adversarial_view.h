#pragma once
// AdversarialView (curriculum topic 22): a barely visible change flips the class. One test
// sample (or the user's own image) beside the perturbation the attack adds and the result, each
// with the network's answer — e.g. "Ankle boot 84 %" → "Sneaker 67 %" for FGSM at ε = 0.1 —
// and, on request, the test accuracy against ε over the test set.
//
//   x' = clip(x + ε·sign(∇ₓ L(x, y)))   FGSM (Goodfellow et al. 2015); PGD iterates it (Madry
//                                        et al. 2018); explain/adversarial.h
//
// A PNG or JPEG dropped on the view (or chosen with Your image…) is attacked instead of a test
// sample, against the class the network gives it (views/image_drop.h decodes it).
// The sample's attack is a probe (train/probes/adversarial.h), measured live while training.
// The accuracy-vs-ε curve runs on a thread of its own (train/background_job.h) on a CPU copy of
// the session's weights (TrainingSession::weights(), polled without waiting), with progress and
// cancel; each method keeps its own curve, so FGSM and PGD compare on one plot.
#include <QImage>
#include <QWidget>
#include <future>
#include <map>
#include <optional>

#include "explain/adversarial.h"
#include "io/safetensors.h"
#include "train/background_job.h"
#include "train/probes/adversarial.h"
#include "views/view.h"

class QComboBox;
class QCPGraph;
class QCPItemStraightLine;
class QLabel;
class QProgressBar;
class QPushButton;
class QSlider;
class QSpinBox;
class QTimer;

namespace gradlab::widgets {

class ImageDrop;

// The three pictures: original, perturbation (amplified to the full colour scale, its factor in
// the caption) and adversarial, each captioned with the prediction and its probability.
class AdversarialPictures : public QWidget {
  Q_OBJECT
 public:
  explicit AdversarialPictures(QWidget* parent = nullptr);
  // Null (or a result with `why`): shows `empty` instead.
  void setResult(std::shared_ptr<const AdversarialProbe> r, std::vector<std::string> classNames,
                 const QString& empty);
  QSize minimumSizeHint() const override { return {360, 230}; }

 protected:
  void paintEvent(QPaintEvent* e) override;

 private:
  std::shared_ptr<const AdversarialProbe> r_;
  std::vector<std::string> names_;
  QString empty_;
  QImage original_, perturbation_, adversarial_;
};

class AdversarialView : public View {
  Q_OBJECT
 public:
  // The ε values of the accuracy curve (pixels in [0, 1]).
  static const std::vector<double>& curveEps();

  explicit AdversarialView(QWidget* parent = nullptr);
  ~AdversarialView() override;
  void showSnapshot(const Snapshot& snap) override;
  void addProbes(ProbeRequest& request) const override;
  void setNetwork(const NetworkSpec& spec, const Analysis& analysis) override;
  QCustomPlot* plot() const override { return plot_; }

  void setEps(double eps);                 // rounded to the slider's 0.005 steps
  double eps() const;
  void setMethod(AttackMethod method);
  AttackMethod method() const;
  void setSample(int index);
  int sample() const;
  // "Your own image": a PNG/JPEG dropped on the view or chosen (views/image_drop.h).
  ImageDrop* imageDrop() const { return drop_; }
  // Starts the accuracy-vs-ε curve for the current method on the first `samples` test samples
  // (0: all); false with a note when there is no session, network or test set.
  bool computeCurve(int64_t samples = 0);
  void cancelCurve();
  bool curveRunning() const { return waiting_ || job_.running(); }
  // The finished curve of a method (empty: not computed).
  std::vector<EpsAccuracy> curve(AttackMethod method) const;
  const AdversarialProbe* shown() const { return shown_.get(); }
  AdversarialPictures* pictures() const { return pictures_; }

 signals:
  void curveFinished();

 private:
  void poll();           // the weights' future and the job: progress, result
  void startJob(TensorMap weights);
  void drawCurves();
  void updateEpsLabel();
  void updateCurveInfo();

  QComboBox* method_;
  QSlider* eps_;
  QLabel* epsLabel_;
  QSpinBox* sample_;
  ImageDrop* drop_;
  QString dropMessage_;  // why the last dropped file could not be used
  QSpinBox* curveSamples_;
  QPushButton* curveButton_;
  QProgressBar* progress_;
  QLabel* curveInfo_;
  AdversarialPictures* pictures_;
  QCustomPlot* plot_;
  std::map<AttackMethod, QCPGraph*> graphs_;
  QCPItemStraightLine* epsLine_;
  QTimer* poll_;

  NetworkSpec spec_;
  bool specValid_ = false;
  std::shared_ptr<const AdversarialProbe> shown_;
  std::map<AttackMethod, std::vector<EpsAccuracy>> curves_;
  // The curve in the making: the weights asked for, then the job on them.
  bool waiting_ = false;
  std::future<TensorMap> weights_;
  AttackMethod jobMethod_ = AttackMethod::Fgsm;
  int64_t jobSamples_ = 0;
  int64_t jobStep_ = 0;            // the training step whose weights it attacks
  BackgroundJob<std::vector<EpsAccuracy>> job_;
};

}  // namespace gradlab::widgets
