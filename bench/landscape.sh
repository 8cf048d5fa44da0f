#!/usr/bin/env bash
# The loss landscape's cost (issue 13): `gradlab-cli landscape` at 51 × 51 on the spiral network
# (examples/spiral.net.json: 2-16-16-1, tanh, sigmoid output) on one thread, each plane, the
# median of --runs runs; printed as Markdown rows to paste into bench/RESULTS.md.
#
#   bench/landscape.sh [--cli PATH] [--runs 5] [--grid 51]
#
# It trains the weights once (300 steps, seed 0, and the path's points at 100 and 200), then
# times each case. "grid s" is what the command prints for the grid and the slice alone; "run s"
# the whole process (loading, data, writing the dump) from the shell. Cases: the filter plane on
# the 100 test samples (what `gradlab-cli train` reports its test loss on), the path plane on
# the same, and the filter plane on 256 training samples (the window's probe's default).
# Benchmarks are noisy on a busy machine: the header records the load average at the start.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CLI="${GRADLAB_CLI:-}"
RUNS=5
GRID=51
while [[ $# -gt 0 ]]; do
  case "$1" in
    --cli) CLI="$2"; shift 2 ;;
    --runs) RUNS="$2"; shift 2 ;;
    --grid) GRID="$2"; shift 2 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "landscape.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
if [[ -z "$CLI" ]]; then
  for c in "$ROOT"/build/app/gradlab-cli "$ROOT"/build-*/app/gradlab-cli; do
    if [[ -x "$c" ]]; then CLI="$c"; break; fi
  done
fi
[[ -n "$CLI" && -x "$CLI" ]] || { echo "landscape.sh: gradlab-cli not found (--cli PATH)" >&2; exit 2; }

NET="$ROOT/examples/spiral.net.json"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
for steps in 100 200 300; do
  "$CLI" train "$NET" --dataset spiral --steps "$steps" --backend cpu --threads 1 \
    --save "$TMP/w$steps.safetensors" >/dev/null 2>&1
done

median() { sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

LOAD="$(cut -d' ' -f1-3 /proc/loadavg)"
echo "### $(date -u +%F) — $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n 1), $(nproc) CPUs, load average $LOAD"
echo
echo "\`bench/landscape.sh --runs $RUNS --grid $GRID\` ($CLI), one thread, median of $RUNS:"
echo
echo "| plane | samples | grid | grid s | run s | centre loss |"
echo "|---|---|---|---|---|---|"
run_case() {  # label, samples label, extra args...
  local label="$1" samples="$2"; shift 2
  local grid_times=() run_times=() centre=""
  for ((i = 0; i < RUNS; i++)); do
    local t0 t1 out
    t0=$(date +%s.%N)
    out="$("$CLI" landscape "$NET" --weights "$TMP/w300.safetensors" --dataset spiral --grid "$GRID" \
      --threads 1 --dump "$TMP/l.safetensors" "$@")"
    t1=$(date +%s.%N)
    grid_times+=("$(sed -n 's/.*: \([0-9.]*\) s$/\1/p' <<<"$out" | head -n 1)")
    run_times+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f", b - a}')")
    centre="$(sed -n 's/^loss at the centre[^:]*: \([0-9.eE+-]*\).*/\1/p' <<<"$out")"
  done
  echo "| $label | $samples | $GRID × $GRID | $(printf '%s\n' "${grid_times[@]}" | median) | $(printf '%s\n' "${run_times[@]}" | median) | $centre |"
}
run_case filter "100 test" --directions filter
run_case path "100 test" --directions path --path "$TMP/w100.safetensors,$TMP/w200.safetensors"
run_case filter "256 training" --directions filter --set train --samples 256
TRAIN_LOSS="$("$CLI" train "$NET" --dataset spiral --steps 300 --backend cpu --threads 1 2>/dev/null | sed -n 's/.*test loss \([0-9.eE+-]*\).*/\1/p')"
echo
echo "\`gradlab-cli train\` reports test loss $TRAIN_LOSS for the same weights."
