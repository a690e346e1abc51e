# Shared by the device scripts (device-latency.sh, device-train.sh), sourced after they set root, mode (device or
# cpu), jobs, build, out and summary: logging, the environment description, the header-only packages of .devdeps/,
# the CUDA hints, the MGRS_MODEL_ONLY configure, and building a benchmark target with the proof that it needs no
# other library. Not run on its own.
# shellcheck shell=bash
script_start=$SECONDS
step_start=$SECONDS

note() { echo "$*" | tee -a "$summary"; }
step() {
  step_start=$SECONDS
  echo
  echo "=== $* ($(date -u +%H:%M:%S) UTC, $((SECONDS - script_start)) s in)"
}
step_done() { note "$1: $((SECONDS - step_start)) s"; }
die() {
  note "FAILED: $*"
  note "total: $((SECONDS - script_start)) s"
  exit 1
}

describe_environment() {
  step "environment"
  {
    echo "mode: $mode; date: $(date -u); host: $(uname -srm); cores: $(nproc); build jobs: $jobs"
    free -g | head -2
    for tool in c++ g++ cmake ninja nvcc python3; do
      if command -v "$tool" >/dev/null; then
        echo "$tool: $(command -v "$tool"): $("$tool" --version 2>&1 | grep -m1 -E '[0-9]+\.[0-9]+')"
      else
        echo "$tool: not found"
      fi
    done
    if [[ $mode == device ]]; then
      python3 -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda, "cxx11 abi",
                  torch.compiled_with_cxx11_abi(), "cmake prefix", torch.utils.cmake_prefix_path)' 2>&1
    else
      dpkg-query -W libtorch-dev 2>&1
    fi
  } | tee "$out/environment.txt"
  if [[ $mode == device ]]; then
    nvidia-smi >"$out/nvidia-smi.txt" 2>&1 || die "nvidia-smi failed: no GPU visible"
    cat "$out/nvidia-smi.txt"
  fi
}

# The .deb files unpacked into the build folder (never into /): their usr/ becomes a CMake prefix.
unpack_header_packages() {
  step "header-only package from .devdeps/"
  deps="$build/devdeps"
  rm -rf "$deps"
  mkdir -p "$deps"
  local found=0 deb
  for deb in "$root"/.devdeps/*.deb; do
    [[ -e $deb ]] || continue
    found=1
    if command -v dpkg-deb >/dev/null; then
      dpkg-deb -x "$deb" "$deps" || die "cannot unpack $deb"
    else
      (cd "$deps" && ar p "$deb" "$(ar t "$deb" | grep '^data\.tar')" | tar -x) || die "cannot unpack $deb"
    fi
    echo "unpacked $(basename "$deb")"
  done
  ((found)) || die "no .deb in .devdeps/: run, on a machine with apt, from the repository root:" \
    "mkdir -p .devdeps && (cd .devdeps && apt-get download nlohmann-json3-dev)"
  [[ -f $deps/usr/include/nlohmann/json.hpp ]] || die ".devdeps/ has no nlohmann-json3-dev"
}

# CUDA hints for LibTorch's CMake files (Caffe2/public/cuda.cmake), which run FindCUDA, enable_language(CUDA) and
# FindCUDAToolkit: nvcc must be found, and NVTX3's header folder must be named, because cuda.cmake looks for it
# only inside the consuming project's own source tree and otherwise falls back to CUDA::nvToolsExt, a library
# CUDA 12.9 and later no longer ship (the configure then fails on a missing target).
cuda_arguments() {
  local nvcc cuda_root="" candidate site
  nvcc="$(command -v nvcc || true)"
  if [[ -z $nvcc ]]; then
    for candidate in /usr/local/cuda /usr/local/cuda-*; do
      if [[ -x $candidate/bin/nvcc ]]; then
        nvcc="$candidate/bin/nvcc"
        break
      fi
    done
  fi
  [[ -n $nvcc ]] || die "no nvcc on PATH nor in /usr/local/cuda*: LibTorch's CMake files need the CUDA toolkit"
  cuda_root="$(dirname "$(dirname "$(readlink -f "$nvcc")")")"
  export PATH="$cuda_root/bin:$PATH"
  export CUDACXX="$cuda_root/bin/nvcc" TORCH_CUDA_ARCH_LIST=9.0
  cmake_args+=(-DCUDA_TOOLKIT_ROOT_DIR="$cuda_root" -DCUDAToolkit_ROOT="$cuda_root")
  # Hopper (the H100 and H200); only LibTorch's nvcc flags see it, we compile no CUDA.
  cmake_args+=(-DTORCH_CUDA_ARCH_LIST=9.0 -DCMAKE_CUDA_ARCHITECTURES=90)
  site="$(python3 -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])' 2>/dev/null || true)"
  for candidate in "$cuda_root/include" "$cuda_root"/targets/*/include "$site"/nvidia/*/include \
    "$site"/nvidia/*/*/include; do
    if [[ -f $candidate/nvtx3/nvToolsExt.h ]]; then
      cmake_args+=(-Dnvtx3_dir="$candidate")
      echo "CUDA: $cuda_root (nvcc $nvcc); NVTX3 headers: $candidate"
      return
    fi
  done
  echo "CUDA: $cuda_root; no nvtx3/nvToolsExt.h found: LibTorch's CMake files may ask for CUDA::nvToolsExt"
}

