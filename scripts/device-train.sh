#!/usr/bin/env bash
# Issue 14's device run, ON the device machine from the repository root: builds mgrs_model_benchmark and
# mgrs_step_benchmark against that machine's LibTorch (python3's torch wheel) with MGRS_MODEL_ONLY, checks both on the
# tiny config on the GPU, then (a) issue 8's latency measurement of the 7B config (bf16, batch 1, 1,400 positions of
# context, 64 decode tokens, grouped and auto dispatch) and (b) Stage II training steps of the 7B config at the paper's
# resolution (504 px: 1,296 image positions + 104 text, synthetic tensors, fp32 master weights, bf16 autocast,
# activation checkpointing, AdamW on experts and routers) with step time and model FLOPs utilisation against the
# H200's dense bf16 peak (989 TFLOPS). Everything goes to $OUT.
#
# The whole 7B Stage II model does not fit one 141 GB GPU: its 16 MoE layers hold 17.3 B expert parameters, and fp32
# weights + gradients + AdamW's two moments take 16 bytes each (277 GB). --layers N keeps the first N of the 32
# decoder layers (default 8: 4 MoE layers, ~6.0 B parameters, ~76 GB of weights and optimizer state); per-layer
# step time and FLOPs scale linearly, so MFU carries over to the full depth.
#
#   bash scripts/device-train.sh [--jobs N] [--layers N] [--micro-batch B]   on the device machine (CUDA)
#   bash scripts/device-train.sh --cpu [--jobs N]    anywhere with Debian's LibTorch: the same steps on the CPU with
#                                                    the tiny config only (how this script is tested without a GPU)
#
# As scripts/device-latency.sh, it needs nlohmann-json's Debian package in .devdeps/ (carry [".devdeps"]).
# Output ($OUT, else <build>/out; 8 files): log.txt, summary.txt, environment.txt, nvidia-smi.txt, sanity.txt,
# latency-7b.txt, train-7b.txt, gpu-samples.csv. Exit status: 0 done; 1 a step failed (summary.txt says which); 2 usage.
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mode=device
jobs="$(nproc)"
layers=8
micro_batch=8
while (($#)); do
  case "$1" in
    --cpu) mode=cpu ;;
    --jobs | --layers | --micro-batch)
      [[ $# -ge 2 && $2 =~ ^[0-9]+$ ]] || {
        echo "device-train: $1 needs a number" >&2
        exit 2
      }
      case "$1" in
        --jobs) jobs="$2" ;;
        --layers) layers="$2" ;;
        --micro-batch) micro_batch="$2" ;;
      esac
      shift
      ;;
    -h | --help)
      sed -n '2,22p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    *)
      echo "device-train: unknown option $1 (--cpu, --jobs N, --layers N, --micro-batch B)" >&2
      exit 2
      ;;
  esac
  shift
done

# The same build folder as device-latency.sh: on a warm machine a rerun of either rebuilds only what changed.
build="${MGRS_DEVICE_BUILD_DIR:-$root/build-device-min}"
out="${OUT:-$build/out}"
mkdir -p "$out"
summary="$out/summary.txt"
latency_benchmark="$build/tools/bench/model/mgrs_model_benchmark"
step_benchmark="$build/tools/bench/model/mgrs_step_benchmark"
tiny="$root/manifests/models/skymoe-tiny.json"
big="$root/manifests/models/skymoe-7b.json"
# shellcheck source=scripts/device-common.sh
source "$root/scripts/device-common.sh"

# Both benchmarks on the tiny config made MoE on the run's device: a broken device path shows in seconds.
sanity_run() {
  local device=cpu dtype=f32
  [[ $mode == device ]] && device=cuda dtype=bf16
  step "sanity: tiny config on $device (latency $dtype; training steps fp32 + autocast)"
  {
    timeout 120 "$latency_benchmark" --config "$tiny" --experts 8 --device "$device" --dtype "$dtype" --context 200 \
      --decode-tokens 8 --repeats 2 --moe-dispatch grouped,auto &&
      timeout 120 "$step_benchmark" --config "$tiny" --experts 8 --device "$device" --micro-batch 2 \
        --text-positions 32 --steps 2
  } 2>&1 | tee "$out/sanity.txt"
  ((PIPESTATUS[0] == 0)) || die "a tiny-config run failed on $device (sanity.txt)"
  step_done "sanity runs"
}

