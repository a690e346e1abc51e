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
               ptb_tokenizer nltk_tokenizer safetensors_header state_dict_pickle chat_request review_decision)
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
# Small whole safetensors files: the golden checkpoints' headers over zeroed data when that fits in 64 KiB, and a
# few hand-made ones (every dtype, an empty tensor, metadata).
seed_safetensors() {
  python3 - "$@" <<'PY'
import json, os, struct, sys
out, sources = sys.argv[1], sys.argv[2:]
sizes = {"F64": 8, "F32": 4, "F16": 2, "BF16": 2, "I64": 8, "I32": 4, "I16": 2, "I8": 1, "U8": 1, "BOOL": 1}
def write(name, header):
    text = json.dumps(header, separators=(",", ":")).encode()
    end = max([v["data_offsets"][1] for k, v in header.items() if k != "__metadata__"] + [0])
    with open(os.path.join(out, name), "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + bytes(end))
for i, path in enumerate(sources):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
    tensors = sorted((k for k in header if k != "__metadata__"), key=lambda k: header[k]["data_offsets"])
    if header[tensors[-1]]["data_offsets"][1] + n < 60000:
        write("golden%d" % i, header)
    else:  # its first tensors, packed again from offset 0
        small, at = {"__metadata__": header.get("__metadata__", {})}, 0
        for k in tensors:
            e = header[k]
            size = e["data_offsets"][1] - e["data_offsets"][0]
            if at + size > 30000: break
            small[k] = {"dtype": e["dtype"], "shape": e["shape"], "data_offsets": [at, at + size]}
            at += size
        write("golden%d_part" % i, small)
at, every = 0, {}
for dtype, size in sizes.items():
    every["t_" + dtype] = {"dtype": dtype, "shape": [2, 3], "data_offsets": [at, at + 6 * size]}
    at += 6 * size
every["empty"] = {"dtype": "F32", "shape": [0, 4], "data_offsets": [at, at]}
every["__metadata__"] = {"format": "pt"}
write("every_dtype", every)
write("scalar", {"s": {"dtype": "F32", "shape": [], "data_offsets": [0, 4]}})
PY
}
# The data.pkl of every torch.save fixture.
seed_pickles() {
  python3 - "$@" <<'PY'
import os, sys, zipfile
out = sys.argv[1]
for i, path in enumerate(sys.argv[2:]):
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.endswith("/data.pkl"):
                open(os.path.join(out, "pickle%d" % i), "wb").write(z.read(name))
PY
}
# Chat requests as the OpenAI clients send them: text, image paths and data URLs, system and assistant turns,
# sampling fields, nulls.
seed_chat_requests() {
  python3 - "$1" <<'PY'
import base64, json, os, struct, sys, zlib
out = sys.argv[1]
def png(w, h):
    raw = b"".join(b"\0" + bytes(3 * w) for _ in range(h))
    chunk = lambda t, d: struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
url = "data:image/png;base64," + base64.b64encode(png(4, 3)).decode()
bmp = b"BM" + bytes(12) + struct.pack("<iii", 40, 5, -7) + bytes(30)
jpeg = b"\xff\xd8\xff\xe0\x00\x04ab\xff\xc0\x00\x0b\x08\x00\x10\x00\x20\x01\x01\x11\x00\xff\xd9"
user = lambda content: {"role": "user", "content": content}
requests = [
    {"model": "skymoe-tiny", "messages": [user("How many boats are there?")]},
    {"messages": [user([{"type": "image_url", "image_url": {"url": "wide.png"}},
                        {"type": "text", "text": "Where is the harbor?"}])], "max_tokens": 8},
    {"messages": [user([{"type": "image_url", "image_url": {"url": url}}, {"type": "text", "text": "Describe."}])],
     "temperature": 0.7, "top_p": 0.9, "seed": 42, "n": 1, "stream": False},
    {"messages": [{"role": "system", "content": "Be brief."}, user("Hi"), {"role": "assistant", "content": "Hello"},
                  user([{"type": "text", "text": "Count"}, {"type": "image_url", "image_url": "tall.png"}])],
     "max_completion_tokens": 3, "temperature": None},
    {"messages": [{"role": "developer", "content": [{"type": "text", "text": "x"}]}, user("y"), user("z")]},
    {"messages": [user([{"type": "image_url", "image_url": {"url": "data:image/bmp;base64," +
                                                             base64.b64encode(bmp).decode()}},
                        {"type": "image_url", "image_url": {"url": "data:image/jpeg;base64," +
                                                             base64.b64encode(jpeg).decode()}}])]},
]
for i, request in enumerate(requests):
    open(os.path.join(out, "request%d" % i), "w").write(json.dumps(request))
for i, image in enumerate([png(2, 2), bmp, jpeg]):
    open(os.path.join(out, "image%d" % i), "wb").write(image)
PY
}
# Decision bodies as the review page posts them.
seed_review_decisions() {
  printf '%s' '{"id": "counting/0001", "decision": "accept", "reviewer": "alice"}' >"$1/accept"
  printf '%s' '{"id": "grounding/0002", "decision": "edit", "answer": "{<1><2><30><40>|<0>}", "reviewer": "bob"}' >"$1/edit"
  printf '%s' '{"id": "caption/0003", "decision": "reject", "reviewer": "carol", "note": "blurred"}' >"$1/reject"
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
    safetensors_header) seed_safetensors "$dir" "$root"/tests/model/golden/*.safetensors "$root"/tests/model/golden/*/*.safetensors ;;
    state_dict_pickle) seed_pickles "$dir" $(find "$fixtures/model" -name '*.bin') ;;
    chat_request) seed_chat_requests "$dir" ;;
    review_decision) seed_review_decisions "$dir" ;;
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
