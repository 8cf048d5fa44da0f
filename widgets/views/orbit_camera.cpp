#include "views/orbit_camera.h"

#include <QtMath>
#include <algorithm>
#include <cmath>

namespace gradlab::widgets {

void OrbitCamera::orbit(float dYaw, float dPitch) {
  yaw = std::fmod(yaw + dYaw, 360.0f);
  pitch = std::clamp(pitch + dPitch, 5.0f, 89.0f);
}

void OrbitCamera::zoom(float factor) { distance = std::clamp(distance * factor, 2.0f, 12.0f); }

QVector3D OrbitCamera::eye() const {
  const float y = qDegreesToRadians(yaw), p = qDegreesToRadians(pitch);
  return target + distance * QVector3D(std::cos(p) * std::sin(y), std::sin(p), std::cos(p) * std::cos(y));
}

QMatrix4x4 OrbitCamera::view() const {
  QMatrix4x4 m;
  m.lookAt(eye(), target, QVector3D(0, 1, 0));
  return m;
}

QMatrix4x4 OrbitCamera::projection(double aspect) const {
  QMatrix4x4 m;
  m.perspective(30.0f, float(std::max(aspect, 0.1)), 0.1f, 50.0f);
  return m;
}

}  // namespace gradlab::widgets