start_sampler() {
  sampler=""
  if command -v nvidia-smi >/dev/null; then
    nvidia-smi --query-gpu=timestamp,memory.used,memory.total,utilization.gpu,clocks.sm,power.draw --format=csv \
      -lms 500 >>"$out/gpu-samples.csv" 2>&1 &
    sampler=$!
  fi
}
stop_sampler() { [[ -n $sampler ]] && kill "$sampler" 2>/dev/null; }
peak_memory() { cut -d, -f2 "$out/gpu-samples.csv" | grep -Eo '[0-9]+' | sort -n | tail -1; }

latency_run() {
  step "(a) 7B latency: bf16, context 1,400, 64 decode tokens, 3 runs, grouped and auto dispatch"
  start_sampler
  timeout 200 "$latency_benchmark" --device cuda --dtype bf16 --config "$big" --context 1400 --decode-tokens 64 \
    --repeats 3 --moe-dispatch grouped,auto 2>&1 | tee "$out/latency-7b.txt"
  local status=${PIPESTATUS[0]}
  stop_sampler
  ((status == 0)) || die "the 7B latency run failed with status $status (latency-7b.txt; 124 = ran past 200 s)"
  step_done "7B latency"
  {
    echo "7B latency (median first token ms, median decode ms/token):"
    grep -E '^(latency:|dispatch|grouped|auto)' "$out/latency-7b.txt"
    echo "peak GPU memory used so far: $(peak_memory) MiB"
  } | tee -a "$summary"
}

train_run() {
  step "(b) 7B Stage II steps: $layers of 32 layers, micro-batch $micro_batch, 504 px, checkpointing on"
  start_sampler
  timeout 150 "$step_benchmark" --device cuda --config "$big" --layers "$layers" --micro-batch "$micro_batch" \
    --steps 5 --peak-tflops 989 2>&1 | tee "$out/train-7b.txt"
  local status=${PIPESTATUS[0]}
  stop_sampler
  ((status == 0)) || die "the 7B training steps failed with status $status (train-7b.txt; 124 = ran past 150 s)"
  step_done "7B training steps"
  {
    echo "7B Stage II training steps ($layers layers, micro-batch $micro_batch, checkpointing on):"
    grep -E '^(step|split_ms|tokens_per_s|model_gflop)' "$out/train-7b.txt"
    echo "peak GPU memory used so far: $(peak_memory) MiB"
  } | tee -a "$summary"
  # The same without checkpointing at half the batch (the activations of every layer kept): what checkpointing
  # costs in time. Allowed to fail (out of memory) without failing the run.
  step "(b') the same without activation checkpointing, micro-batch $((micro_batch / 2 > 0 ? micro_batch / 2 : 1))"
  start_sampler
  timeout 60 "$step_benchmark" --device cuda --config "$big" --layers "$layers" \
    --micro-batch $((micro_batch / 2 > 0 ? micro_batch / 2 : 1)) --steps 3 --peak-tflops 989 --no-checkpointing \
    2>&1 | tee -a "$out/train-7b.txt"
  status=${PIPESTATUS[0]}
  stop_sampler
  note "without checkpointing: status $status; $(grep -E '^(step_ms|model_gflop)' "$out/train-7b.txt" | tail -2 |
    tr '\n' ' ')"
  step_done "7B training steps without checkpointing"
}

main() {
  : >"$summary"
  note "device-train ($mode), started $(date -u +%Y-%m-%dT%H:%M:%SZ), build folder $build"
  describe_environment
  unpack_header_packages
  configure
  build_benchmarks mgrs_model_benchmark mgrs_step_benchmark
  sanity_run
  if [[ $mode == device ]]; then
    latency_run
    train_run
  fi
  note "total: $((SECONDS - script_start)) s"
}

main 2>&1 | tee "$out/log.txt"
exit "${PIPESTATUS[0]}"
