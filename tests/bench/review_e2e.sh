#!/usr/bin/env bash
# End-to-end test of `mgrs bench review` in Debian's headless Chromium driven by playwright-core (installed by
# scripts/setup.sh into tests/bench/e2e/node_modules; no browser is downloaded): demo data, ingest, build, review
# with the keyboard as two reviewers, then the catalog is checked with sqlite3.
# Usage: review_e2e.sh <mgrs binary> <tests/bench/e2e folder>
set -euo pipefail
mgrs="$1"
e2e="$2"
chromium="${MGRS_CHROMIUM:-/usr/bin/chromium}"
[[ -x "$chromium" ]] || { echo "review_e2e: no Chromium at $chromium (scripts/setup.sh installs it)" >&2; exit 1; }
[[ -d "$e2e/node_modules/playwright-core" ]] || { echo "review_e2e: no playwright-core in $e2e (scripts/setup.sh)" >&2; exit 1; }
work="$(mktemp -d)"
server=""
cleanup() { [[ -n "$server" ]] && kill "$server" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

"$mgrs" demo-data --out "$work/demo" --seed 3 --scale 0.07 --quiet > /dev/null
"$mgrs" ingest --catalog "$work/c.sqlite" --format dota --root "$work/demo/dota" --name demo-dota --quiet > /dev/null
cat > "$work/config.json" <<'JSON'
{"seed": 1, "tasks": {"counting": {"images": 3, "granularity": {"sparse": 1}},
 "grounding": {"images": 2, "granularity": {"small": 1}}}, "cross_resolution_fraction": 0}
JSON
"$mgrs" bench build --catalog "$work/c.sqlite" --config "$work/config.json" --out "$work/build" > /dev/null

"$mgrs" bench review --catalog "$work/c.sqlite" --port 0 > "$work/review.log" 2>&1 &
server=$!
for _ in $(seq 100); do grep -q "open http" "$work/review.log" && break; sleep 0.1; done
url="$(grep -o 'http://[^ ]*' "$work/review.log" | head -1)"
[[ -n "$url" ]] || { cat "$work/review.log" >&2; exit 1; }

result="$(node "$e2e/review.mjs" "$url" "$chromium")"
echo "$result"
q() { sqlite3 "$work/c.sqlite" "$1"; }
get() { node -e "const r = JSON.parse(process.argv[1]); console.log(r[process.argv[2]]);" "$result" "$1"; }
accepted="$(get accepted)"
edited="$(get edited)"
fail() { echo "review_e2e: $*" >&2; exit 1; }
[[ "$(q "SELECT status || '|' || reviewer FROM bench_items WHERE id = '$accepted'")" == "rejected|bob" ]] ||
  fail "the later decision (bob's reject) is not the item's"
[[ "$(q "SELECT group_concat(reviewer || ':' || decision, ',') FROM (SELECT * FROM bench_decisions WHERE item_id = '$accepted' ORDER BY id)")" == "alice:accept,bob:reject" ]] ||
  fail "history of $accepted is not alice's accept then bob's reject"
[[ "$(q "SELECT status || '|' || answer || '|' || reviewer FROM bench_items WHERE id = '$edited'")" == "accepted|<b>7</b>|alice" ]] ||
  fail "the edit is not stored"
[[ "$(q "SELECT count(*) FROM bench_items WHERE status = 'rejected'")" == 2 ]] || fail "expected two rejected items"
[[ "$(q "SELECT count(*) FROM bench_items WHERE status = 'pending'")" == 2 ]] || fail "expected two pending items"
[[ "$(q "SELECT count(*) FROM bench_decisions")" == 4 ]] || fail "expected four decisions"
echo "review_e2e: ok"
