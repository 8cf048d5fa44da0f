#version 330 core
// One colour, lit (tubes, spheres: ambient 0.45 + diffuse 0.55·max(n·l, 0)) or flat (lines).
in vec3 vNormal;

uniform vec4 color;
uniform bool lit;
uniform vec3 lightDir;

out vec4 fragColor;

void main() {
  if (!lit) {
    fragColor = color;
    return;
  }
  vec3 n = normalize(vNormal);
  float diffuse = max(dot(n, lightDir), 0.0);
  fragColor = vec4(color.rgb * (0.45 + 0.55 * diffuse), color.a);
}
