#!/usr/bin/env bash
# Builds the suite without LibTorch under AddressSanitizer and UndefinedBehaviorSanitizer (gcc, a UB report stops
# the test) into build-asan/ and runs it with ctest. The model tests need LibTorch and are not built here (the
# SentencePiece shim's RTLD_DEEPBIND cannot be loaded under ASan; docs/RELIABILITY.md).
#   scripts/sanitize.sh [CTEST_ARGS...]      e.g. scripts/sanitize.sh -R '^ingest\.'
# Exit status: ctest's.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${MGRS_SANITIZE_BUILD_DIR:-$root/build-asan}"
jobs="${MGRS_SANITIZE_JOBS:-$(nproc)}"

cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMGRS_WITH_TORCH=OFF \
  -DMGRS_BUILD_BENCHMARKS=OFF -DMGRS_SANITIZE=address,undefined \
  -DCMAKE_CXX_FLAGS="-fno-sanitize-recover=undefined" >/dev/null
cmake --build "$build" -j "$jobs"
# halt_on_error: the first report fails its test; leaks are reported at exit like any other error.
export ASAN_OPTIONS="${ASAN_OPTIONS:-halt_on_error=1:detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
ctest --test-dir "$build" --output-on-failure -j "$jobs" "$@"
