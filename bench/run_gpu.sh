#!/usr/bin/env bash
# The cuda backend on a machine with an NVIDIA GPU, in one go: build, list the GPUs, run the
# op-parity suite (tests/cuda/tst_backend_ops: every op and a few whole networks against the
# cpu reference), then time full training steps on the GPU — with recorded steps (CUDA Graphs)
# and without — beside the CPU and beside PyTorch on the same GPU (bench/peer_torch.py
# --device cuda, when this machine's PyTorch has CUDA; else the column says n/a and why), and
# print a Markdown section for bench/RESULTS.md.
#
#   bench/run_gpu.sh [--build DIR] [--seconds S] [--threads N] [--no-build] [CASE ...]
#
# CASE: mlp-tiny mlp-mnist cnn lstm cnn-large (the default: all five). --build defaults to build-gpu;
# the build compiles for this machine's GPU only (CMake's "native" architecture; set
# GRADLAB_CUDA_ARCHITECTURES to override). --threads: cpu threads for the CPU column (default:
# all cores). Everything it prints also goes to DIR/run_gpu.log.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="$ROOT/build-gpu"
SECONDS_PER=5
THREADS="$(nproc)"
DO_BUILD=1
CASES=()

while [[ $# -gt 0 ]]; do
  case "$1" in
    --build) BUILD="$2"; shift 2 ;;
    --seconds) SECONDS_PER="$2"; shift 2 ;;
    --threads) THREADS="$2"; shift 2 ;;
    --no-build) DO_BUILD=0; shift ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    -*) echo "run_gpu.sh: unknown option $1" >&2; exit 2 ;;
    *) CASES+=("$1"); shift ;;
  esac
done
[[ ${#CASES[@]} -gt 0 ]] || CASES=(mlp-tiny mlp-mnist cnn lstm cnn-large)
mkdir -p "$BUILD"
exec > >(tee "$BUILD/run_gpu.log") 2>&1

if [[ $DO_BUILD -eq 1 ]]; then
  cmake -S "$ROOT" -B "$BUILD" -G Ninja -DGRADLAB_GUI=OFF -DCMAKE_BUILD_TYPE=Release \
    -DGRADLAB_CUDA_ARCHITECTURES="${GRADLAB_CUDA_ARCHITECTURES:-native}"
  ninja -C "$BUILD" gradlab-cli tst_backend_ops tst_backend_select tst_cuda_index
fi
CLI="$BUILD/app/gradlab-cli"

echo "## gradlab-cli devices"
if ! "$CLI" devices; then
  echo "run_gpu.sh: no usable GPU here — nothing to measure" >&2
  exit 1
fi

echo
echo "## op parity (tests/cuda/tst_backend_ops) and fallbacks"
PARITY=ok
(cd "$BUILD/tests" && ./tst_backend_ops -o "$BUILD/tst_backend_ops.txt,txt" -o -,txt) || PARITY=FAILED
(cd "$BUILD/tests" && ./tst_backend_select && ./tst_cuda_index) || PARITY=FAILED
SUMMARY="$(grep '^Totals' "$BUILD/tst_backend_ops.txt" || echo 'no totals')"

echo
echo "## benchmarks"
RESULTS="$(mktemp)"
trap 'rm -f "$RESULTS"' EXIT
run() {  # label, env assignments..., -- bench args...
  local label="$1"; shift
  local envs=()
  while [[ "$1" != "--" ]]; do envs+=("$1"); shift; done
  shift
  echo "$label ..." >&2
  if out="$(env "${envs[@]}" "$CLI" bench "$@" --seconds "$SECONDS_PER" --json)"; then
    grep '^{' <<<"$out" | sed "s/^{/{\"label\": \"$label\", /" >>"$RESULTS"
  else
    echo "run_gpu.sh: bench $* failed" >&2
  fi
}
for c in "${CASES[@]}"; do
  run cpu GRADLAB_CUDA_GRAPHS=1 -- --case "$c" --backend cpu --threads "$THREADS"
  run cuda-graphs GRADLAB_CUDA_GRAPHS=1 -- --case "$c" --backend cuda
  run cuda-eager GRADLAB_CUDA_GRAPHS=0 -- --case "$c" --backend cuda
done
# PyTorch on the same GPU, in the same run (full float32: TF32 off, as Gradlab).
TORCH_GPU="$(python3 -c 'import torch; print("yes" if torch.cuda.is_available() else
  "PyTorch " + torch.__version__ + " here has no CUDA")' 2>&1 | tail -n 1 || true)"
if [[ "$TORCH_GPU" == yes ]]; then
  for c in "${CASES[@]}"; do
    echo "torch-cuda $c ..." >&2
    python3 "$ROOT/bench/peer_torch.py" --device cuda --case "$c" --seconds "$SECONDS_PER" --json |
      grep '^{' | sed 's/^{/{"label": "torch-cuda", /' >>"$RESULTS" ||
      echo "run_gpu.sh: peer_torch.py --device cuda --case $c failed" >&2
  done
fi

GPU="$("$CLI" devices | sed -n 's/^GPU 0: //p' | head -n 1)"
CPU="$(lscpu | sed -n 's/^Model name: *//p' | head -n 1)"
COMMIT="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
VERSIONS="$("$CLI" devices | tail -n 1)"
python3 - "$RESULTS" "$GPU" "$CPU" "$THREADS" "$COMMIT" "$SECONDS_PER" "$VERSIONS" "$PARITY" \
  "$SUMMARY" "${CASES[*]}" "$TORCH_GPU" <<'PY'
import datetime, json, sys
path, gpu, cpu, threads, commit, secs, versions, parity, summary, cases, torch_gpu = sys.argv[1:]
rows = {}
for line in open(path):
    try:
        r = json.loads(line)
        rows[(r["case"], r["label"])] = r["steps_per_s"]
    except (ValueError, KeyError):
        pass
print()
print("### %s — %s (cuda) vs %s, %s threads (cpu)" % (datetime.date.today().isoformat(), gpu, cpu, threads))
print()
print("- Gradlab commit %s; %s; %s s per measurement after a warm-up" % (commit, versions, secs))
print("- op parity: %s (%s)" % (parity, summary))
print("- steps/s of full training steps (forward, loss, backward, update), float32; graphs ="
      " forward+loss+backward recorded once and replayed (GRADLAB_CUDA_GRAPHS=1), eager = one"
      " launch per op (GRADLAB_CUDA_GRAPHS=0)")
print("- PyTorch on the GPU: %s" % ("torch, same GPU, same run, TF32 off" if torch_gpu == "yes"
                                   else "not measured (%s)" % torch_gpu))
print("- targets (issue 4): best cuda / torch-cuda >= 1.0 on every case, >= 3 on mlp-tiny")
print()
print("| case | cpu steps/s | cuda eager | cuda graphs | torch cuda | graphs / eager | graphs / cpu | best cuda / torch cuda |")
print("|---|---:|---:|---:|---:|---:|---:|---:|")
f = lambda v: "%.1f" % v if v else "n/a"
r = lambda a, b: "%.2f" % (a / b) if a and b else "n/a"
for c in cases.split():
    cpu_, eager, graphs = rows.get((c, "cpu")), rows.get((c, "cuda-eager")), rows.get((c, "cuda-graphs"))
    torch_ = rows.get((c, "torch-cuda"))
    best = max(v for v in (eager, graphs, 0) if v is not None) or None
    print("| %s | %s | %s | %s | %s | %s | %s | %s |" % (c, f(cpu_), f(eager), f(graphs), f(torch_),
          r(graphs, eager), r(graphs, cpu_), r(best, torch_)))
PY
