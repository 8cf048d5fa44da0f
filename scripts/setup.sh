#!/usr/bin/env bash
# Installs what Gradlab needs (Debian 12 packages; sudo when not root), then configures and
# builds incrementally. Used by scripts/run.sh and scripts/test.sh; safe to run again.
#   GRADLAB_SANITIZE=1  build with AddressSanitizer + UBSan into build-asan/
#   GRADLAB_SANITIZE=thread  build with ThreadSanitizer into build-tsan/ (cpu backend only)
#   GRADLAB_CUDA=0      build the cpu backend only
set -euo pipefail
# Everything but the final build path goes to stderr, so callers can capture the path.
exec 3>&1 1>&2
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

packages=(
  build-essential cmake ninja-build pkg-config
  qt6-base-dev qt6-base-dev-tools libqt6opengl6-dev libqt6svg6 libgl-dev libqcustomplot-dev
  libeigen3-dev libopencv-dev nlohmann-json3-dev libcli11-dev zlib1g-dev
  dataset-fashion-mnist python3-torch libopenblas0-pthread xvfb xauth
  qt6-svg-dev libonnx-dev libprotobuf-dev python3-onnx python3-opencv
  clang-15 libfuzzer-15-dev libomp-15-dev
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "Installing: ${missing[*]}"
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

build="$root/build"
args=(-G Ninja -DCMAKE_BUILD_TYPE=Release)
case "${GRADLAB_SANITIZE:-0}" in
  0 | "") ;;
  1)
    build="$root/build-asan"
    args=(-G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DGRADLAB_SANITIZE=ON)
    ;;
  thread)
    # The CUDA runtime cannot run under TSan either; the cpu backend is what is checked.
    build="$root/build-tsan"
    args=(-G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DGRADLAB_SANITIZE=thread -DGRADLAB_CUDA=OFF)
    ;;
  *)
    echo "GRADLAB_SANITIZE=$GRADLAB_SANITIZE is not a sanitizer build: use 1 (ASan + UBSan, build-asan/), thread (TSan, build-tsan/) or 0 (none)"
    exit 2
    ;;
esac
[ "${GRADLAB_CUDA:-1}" = 0 ] && args+=(-DGRADLAB_CUDA=OFF)
[ -f "$build/build.ninja" ] || cmake -S "$root" -B "$build" "${args[@]}"
cmake --build "$build" -j "$(nproc)"
echo "$build" >&3
