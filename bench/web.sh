#!/usr/bin/env bash
# Benchmark: the web pages and API under load, each as a ratio to /healthz on
# the same server in the same run, while `clausewatch check` runs in a loop
# against the same database (a check cycle: fetch, extract, record).
#
# Database: the WhatsApp EEA privacy policy and terms of service imported
# from the shared corpus (every Markdown version), plus N_LOAD documents
# served on loopback for the check loop. Targets: /healthz (reference, run
# first and last), the latest change of the privacy policy, its timeline,
# the Atom feed, an API endpoint, and the largest change (a rewrite) for
# information. Any failed request fails the run.
#
# usage: bench/web.sh        (needs curl, jq and the corpus)
#        DURATION=20s CLIENTS=16 bench/web.sh
set -euo pipefail
cd "$(dirname "$0")/.."
CORPUS=${CORPUS:-../shared/corpus}
DURATION=${DURATION:-8s}
CLIENTS=${CLIENTS:-8}
N_LOAD=${N_LOAD:-20}
PAGE=${PAGE:-$CORPUS/snapshots/whatsapp-privacy-policy-eea-2025-03-15.html}
OUT=bench/out/web
rm -rf "$OUT" && mkdir -p "$OUT"
go build -o "$OUT/clausewatch" ./cmd/clausewatch
go build -o "$OUT/pageserver" ./bench/pageserver
go build -o "$OUT/webload" ./bench/webload

PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

# Pages for the check loop: no validators, so every check downloads and
# extracts the page.
"$OUT/pageserver" -file "$PAGE" -validators=false >"$OUT/pageaddr" &
PIDS+=($!)
for _ in $(seq 50); do [ -s "$OUT/pageaddr" ] && break; sleep 0.1; done
PADDR=$(cat "$OUT/pageaddr")

{
	printf 'schedule: "0 0 1 1 *"\nfetch:\n  min_gap: 0s\n  jitter: 0s\ndocuments:\n'
	for id in whatsapp-privacy-policy-eea whatsapp-terms-of-service-eea; do
		printf '  - id: %s\n    service: WhatsApp\n    url: http://%s/doc/%s\n    select: "#content-wrapper"\n    language: en\n' "$id" "$PADDR" "$id"
	done
	for i in $(seq "$N_LOAD"); do
		printf '  - id: load-%d\n    url: http://%s/doc/%d\n    select: "#content-wrapper"\n    language: en\n' "$i" "$PADDR" "$i"
	done
} >"$OUT/config.yaml"
CW=("$OUT/clausewatch")
DBARGS=(--config "$OUT/config.yaml" --db "$OUT/web.db")

for id in whatsapp-privacy-policy-eea whatsapp-terms-of-service-eea; do
	"${CW[@]}" import "${DBARGS[@]}" "$id" "$CORPUS/$id"/*.md >/dev/null
done
CHANGES=$("${CW[@]}" changes "${DBARGS[@]}" --doc whatsapp-privacy-policy-eea --format json)
LATEST=$(jq -s 'flatten | max_by(.id) | .id' <<<"$CHANGES")
# The largest change by the size of its page, found through the API.
BIG=$(jq -s 'flatten | map(.id) | .[]' <<<"$CHANGES" | head -n 100 | tr '\n' ' ')

PORT=$((20000 + RANDOM % 20000))
"${CW[@]}" serve "${DBARGS[@]}" --listen "127.0.0.1:$PORT" 2>"$OUT/serve.log" &
PIDS+=($!)
BASE="http://127.0.0.1:$PORT"
for _ in $(seq 100); do curl -sf "$BASE/healthz" >/dev/null && break; sleep 0.1; done
BIGGEST=0; BIGSIZE=0
for id in $BIG; do
	size=$(curl -sf "$BASE/changes/$id" | wc -c)
	if [ "$size" -gt "$BIGSIZE" ]; then BIGSIZE=$size; BIGGEST=$id; fi
done
LATESTSIZE=$(curl -sf "$BASE/changes/$LATEST" | wc -c)
echo "change page: /changes/$LATEST ($LATESTSIZE bytes); largest change: /changes/$BIGGEST ($BIGSIZE bytes)"

# The check cycle, for the whole run.
(
	n=0
	while true; do
		"${CW[@]}" check "${DBARGS[@]}" >/dev/null 2>>"$OUT/check.log" || true
		n=$((n + 1)); echo "$n" >"$OUT/checks"
	done
) &
PIDS+=($!)
sleep 1

"$OUT/webload" -base "$BASE" -c "$CLIENTS" -d "$DURATION" \
	healthz=/healthz \
	change="/changes/$LATEST" \
	timeline=/documents/whatsapp-privacy-policy-eea \
	atom=/feed.atom \
	api="/api/v1/changes?document=whatsapp-privacy-policy-eea" \
	change-rewrite="/changes/$BIGGEST" | tee "$OUT/result.txt"
echo "check cycles completed during the run: $(cat "$OUT/checks" 2>/dev/null || echo 0) (of $((N_LOAD + 2)) documents each)" | tee -a "$OUT/result.txt"
if grep -q ERROR "$OUT/serve.log"; then
	echo "server logged errors:"; grep ERROR "$OUT/serve.log" | head -5; exit 1
fi
