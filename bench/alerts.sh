#!/usr/bin/env bash
# Benchmark: one material change fanned out to N confirmed subscribers
# (default 10,000) through an in-process SMTP server on loopback
# (emersion/go-smtp): the change and its N outbox rows are written in one
# transaction by data.Record, then the dispatcher claims, composes and sends
# every email and marks it sent. Compared in the same run with a minimal
# loop over go-mail sending N messages of the same size through the same
# kind of server with the same concurrency (the floor of the transport).
# Reports emails per second and the peak Go heap of each; the dispatcher
# pages through the outbox (200 rows at a time), so its heap must not grow
# with N.
#
# usage: bench/alerts.sh [N]      (needs only Go; writes bench/out/alerts/)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-10000}
OUT=bench/out/alerts
rm -rf "$OUT" && mkdir -p "$OUT"
CW_BENCH_SUBSCRIBERS=$N go test ./notify -run '^$' -bench 'BenchmarkAlertFanout|BenchmarkGoMailFloor' \
	-benchtime 1x -count 3 -timeout 30m | tee "$OUT/bench.txt"
awk -v n="$N" '
	/^BenchmarkAlertFanout/ { for (i = 1; i <= NF; i++) { if ($(i+1) == "emails/s") d += $i; if ($(i+1) == "peak-heap-MiB" && $i > dh) dh = $i }; dn++ }
	/^BenchmarkGoMailFloor/ { for (i = 1; i <= NF; i++) { if ($(i+1) == "emails/s") f += $i; if ($(i+1) == "peak-heap-MiB" && $i > fh) fh = $i }; fn++ }
	END {
		if (!dn || !fn) { print "benchmark output missing" > "/dev/stderr"; exit 1 }
		printf "%d subscribers: dispatcher %.0f emails/s (peak heap %.1f MiB)  |  go-mail floor %.0f emails/s (peak heap %.1f MiB)  |  dispatcher at %.0f%% of the floor\n",
			n, d/dn, dh, f/fn, fh, 100*(d/dn)/(f/fn)
	}' "$OUT/bench.txt" | tee "$OUT/summary.txt"
