# Sourced by bench/scale.sh and bench/growth.sh, with N, OUT and CORPUS set:
# builds clausewatch (or copies $CW) and bench/scalegen into $OUT, serves N
# generated pages on loopback, and writes their URLs ($OUT/urls.txt) and a
# clausewatch config checking them ($OUT/config.yaml: no politeness delay,
# select "main", language en, no bundled history). Sets SERVER, the page
# server's pid (killed on exit), and PORT.
rm -rf "$OUT" && mkdir -p "$OUT"
if [ -n "${CW:-}" ]; then cp "$CW" "$OUT/clausewatch"; else go build -o "$OUT/clausewatch" ./cmd/clausewatch; fi
go build -o "$OUT/scalegen" ./bench/scalegen

"$OUT/scalegen" -n "$N" -corpus "$CORPUS" >"$OUT/port" 2>"$OUT/scalegen.log" &
SERVER=$!
trap 'kill $SERVER 2>/dev/null' EXIT
for _ in $(seq 100); do [ -s "$OUT/port" ] && break; sleep 0.1; done
PORT=$(cat "$OUT/port")
"$OUT/scalegen" -n "$N" -port "$PORT" -urls "$OUT/urls.txt"
{
	printf 'fetch:\n  min_gap: 0s\n  jitter: 0s\ndocuments:\n'
	awk '{ printf "  - id: doc-%d\n    url: %s\n    select: main\n    language: en\n", NR-1, $0 }' "$OUT/urls.txt"
} >"$OUT/config.yaml"
