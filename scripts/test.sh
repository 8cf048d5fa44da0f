#!/usr/bin/env bash
# Builds Gradlab (installing what is missing) and runs the whole test suite with CTest.
#   scripts/test.sh -L gradcheck     only one label (core gradcheck parity cuda widgets gui)
#   GRADLAB_SANITIZE=1 scripts/test.sh   the same under ASan + UBSan
#   GRADLAB_SANITIZE=thread scripts/test.sh -L gui   under ThreadSanitizer (build-tsan/); a
#                                        race report fails the test (TSan exits with 66)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="$("$root/scripts/setup.sh")"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
# scripts/tsan.supp holds what TSan cannot see inside uninstrumented system libraries, each
# with its reason; races in Gradlab's own code are fixed, never suppressed.
export TSAN_OPTIONS="${TSAN_OPTIONS:-suppressions=$root/scripts/tsan.supp:second_deadlock_stack=1}"
cd "$build"
exec xvfb-run -a -s "-screen 0 1600x1000x24" ctest --output-on-failure -j 2 "$@"
