#!/usr/bin/env bash
# Gradlab vs PyTorch, side by side in one run: training steps per second for each case at 1 and 2
# threads, printed as a Markdown table to paste into bench/RESULTS.md.
#
#   bench/run.sh [--cli PATH] [--seconds S] [--threads "1 2"] [--peer-only] [CASE ...]
#
# CASE: mlp-tiny mlp-mnist (the default), cnn, lstm, cnn-large. --cli defaults to $GRADLAB_CLI, else the
# first of build/app/gradlab-cli, build-*/app/gradlab-cli that exists. --peer-only runs torch
# alone. Gradlab: `gradlab-cli bench --backend cpu --case C --threads N --seconds S --json`
# (the GPU has its own script, bench/run_gpu.sh); the peer:
# bench/peer_torch.py under `env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=N
# OMP_NUM_THREADS=N`. Both print one JSON object per case:
#   {"case", "threads", "steps_per_s", "samples_per_s", "impl"}
# On more than one thread the peer runs twice, with OpenMP's default (spinning) wait policy and
# with OMP_WAIT_POLICY=PASSIVE, and the faster run counts: spinning OpenMP workers starve
# OpenBLAS's own threads in the BLAS-bound cases (mlp-mnist, lstm: 2 threads slower than 1),
# while the convolutions, which torch parallelises with OpenMP, want them spinning.
# Benchmarks are noisy on a busy machine: the header records the load average at the start;
# run it when nothing else is (a build, tests) for numbers worth keeping.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PY=/usr/bin/python3
PEER="$ROOT/bench/peer_torch.py"
SECONDS_PER=5
THREADS="1 2"
PEER_ONLY=0
CLI="${GRADLAB_CLI:-}"
CASES=()

while [[ $# -gt 0 ]]; do
  case "$1" in
    --cli) CLI="$2"; shift 2 ;;
    --seconds) SECONDS_PER="$2"; shift 2 ;;
    --threads) THREADS="$2"; shift 2 ;;
    --peer-only) PEER_ONLY=1; shift ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    -*) echo "run.sh: unknown option $1" >&2; exit 2 ;;
    *) CASES+=("$1"); shift ;;
  esac
done
[[ ${#CASES[@]} -gt 0 ]] || CASES=(mlp-tiny mlp-mnist)

if [[ $PEER_ONLY -eq 0 && -z "$CLI" ]]; then
  for c in "$ROOT"/build/app/gradlab-cli "$ROOT"/build-*/app/gradlab-cli; do
    if [[ -x "$c" ]]; then CLI="$c"; break; fi
  done
fi
if [[ $PEER_ONLY -eq 0 && ( -z "$CLI" || ! -x "$CLI" ) ]]; then
  echo "run.sh: gradlab-cli not found (build it, or pass --cli PATH, or --peer-only)" >&2
  exit 2
fi

RESULTS="$(mktemp)"
trap 'rm -f "$RESULTS"' EXIT

peer_env() {  # threads, command...
  local n="$1"; shift
  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS="$n" OMP_NUM_THREADS="$n" "$@"
}

LOAD="$(cut -d' ' -f1-3 /proc/loadavg)"
INFO="$(peer_env 1 "$PY" "$PEER" --info)"
BLAS_ALT="$(update-alternatives --query libblas.so.3-x86_64-linux-gnu 2>/dev/null \
  | sed -n 's/^Value: //p' || true)"

for c in "${CASES[@]}"; do
  for n in $THREADS; do
    if [[ $PEER_ONLY -eq 0 ]]; then
      echo "gradlab $c threads $n ..." >&2
      if out="$("$CLI" bench --backend cpu --case "$c" --threads "$n" --seconds "$SECONDS_PER" --json 2>/dev/null)"; then
        grep '^{' <<<"$out" | tail -n 1 >>"$RESULTS" || true
      else
        echo "run.sh: gradlab-cli bench --case $c --threads $n failed" >&2
      fi
    fi
    policies=(default)
    [[ $n -gt 1 ]] && policies+=(PASSIVE)
    for pol in "${policies[@]}"; do
      echo "torch   $c threads $n (OpenMP wait policy $pol) ..." >&2
      polenv=()
      [[ $pol != default ]] && polenv=(OMP_WAIT_POLICY="$pol")
      if out="$(peer_env "$n" env "${polenv[@]}" "$PY" "$PEER" --case "$c" --threads "$n" \
                  --seconds "$SECONDS_PER" --json)"; then
        grep '^{' <<<"$out" | tail -n 1 >>"$RESULTS" || true
      else
        echo "run.sh: peer_torch.py --case $c --threads $n failed" >&2
      fi
    done
  done
done

COMMIT="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
CPU="$(lscpu | sed -n 's/^Model name: *//p' | head -n 1)"
CORES="$(nproc)"

"$PY" - "$RESULTS" "$INFO" "$CPU" "$CORES" "$LOAD" "$BLAS_ALT" "$COMMIT" "$SECONDS_PER" \
  "${CASES[*]}" "$THREADS" <<'EOF'
import datetime, json, sys
path, info, cpu, cores, load, blas_alt, commit, secs, cases, threads = sys.argv[1:]
info = json.loads(info)
rows = {}
for line in open(path):
    line = line.strip()
    if not line:
        continue
    try:
        r = json.loads(line)
        key = (r["case"], int(r["threads"]), r["impl"])
        if key not in rows or r["steps_per_s"] > rows[key]["steps_per_s"]:
            rows[key] = r  # the peer's faster wait policy
    except (ValueError, KeyError):
        continue
blas = info.get("blas", {})
blas_name = blas.get("openblas_config") or ", ".join(blas.get("libraries", [])) or "unknown"
if blas.get("openblas_core"):
    blas_name += " (core %s)" % blas["openblas_core"]
print("### %s — %s, %s CPUs" % (datetime.date.today().isoformat(), cpu, cores))
print()
print("- torch %s; BLAS loaded by torch: %s; libblas.so.3 alternative: %s; oneDNN: %s"
      % (info.get("torch"), blas_name, blas_alt or "unknown", "yes" if info.get("mkldnn") else "no"))
print("- Gradlab commit %s; %s s per measurement after a warm-up; load average at start: %s"
      % (commit, secs, load))
print("- steps/s of full training steps (forward, loss, backward, Adam update), float32;"
      " ratio = Gradlab / torch (> 1: Gradlab faster)")
print("- torch on 2+ threads: the faster of OpenMP's default wait policy and PASSIVE (column"
      " 'omp')")
print()
print("| case | threads | gradlab steps/s | torch steps/s | omp | ratio |")
print("|---|---:|---:|---:|---|---:|")
for c in cases.split():
    for n in (int(t) for t in threads.split()):
        g = rows.get((c, n, "gradlab"))
        t = rows.get((c, n, "torch"))
        gs = "%.1f" % g["steps_per_s"] if g else "n/a"
        ts = "%.1f" % t["steps_per_s"] if t else "n/a"
        ratio = "%.2f" % (g["steps_per_s"] / t["steps_per_s"]) if g and t and t["steps_per_s"] else "n/a"
        pol = t.get("omp_wait_policy", "default") if t else ""
        print("| %s | %d | %s | %s | %s | %s |" % (c, n, gs, ts, pol, ratio))
EOF
