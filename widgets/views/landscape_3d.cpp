#include "views/landscape_3d.h"

#include <QFile>
#include <QGuiApplication>
#include <QKeyEvent>
#include <QOffscreenSurface>
#include <QOpenGLContext>
#include <QOpenGLFramebufferObject>
#include <QPainter>
#include <QTimer>
#include <algorithm>
#include <cmath>

#include "theme.h"
#include "views/landscape_colors.h"

static void initShaderResources() { Q_INIT_RESOURCE(shaders); }

namespace gradlab::widgets {

namespace {
QSurfaceFormat format33() {
  QSurfaceFormat f = QSurfaceFormat::defaultFormat();
  f.setVersion(3, 3);
  f.setProfile(QSurfaceFormat::CoreProfile);
  f.setDepthBufferSize(24);
  f.setSamples(4);
  return f;
}

bool is33(const QSurfaceFormat& f) {
  return f.majorVersion() > 3 || (f.majorVersion() == 3 && f.minorVersion() >= 3);
}

// A readable step for about `count` ticks over `range`: 1, 2 or 5 × 10ᵏ, the first at least
// 3/4 of range/count (8.2 over 4 ticks: 2, not 5).
double niceStep(double range, int count) {
  const double raw = range / std::max(count, 1);
  const double p = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0})
    if (0.75 * raw <= m * p) return m * p;
  return 10 * p;
}

const QVector3D kLight = QVector3D(0.45f, 0.8f, 0.4f).normalized();
}  // namespace

bool canRender3D(QString* why) {
  static int ok = -1;
  static QString reason;
  const QString platform = QGuiApplication::platformName();
  if (ok < 0 && (platform == "offscreen" || platform == "minimal")) {
    // These draw widgets into memory only: an OpenGL widget's texture cannot be composed into
    // the window (Qt 6.4's offscreen platform crashes flushing it, even where GLX gives it a
    // context).
    reason = QObject::tr("Qt's '%1' platform cannot show OpenGL widgets").arg(platform);
    ok = 0;
  }
  if (ok < 0) {
    QOpenGLContext ctx;
    ctx.setFormat(format33());
    QOffscreenSurface surface;
    surface.setFormat(format33());
    surface.create();
    if (!ctx.create()) {
      reason = QObject::tr("no OpenGL context can be made on the '%1' platform")
                   .arg(QGuiApplication::platformName());
    } else if (!is33(ctx.format())) {
      reason = QObject::tr("the OpenGL driver offers version %1.%2, the 3-D view needs 3.3")
                   .arg(ctx.format().majorVersion()).arg(ctx.format().minorVersion());
    } else if (!surface.isValid() || !ctx.makeCurrent(&surface)) {
      reason = QObject::tr("an OpenGL context was made but cannot draw on the '%1' platform")
                   .arg(QGuiApplication::platformName());
    } else {
      ctx.doneCurrent();
    }
    ok = reason.isEmpty();
  }
  if (why) *why = reason;
  return ok == 1;
}

Landscape3D::Landscape3D(QWidget* parent) : QWidget(parent) {
  initShaderResources();
  setAttribute(Qt::WA_OpaquePaintEvent);
  setFocusPolicy(Qt::StrongFocus);
  setMinimumSize(160, 120);
  setToolTip(tr("Drag to turn, wheel to zoom, double-click or R to reset; arrow keys turn too"));
  connect(&theme(), &Theme::changed, this, [this] { rebuildPaths(); });  // tube sizes follow the theme
}

Landscape3D::~Landscape3D() {
  if (!context_ || !context_->makeCurrent(offscreen_.get())) return;
  releaseGL();
  context_->doneCurrent();
}

void Landscape3D::releaseGL() {
  surfaceGL_.reset(), tubesGL_.reset(), frameGL_.reset();
  surfaceProgram_.reset(), solidProgram_.reset();
  fbo_.reset();
}

void Landscape3D::redraw() {
  stale_ = true;
  update();
}

bool Landscape3D::makeCurrent() {
  if (!error_.isEmpty()) return false;
  if (!context_) {
    context_ = std::make_unique<QOpenGLContext>();
    context_->setFormat(format33());
    offscreen_ = std::make_unique<QOffscreenSurface>();
    offscreen_->setFormat(format33());
    offscreen_->create();
    if (!context_->create() || !offscreen_->isValid() || !context_->makeCurrent(offscreen_.get())) {
      fail(tr("No OpenGL context could be made for the 3-D view on the '%1' platform.")
               .arg(QGuiApplication::platformName()));
      return false;
    }
    initializeOpenGLFunctions();
    initializeGL();
    return error_.isEmpty();
  }
  return context_->makeCurrent(offscreen_.get());
}

