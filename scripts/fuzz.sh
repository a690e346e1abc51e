#!/usr/bin/env bash
# Builds the libFuzzer harnesses (tests/fuzz/) with clang, AddressSanitizer and UndefinedBehaviorSanitizer into
# build-fuzz/ and runs each for SECONDS (default 60), one after the other, seeded from the fixtures.
#   scripts/fuzz.sh [SECONDS] [HARNESS...]     e.g. scripts/fuzz.sh 60 dota_reader box_parsers
# Installs clang-14 and libclang-rt-14-dev (libFuzzer) with apt-get when they are missing: they are not part of
# scripts/setup.sh, so CI does not carry them. Writes build-fuzz/fuzz-summary.tsv (harness, seconds, executions,
# executions per second, coverage edges, corpus size, result) and, for a finding, the input that triggered it under
# build-fuzz/findings/<harness>/. Exit 0 when no harness found anything, 1 otherwise.
set -euo pipefail

seconds="${1:-60}"
shift || true
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${MGRS_FUZZ_BUILD_DIR:-$root/build-fuzz}"
shared="${MGRS_SHARED:-$root/../shared}"
jobs="${MGRS_FUZZ_JOBS:-$(nproc)}"
all_harnesses=(dota_reader voc_xml_reader fair1m_reader coco_reader vrsbench_reader jsonl_samples box_parsers
               ptb_tokenizer nltk_tokenizer)
harnesses=("$@")
((${#harnesses[@]})) || harnesses=("${all_harnesses[@]}")

# libFuzzer is usable when clang links a fuzz target with the sanitizers.
fuzzer_works() {
  local dir
  dir="$(mktemp -d)"
  printf 'extern "C" int LLVMFuzzerTestOneInput(const unsigned char*, unsigned long) { return 0; }\n' >"$dir/t.cpp"
  clang++ -fsanitize=fuzzer,address,undefined "$dir/t.cpp" -o "$dir/t" >/dev/null 2>&1
  local ok=$?
  rm -rf "$dir"
  return $ok
}

if ! command -v clang++ >/dev/null || ! fuzzer_works; then
  echo "fuzz: installing clang-14 and libclang-rt-14-dev (libFuzzer)"
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends clang-14 libclang-rt-14-dev
  command -v clang++ >/dev/null || ln -s /usr/bin/clang++-14 /usr/local/bin/clang++
  fuzzer_works || { echo "fuzz: clang cannot link a libFuzzer target" >&2; exit 1; }
fi

cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
  -DMGRS_FUZZ=ON -DMGRS_WITH_TORCH=OFF -DMGRS_BUILD_BENCHMARKS=OFF -DMGRS_SHARED="$shared" >/dev/null
targets=()
for h in "${harnesses[@]}"; do targets+=("fuzz_$h"); done
cmake --build "$build" -j "$jobs" --target "${targets[@]}"

# Seeds: one folder per harness, filled from the fixtures (files up to 64 KiB, the inputs' size limit here).
seed_files() {
  local pattern="$1"
  shift
  find "$@" -type f -name "$pattern" -size -65k 2>/dev/null || true
}
# Every string value of the given JSON Lines files, one seed each (answers, captions, references, questions).
seed_strings() {
  local out="$1"
  shift
  python3 - "$out" "$@" <<'PY'
import json, sys, hashlib, os
out = sys.argv[1]
def strings(v):
    if isinstance(v, str): yield v
    elif isinstance(v, list):
        for x in v: yield from strings(x)
    elif isinstance(v, dict):
        for x in v.values(): yield from strings(x)
for path in sys.argv[2:]:
    for line in open(path, encoding="utf-8", errors="replace"):
        try: value = json.loads(line)
        except (ValueError, RecursionError): continue  # the 100,000-deep fixtures
        for s in strings(value):
            data = s.encode("utf-8", "surrogatepass")
            open(os.path.join(out, hashlib.sha1(data).hexdigest()), "wb").write(data)
PY
}
fixtures="$root/tests/fixtures"
make_seeds() {
  local h="$1" dir="$2"
  rm -rf "$dir" && mkdir -p "$dir"
  local files=()
  case "$h" in
    dota_reader) mapfile -t files < <(seed_files '*.txt' "$fixtures/ingest/dota" "$shared/fixtures/dota") ;;
    voc_xml_reader)
      mapfile -t files < <(seed_files '*.xml' "$fixtures/ingest/dior" "$shared/fixtures/dior" "$shared/fixtures/hrrsd") ;;
    fair1m_reader) mapfile -t files < <(seed_files '*.xml' "$fixtures/ingest/fair1m" "$shared/fixtures/fair1m_SYNTHETIC") ;;
    coco_reader) mapfile -t files < <(seed_files '*.json' "$fixtures/ingest/coco" "$fixtures/ingest/nwpu_vhr") ;;
    vrsbench_reader) mapfile -t files < <(seed_files 'VRSBench_EVAL_*.json' "$fixtures/ingest/vrsbench") ;;
    jsonl_samples)
      mapfile -t files < <(seed_files '*.json*' "$fixtures/core" "$fixtures/metrics") ;;
    box_parsers | ptb_tokenizer | nltk_tokenizer)
      seed_strings "$dir" "$fixtures"/metrics/*.jsonl "$fixtures"/core/samples/examples.jsonl ;;
  esac
  local i=0
  for f in "${files[@]}"; do cp "$f" "$dir/seed$((i++))"; done
}

summary="$build/fuzz-summary.tsv"
printf 'harness\tseconds\texecutions\texec_per_s\tcoverage\tcorpus\tresult\n' >"$summary"
status=0
for h in "${harnesses[@]}"; do
  seeds="$build/seeds/$h" corpus="$build/corpus/$h" findings="$build/findings/$h" log="$build/logs/$h.log"
  make_seeds "$h" "$seeds"
  mkdir -p "$corpus" "$findings" "$(dirname "$log")"
  echo "fuzz: $h for ${seconds}s ($(find "$seeds" -type f | wc -l) seeds)"
  result=ok
  (cd "$build" && "$build/tests/fuzz/fuzz_$h" -max_total_time="$seconds" -max_len=65536 -timeout=10 \
      -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$findings/" "$corpus" "$seeds") >"$log" 2>&1 ||
    result="FINDING (see $log)"
  [[ "$result" == ok ]] || status=1
  stat() { grep -o "stat::$1: *[0-9]*" "$log" | grep -o '[0-9]*$' || echo 0; }
  execs="$(stat number_of_executed_units)"
  rate="$(stat average_exec_per_sec)"
  cov="$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*' || echo 0)"
  units="$(find "$corpus" -type f | wc -l)"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$h" "$seconds" "$execs" "$rate" "$cov" "$units" "$result" >>"$summary"
  echo "fuzz: $h: $execs executions ($rate/s), coverage $cov, corpus $units: $result"
done
column -t -s $'\t' "$summary"
exit "$status"
