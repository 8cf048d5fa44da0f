# The `fuzz` test label (tests/fuzz/README.md). When clang with libFuzzer is found, the build
# configures a second tree inside itself, <build>/fuzz: clang, GRADLAB_FUZZ=ON, core and the fuzz
# targets only (no Qt, no CUDA), core instrumented with ASan + UBSan. Each target then runs for
# GRADLAB_FUZZ_SECONDS as a CTest test over its seed corpus (tests/fuzz/corpus/<name>/ and the
# example files named below); what it learns is kept in <build>/fuzz-corpus/<name>/ for the next
# run, and a crashing input is written to <build>/fuzz-artifacts/<name>/ (turn it into a
# regression input: tests/fuzz/README.md).
option(GRADLAB_FUZZ_TESTS "Build the libFuzzer targets with clang and run each briefly (label fuzz)" ON)
set(GRADLAB_FUZZ_SECONDS 60 CACHE STRING "Seconds each fuzz target runs in the test suite")
set(GRADLAB_FUZZ_CXX "" CACHE FILEPATH "clang++ with libFuzzer for the fuzz tree (found when empty)")

if(NOT GRADLAB_FUZZ_TESTS)
  return()
endif()
# A sanitizer build (build-asan/, build-tsan/) runs the same suite again for its sanitizer; the
# fuzz targets bring their own ASan and UBSan, and running them there too would only double it.
if(GRADLAB_SANITIZE)
  message(STATUS "Fuzz tests (label fuzz) not added: this is a GRADLAB_SANITIZE build; the plain build runs them")
  return()
endif()
if(NOT GRADLAB_FUZZ_CXX)
  find_program(GRADLAB_FUZZ_FOUND_CXX NAMES clang++-15 clang++)
  set(GRADLAB_FUZZ_CXX "${GRADLAB_FUZZ_FOUND_CXX}")
endif()

# Can it build a fuzz target with the sanitizers and OpenMP (core uses omp.h)? One tiny program
# tells, and the reason goes into the message when it cannot.
set(_fuzz_ok OFF)
if(GRADLAB_FUZZ_CXX)
  set(_probe_dir ${CMAKE_BINARY_DIR}/fuzz-probe)
  file(WRITE ${_probe_dir}/probe.cpp "#include <omp.h>\n#include <cstddef>\n#include <cstdint>\n"
    "extern \"C\" int LLVMFuzzerTestOneInput(const uint8_t*, size_t) { return omp_get_max_threads() > 0 ? 0 : 1; }\n")
  execute_process(COMMAND ${GRADLAB_FUZZ_CXX} -fsanitize=fuzzer,address,undefined -fopenmp
                          ${_probe_dir}/probe.cpp -o ${_probe_dir}/probe
                  RESULT_VARIABLE _probe_rc ERROR_VARIABLE _probe_err OUTPUT_QUIET)
  if(_probe_rc EQUAL 0)
    set(_fuzz_ok ON)
  else()
    string(REGEX REPLACE "\n.*" "" _probe_err "${_probe_err}")
    set(_fuzz_why "${GRADLAB_FUZZ_CXX} cannot build a libFuzzer target with ASan, UBSan and OpenMP (${_probe_err})")
  endif()
else()
  set(_fuzz_why "no clang++-15 or clang++ found")
endif()
if(NOT _fuzz_ok)
  message(STATUS "Fuzz tests (label fuzz) not added: ${_fuzz_why}. Install clang-15 libfuzzer-15-dev "
    "libomp-15-dev (scripts/setup.sh does) or set GRADLAB_FUZZ_CXX to a clang++ with libFuzzer.")
  return()
endif()

include(ExternalProject)
file(GLOB _fuzz_entries CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/tests/fuzz/entries/*.cpp)
set(_fuzz_names "")
foreach(entry ${_fuzz_entries})
  get_filename_component(name ${entry} NAME_WE)
  list(APPEND _fuzz_names ${name})
endforeach()
list(TRANSFORM _fuzz_names PREPEND fuzz_ OUTPUT_VARIABLE _fuzz_targets)
set(_fuzz_build_args "")
foreach(target ${_fuzz_targets})
  list(APPEND _fuzz_build_args --target ${target})
endforeach()

ExternalProject_Add(gradlab_fuzz
  SOURCE_DIR ${PROJECT_SOURCE_DIR}
  BINARY_DIR ${CMAKE_BINARY_DIR}/fuzz
  CMAKE_ARGS -DCMAKE_CXX_COMPILER=${GRADLAB_FUZZ_CXX} -DGRADLAB_FUZZ=ON -DGRADLAB_GUI=OFF
             -DGRADLAB_CUDA=OFF -DGRADLAB_NATIVE=OFF -DCMAKE_BUILD_TYPE=Fuzz
             -DCMAKE_CXX_COMPILER_LAUNCHER=${CMAKE_CXX_COMPILER_LAUNCHER}
  BUILD_COMMAND ${CMAKE_COMMAND} --build <BINARY_DIR> ${_fuzz_build_args}
  INSTALL_COMMAND ""
  # The inner build knows its own dependencies; asking it each time costs a moment.
  BUILD_ALWAYS ON)

# Seeds beyond tests/fuzz/corpus/<name>/: the files Gradlab ships in that format.
set(_fuzz_seeds_network ${PROJECT_SOURCE_DIR}/examples)
set(_fuzz_seeds_project ${PROJECT_SOURCE_DIR}/resources/projects)
set(_fuzz_seeds_lesson ${PROJECT_SOURCE_DIR}/lessons)
foreach(name ${_fuzz_names})
  set(corpus ${CMAKE_BINARY_DIR}/fuzz-corpus/${name})
  set(artifacts ${CMAKE_BINARY_DIR}/fuzz-artifacts/${name})
  file(MAKE_DIRECTORY ${corpus} ${artifacts})
  add_test(NAME fuzz_${name}
    COMMAND ${CMAKE_BINARY_DIR}/fuzz/tests/fuzz/fuzz_${name} -max_total_time=${GRADLAB_FUZZ_SECONDS}
            -rss_limit_mb=2048 -timeout=25 -print_final_stats=1 -artifact_prefix=${artifacts}/
            ${corpus} ${PROJECT_SOURCE_DIR}/tests/fuzz/corpus/${name} ${_fuzz_seeds_${name}}
    WORKING_DIRECTORY ${artifacts})
  math(EXPR _fuzz_timeout "${GRADLAB_FUZZ_SECONDS} + 300")
  set_tests_properties(fuzz_${name} PROPERTIES LABELS fuzz TIMEOUT ${_fuzz_timeout}
    ENVIRONMENT "ASAN_OPTIONS=detect_leaks=1;UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1")
endforeach()
list(JOIN _fuzz_names ", " _fuzz_list)
message(STATUS "Fuzz tests (label fuzz): ${_fuzz_list} with ${GRADLAB_FUZZ_CXX}, "
  "${GRADLAB_FUZZ_SECONDS} s each")
