#!/usr/bin/env bash
# Benchmark: growth of the clausewatch database over a simulated year of
# monthly edits. bench/scalegen serves N documents; each month it applies a
# deterministic edit to every document (one to four sentences replaced, now
# and then a paragraph added or a list item dropped, a new "Last updated"
# date), and `clausewatch check` runs twice (the second fetch, a 304,
# settles the change). The database size (file plus WAL) is recorded after
# each month; the report gives bytes per document per month over the 12
# edits. Every document changes every month, which is more often than real
# policies change (a few times a year), so the figure is an upper bound for
# edits of this size. Open Terms Archive sizes its servers at about 0.5 MB
# per document per month.
#
# usage: bench/growth.sh [N] [MONTHS]   (default 500 documents, 12 months)
#        CW=binary bench/growth.sh N     (a prebuilt clausewatch)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-500}
MONTHS=${2:-12}
OUT=bench/out/growth/$N
CORPUS=${CORPUS:-../shared/corpus}
. bench/scalegen.sh

db_bytes() { cat "$OUT"/cw.db* | wc -c; }
# check K PASS: one check, its outcomes counted by kind.
check() {
	"$OUT/clausewatch" check --config "$OUT/config.yaml" --db "$OUT/cw.db" >"$OUT/check-$1-$2.out" 2>"$OUT/check-$1-$2.err" || true
	cut -f2 "$OUT/check-$1-$2.out" | sort | uniq -c | awk '{ printf "%s %s, ", $1, $2 }'
}

O0=$(check 0 1)
B0=$(db_bytes)
{
	echo "growth: $N documents, $MONTHS monthly edits, $(date -u +%FT%TZ)"
	printf '%-6s %12s %12s  %s\n' month db_bytes per_doc outcomes
	printf '%-6s %12d %12d  first: %s\n' 0 "$B0" $((B0 / N)) "$O0"
} | tee "$OUT/summary.txt"
for k in $(seq "$MONTHS"); do
	curl -sf -X POST "http://127.0.0.1:$PORT/admin/month?k=$k" >/dev/null
	o1=$(check "$k" 1)
	o2=$(check "$k" 2)
	printf '%-6s %12d %12d  first: %s second: %s\n' "$k" "$(db_bytes)" $(($(db_bytes) / N)) "$o1" "$o2" | tee -a "$OUT/summary.txt"
done
B1=$(db_bytes)
echo "growth per document per month: $(((B1 - B0) / N / (MONTHS > 0 ? MONTHS : 1))) bytes (first version: $((B0 / N)) bytes per document)" | tee -a "$OUT/summary.txt"
if command -v sqlite3 >/dev/null; then
	sqlite3 "$OUT/cw.db" 'SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC LIMIT 12' 2>/dev/null |
		awk -F'|' -v n="$N" '{ printf "  %-28s %12d bytes %9d per document\n", $1, $2, $2 / n }' | tee -a "$OUT/summary.txt" || true
fi