void Landscape3D::setSurface(const GridMap& g) {
  if (g.w == grid_.w && g.h == grid_.h && g.x0 == grid_.x0 && g.x1 == grid_.x1 && g.y0 == grid_.y0 &&
      g.y1 == grid_.y1 && g.values == grid_.values && !mesh_.empty())
    return;
  grid_ = g;
  rebuildMesh();
}

void Landscape3D::clearSurface() {
  grid_ = GridMap{};
  mesh_ = SurfaceMesh{};
  paths_.clear();
  meshDirty_ = pathsDirty_ = true;
  redraw();
}

void Landscape3D::setLogHeight(bool on) {
  if (on == logHeight_) return;
  logHeight_ = on;
  if (!grid_.values.empty()) rebuildMesh();
}

// The mesh follows the grid; the paths lie on it, so they follow too.
void Landscape3D::rebuildMesh() {
  mesh_ = buildSurface(grid_, logHeight_);
  ++meshBuilds_;
  meshDirty_ = true;
  rebuildPaths();
}

void Landscape3D::setPaths(std::vector<Path> paths, bool markEnds) {
  paths_ = std::move(paths);
  markEnds_ = markEnds;
  rebuildPaths();
}

void Landscape3D::setAxisLabels(const QString& x, const QString& y) {
  if (x == xLabel_ && y == yLabel_) return;
  xLabel_ = x, yLabel_ = y;
  redraw();
}

void Landscape3D::rebuildPaths() {
  tubes_.clear();
  pieces_.clear();
  auto piece = [&](QColor c, auto add, bool onTop = false) {
    const int first = int(tubes_.indices.size());
    add();
    pieces_.push_back({first, int(tubes_.indices.size()) - first, c, onTop});
  };
  if (!mesh_.empty()) {
    const double s = theme().scale();
    for (size_t i = 0; i < paths_.size(); ++i) {
      const Path& p = paths_[i];
      const std::vector<Vec3> pts = liftPath(mesh_, p.x, p.y, float(0.012 * s));
      if (pts.empty()) continue;
      piece(p.color, [&] { tubes_.addTube(pts, float(0.009 * s)); });
      // Balls sit on the surface (their centre a radius above it), not half buried in a valley.
      auto ball = [&](Vec3 at, float r) { tubes_.addSphere({at.x, at.y + r, at.z}, r); };
      if (markEnds_ && i == 0) {
        piece(Qt::white, [&] { ball(pts.front(), float(0.03 * s)); }, true);
        piece(landscapeNow(), [&] { ball(pts.back(), float(0.035 * s)); }, true);
      } else {
        piece(p.color, [&] { ball(pts.back(), float(0.022 * s)); });
      }
    }
    if (!markEnds_ && !paths_.empty() && !paths_[0].x.empty())  // the race's common start
      piece(Qt::white, [&] { tubes_.addSphere(mesh_.lift(paths_[0].x[0], paths_[0].y[0], float(0.03 * s)), float(0.03 * s)); }, true);
  }
  pathsDirty_ = true;
  redraw();
}

void Landscape3D::resetCamera() {
  camera_.reset();
  redraw();
}

bool Landscape3D::buildProgram(QOpenGLShaderProgram& p, const QString& name) {
  const QString dir = qEnvironmentVariableIsSet("GRADLAB_SHADERS") ? qEnvironmentVariable("GRADLAB_SHADERS")
                                                                   : QStringLiteral(":/shaders");
  for (auto [type, suffix] : {std::pair{QOpenGLShader::Vertex, ".vert"}, std::pair{QOpenGLShader::Fragment, ".frag"}}) {
    const QString file = dir + "/" + name + suffix;
    QFile f(file);
    if (!f.open(QIODevice::ReadOnly)) {
      fail(tr("Cannot read the shader %1: %2").arg(file, f.errorString()));
      return false;
    }
    if (!p.addShaderFromSourceCode(type, f.readAll())) {
      fail(tr("The shader %1 does not compile:\n%2").arg(file, p.log().trimmed()));
      return false;
    }
  }
  if (!p.link()) {
    fail(tr("The shaders %1/%2.vert and .frag do not link:\n%3").arg(dir, name, p.log().trimmed()));
    return false;
  }
  return true;
}

void Landscape3D::fail(const QString& why) {
  if (!error_.isEmpty()) return;
  error_ = why;
  ready_ = false;
  // Reported after initializeGL/paintGL return: the view may hide or delete this widget.
  QTimer::singleShot(0, this, [this] { emit failed(error_); });
}

