#!/usr/bin/env bash
# Benchmark: `clausewatch check` of N distinct policy-like documents served on
# loopback by bench/scalegen (spread over N/2 hosts), first cycle (every
# document new) and unchanged cycle (every document answers 304), against
# urlwatch 2.25 on the same pages in the same run: wall, CPU (user+sys), peak
# RSS of each, CPU ratios, and the database size after the first cycle.
#
# usage: bench/scale.sh [N]          (default 1000; needs urlwatch, GNU time, the corpus)
#        CW=binary bench/scale.sh N  (time a prebuilt clausewatch)
#        PERF=1 bench/scale.sh N     (also profile a first cycle into a fresh database with perf)
#        UW_HTML2TEXT=bs4 bench/scale.sh N  (urlwatch's html2text method; default re)
#
# clausewatch: fetch.min_gap 0s and jitter 0s (no politeness delay), select
# "main", language en, no bundled history (the key is left out).
# urlwatch: one url job per page with `filter: [css: main, html2text]`
# (html2text's default method, "re", a regex tag stripper: cheaper than
# clausewatch's extraction, so the comparison favours urlwatch), its stdout
# reporter on (colour off) into a file, as clausewatch's lines go to a file,
# and its fixed pool of 10 worker threads (MAX_WORKERS, not configurable in
# 2.25). Its cache (minidb SQLite) keeps ETags, so its unchanged cycle gets
# 304s too.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000}
OUT=bench/out/scale/$N
CORPUS=${CORPUS:-../shared/corpus}
. bench/scalegen.sh
H2T=${UW_HTML2TEXT:-}  # html2text method: empty (urlwatch's default, re), bs4, ...
awk -v m="$H2T" 'NR > 1 { print "---" } { printf "name: doc-%d\nurl: %s\nfilter:\n  - css: main\n  - html2text%s\n", NR-1, $0, (m == "" ? "" : ": " m) }' "$OUT/urls.txt" >"$OUT/urlwatch-urls.yaml"
printf 'report:\n  stdout:\n    enabled: true\n    color: false\n' >"$OUT/urlwatch-config.yaml"

CW_CMD=("$OUT/clausewatch" check --config "$OUT/config.yaml" --db "$OUT/cw.db")
UW_CMD=(urlwatch --urls "$OUT/urlwatch-urls.yaml" --config "$OUT/urlwatch-config.yaml" --cache "$OUT/urlwatch-cache.db")

