#include "lesson/lessons_dialog.h"

#include <QDialogButtonBox>
#include <QDir>
#include <QFileInfo>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QScrollArea>
#include <QTabWidget>
#include <QTreeWidget>
#include <QTreeWidgetItemIterator>
#include <QVBoxLayout>
#include <map>

#include "lesson/lesson.h"
#include "lesson/timeline_view.h"

namespace gradlab::widgets {

namespace {
constexpr int kPathRole = Qt::UserRole;       // the lesson.md to open (empty: not openable)
constexpr int kErrorRole = Qt::UserRole + 1;  // the parse error
constexpr int kIdRole = Qt::UserRole + 2;
}  // namespace

LessonsDialog::LessonsDialog(const QString& lessonsDir, LessonProgress progress, QWidget* parent)
    : QDialog(parent), dir_(lessonsDir), progress_(progress) {
  setObjectName("lessonsDialog");
  setWindowTitle(tr("Lessons"));
  resize(760, 640);
  auto* v = new QVBoxLayout(this);
  tabs_ = new QTabWidget(this);
  v->addWidget(tabs_);

  auto* page = new QWidget(tabs_);
  auto* pv = new QVBoxLayout(page);
  list_ = new QTreeWidget(page);
  list_->setObjectName("lessonList");
  list_->setColumnCount(3);
  list_->setHeaderLabels({tr("Lesson"), tr("Topic"), tr("Progress")});
  list_->setRootIsDecorated(false);
  list_->setUniformRowHeights(true);
  list_->header()->setStretchLastSection(false);
  list_->header()->setSectionResizeMode(0, QHeaderView::Stretch);
  list_->header()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
  list_->header()->setSectionResizeMode(2, QHeaderView::ResizeToContents);
  detail_ = new QLabel(page);
  detail_->setWordWrap(true);
  detail_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  detail_->setStyleSheet("color: #546e7a;");
  pv->addWidget(list_, 1);
  pv->addWidget(detail_);
  tabs_->addTab(page, tr("Lessons"));

  auto* history = new QWidget(tabs_);
  auto* hv = new QVBoxLayout(history);
  timelineError_ = new QLabel(history);
  timelineError_->setWordWrap(true);
  timelineError_->setStyleSheet("color: #c62828;");
  timelineError_->hide();
  timeline_ = new TimelineView(history);
  auto* scroll = new QScrollArea(history);
  scroll->setWidget(timeline_);
  scroll->setWidgetResizable(true);
  hv->addWidget(timelineError_);
  hv->addWidget(scroll, 1);
  tabs_->addTab(history, tr("History 1943–2014"));

  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Open | QDialogButtonBox::Close, this);
  v->addWidget(buttons);
  QPushButton* open = buttons->button(QDialogButtonBox::Open);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  connect(open, &QPushButton::clicked, this, [this] { choose(list_->currentItem()); });
  connect(list_, &QTreeWidget::itemDoubleClicked, this, [this](QTreeWidgetItem* i) { choose(i); });
  connect(list_, &QTreeWidget::currentItemChanged, this, [this, open](QTreeWidgetItem* i) {
    open->setEnabled(i && !i->data(0, kPathRole).toString().isEmpty());
    detail_->setText(i ? i->data(0, kErrorRole).toString() : QString());
    detail_->setStyleSheet(i && !i->data(0, kErrorRole).toString().isEmpty() ? "color: #c62828;"
                                                                             : "color: #546e7a;");
  });
  connect(tabs_, &QTabWidget::currentChanged, this, [open](int tab) { open->setVisible(tab == Lessons); });
  connect(timeline_, &TimelineView::lessonActivated, this, [this](const QString& id) {
    emit lessonChosen(QDir(dir_).filePath(id + "/" + kLessonFile));
    accept();
  });
  fill();
  fillTimeline();
}

void LessonsDialog::showTab(Tab tab) { tabs_->setCurrentIndex(tab); }

QTreeWidgetItem* LessonsDialog::itemFor(const QString& id) const {
  for (QTreeWidgetItemIterator it(list_); *it; ++it)
    if ((*it)->data(0, kIdRole).toString() == id) return *it;
  return nullptr;
}

void LessonsDialog::fill() {
  list_->clear();
  std::map<QString, QTreeWidgetItem*> groups;
  auto group = [&](const QString& name) {
    QTreeWidgetItem*& g = groups[name];
    if (!g) {
      g = new QTreeWidgetItem(list_, {name});
      QFont f = g->font(0);
      f.setBold(true);
      g->setFont(0, f);
      g->setFlags(Qt::ItemIsEnabled);
      g->setFirstColumnSpanned(true);
      g->setExpanded(true);
    }
    return g;
  };
  std::vector<std::string> folders;
  if (!dir_.isEmpty()) folders = lessonFolders(dir_.toStdString());
  if (folders.empty()) {
    detail_->setText(dir_.isEmpty() ? tr("No lessons were found (set GRADLAB_LESSONS to a folder "
                                         "of lessons).")
                                    : tr("No lessons in %1.").arg(dir_));
    return;
  }
  std::vector<std::pair<QString, QString>> failed;  // id, error
  for (const std::string& folder : folders) {
    const QString id = QFileInfo(QString::fromStdString(folder)).fileName();
    try {
      const Lesson l = loadLesson(folder);
      const QString g = l.group.empty() ? tr("Lessons") : QString::fromStdString(l.group);
      auto* item = new QTreeWidgetItem(group(g));
      item->setText(0, QString::fromStdString(l.title));
      item->setToolTip(0, id);
      item->setText(1, l.topic > 0 ? QString::number(l.topic) : QString());
      item->setTextAlignment(1, Qt::AlignCenter);
      const int passed = int(progress_.passed(id).size());
      const int steps = int(l.steps.size());
      item->setText(2, tr("%1 / %2 steps").arg(std::min(passed, steps)).arg(steps));
      if (steps > 0 && passed >= steps) item->setForeground(2, QColor("#2e7d32"));
      item->setData(0, kPathRole, QString::fromStdString(l.path));
      item->setData(0, kIdRole, id);
    } catch (const std::exception& e) {
      failed.emplace_back(id, QString::fromUtf8(e.what()));
    }
  }
  // The ones that could not be read: listed last, with their errors; never hidden.
  for (const auto& [id, error] : failed) {
    auto* item = new QTreeWidgetItem(group(tr("Could not be read")));
    item->setText(0, id);
    item->setText(2, tr("error"));
    item->setForeground(0, QColor("#c62828"));
    item->setForeground(2, QColor("#c62828"));
    item->setToolTip(0, error);
    item->setData(0, kErrorRole, error);
    item->setData(0, kIdRole, id);
  }
}

void LessonsDialog::fillTimeline() {
  const QString path = QDir(dir_).filePath("timeline.md");
  if (dir_.isEmpty() || !QFileInfo::exists(path)) {
    timelineError_->setText(tr("No timeline: %1 does not exist.").arg(path));
    timelineError_->show();
    return;
  }
  try {
    timeline_->setEntries(loadTimeline(path.toStdString()));
  } catch (const std::exception& e) {
    timelineError_->setText(QString::fromUtf8(e.what()));
    timelineError_->show();
  }
}

void LessonsDialog::choose(QTreeWidgetItem* item) {
  if (!item) return;
  const QString path = item->data(0, kPathRole).toString();
  if (path.isEmpty()) return;
  emit lessonChosen(path);
  accept();
}

}  // namespace gradlab::widgets