void Landscape3D::initializeGL() {
  renderer_ = QString::fromLatin1(reinterpret_cast<const char*>(glGetString(GL_RENDERER)));
  ready_ = false;
  if (!is33(context_->format())) {
    fail(tr("The OpenGL driver gave version %1.%2; the 3-D view needs 3.3.")
             .arg(context_->format().majorVersion()).arg(context_->format().minorVersion()));
    return;
  }
  surfaceProgram_ = std::make_unique<QOpenGLShaderProgram>();
  solidProgram_ = std::make_unique<QOpenGLShaderProgram>();
  if (!buildProgram(*surfaceProgram_, "surface") || !buildProgram(*solidProgram_, "solid")) return;
  surfaceGL_ = std::make_unique<Mesh>(), tubesGL_ = std::make_unique<Mesh>(), frameGL_ = std::make_unique<Mesh>();
  for (Mesh* m : {surfaceGL_.get(), tubesGL_.get(), frameGL_.get()}) {
    m->vao.create();
    m->vbo.create();
    m->ibo.create();
  }
  // The box the surface stands in: its floor and the vertical edges, as lines.
  const float H = SurfaceMesh::kHeight;
  frame_.clear();
  for (float x : {-1.f, 1.f})
    for (float z : {-1.f, 1.f}) frame_.insert(frame_.end(), {x, 0, z, 0, 0, 0, x, H, z, 0, 0, 0});
  for (float a : {-1.f, 1.f})
    frame_.insert(frame_.end(), {-1, 0, a, 0, 0, 0, 1, 0, a, 0, 0, 0, a, 0, -1, 0, 0, 0, a, 0, 1, 0, 0, 0});
  std::vector<uint32_t> lineIndices(frame_.size() / 6);
  for (size_t i = 0; i < lineIndices.size(); ++i) lineIndices[i] = uint32_t(i);
  upload(*frameGL_, frame_, lineIndices, 6, false);
  meshDirty_ = pathsDirty_ = true;
  ready_ = true;
}

void Landscape3D::upload(Mesh& m, const std::vector<float>& vertices, const std::vector<uint32_t>& indices,
                         int stride, bool withValue) {
  m.vao.bind();
  m.vbo.bind();
  m.vbo.allocate(vertices.data(), int(vertices.size() * sizeof(float)));
  m.ibo.bind();
  m.ibo.allocate(indices.data(), int(indices.size() * sizeof(uint32_t)));
  const GLsizei bytes = GLsizei(stride * sizeof(float));
  glEnableVertexAttribArray(0);
  glVertexAttribPointer(0, 3, GL_FLOAT, GL_FALSE, bytes, nullptr);
  glEnableVertexAttribArray(1);
  glVertexAttribPointer(1, 3, GL_FLOAT, GL_FALSE, bytes, reinterpret_cast<void*>(3 * sizeof(float)));
  if (withValue) {
    glEnableVertexAttribArray(2);
    glVertexAttribPointer(2, 1, GL_FLOAT, GL_FALSE, bytes, reinterpret_cast<void*>(6 * sizeof(float)));
  }
  m.vao.release();
  m.count = int(indices.size());
}

QMatrix4x4 Landscape3D::mvp() const {
  return camera_.projection(double(width()) / std::max(height(), 1)) * camera_.view();
}

void Landscape3D::resizeEvent(QResizeEvent* e) {
  QWidget::resizeEvent(e);
  redraw();
}

// The GL picture and, painted over it, the axes' text.
void Landscape3D::paintEvent(QPaintEvent*) {
  render();
  QPainter p(this);
  if (image_.isNull()) {
    p.fillRect(rect(), palette().color(QPalette::Base));
    return;
  }
  p.drawImage(rect(), image_);
  drawText(p, mvp());
}

QImage Landscape3D::grabFramebuffer() {
  render();
  return image_;
}