# server_cpu prints the page server's CPU seconds so far (it shares the two
# cores with the process measured).
server_cpu() { awk -v t="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / t }' "/proc/$SERVER/stat"; }

# run LABEL CMD...: times CMD with GNU time into $OUT/LABEL.*, keeps going
# when it exits non-zero (clausewatch exits 1 when a document failed).
run() {
	local label=$1 rc=0 s0 s1
	shift
	s0=$(server_cpu)
	/usr/bin/time -o "$OUT/$label.time" -f '%e %U %S %M' "$@" >"$OUT/$label.out" 2>"$OUT/$label.err" || rc=$?
	s1=$(server_cpu)
	echo "$rc $(echo "$s1 - $s0" | bc)" >"$OUT/$label.rc"
}

run cw-first "${CW_CMD[@]}"
DB_BYTES=$(cat "$OUT"/cw.db* | wc -c)
run uw-first "${UW_CMD[@]}"
UW_BYTES=$(cat "$OUT"/urlwatch-cache.db* | wc -c)
run cw-unchanged "${CW_CMD[@]}"
run uw-unchanged "${UW_CMD[@]}"

# cw_bad LABEL: lines of clausewatch's output that are not a fetched document.
cw_bad() { grep -cvP '\t(new-version|unchanged|not-modified)\t' "$OUT/$1.out" || true; }
uw_bad() { grep -c '^ERROR: ' "$OUT/$1.out" || true; }
cpu() { tail -1 "$OUT/$1.time" | awk '{ printf "%.2f", $2 + $3 }'; }

{
	echo "scale: $N documents, $(sort -u <(cut -d/ -f3 "$OUT/urls.txt") | wc -l) hosts, $(date -u +%FT%TZ), load $(cut -d' ' -f1-3 /proc/loadavg)"
	printf '%-24s %8s %8s %8s %8s %10s %6s %10s\n' cycle wall_s user_s sys_s cpu_s peak_MB exit server_cpu
	for l in cw-first uw-first cw-unchanged uw-unchanged; do
		read -r e u s m < <(tail -1 "$OUT/$l.time")
		read -r rc scpu <"$OUT/$l.rc"
		printf '%-24s %8s %8s %8s %8s %10d %6s %10s\n' "$l" "$e" "$u" "$s" "$(cpu "$l")" $((m / 1024)) "$rc" "$scpu"
	done
	echo "CPU clausewatch/urlwatch: first $(echo "scale=2; $(cpu cw-first) / $(cpu uw-first)" | bc), unchanged $(echo "scale=2; $(cpu cw-unchanged) / $(cpu uw-unchanged)" | bc)"
	echo "clausewatch lines: first $(grep -cP '\tnew-version\t' "$OUT/cw-first.out" || true) new-version, $(cw_bad cw-first) other; unchanged $(grep -cP '\t(unchanged|not-modified)\t' "$OUT/cw-unchanged.out" || true) unchanged/not-modified, $(cw_bad cw-unchanged) other"
	echo "urlwatch: first $(grep -c '^NEW: ' "$OUT/uw-first.out" || true) NEW, $(uw_bad uw-first) ERROR; unchanged $(uw_bad uw-unchanged) ERROR"
	echo "database after the first cycle: clausewatch $DB_BYTES bytes ($((DB_BYTES / N)) per document), urlwatch cache $UW_BYTES bytes"
} | tee "$OUT/summary.txt"
if [ "$(cw_bad cw-first)" != 0 ] || [ "$(cw_bad cw-unchanged)" != 0 ]; then
	echo "clausewatch lines other than new-version/unchanged/not-modified (first 5 of each cycle):"
	grep -vP '\t(new-version|unchanged|not-modified)\t' "$OUT/cw-first.out" | head -5 || true
	grep -vP '\t(new-version|unchanged|not-modified)\t' "$OUT/cw-unchanged.out" | head -5 || true
fi | tee -a "$OUT/summary.txt"

if [ -n "${PERF:-}" ]; then
	perf record -F 499 -g -o "$OUT/perf.data" -- "$OUT/clausewatch" check --config "$OUT/config.yaml" --db "$OUT/perf.db" >/dev/null 2>&1 || true
	perf report -i "$OUT/perf.data" --no-children -g none --sort dso,symbol --stdio 2>/dev/null | grep -v '^#' | grep '%' >"$OUT/perf-symbols.txt"
	# Self time summed by Go package (the symbol up to the first "." after
	# its last "/"), kernel time as one line.
	{
		echo "self CPU by package (perf, first cycle into a fresh database):"
		awk '{ p = $1; sub("%", "", p); s = $4; if ($3 == "[k]") s = "[kernel]"; else { n = match(s, /\/[^\/]*$/); pre = n ? substr(s, 1, n) : ""; rest = n ? substr(s, n + 1) : s; d = index(rest, "."); s = pre (d ? substr(rest, 1, d - 1) : rest) } t[s] += p }
			END { for (s in t) printf "%6.2f%%  %s\n", t[s], s }' "$OUT/perf-symbols.txt" | sort -rn | head -25
		echo "top symbols:"
		head -25 "$OUT/perf-symbols.txt" | awk '{ print $1, $4 }'
		echo "clausewatch functions, self and callees:"
		perf report -i "$OUT/perf.data" --children -g none --sort symbol --stdio 2>/dev/null |
			grep -E '%.*(clausewatch/clausewatch/|database/sql\.\(\*Tx\)\.Commit$)' | awk '{ print $1, $4 }' | head -30
	} >"$OUT/perf-top.txt"
	echo "perf: $OUT/perf-top.txt"
fi
