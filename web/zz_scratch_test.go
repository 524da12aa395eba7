package web

import (
	"strings"
	"testing"
)

func BenchmarkScratchFeed(b *testing.B) {
	f := corpusSiteDB(b)
	srv := newPageServer(b, f)
	for _, p := range []string{"/feed.atom", "/healthz", "/api/v1/changes?limit=100", "/api/v1/documents/" + docPolicy + "/compare?from=1&to=3"} {
		b.Run(strings.NewReplacer("/", "_", "?", "_").Replace(p), func(b *testing.B) {
			var n int
			for b.Loop() {
				_, body := pageGet(b, srv, p)
				n = len(body)
			}
			b.ReportMetric(float64(n), "bytes")
		})
	}
}
