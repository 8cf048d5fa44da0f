# Flags of a GRADLAB_FUZZ tree (see tests/fuzz/README.md): core is compiled for libFuzzer's
# coverage (fuzzer-no-link) with AddressSanitizer and UndefinedBehaviorSanitizer, so a read past
# a buffer, an overflowing shape product or a leak in a loader stops the run with a report; the
# targets in tests/fuzz link libFuzzer's main (-fsanitize=fuzzer). -O1 with line tables is what
# libFuzzer's documentation recommends: fast enough for millions of inputs, readable stacks.
if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  message(FATAL_ERROR "GRADLAB_FUZZ needs clang (libFuzzer is part of clang), got "
    "${CMAKE_CXX_COMPILER_ID}: configure with -DCMAKE_CXX_COMPILER=clang++-15 "
    "(Debian: apt install clang-15 libfuzzer-15-dev libomp-15-dev)")
endif()
if(GRADLAB_GUI OR GRADLAB_CUDA OR GRADLAB_SANITIZE)
  message(FATAL_ERROR "GRADLAB_FUZZ builds core and the fuzz targets only: configure with "
    "-DGRADLAB_GUI=OFF -DGRADLAB_CUDA=OFF and without GRADLAB_SANITIZE (the fuzz flags bring "
    "ASan and UBSan)")
endif()
add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined
  -fno-omit-frame-pointer -O1 -gline-tables-only)
add_link_options(-fsanitize=address,undefined)
