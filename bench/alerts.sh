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
# The server answers each message at once; DELAY (a Go duration, e.g. 20ms)
# makes it take that long to accept each one, as a relay on a network does,
# for both loops alike.
#
# usage: bench/alerts.sh [N]             (needs only Go; writes bench/out/alerts/)
#        DELAY=20ms bench/alerts.sh 2000
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-10000}
OUT=bench/out/alerts
rm -rf "$OUT" && mkdir -p "$OUT"
CW_BENCH_SUBSCRIBERS=$N CW_BENCH_SMTP_DELAY=${DELAY:-} go test ./notify -run '^$' -bench 'BenchmarkAlertFanout|BenchmarkGoMailFloor' \
	-benchtime 1x -count 3 -timeout 30m | tee "$OUT/bench.txt"
awk -v n="$N" -v delay="${DELAY:-none}" '
	/^BenchmarkAlertFanout/ { for (i = 1; i <= NF; i++) { if ($(i+1) == "emails/s") d += $i; if ($(i+1) == "peak-heap-MiB" && $i > dh) dh = $i }; dn++ }
	/^BenchmarkGoMailFloor/ { for (i = 1; i <= NF; i++) { if ($(i+1) == "emails/s") f += $i; if ($(i+1) == "peak-heap-MiB" && $i > fh) fh = $i }; fn++ }
	END {
		if (!dn || !fn) { print "benchmark output missing" > "/dev/stderr"; exit 1 }
		printf "%d subscribers, server answer delay %s: dispatcher %.0f emails/s (peak heap %.1f MiB)  |  go-mail floor %.0f emails/s (peak heap %.1f MiB)  |  dispatcher at %.0f%% of the floor\n",
			n, delay, d/dn, dh, f/fn, fh, 100*(d/dn)/(f/fn)
	}' "$OUT/bench.txt" | tee "$OUT/summary.txt"
