#!/usr/bin/env bash
# Runs the libFuzzer targets (tests/fuzz/README.md) one after another, each for SECONDS on one
# core, and prints per target: executions, executions per second, seconds, and the result.
#   scripts/fuzz.sh 3600                 every target for an hour
#   scripts/fuzz.sh 600 csv image        only fuzz_csv and fuzz_image
#   GRADLAB_FUZZ_BUILD=dir               the clang tree (default build-fuzz/; configured and
#                                        built here when needed, with clang++-15)
# What each run learns stays in <build>/corpus/<target>/ and is the start of the next run; an
# input that crashes is written to <build>/artifacts/<target>/ and the run of that target stops
# (the script goes on with the next and exits 1 at the end).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seconds="${1:-600}"
shift || true
build="${GRADLAB_FUZZ_BUILD:-$root/build-fuzz}"
cxx="${GRADLAB_FUZZ_CXX:-clang++-15}"

if ! command -v "$cxx" > /dev/null; then
  echo "fuzz.sh: $cxx not found; install clang-15 libfuzzer-15-dev libomp-15-dev (scripts/setup.sh does)" >&2
  exit 2
fi
targets=("$@")
if ((${#targets[@]} == 0)); then
  for f in "$root"/tests/fuzz/entries/*.cpp; do targets+=("$(basename "$f" .cpp)"); done
fi
launcher=()
command -v ccache > /dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
[ -f "$build/build.ninja" ] || cmake -S "$root" -B "$build" -G Ninja -DCMAKE_CXX_COMPILER="$cxx" \
  -DGRADLAB_FUZZ=ON -DGRADLAB_GUI=OFF -DGRADLAB_CUDA=OFF -DGRADLAB_NATIVE=OFF \
  -DCMAKE_BUILD_TYPE=Fuzz "${launcher[@]}" >&2
cmake --build "$build" -j "${GRADLAB_FUZZ_JOBS:-2}" $(printf -- '--target fuzz_%s ' "${targets[@]}") >&2

declare -A seeds=([network]="$root/examples" [project]="$root/resources/projects" [lesson]="$root/lessons")
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
failed=0
summary=()
for t in "${targets[@]}"; do
  corpus="$build/corpus/$t" artifacts="$build/artifacts/$t" log="$build/logs/fuzz_$t.log"
  mkdir -p "$corpus" "$artifacts" "$(dirname "$log")"
  echo "fuzz_$t: $seconds s, log $log" >&2
  start=$(date +%s)
  rc=0
  "$build/tests/fuzz/fuzz_$t" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=25 \
    -print_final_stats=1 -artifact_prefix="$artifacts/" "$corpus" "$root/tests/fuzz/corpus/$t" \
    ${seeds[$t]:-} > "$log" 2>&1 || rc=$?
  took=$(($(date +%s) - start))
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  result="clean"
  if ((rc != 0)); then
    result="FAILED (exit $rc): $(grep -m1 -E 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error|SUMMARY' "$log" || echo 'see log')"
    failed=1
  fi
  summary+=("$(printf '%-17s %10s execs %8s exec/s %6s s  %s' "fuzz_$t" "${execs:-?}" "${rate:-?}" "$took" "$result")")
done
printf '%s\n' "${summary[@]}"
exit $failed
