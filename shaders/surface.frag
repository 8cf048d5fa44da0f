#version 330 core
// The loss surface's colour: the colour map at t (the same stops as the 2-D map), lit by one
// directional light (Lambert + a little Blinn–Phong), with contour lines where t·levels
// crosses a whole number. A line's width is measured in pixels through fwidth:
//   d = distance of t·levels to the nearest whole number / |∂(t·levels)/∂pixel|
//   line = 1 − smoothstep(0.5, 1.5, d)                 (about 1.5 px wide, antialiased)
in vec3 vPosition;
in vec3 vNormal;
in float vValue;

uniform vec3 stops[5];      // colour map from t = 0 (low loss) to t = 1, evenly spaced
uniform vec3 nanColor;      // where the loss is NaN/Inf
uniform vec3 lightDir;      // towards the light, unit length
uniform vec3 eye;           // the camera, scene units
uniform float levels;       // contour lines per unit of t
uniform float lineStrength; // 0: no contour lines

out vec4 fragColor;

vec3 colorMap(float t) {
  float x = clamp(t, 0.0, 1.0) * 4.0;
  int i = min(int(floor(x)), 3);
  return mix(stops[i], stops[i + 1], x - float(i));
}

void main() {
  vec3 n = normalize(vNormal);
  if (!gl_FrontFacing) n = -n;  // seen from below
  vec3 base = vValue < -0.5 ? nanColor : colorMap(vValue);
  float diffuse = max(dot(n, lightDir), 0.0);
  vec3 h = normalize(lightDir + normalize(eye - vPosition));
  float specular = 0.18 * pow(max(dot(n, h), 0.0), 48.0);
  vec3 color = base * (0.42 + 0.58 * diffuse) + vec3(specular);
  if (vValue >= 0.0 && lineStrength > 0.0) {
    float x = vValue * levels;
    float d = abs(fract(x + 0.5) - 0.5) / max(fwidth(x), 1e-6);
    float line = 1.0 - smoothstep(0.5, 1.5, d);
    color = mix(color, color * 0.25, line * lineStrength);
  }
  fragColor = vec4(color, 1.0);
}
