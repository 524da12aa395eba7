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
// loses nothing. The figures are sums over the documents, computed in SQL:
// with 20,000 documents, per-document series would load every document
// into memory on each scrape. Which documents fail is on the home page. It
// is written by hand: a dozen gauges do not justify a client library and
// its start-up cost in every command.
func (s *Server) metrics(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	t, err := s.db.Totals(ctx)
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
	m.sample("clausewatch_documents", nil, float64(t.Documents))
	m.family("clausewatch_versions", "gauge", "Distinct versions stored, all documents together.")
	m.sample("clausewatch_versions", nil, float64(t.Versions))
	m.family("clausewatch_documents_failing", "gauge", "Documents whose latest fetch failed or was suspect; the home page names them.")
	m.sample("clausewatch_documents_failing", nil, float64(t.Failing))
	m.family("clausewatch_documents_never_succeeded", "gauge", "Documents no fetch ever succeeded for, never fetched ones included.")
	m.sample("clausewatch_documents_never_succeeded", nil, float64(t.NeverSucceeded))
	m.family("clausewatch_oldest_success_timestamp_seconds", "gauge", "The oldest of the documents' latest successful fetches, Unix time; alert when it grows old. Absent when none succeeded.")
	if !t.OldestSuccess.IsZero() {
		m.sample("clausewatch_oldest_success_timestamp_seconds", nil, unix(t.OldestSuccess))
	}
	m.family("clausewatch_last_material_change_timestamp_seconds", "gauge", "Detection time of the latest material change of any document, Unix time; absent when there is none.")
	if !t.LastMaterial.IsZero() {
		m.sample("clausewatch_last_material_change_timestamp_seconds", nil, unix(t.LastMaterial))
	}
	m.family("clausewatch_fetches_total", "counter", "Fetch attempts by outcome.")
	outcomes := make([]string, 0, len(t.Fetches))
	for o := range t.Fetches {
		outcomes = append(outcomes, string(o))
	}
	slices.Sort(outcomes)
	for _, o := range outcomes {
		m.sample("clausewatch_fetches_total", []string{"outcome", o}, float64(t.Fetches[data.Outcome(o)]))
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

func unix(t time.Time) float64 { return float64(t.UnixMilli()) / 1000 }
