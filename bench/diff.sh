#!/usr/bin/env bash
# Benchmark: whole-process `clausewatch diff --format json A B` against
# `git diff --no-index --word-diff A B` on the same two files, in the same
# run, for (a) a one-word edit of a ~210 KB policy (Facebook, 2023-09-07) and
# (b) the 2022 rewrite of Facebook's policy (2022-07-11 -> 2022-09-07); plus
# the peak memory of each process. A ratio above 1 means clausewatch is
# slower than git.
#
# usage: bench/diff.sh          (needs hyperfine, git, jq, /usr/bin/time, the corpus)
set -euo pipefail
cd "$(dirname "$0")/.."
CORPUS=${CORPUS:-../shared/corpus}
OUT=bench/out/diff
rm -rf "$OUT" && mkdir -p "$OUT/small"
go build -o "$OUT/clausewatch" ./cmd/clausewatch

src="$CORPUS/facebook-privacy-policy/2023-09-07.md"
cp "$src" "$OUT/small/a.md"
# One word changed, once.
sed '0,/Meta Companies/s//Meta Affiliates/' "$src" >"$OUT/small/b.md"
cmp -s "$OUT/small/a.md" "$OUT/small/b.md" && { echo "the edit did not apply" >&2; exit 1; }

run_case() {
	local name=$1 a=$2 b=$3
	hyperfine -N -i --warmup 5 --min-runs 30 --export-json "$OUT/$name.json" \
		-n clausewatch "$OUT/clausewatch diff --format json $a $b" \
		-n git "git diff --no-index --word-diff $a $b" >"$OUT/$name.log"
	local cw git cwcpu gitcpu cwrss gitrss
	# Medians rather than means: the machine is shared, and a few runs
	# delayed by other work move the mean. CPU time (user + system) is
	# printed too, as it moves less with the load than wall time.
	cw=$(jq '.results[] | select(.command=="clausewatch") | .median' "$OUT/$name.json")
	git=$(jq '.results[] | select(.command=="git") | .median' "$OUT/$name.json")
	cwcpu=$(jq '.results[] | select(.command=="clausewatch") | .user + .system' "$OUT/$name.json")
	gitcpu=$(jq '.results[] | select(.command=="git") | .user + .system' "$OUT/$name.json")
	# GNU time appends "Command exited with non-zero status 1" for git
	# (which exits 1 when the files differ); the figure is the last line.
	/usr/bin/time -f "%M" -o "$OUT/$name.cw.rss" "$OUT/clausewatch" diff --format json "$a" "$b" >"$OUT/$name.out.json"
	/usr/bin/time -f "%M" -o "$OUT/$name.git.rss" git diff --no-index --word-diff "$a" "$b" >"$OUT/$name.out.diff" || true
	cwrss=$(tail -n1 "$OUT/$name.cw.rss")
	gitrss=$(tail -n1 "$OUT/$name.git.rss")
	printf '%-30s clausewatch %6.1f ms  git %5.1f ms  time ratio %5.2f  |  CPU %5.1f ms vs %4.1f ms, ratio %5.2f  |  peak RSS %6s KiB vs %5s KiB, ratio %.1f  |  %s changes vs %s diff lines\n' \
		"$name ($(($(wc -c <"$a") / 1024)) KB -> $(($(wc -c <"$b") / 1024)) KB)" \
		"$(jq -n "$cw*1000")" "$(jq -n "$git*1000")" "$(jq -n "$cw/$git")" \
		"$(jq -n "$cwcpu*1000")" "$(jq -n "$gitcpu*1000")" "$(jq -n "$cwcpu/$gitcpu")" \
		"$cwrss" "$gitrss" "$(jq -n "$cwrss/$gitrss")" \
		"$(jq '.changes | length' "$OUT/$name.out.json")" "$(wc -l <"$OUT/$name.out.diff")"
}

# The start-up of the binary alone (it links SQLite, Chromium control and
# the web server for the other commands), for reading the figures above.
hyperfine -N --warmup 5 --min-runs 30 --export-json "$OUT/startup.json" -n startup "$OUT/clausewatch --help" >"$OUT/startup.log"
printf 'clausewatch start-up alone:    %.1f ms (median)\n' "$(jq '.results[0].median*1000' "$OUT/startup.json")"

run_case small-edit "$OUT/small/a.md" "$OUT/small/b.md"
run_case rewrite-2022 "$CORPUS/facebook-privacy-policy/2022-07-11.md" "$CORPUS/facebook-privacy-policy/2022-09-07.md"
