#!/usr/bin/env bash
# Benchmark: `clausewatch check` of N unchanged documents served on loopback,
# whole process, against plain GETs of the same N pages (one curl process,
# keep-alive) in the same run. Also peak memory of one check.
#
# usage: bench/check.sh [N]      (default 100; needs hyperfine, curl, the corpus)
#        VALIDATORS=false bench/check.sh   (server sends no ETag: full download + extraction)
#        AGE=365 bench/check.sh   (AGE checks before the timed ones: each document's
#                                  fetch log as long as after AGE runs of the schedule)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-100}
PAGE=${PAGE:-../shared/corpus/snapshots/whatsapp-privacy-policy-eea-2025-03-15.html}
OUT=bench/out/check
rm -rf "$OUT" && mkdir -p "$OUT"
go build -o "$OUT/clausewatch" ./cmd/clausewatch
go build -o "$OUT/pageserver" ./bench/pageserver

VALIDATORS=${VALIDATORS:-true}   # false: no ETag, every check downloads and extracts the page
"$OUT/pageserver" -file "$PAGE" -validators="$VALIDATORS" >"$OUT/addr" &
SERVER=$!
trap 'kill $SERVER 2>/dev/null' EXIT
for _ in $(seq 50); do [ -s "$OUT/addr" ] && break; sleep 0.1; done
ADDR=$(cat "$OUT/addr")

{
	printf 'fetch:\n  min_gap: 0s\n  jitter: 0s\ndocuments:\n'
	for i in $(seq "$N"); do
		printf '  - id: doc-%d\n    url: http://%s/doc/%d\n    select: "#content-wrapper"\n    language: en\n' "$i" "$ADDR" "$i"
	done
} >"$OUT/config.yaml"
: >"$OUT/urls"
for i in $(seq "$N"); do echo "url = \"http://$ADDR/doc/$i\"" >>"$OUT/urls"; echo 'output = "/dev/null"' >>"$OUT/urls"; done

# First check stores one version per document; the timed ones find them unchanged.
"$OUT/clausewatch" check --config "$OUT/config.yaml" --db "$OUT/bench.db" >/dev/null
for _ in $(seq "${AGE:-0}"); do
	"$OUT/clausewatch" check --config "$OUT/config.yaml" --db "$OUT/bench.db" >/dev/null
done

hyperfine --warmup 2 --runs 15 --export-json "$OUT/hyperfine.json" \
	-n "plain GETs ($N pages, curl)" "curl -s --config $OUT/urls" \
	-n "clausewatch check ($N documents)" "$OUT/clausewatch check --config $OUT/config.yaml --db $OUT/bench.db"

/usr/bin/time -f "peak RSS of one check: %M KiB" "$OUT/clausewatch" check --config "$OUT/config.yaml" --db "$OUT/bench.db" >/dev/null
