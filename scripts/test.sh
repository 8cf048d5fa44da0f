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
# scripts/lsan.supp: leaks inside system libraries (libdbus, poppler), each with its reason.
export LSAN_OPTIONS="${LSAN_OPTIONS:-suppressions=$root/scripts/lsan.supp:print_suppressions=0}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
# scripts/tsan.supp holds what TSan cannot see inside uninstrumented system libraries, each
# with its reason; races in Gradlab's own code are fixed, never suppressed.
# ignore_noninstrumented_modules: Qt and the system libraries are not built with TSan, so their
# own loads and stores are unseen anyway; this leaves unseen the memcpy, malloc and free they
# call too. Without it every hand-over inside Qt (its thread pool, QImage's conversion threads)
# reads as a race, since Qt orders them with its futex-based QMutex that TSan cannot see: 18 to
# 54 reports per window test, none with a Gradlab frame at either access. Gradlab's own
# hand-overs through Qt say so to TSan (widgets/handoff.h).
# die_after_fork=0: after Qt 6.4's QProcess has started a child (forkfd; gradlab-cli in
# tst_project_save, the window to kill in tst_recovery), TSan took the test itself for the child
# of a multi-threaded fork and killed it when it next started a thread.
export TSAN_OPTIONS="${TSAN_OPTIONS:-suppressions=$root/scripts/tsan.supp:second_deadlock_stack=1:ignore_noninstrumented_modules=1:die_after_fork=0}"
cd "$build"
exec xvfb-run -a -s "-screen 0 1600x1000x24" ctest --output-on-failure -j 2 "$@"
