#!/usr/bin/env bash
# Benchmark: `clausewatch import` of a generated history (default 500
# versions of a ~300 KB policy, each a one-word edit of the previous) against
# committing the same files one by one to a git repository, the way
# git-backed archives store them; both whole process, in the same run, plus
# the peak memory of the import.
#
# usage: bench/import.sh [N] [SIZE]     (needs git, /usr/bin/time, the corpus)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-500}
SIZE=${2:-307200}
CORPUS=../shared/corpus
OUT=bench/out/import
rm -rf "$OUT" && mkdir -p "$OUT"
go build -o "$OUT/clausewatch" ./cmd/clausewatch
go run ./bench/genhistory -out "$OUT/history" -n "$N" -size "$SIZE" \
	"$CORPUS/facebook-privacy-policy/2026-07-24.md" "$CORPUS/whatsapp-privacy-policy-eea/2026-07-03.md"

printf 'documents:\n  - id: policy\n    url: https://example.org/policy\n    select: main\n    language: en\n' >"$OUT/config.yaml"

git_import() {
	rm -rf "$OUT/git" && git init -q "$OUT/git"
	for f in "$OUT"/history/*.md; do
		cp "$f" "$OUT/git/policy.md"
		git -C "$OUT/git" add policy.md
		git -C "$OUT/git" -c user.name=bench -c user.email=bench@localhost commit -q --allow-empty -m "$(basename "$f")"
	done
}

start=$(date +%s.%N)
git_import
git_s=$(echo "$(date +%s.%N) - $start" | bc)

rm -f "$OUT"/bench.db*
start=$(date +%s.%N)
/usr/bin/time -f "%M" -o "$OUT/rss" "$OUT/clausewatch" import --config "$OUT/config.yaml" --db "$OUT/bench.db" policy "$OUT"/history/*.md >"$OUT/import.log"
cw_s=$(echo "$(date +%s.%N) - $start" | bc)

versions=$(grep -c new-version "$OUT/import.log" || true)
printf 'versions imported:        %s of %s files\n' "$versions" "$N"
printf 'git, one commit per file: %.2f s\n' "$git_s"
printf 'clausewatch import:       %.2f s  (%.1fx faster than git)\n' "$cw_s" "$(echo "$git_s / $cw_s" | bc -l)"
printf 'import peak RSS:          %s KiB\n' "$(cat "$OUT/rss")"
printf 'database size:            %s\n' "$(du -h "$OUT/bench.db" | cut -f1)"
printf 'git repository size:      %s\n' "$(du -sh "$OUT/git/.git" | cut -f1)"