// The scene into the framebuffer object (multisampled, the widget's size in device pixels),
// read back into image_ — only when something shown changed.
void Landscape3D::render() {
  const qreal dpr = devicePixelRatioF();
  const QSize size(std::max(1, int(width() * dpr)), std::max(1, int(height() * dpr)));
  if (!stale_ && image_.size() == size) return;
  if (!makeCurrent() || !ready_) {
    image_ = QImage();
    return;
  }
  if (!fbo_ || fbo_->size() != size) {
    QOpenGLFramebufferObjectFormat f;
    f.setAttachment(QOpenGLFramebufferObject::Depth);
    f.setSamples(4);
    fbo_ = std::make_unique<QOpenGLFramebufferObject>(size, f);
  }
  fbo_->bind();
  glViewport(0, 0, size.width(), size.height());
  const QColor bg = palette().color(QPalette::Base);
  glClearColor(bg.redF(), bg.greenF(), bg.blueF(), 1);
  glClear(GL_COLOR_BUFFER_BIT | GL_DEPTH_BUFFER_BIT);
  if (meshDirty_) upload(*surfaceGL_, mesh_.vertices, mesh_.indices, SurfaceMesh::kStride, true);
  if (pathsDirty_) upload(*tubesGL_, tubes_.vertices, tubes_.indices, TubeMesh::kStride, false);
  meshDirty_ = pathsDirty_ = false;
  drawScene(mvp());
  fbo_->release();
  image_ = fbo_->toImage();
  image_.setDevicePixelRatio(dpr);
  context_->doneCurrent();
  stale_ = false;
  ++framesDrawn_;
}

void Landscape3D::drawScene(const QMatrix4x4& mvp) {
  glEnable(GL_DEPTH_TEST);
  glDisable(GL_CULL_FACE);
  glEnable(GL_MULTISAMPLE);

  solidProgram_->bind();
  solidProgram_->setUniformValue("mvp", mvp);
  solidProgram_->setUniformValue("lightDir", kLight);
  solidProgram_->setUniformValue("lit", GLint(0));
  solidProgram_->setUniformValue("color", QColor("#90a4ae"));
  frameGL_->vao.bind();
  glDrawElements(GL_LINES, frameGL_->count, GL_UNSIGNED_INT, nullptr);
  frameGL_->vao.release();

  if (surfaceGL_->count > 0) {
    surfaceProgram_->bind();
    surfaceProgram_->setUniformValue("mvp", mvp);
    QVector3D stops[5];
    for (int i = 0; i < 5; ++i) {
      const QColor c = landscapeStops()[size_t(i)];
      stops[i] = QVector3D(float(c.redF()), float(c.greenF()), float(c.blueF()));
    }
    surfaceProgram_->setUniformValueArray("stops", stops, 5);
    const QColor nan = landscapeNan();
    surfaceProgram_->setUniformValue("nanColor", QVector3D(float(nan.redF()), float(nan.greenF()), float(nan.blueF())));
    surfaceProgram_->setUniformValue("lightDir", kLight);
    surfaceProgram_->setUniformValue("eye", camera_.eye());
    surfaceProgram_->setUniformValue("levels", 12.0f);
    surfaceProgram_->setUniformValue("lineStrength", 0.55f);
    // The paths lie just above: push the surface a little back so that they win the depth test.
    glEnable(GL_POLYGON_OFFSET_FILL);
    glPolygonOffset(1, 1);
    surfaceGL_->vao.bind();
    glDrawElements(GL_TRIANGLES, surfaceGL_->count, GL_UNSIGNED_INT, nullptr);
    surfaceGL_->vao.release();
    glDisable(GL_POLYGON_OFFSET_FILL);
  }
  if (tubesGL_->count > 0) {
    solidProgram_->bind();
    solidProgram_->setUniformValue("lit", GLint(1));
    tubesGL_->vao.bind();
    // Paths in the scene's depth; then the start and now balls over everything, so that a
    // hill in front never hides where the weights are.
    for (bool onTop : {false, true}) {
      if (onTop) glClear(GL_DEPTH_BUFFER_BIT);
      for (const Piece& p : pieces_) {
        if (p.onTop != onTop) continue;
        solidProgram_->setUniformValue("color", p.color);
        glDrawElements(GL_TRIANGLES, p.count, GL_UNSIGNED_INT, reinterpret_cast<void*>(size_t(p.first) * sizeof(uint32_t)));
      }
    }
    tubesGL_->vao.release();
  }
  solidProgram_->release();
  glDisable(GL_DEPTH_TEST);
}