configure() {
  step "configure ($build)"
  cmake_args=(-S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DMGRS_MODEL_ONLY=ON
    # One translation unit per core in parallel beats precompiling LibTorch's headers first (~80 s, serial) on a
    # 16-core machine; on 2 cores the precompiled header wins (BENCHMARKS.md, "Build").
    -DMGRS_MODEL_PCH="$([[ $jobs -ge 8 ]] && echo OFF || echo ON)"
    # None of these may be needed: make sure none is even looked for (CMake then warns that these variables were
    # not used, which is the point).
    -DCMAKE_DISABLE_FIND_PACKAGE_GDAL=ON -DCMAKE_DISABLE_FIND_PACKAGE_OpenCV=ON
    -DCMAKE_DISABLE_FIND_PACKAGE_SQLite3=ON -DCMAKE_DISABLE_FIND_PACKAGE_Boost=ON
    -DCMAKE_DISABLE_FIND_PACKAGE_GTest=ON -DCMAKE_DISABLE_FIND_PACKAGE_PkgConfig=ON)
  command -v ninja >/dev/null && cmake_args+=(-G Ninja)
  local prefix="$deps/usr"
  if [[ $mode == device ]]; then
    local torch_prefix
    torch_prefix="$(python3 -c 'import torch; print(torch.utils.cmake_prefix_path)')" ||
      die "python3 has no torch: this machine has no LibTorch to build against"
    prefix="$prefix;$torch_prefix"
    cuda_arguments
  fi
  cmake_args+=(-DCMAKE_PREFIX_PATH="$prefix")
  echo "cmake ${cmake_args[*]}"
  if ! cmake "${cmake_args[@]}"; then
    [[ -f $build/CMakeFiles/CMakeError.log ]] && tail -n 40 "$build/CMakeFiles/CMakeError.log"
    die "configure failed (the CMake error is above in log.txt)"
  fi
  grep -E '^(Torch_DIR|nlohmann_json_DIR|CMAKE_CXX_COMPILER|CMAKE_CXX_STANDARD):' "$build/CMakeCache.txt"
  step_done "configure"
}

# The proof that the benchmark needs none of the other packages: none of them on its link line or among its NEEDED.
# $1: the target (tools/bench/model/<target>).
check_dependencies() {
  local target="$1" binary="$build/tools/bench/model/$1"
  local forbidden='gdal|opencv|sqlite3|boost|httplib|sentencepiece|libxml2'
  local link=""
  if [[ -f $build/build.ninja ]]; then
    link="$(awk -v rule="build tools/bench/model/$target: " 'index($0, rule) == 1 {p=1} p{print} p&&/^$/{exit}' \
      "$build/build.ninja")"
  elif [[ -f $build/tools/bench/model/CMakeFiles/$target.dir/link.txt ]]; then
    link="$(cat "$build/tools/bench/model/CMakeFiles/$target.dir/link.txt")"
  fi
  [[ -n $link ]] || die "cannot find the benchmark's link rule in $build"
  if grep -Eio "$forbidden" <<<"$link" | sort -u | grep .; then
    die "the benchmark's link line names a library it must not need (above)"
  fi
  # Its own NEEDED entries, not ldd's closure: Debian's libtorch_cpu itself needs OpenCV, which needs GDAL and SQLite.
  if [[ -x $binary ]] && objdump -p "$binary" | grep NEEDED | grep -Ei "$forbidden"; then
    die "$target itself needs a library it must not (above)"
  fi
  note "dependencies of $target: no GDAL, OpenCV, SQLite, Boost, cpp-httplib, SentencePiece or libxml2 on its link" \
    "line nor among its NEEDED libraries"
}

# $@: the benchmark targets (tools/bench/model/), built in one call.
build_benchmarks() {
  step "build $* (-j $jobs)"
  local target binary
  for target in "$@"; do check_dependencies "$target"; done
  if ! cmake --build "$build" -j "$jobs" --target "$@"; then
    die "build failed (the first compiler error is above in log.txt; grep -n 'error:' log.txt)"
  fi
  step_done "build"
  for target in "$@"; do
    binary="$build/tools/bench/model/$target"
    check_dependencies "$target"
    objdump -p "$binary" | grep NEEDED
    ldd "$binary" | grep -E 'libtorch|libc10|libcudart|libcublas|libnvrtc' || true
    if [[ $mode == device ]] && ! ldd "$binary" | grep -q 'libtorch_cuda'; then
      die "$target does not load libtorch_cuda.so: this LibTorch would run on the CPU only"
    fi
  done
}

