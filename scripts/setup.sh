#!/usr/bin/env bash
# Installs every Debian 12 package the toolkit needs, configures and builds it, then runs what was asked:
#   scripts/setup.sh demo   the main job on the embedded default
#   scripts/setup.sh test   all tests (what CI runs)
#   scripts/setup.sh build  install and build only
# Idempotent: a second run installs nothing new and rebuilds only what changed. Run as root on Debian 12.
set -euo pipefail

mode="${1:-build}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${MGRS_BUILD_DIR:-$root/build}"
jobs="$(nproc)"

packages=(
  build-essential cmake ninja-build ccache pkg-config git clang-format clang-tidy
  libgtest-dev libgmock-dev libbenchmark-dev
  libsqlite3-dev sqlite3 libxml2-dev nlohmann-json3-dev libboost-program-options-dev libeigen3-dev
  libgdal-dev gdal-bin libopencv-dev
  libtorch-dev libopenblas0-pthread libsentencepiece-dev libstemmer-dev zlib1g-dev libcpp-httplib-dev libgloo-dev
  chromium nodejs npm
)

install_packages() {
  local missing=()
  for p in "${packages[@]}"; do
    # A NodeSource nodejs brings its own npm and conflicts with Debian's: installing Debian's would replace that node.
    [[ "$p" == npm ]] && command -v npm > /dev/null && continue
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if ((${#missing[@]})); then
    echo "setup: installing ${missing[*]}"
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
  else
    echo "setup: all ${#packages[@]} packages are installed"
  fi
}

# LibTorch's matrix products go through libblas.so.3: it must resolve to OpenBLAS, not the reference BLAS.
check_blas() {
  local target
  target="$(readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3 || true)"
  if [[ "$target" != *openblas* ]]; then
    echo "setup: libblas.so.3 resolves to '$target', not OpenBLAS; selecting OpenBLAS" >&2
    update-alternatives --set libblas.so.3-x86_64-linux-gnu \
      /usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3
  fi
  echo "setup: BLAS is $(readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3)"
}

# The review page's browser test (tests/bench/review_e2e.sh) drives Debian's Chromium with playwright-core, pinned
# by tests/bench/e2e/package-lock.json and installed here, so nothing is downloaded when the tests run (nor any
# browser ever). The pin, 1.61.1, is the last playwright-core that runs on Debian 12's Node 18.
install_node_modules() {
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --prefix "$root/tests/bench/e2e" --no-audit --no-fund
}

configure_and_build() {
  # CI turns warnings into errors; otherwise the build folder keeps what it was configured with, so running `demo`
  # after `test` does not rebuild everything.
  local args=(-DCMAKE_BUILD_TYPE=RelWithDebInfo)
  [[ "${CI:-}" == "true" ]] && args+=(-DMGRS_WERROR=ON)
  # shellcheck disable=SC2086
  cmake -S "$root" -B "$build" -G Ninja "${args[@]}" ${MGRS_CMAKE_ARGS:-}
  local start=$SECONDS
  cmake --build "$build" -j "$jobs"
  echo "setup: build took $((SECONDS - start)) s"
}

install_packages
install_node_modules
check_blas
configure_and_build

case "$mode" in
  build) ;;
  test)
    cd "$build"
    ctest --output-on-failure -j "$jobs" --timeout 1200
    ;;
  demo)
    "$build/tools/mgrs" self-check
    if [[ ! -x "$build/tools/skymoe" ]]; then
      echo "setup: the demo pipeline trains with skymoe, which this build lacks (MGRS_WITH_TORCH=OFF)" >&2
      exit 1
    fi
    out="${MGRS_DEMO_OUT:-$root/runs/demo}"
    "$build/tools/mgrs" pipeline --out "$out"
    echo "setup: the demo's report is $out/report.md (and report.html, report.json)"
    ;;
  *)
    echo "usage: scripts/setup.sh [build|test|demo]" >&2
    exit 2
    ;;
esac
