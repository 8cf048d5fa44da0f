#version 330 core
// The loss surface (widgets/views/landscape_3d.cpp): a height field in scene units, one vertex
// per grid point with its normal and t, the loss scaled to [0, 1] (−1: NaN/Inf there).
layout(location = 0) in vec3 position;
layout(location = 1) in vec3 normal;
layout(location = 2) in float value;

uniform mat4 mvp;

out vec3 vPosition;
out vec3 vNormal;
out float vValue;

void main() {
  vPosition = position;
  vNormal = normal;
  vValue = value;
  gl_Position = mvp * vec4(position, 1.0);
}
