#!/usr/bin/env bash
# Benchmark: `clausewatch import` of a generated history (default 500
# versions of a ~300 KB policy, each a one-word edit of the previous) against
# committing the same files one by one to a git repository, the way
# git-backed archives store them; both whole process, in the same run
# (RUNS interleaved runs each, medians of wall and CPU time), plus the peak
# memory of the import and the database size.
#
# usage: bench/import.sh [N] [SIZE]     (needs git, bc, GNU time, the corpus)
# env:   RUNS (3) runs of each command;
#        CW   a clausewatch binary to time instead of building the tree;
#        BASE another clausewatch binary timed in the same run (A/B).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-500}
SIZE=${2:-307200}
RUNS=${RUNS:-3}
CORPUS=../shared/corpus
OUT=bench/out/import
rm -rf "$OUT" && mkdir -p "$OUT"
if [ -z "${CW:-}" ]; then
	go build -o "$OUT/clausewatch" ./cmd/clausewatch
	CW=$OUT/clausewatch
fi
go run ./bench/genhistory -out "$OUT/history" -n "$N" -size "$SIZE" \
	"$CORPUS/facebook-privacy-policy/2026-07-24.md" "$CORPUS/whatsapp-privacy-policy-eea/2026-07-03.md"

printf 'documents:\n  - id: policy\n    url: https://example.org/policy\n    select: main\n    language: en\n' >"$OUT/config.yaml"

cat >"$OUT/git.sh" <<GIT
#!/usr/bin/env bash
set -e
rm -rf "$OUT/git" && git init -q "$OUT/git"
for f in "$OUT"/history/*.md; do
	cp "\$f" "$OUT/git/policy.md"
	git -C "$OUT/git" add policy.md
	git -C "$OUT/git" -c user.name=bench -c user.email=bench@localhost commit -q --allow-empty -m "\$(basename "\$f")"
done
GIT
chmod +x "$OUT/git.sh"
# Runs are interleaved (git, clausewatch, base, git, ...) so that a change
# in the machine's load hits every command alike; each run is timed with
# GNU time (wall, user+system CPU, peak RSS) and the medians are reported.
run() { # NAME COMMAND...
	/usr/bin/time -f "%e %U %S %M" -o "$OUT/time" "${@:2}"
	echo "$1 $(cat "$OUT/time")" >>"$OUT/times"
}
import_run() { # NAME BINARY
	rm -f "$OUT/$1.db"*
	run "$1" "$2" import --config "$OUT/config.yaml" --db "$OUT/$1.db" policy "$OUT"/history/*.md >"$OUT/$1.log"
}
: >"$OUT/times"
for _ in $(seq "$RUNS"); do
	run git "$OUT/git.sh"
	import_run cw "$CW"
	if [ -n "${BASE:-}" ]; then import_run base "$BASE"; fi
done
# median NAME FIELD (2 wall, 3 user, 4 system, 5 RSS KiB; 0 user+system)
median() {
	awk -v n="$1" -v f="$2" '$1 == n { print (f == 0 ? $3 + $4 : $f) }' "$OUT/times" | sort -g |
		awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'
}
line() { # LABEL NAME
	local w c
	w=$(median "$2" 2) c=$(median "$2" 0)
	printf '%-26s %6.2f s wall, %6.2f s CPU' "$1" "$w" "$c"
	if [ "$2" != git ]; then
		printf '  (%.1fx faster than git; CPU %.1fx)' "$(echo "$(median git 2) / $w" | bc -l)" "$(echo "$(median git 0) / $c" | bc -l)"
	fi
	printf '\n'
}
printf 'medians of %s interleaved runs (all runs: %s)\n' "$RUNS" "$OUT/times"
printf 'versions imported:         %s of %s files\n' "$(grep -c new-version "$OUT/cw.log" || true)" "$N"
line 'git, one commit per file:' git
line 'clausewatch import:' cw
if [ -n "${BASE:-}" ]; then line 'base import:' base; fi
printf 'import peak RSS:           %s KiB\n' "$(median cw 5)"
printf 'database size:             %s\n' "$(du -h "$OUT/cw.db" | cut -f1)"
printf 'git repository size:       %s\n' "$(du -sh "$OUT/git/.git" | cut -f1)"
