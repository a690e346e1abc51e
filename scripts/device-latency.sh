#!/usr/bin/env bash
# Issue 8's GPU benchmark, run ON the device machine from the repository root: builds mgrs_model_benchmark against
# that machine's LibTorch (the C++ headers and TorchConfig.cmake of python3's torch wheel) with MGRS_MODEL_ONLY,
# checks it on the tiny config on the GPU, then times the 7B config (random weights, bf16, batch 1, 1,400 tokens of
# context) by the grouped and the auto MoE dispatch, as BENCHMARKS.md ("model") says. Everything goes to $OUT.
#
#   bash scripts/device-latency.sh [--jobs N]          on the device machine (CUDA)
#   bash scripts/device-latency.sh --cpu [--jobs N]    anywhere with Debian's LibTorch: the same steps on the CPU with
#                                                      the tiny config only (how this script is tested without a GPU)
#
# The device machine has no nlohmann-json and cannot fetch it: the session carries its Debian
# package (header-only, architecture-independent) in .devdeps/, fetched beforehand with
#   mkdir -p .devdeps && (cd .devdeps && apt-get download nlohmann-json3-dev)
# Output ($OUT, else <build>/out; at most 8 files, as the device tool returns): log.txt (everything), summary.txt (the
# numbers and the times of each step), environment.txt, nvidia-smi.txt, sanity.txt, latency-7b.txt, gpu-samples.csv.
# Exit status: 0 done; 1 a step failed (summary.txt and the end of log.txt say which and why); 2 usage.
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mode=device
jobs="$(nproc)"
while (($#)); do
  case "$1" in
    --cpu) mode=cpu ;;
    --jobs)
      jobs="${2:?--jobs needs a number}"
      shift
      ;;
    -h | --help)
      sed -n '2,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    *)
      echo "device-latency: unknown option $1 (--cpu, --jobs N)" >&2
      exit 2
      ;;
  esac
  shift
done

# Kept between calls on a warm device machine (ignored build folders stay there), so a rerun rebuilds only what
# changed.
build="${MGRS_DEVICE_BUILD_DIR:-$root/build-device-min}"
out="${OUT:-$build/out}"
mkdir -p "$out"
summary="$out/summary.txt"
benchmark="$build/tools/bench/model/mgrs_model_benchmark"
tiny="$root/manifests/models/skymoe-tiny.json"
big="$root/manifests/models/skymoe-7b.json"
# shellcheck source=scripts/device-common.sh
source "$root/scripts/device-common.sh"

# The tiny config made MoE (2 of 4 layers, 8 experts, top-2) through every dispatch: catches a broken device path
# in seconds before the 7B takes minutes.
sanity_run() {
  local device=cpu dtype=f32
  [[ $mode == device ]] && device=cuda dtype=bf16
  step "sanity: tiny config on $device ($dtype)"
  if ! timeout 120 "$benchmark" --config "$tiny" --experts 8 --device "$device" --dtype "$dtype" --context 200 \
    --decode-tokens 8 --repeats 2 --moe-dispatch grouped,auto,stacked 2>&1 | tee "$out/sanity.txt"; then
    die "the tiny-config run failed on $device (sanity.txt)"
  fi
  step_done "sanity run"
}

# BENCHMARKS.md's command, verbatim but for the binary's path; GPU memory and utilisation sampled beside it.
big_run() {
  step "7B: bf16, context 1,400, 64 decode tokens, 3 runs, grouped and auto dispatch"
  local sampler=""
  if command -v nvidia-smi >/dev/null; then
    nvidia-smi --query-gpu=timestamp,memory.used,memory.total,utilization.gpu,clocks.sm,power.draw --format=csv \
      -lms 500 >"$out/gpu-samples.csv" 2>&1 &
    sampler=$!
  fi
  timeout 300 "$benchmark" --device cuda --dtype bf16 --config "$big" --context 1400 --decode-tokens 64 \
    --repeats 3 --moe-dispatch grouped,auto 2>&1 | tee "$out/latency-7b.txt"
  local status=${PIPESTATUS[0]}
  [[ -n $sampler ]] && kill "$sampler" 2>/dev/null
  ((status == 0)) || die "the 7B run failed with status $status (latency-7b.txt; 124 = ran past 300 s)"
  step_done "7B run"
  {
    echo "7B latency (median first token ms, median decode ms/token):"
    grep -E '^(latency:|dispatch|grouped|auto)' "$out/latency-7b.txt"
    [[ -s $out/gpu-samples.csv ]] &&
      echo "peak GPU memory used: $(cut -d, -f2 "$out/gpu-samples.csv" | grep -Eo '[0-9]+' | sort -n | tail -1) MiB"
  } | tee -a "$summary"
}

main() {
  : >"$summary"
  note "device-latency ($mode), started $(date -u +%Y-%m-%dT%H:%M:%SZ), build folder $build"
  describe_environment
  unpack_header_packages
  configure
  build_benchmarks mgrs_model_benchmark
  sanity_run
  [[ $mode == device ]] && big_run
  note "total: $((SECONDS - script_start)) s"
}

main 2>&1 | tee "$out/log.txt"
exit "${PIPESTATUS[0]}"