// The axes' names and tick values at the box's edges nearest the viewer.
void Landscape3D::drawText(QPainter& p, const QMatrix4x4& mvp) {
  if (mesh_.empty()) return;
  p.setRenderHint(QPainter::Antialiasing);
  const QFont f = font();  // the window's: larger while presenting
  p.setFont(f);
  const QFontMetrics fm(f);
  auto project = [&](QVector3D v) {
    const QVector4D c = mvp * QVector4D(v, 1);
    if (c.w() <= 1e-6f) return QPointF(-1e6, -1e6);
    return QPointF((c.x() / c.w() + 1) / 2 * width(), (1 - c.y() / c.w()) / 2 * height());
  };
  // Text centred on a scene point, moved inside the widget where it would stick out.
  auto label = [&](QVector3D at, const QString& text, QColor color) {
    const QPointF c = project(at);
    QRectF r(c.x() - fm.horizontalAdvance(text) / 2.0 - 2, c.y() - fm.height() / 2.0,
             fm.horizontalAdvance(text) + 4, fm.height());
    r.moveLeft(std::clamp(r.left(), 2.0, std::max(2.0, width() - r.width() - 2)));
    r.moveTop(std::clamp(r.top(), 2.0, std::max(2.0, height() - r.height() - 2)));
    p.setPen(color);
    p.drawText(r, Qt::AlignCenter, text);
  };
  const QVector3D eye = camera_.eye();
  const float front = eye.z() >= 0 ? 1.f : -1.f, side = eye.x() >= 0 ? 1.f : -1.f;
  const QColor tick = palette().color(QPalette::Text);
  const QColor name = QColor("#37474f");
  // The plane's x along the front edge, its y along the side edge nearest the viewer.
  const double xr = mesh_.x1 - mesh_.x0, yr = mesh_.y1 - mesh_.y0;
  const int ticks = std::clamp(std::min(width(), height()) / 90, 2, 5);
  const double sx = niceStep(xr, ticks), sy = niceStep(yr, ticks);
  for (double x = std::ceil(mesh_.x0 / sx) * sx; x <= mesh_.x1 + 1e-9 * xr; x += sx)
    label({mesh_.sceneX(x), 0, front * 1.12f}, QString::number(std::abs(x) < 1e-9 * xr ? 0 : x, 'g', 3), tick);
  for (double y = std::ceil(mesh_.y0 / sy) * sy; y <= mesh_.y1 + 1e-9 * yr; y += sy)
    label({side * 1.12f, 0, mesh_.sceneZ(y)}, QString::number(std::abs(y) < 1e-9 * yr ? 0 : y, 'g', 3), tick);
  label({0, 0, front * 1.42f}, xLabel_, name);
  label({side * 1.42f, 0, 0}, yLabel_, name);
  // The loss up the vertical edge at the back on the other side.
  const QVector3D base(-side, 0, -front);
  const double lr = mesh_.hi - mesh_.lo;
  const double sl = niceStep(lr, std::clamp(height() / 80, 2, 6));
  for (double l = std::ceil(mesh_.lo / sl) * sl; l <= mesh_.hi + 1e-9 * lr; l += sl) {
    const float y = float(SurfaceMesh::kHeight * (l - mesh_.lo) / lr);
    const double loss = mesh_.logHeight ? std::pow(10.0, l) : l;
    label(base + QVector3D(-side * 0.12f, y, 0), QString::number(loss, 'g', 2), tick);
  }
  label(base + QVector3D(0, SurfaceMesh::kHeight + 0.14f, 0), mesh_.logHeight ? tr("loss (log)") : tr("loss"), name);
}

void Landscape3D::mousePressEvent(QMouseEvent* e) { lastMouse_ = e->position().toPoint(); }

void Landscape3D::mouseMoveEvent(QMouseEvent* e) {
  if (!(e->buttons() & Qt::LeftButton)) return;
  const QPoint d = e->position().toPoint() - lastMouse_;
  lastMouse_ = e->position().toPoint();
  camera_.orbit(-0.4f * float(d.x()), 0.3f * float(d.y()));
  redraw();
}

void Landscape3D::mouseDoubleClickEvent(QMouseEvent*) { resetCamera(); }

void Landscape3D::wheelEvent(QWheelEvent* e) {
  camera_.zoom(std::pow(0.999f, float(e->angleDelta().y())));
  redraw();
}

void Landscape3D::keyPressEvent(QKeyEvent* e) {
  switch (e->key()) {
    case Qt::Key_Left: camera_.orbit(5, 0); break;
    case Qt::Key_Right: camera_.orbit(-5, 0); break;
    case Qt::Key_Up: camera_.orbit(0, 5); break;
    case Qt::Key_Down: camera_.orbit(0, -5); break;
    case Qt::Key_Plus: case Qt::Key_Equal: camera_.zoom(0.9f); break;
    case Qt::Key_Minus: camera_.zoom(1 / 0.9f); break;
    case Qt::Key_R: camera_.reset(); break;
    default: QWidget::keyPressEvent(e); return;
  }
  redraw();
}

}  // namespace gradlab::widgets
