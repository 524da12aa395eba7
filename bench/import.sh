#!/usr/bin/env bash
# Benchmark: `clausewatch import` of a generated history (default 500
# versions of a ~300 KB policy, each a one-word edit of the previous) against
# committing the same files one by one to a git repository, the way
# git-backed archives store them; both whole process, in the same run
# (hyperfine, RUNS runs each, medians), plus the peak memory and database
# size of one import.
#
# usage: bench/import.sh [N] [SIZE]     (needs git, hyperfine, jq, bc,
#                                        /usr/bin/time, the corpus)
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
import_cmd() { echo "rm -f $OUT/$2.db*; $1 import --config $OUT/config.yaml --db $OUT/$2.db policy $OUT/history/*.md >$OUT/$2.log"; }

cmds=(-n git "$OUT/git.sh" -n clausewatch "$(import_cmd "$CW" cw)")
if [ -n "${BASE:-}" ]; then
	cmds+=(-n base "$(import_cmd "$BASE" base)")
fi
hyperfine --style basic --runs "$RUNS" --export-json "$OUT/hyperfine.json" "${cmds[@]}"

median() { jq -r --arg n "$1" '.results[] | select(.command == $n) | .median' "$OUT/hyperfine.json"; }
git_s=$(median git)
cw_s=$(median clausewatch)

rm -f "$OUT"/cw.db*
/usr/bin/time -f "%M" -o "$OUT/rss" "$CW" import --config "$OUT/config.yaml" --db "$OUT/cw.db" policy "$OUT"/history/*.md >"$OUT/cw.log"

versions=$(grep -c new-version "$OUT/cw.log" || true)
printf '\nversions imported:        %s of %s files\n' "$versions" "$N"
printf 'git, one commit per file: %.2f s (median of %s)\n' "$git_s" "$RUNS"
printf 'clausewatch import:       %.2f s  (%.1fx faster than git)\n' "$cw_s" "$(echo "$git_s / $cw_s" | bc -l)"
if [ -n "${BASE:-}" ]; then
	base_s=$(median base)
	printf 'base import:              %.2f s  (%.1fx faster than git)\n' "$base_s" "$(echo "$git_s / $base_s" | bc -l)"
fi
printf 'import peak RSS:          %s KiB\n' "$(cat "$OUT/rss")"
printf 'database size:            %s\n' "$(du -h "$OUT/cw.db" | cut -f1)"
printf 'git repository size:      %s\n' "$(du -sh "$OUT/git/.git" | cut -f1)"
