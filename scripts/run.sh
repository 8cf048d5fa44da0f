#!/usr/bin/env bash
# Builds Gradlab (installing what is missing) and starts the window.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="$("$root/scripts/setup.sh")"
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] && [ -z "${QT_QPA_PLATFORM:-}" ]; then
  echo "gradlab needs a display: run it on a desktop, or under xvfb-run, or use $build/app/gradlab-cli for headless work" >&2
  exit 1
fi
exec "$build/app/gradlab" "$@"
