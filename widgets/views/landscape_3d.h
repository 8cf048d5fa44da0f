#pragma once
// Landscape3D: the loss landscape as a lit surface in OpenGL 3.3 core (shaders/), with the
// weights' path lying on it. The surface is the probe's loss grid as a height field
// (surface_mesh.h; log₁₀ or linear height) coloured by the same map as the 2-D view, with
// contour lines drawn by the fragment shader; each path is a tube a little above the surface
// (tube_mesh.h), the start a white ball, now a red one. Text (the axes' names and ticks) is
// painted with QPainter over the GL picture at the projected 3-D points.
//
// It is a plain QWidget that renders into a framebuffer object of its own context (on an
// offscreen surface) and paints the picture: a QOpenGLWidget would make Qt compose the whole
// window through OpenGL on every repaint of any view, which a software renderer (llvmpipe under
// Xvfb, a laptop without a GPU) does at 3 frames/s. The surface is rendered again only when
// something it shows changed (grid, paths, camera, size, theme).
//
//   auto* v = new Landscape3D(parent);
//   v->setSurface(probe.loss);                       // rebuilds the mesh only if the grid changed
//   v->setPaths({{probe.pathX, probe.pathY, QColor("#f59322"), {}}}, true);
//   v->setAxisLabels("d₁: back towards the start", "d₂: across the path");
//
// Mouse: drag to orbit, wheel to zoom, double-click to reset. Keys: arrows orbit, + and − zoom,
// R resets. Shaders come from the resources (:/shaders), or from the folder named by
// GRADLAB_SHADERS (to edit them without rebuilding). A shader that does not compile or link,
// or a context older than 3.3, is reported by failed() with the log; canRender3D() says
// beforehand whether an OpenGL 3.3 context can be made and shown at all (Qt's offscreen
// platform: no).
#include <QColor>
#include <QOpenGLBuffer>
#include <QOpenGLExtraFunctions>
#include <QOpenGLShaderProgram>
#include <QOpenGLVertexArrayObject>
#include <QWidget>
#include <memory>

#include "views/orbit_camera.h"
#include "views/surface_mesh.h"
#include "views/tube_mesh.h"

class QOffscreenSurface;
class QOpenGLContext;
class QOpenGLFramebufferObject;

namespace gradlab::widgets {

// Whether an OpenGL 3.3 core context can be made on this platform and shown in a widget; when
// not, `why` says so. Checked once (it creates a context and an offscreen surface).
bool canRender3D(QString* why = nullptr);

class Landscape3D : public QWidget, protected QOpenGLExtraFunctions {
  Q_OBJECT
 public:
  // A path on the plane: the first of setPaths() with `markEnds` gets the start and now balls;
  // others end in a small ball of their colour.
  struct Path {
    std::vector<double> x, y;
    QColor color;
    QString name;
  };

  explicit Landscape3D(QWidget* parent = nullptr);
  ~Landscape3D() override;

  // The loss grid; the mesh is rebuilt only when it differs from the last one.
  void setSurface(const GridMap& grid);
  void clearSurface();
  void setPaths(std::vector<Path> paths, bool markEnds);
  void setAxisLabels(const QString& x, const QString& y);
  void setLogHeight(bool on);
  bool logHeight() const { return logHeight_; }
  void resetCamera();
  OrbitCamera& camera() { return camera_; }

  // For tests and the benchmark.
  int meshBuilds() const { return meshBuilds_; }
  int framesDrawn() const { return framesDrawn_; }
  bool hasSurface() const { return !mesh_.empty(); }
  int pathCount() const { return int(paths_.size()); }
  const QString& error() const { return error_; }
  const QString& renderer() const { return renderer_; }  // GL_RENDERER: "llvmpipe (LLVM 15 …)"
  // The GL picture (without the painted text), rendered now if it is out of date.
  QImage grabFramebuffer();

 signals:
  void failed(const QString& why);  // shaders or context unusable: the view shows the 2-D map

 protected:
  void paintEvent(QPaintEvent* e) override;
  void resizeEvent(QResizeEvent* e) override;
  void mousePressEvent(QMouseEvent* e) override;
  void mouseMoveEvent(QMouseEvent* e) override;
  void mouseDoubleClickEvent(QMouseEvent* e) override;
  void wheelEvent(QWheelEvent* e) override;
  void keyPressEvent(QKeyEvent* e) override;

 private:
  struct Mesh {  // one VAO with its vertex and index buffers
    QOpenGLVertexArrayObject vao;
    QOpenGLBuffer vbo{QOpenGLBuffer::VertexBuffer}, ibo{QOpenGLBuffer::IndexBuffer};
    int count = 0;
  };
  bool buildProgram(QOpenGLShaderProgram& p, const QString& name);
  void fail(const QString& why);
  void upload(Mesh& m, const std::vector<float>& vertices, const std::vector<uint32_t>& indices,
              int stride, bool withValue);
  void rebuildMesh();
  void rebuildPaths();
  bool makeCurrent();     // creates the context and its objects the first time; false: failed
  void initializeGL();    // programs, buffers, the frame's lines (the context is current)
  void render();          // the scene into fbo_ and image_, when out of date
  void drawScene(const QMatrix4x4& mvp);
  void drawText(QPainter& p, const QMatrix4x4& mvp);
  QMatrix4x4 mvp() const;
  void redraw();          // out of date: render at the next paint
  void releaseGL();

  GridMap grid_;
  SurfaceMesh mesh_;
  TubeMesh tubes_;
  std::vector<Path> paths_;
  struct Piece {  // a run of tubes_' indices drawn in one colour
    int first = 0, count = 0;
    QColor color;
    bool onTop = false;  // a marker: drawn over the surface where a hill hides it
  };
  std::vector<Piece> pieces_;
  std::vector<float> frame_;                          // the axes' box, as GL_LINES
  bool markEnds_ = false, logHeight_ = true;
  bool meshDirty_ = false, pathsDirty_ = false;
  QString xLabel_, yLabel_, error_, renderer_;
  OrbitCamera camera_;
  QPoint lastMouse_;
  int meshBuilds_ = 0, framesDrawn_ = 0;
  bool ready_ = false;  // programs linked
  bool stale_ = true;   // image_ does not show the current scene
  std::unique_ptr<QOpenGLContext> context_;
  std::unique_ptr<QOffscreenSurface> offscreen_;
  std::unique_ptr<QOpenGLFramebufferObject> fbo_;
  QImage image_;
  std::unique_ptr<QOpenGLShaderProgram> surfaceProgram_, solidProgram_;
  std::unique_ptr<Mesh> surfaceGL_, tubesGL_, frameGL_;
};

}  // namespace gradlab::widgets
