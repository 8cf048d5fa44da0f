#!/usr/bin/env bash
# The one-hour soak (issue 15): the window under Xvfb training flat out with every view open,
# switching network, data or lesson every 20 s (`gradlab --soak`, app/gui/soak.cpp). Builds
# nothing. Prints one row per minute (RSS, heap in use, frame rate, longest stall, steps/s, what
# was shown) and a summary against the goals (RSS growth < 5 % after minute 5, >= 55 frames/s,
# no stall over 50 ms), and keeps them in a file; the window's messages and Qt's warnings go to
# the same name with .log.
#
#   bench/soak.sh [MINUTES] [--gradlab PATH] [--switch SECONDS] [--out FILE]
#
# MINUTES defaults to 60; --out to soak-YYYYMMDD-HHMM.md in the current folder. The window is
# 2793x1134 with every view tiled, so the screen is 2880x1200 (all of it on screen). Run it on
# a quiet machine: the frame rate and stalls measure the host as much as the program.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
GRADLAB="${GRADLAB:-}"
MINUTES=60
SWITCH=20
OUT=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --gradlab) GRADLAB="$2"; shift 2 ;;
    --switch) SWITCH="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    [0-9]*) MINUTES="$1"; shift ;;
    *) echo "soak.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
if [[ -z "$GRADLAB" ]]; then
  for g in "$ROOT"/build/app/gradlab "$ROOT"/build-*/app/gradlab; do
    if [[ -x "$g" ]]; then GRADLAB="$g"; break; fi
  done
fi
[[ -n "$GRADLAB" && -x "$GRADLAB" ]] || {
  echo "soak.sh: the gradlab window binary was not found in build/app or build-*/app; build it" \
       "(cmake --build build --target gradlab) or give --gradlab PATH" >&2
  exit 2
}
command -v xvfb-run >/dev/null || {
  echo "soak.sh: xvfb-run is missing; install the xvfb and xauth packages (scripts/setup.sh does)" >&2
  exit 2
}
[[ -n "$OUT" ]] || OUT="soak-$(date +%Y%m%d-%H%M).md"
LOG="${OUT%.md}.log"

echo "soak.sh: $GRADLAB --soak $MINUTES --soak-switch $SWITCH; table in $OUT, messages in $LOG" >&2
{
  echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(uname -n), $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown), binary $GRADLAB"
  echo
} >"$OUT"
set +e
xvfb-run -a -s "-screen 0 2880x1200x24" "$GRADLAB" --soak "$MINUTES" --soak-switch "$SWITCH" \
  2>"$LOG" | tee -a "$OUT"
status=${PIPESTATUS[0]}
set -e
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$OUT"
if [[ $status -ne 0 ]]; then
  if [[ $status -gt 128 ]]; then
    why="killed by signal $((status - 128))"
  else
    why="exit status $status"
  fi
  echo "soak.sh: gradlab --soak ended early ($why): a crash or a failed start; the rows up to it are in" \
       "$OUT, the last messages in $LOG" | tee -a "$OUT" >&2
  exit 1
fi
echo "soak.sh: done; table in $OUT" >&2
