#!/usr/bin/env bash
# Accuracy against lag (issue 12, topic 17): a SimpleRNN and LSTMs, 32 units each
# (examples/recall-rnn.net.json, recall-lstm.net.json), trained from scratch on the
# `recall` task at each lag and seed; prints the test accuracies as a Markdown table for
# bench/RESULTS.md. The recall task: a cue (one of 4 symbols) at step 0, `lag` random distractor
# symbols (one of 4 others), a query marker at the end; name the cue (chance 0.25).
#
#   bench/long_lags.sh [--cli PATH] [--lags "5 10 20 50 100"] [--seeds "1 2 3"] [--steps 1000]
#                      [--forget-biases "2 0"] [--lr 0.001]
#
# Every run: gradlab-cli train NET --dataset recall --lag L --points 1000 --steps S --batch 32
#   --lr LR --seed SEED --threads 1 --backend cpu, with NET's Input shape set to [L + 2, 9].
# (1000 sequences: 800 train, 200 test; Adam.) The LSTM runs once per forget bias given (the
# example's is 2; 0 is PyTorch's init, 1 what Jozefowicz et al. 2015 recommend), to show what
# the bias does. One process at a time.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CLI="${GRADLAB_CLI:-}"
LAGS="5 10 20 50 100"
SEEDS="1 2 3"
STEPS=1000
BIASES="2 0"
LR=0.001
while [[ $# -gt 0 ]]; do
  case "$1" in
    --cli) CLI="$2"; shift 2 ;;
    --lags) LAGS="$2"; shift 2 ;;
    --seeds) SEEDS="$2"; shift 2 ;;
    --steps) STEPS="$2"; shift 2 ;;
    --forget-biases) BIASES="$2"; shift 2 ;;
    --lr) LR="$2"; shift 2 ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "long_lags.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
if [[ -z "$CLI" ]]; then
  for c in "$ROOT"/build/app/gradlab-cli "$ROOT"/build-*/app/gradlab-cli; do
    if [[ -x "$c" ]]; then CLI="$c"; break; fi
  done
fi
[[ -n "$CLI" && -x "$CLI" ]] || { echo "long_lags.sh: gradlab-cli not found (--cli PATH)" >&2; exit 2; }

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

# net NAME LAG [FORGET_BIAS]: the example with Input shape [LAG + 2, 9] (and the LSTM's
# forget_bias replaced), written to $TMP; prints its path.
net() {
  local name="$1" lag="$2" fb="${3:-}" out="$TMP/$1-$2${3:+-fb$3}.net.json"
  sed -e "s/\"shape\": \[102, 9\]/\"shape\": [$((lag + 2)), 9]/" \
      ${fb:+-e "s/\"forget_bias\": 2/\"forget_bias\": $fb/"} \
      "$ROOT/examples/$name.net.json" >"$out"
  echo "$out"
}

# accuracy NET LAG SEED: the test accuracy gradlab-cli train reports.
accuracy() {
  "$CLI" train "$1" --dataset recall --lag "$2" --points 1000 --steps "$STEPS" --batch 32 \
    --lr "$LR" --seed "$3" --threads 1 --backend cpu |
    sed -n 's/.*test accuracy \([0-9.e-]*\).*/\1/p'
}

mean() { awk '{s += $1; n++} END {printf "%.2f", s / n}'; }

LOAD="$(cut -d' ' -f1-3 /proc/loadavg)"
echo "### $(date -u +%F) — recall task: SimpleRNN vs LSTM of 32 units against the lag"
echo
echo "\`bench/long_lags.sh --lags \"$LAGS\" --seeds \"$SEEDS\" --steps $STEPS --forget-biases \"$BIASES\" --lr $LR\`"
echo "($CLI; load average $LOAD)."
echo "Test accuracy per seed ($SEEDS), then the mean; chance 0.25."
echo
header="| lag | SimpleRNN | mean |"
rule="|---:|---|---:|"
variants=("recall-rnn")
for fb in $BIASES; do
  header+=" LSTM, forget_bias $fb | mean |"
  rule+="---|---:|"
  variants+=("recall-lstm $fb")
done
echo "$header s |"
echo "$rule---:|"
for lag in $LAGS; do
  t0=$(date +%s)
  row="| $lag |"
  for variant in "${variants[@]}"; do
    read -r name fb <<<"$variant"
    file="$(net "$name" "$lag" "$fb")"
    accs=()
    for seed in $SEEDS; do accs+=("$(accuracy "$file" "$lag" "$seed")"); done
    row+=" $(printf '%.2f ' "${accs[@]}")| $(printf '%s\n' "${accs[@]}" | mean) |"
  done
  echo "$row $(($(date +%s) - t0)) |"
done
