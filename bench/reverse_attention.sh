#!/usr/bin/env bash
# Sequence to sequence with and without attention (issue 12, topic 20): the reverse task —
# output a sequence of `length` random symbols (8 of them, chance 0.125) in reverse order —
# learned by examples/reverse-attention.net.json and reverse-no-attention.net.json (the same
# encoder; the decoder attends to the encoder's steps, or sees only its last state; 31 k
# weights each), from scratch per length, seed and training length; prints the per-token test
# accuracies as a Markdown table for bench/RESULTS.md.
#
#   bench/reverse_attention.sh [--cli PATH] [--lengths "5 20"] [--seeds "1 2 3"] [--steps "300 3000"]
#
# Every run: gradlab-cli train NET --dataset reverse --length L --symbols 8 --points 1000
#   --steps S --seed SEED --threads 1 --backend cpu, with NET's Input shape set to [L, 8]
# (1000 sequences: 800 train, 200 test; Adam, lr 0.01, batch 32 from the files). One process
# at a time (the machine is shared).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CLI="${GRADLAB_CLI:-}"
LENGTHS="5 20"
SEEDS="1 2 3"
STEPS="300 3000"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --cli) CLI="$2"; shift 2 ;;
    --lengths) LENGTHS="$2"; shift 2 ;;
    --seeds) SEEDS="$2"; shift 2 ;;
    --steps) STEPS="$2"; shift 2 ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "reverse_attention.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
if [[ -z "$CLI" ]]; then
  for c in "$ROOT"/build/app/gradlab-cli "$ROOT"/build-*/app/gradlab-cli; do
    if [[ -x "$c" ]]; then CLI="$c"; break; fi
  done
fi
[[ -n "$CLI" && -x "$CLI" ]] || { echo "reverse_attention.sh: gradlab-cli not found (--cli PATH)" >&2; exit 2; }

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

# net NAME LENGTH: the example with Input shape [LENGTH, 8], written to $TMP; prints its path.
net() {
  local out="$TMP/$1-$2.net.json"
  sed -e "s/\"shape\": \[20, 8\]/\"shape\": [$2, 8]/" "$ROOT/examples/$1.net.json" >"$out"
  echo "$out"
}

# accuracy NET LENGTH STEPS SEED: the per-token test accuracy gradlab-cli train reports.
accuracy() {
  "$CLI" train "$1" --dataset reverse --length "$2" --symbols 8 --points 1000 --steps "$3" \
    --seed "$4" --threads 1 --backend cpu |
    sed -n 's/.*test accuracy \([0-9.e-]*\).*/\1/p'
}

mean() { awk '{s += $1; n++} END {printf "%.3f", s / n}'; }

echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg); $("$CLI" --version 2>/dev/null || true)"
echo
header="| length | steps | network |"
rule="|---:|---:|---|"
for s in $SEEDS; do header+=" seed $s |"; rule+="---:|"; done
echo "$header mean |"
echo "$rule---:|"
for L in $LENGTHS; do
  for S in $STEPS; do
    for name in reverse-attention reverse-no-attention; do
      file="$(net "$name" "$L")"
      row="| $L | $S | $name |"
      accs=()
      for seed in $SEEDS; do
        a="$(accuracy "$file" "$L" "$S" "$seed")"
        accs+=("$a")
        row+=" $(printf '%.3f' "$a") |"
      done
      echo "$row $(printf '%s\n' "${accs[@]}" | mean) |"
    done
  done
done
