#version 330 core
// Paths, markers and the axes' frame (widgets/views/landscape_3d.cpp): meshes in scene units
// with normals (tubes, spheres), or plain lines (no normal attribute; drawn unlit).
layout(location = 0) in vec3 position;
layout(location = 1) in vec3 normal;

uniform mat4 mvp;

out vec3 vNormal;

void main() {
  vNormal = normal;
  gl_Position = mvp * vec4(position, 1.0);
}
