package web

import (
	"bufio"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/clausewatch/clausewatch/data"
)

// metrics answers GET /metrics in the Prometheus text format (version
// 0.0.4). Every figure is read from the database at scrape time, so checks
// run by a separate `clausewatch check` process count too and a restart
// loses nothing. It is written by hand: a dozen gauges do not justify a
// client library and its start-up cost in every command.
func (s *Server) metrics(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	docs, err := s.db.DocumentSummaries(ctx)
	if err != nil {
		return err
	}
	fetches, err := s.db.FetchCounts(ctx)
	if err != nil {
		return err
	}
	deliveries, err := s.db.DeliveryCounts(ctx)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	b := bufio.NewWriter(w)
	m := promWriter{b}

	m.family("clausewatch_documents", "gauge", "Documents tracked.")
	m.sample("clausewatch_documents", nil, float64(len(docs)))
	m.family("clausewatch_document_versions", "gauge", "Distinct versions stored per document.")
	for _, d := range docs {
		m.sample("clausewatch_document_versions", []string{"document", d.ID}, float64(d.Versions))
	}
	m.family("clausewatch_document_failing", "gauge", "1 when the latest fetch of the document failed or was suspect.")
	for _, d := range docs {
		m.sample("clausewatch_document_failing", []string{"document", d.ID}, boolFloat(d.Failing()))
	}
	m.family("clausewatch_document_last_fetch_timestamp_seconds", "gauge", "Start of the latest fetch attempt, Unix time; absent when never fetched.")
	for _, d := range docs {
		if d.LastFetch.ID != 0 {
			m.sample("clausewatch_document_last_fetch_timestamp_seconds", []string{"document", d.ID}, unix(d.LastFetch.StartedAt))
		}
	}
	m.family("clausewatch_document_last_success_timestamp_seconds", "gauge", "Start of the latest successful fetch, Unix time; alert when it grows old.")
	for _, d := range docs {
		if !d.LastOK.IsZero() {
			m.sample("clausewatch_document_last_success_timestamp_seconds", []string{"document", d.ID}, unix(d.LastOK))
		}
	}
	m.family("clausewatch_document_last_material_change_timestamp_seconds", "gauge", "Detection time of the latest material change, Unix time.")
	for _, d := range docs {
		if d.LastMaterial.ID != 0 {
			m.sample("clausewatch_document_last_material_change_timestamp_seconds", []string{"document", d.ID}, unix(d.LastMaterial.DetectedAt))
		}
	}
	m.family("clausewatch_fetches_total", "counter", "Fetch attempts by document and outcome.")
	for _, f := range fetches {
		m.sample("clausewatch_fetches_total", []string{"document", f.DocumentID, "outcome", string(f.Outcome)}, float64(f.N))
	}
	m.family("clausewatch_deliveries", "gauge", "Alert outbox rows by status (failed and unknown need the operator: clausewatch deliveries); every status is present, 0 when no row is in it.")
	// Every status is written, with no row too, so that an alert on
	// unknown deliveries (sent or not: the operator must look) has a
	// series to watch from the start.
	statuses := data.DeliveryStatuses()
	for st := range deliveries {
		if !slices.Contains(statuses, st) {
			statuses = append(statuses, st)
		}
	}
	slices.Sort(statuses)
	for _, st := range statuses {
		m.sample("clausewatch_deliveries", []string{"status", st}, float64(deliveries[st]))
	}
	return b.Flush()
}

// promWriter writes the text exposition format; write errors surface at
// the final Flush.
type promWriter struct{ w *bufio.Writer }

func (p promWriter) family(name, kind, help string) {
	fmt.Fprintf(p.w, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, kind)
}

// sample writes one line; labels alternate names and values.
func (p promWriter) sample(name string, labels []string, v float64) {
	p.w.WriteString(name)
	if len(labels) > 0 {
		p.w.WriteByte('{')
		for i := 0; i+1 < len(labels); i += 2 {
			if i > 0 {
				p.w.WriteByte(',')
			}
			fmt.Fprintf(p.w, "%s=\"%s\"", labels[i], labelEscaper.Replace(labels[i+1]))
		}
		p.w.WriteByte('}')
	}
	fmt.Fprintf(p.w, " %g\n", v)
}

// labelEscaper escapes a label value as the format requires.
var labelEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)

func boolFloat(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func unix(t time.Time) float64 { return float64(t.UnixMilli()) / 1000 }
