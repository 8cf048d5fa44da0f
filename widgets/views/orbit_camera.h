#pragma once
// OrbitCamera: a camera circling a point of the landscape's 3-D scene (landscape_3d.h). Yaw
// turns round the vertical axis, pitch looks down from above the horizon, distance zooms:
//   eye = target + distance · (cos(pitch)·sin(yaw), sin(pitch), cos(pitch)·cos(yaw))
// and the projection is a perspective of 30° vertical field of view.
//
//   OrbitCamera cam;           // the default view: from the front right, 32° above
//   cam.orbit(10, 0);          // 10° further round (a mouse drag of 25 px)
//   QMatrix4x4 mvp = cam.projection(w / double(h)) * cam.view();
#include <QMatrix4x4>
#include <QVector3D>

namespace gradlab::widgets {

struct OrbitCamera {
  static constexpr float kYaw = 35, kPitch = 32, kDistance = 4.1f;
  float yaw = kYaw;        // degrees round the vertical axis; 0: looking along −Z
  float pitch = kPitch;    // degrees above the horizon, 5 to 89
  float distance = kDistance;
  QVector3D target{0, 0.25f, 0};

  void reset() { *this = OrbitCamera{}; }
  void orbit(float dYaw, float dPitch);
  // Closer (factor < 1) or further away, within [2, 12].
  void zoom(float factor);
  QVector3D eye() const;
  QMatrix4x4 view() const;
  QMatrix4x4 projection(double aspect) const;
};

}  // namespace gradlab::widgets
