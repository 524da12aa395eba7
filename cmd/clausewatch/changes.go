package main

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"text/tabwriter"
	"time"
	"unicode"

	"github.com/clausewatch/clausewatch/data"
	"github.com/clausewatch/clausewatch/diff"
	"github.com/clausewatch/clausewatch/labels"
)

// changeJSON is the stable shape of `changes --format json`. Alert,
// Headline and Sharing were added after the first fields; the shape only
// grows.
type changeJSON struct {
	ID          int64               `json:"id"`
	Document    string              `json:"document"`
	FromVersion int64               `json:"from_version"`
	ToVersion   int64               `json:"to_version"`
	DetectedAt  string              `json:"detected_at"`
	Material    bool                `json:"material"`
	Topics      []string            `json:"topics"`
	Severity    diff.Severity       `json:"severity"`
	Alert       bool                `json:"alert"`
	State       data.ChangeState    `json:"state"`
	Capture     string              `json:"capture"`
	Headline    string              `json:"headline"`
	Sharing     []diff.SharingDelta `json:"sharing"`
}

// checkHeadlineLang refuses a --lang that headlines (package labels) are
// not written in, rather than falling back to English without a word.
func checkHeadlineLang(lang string) error {
	if lang != "en" && lang != "es" {
		return usagef("--lang %q: headlines are written in en or es; want one of them", lang)
	}
	return nil
}

func cmdChanges(ctx context.Context, e *env, args []string) error {
	fs, cfgPath, dbPath := e.flags("changes")
	format := fs.String("format", "text", "output `format`: text or json")
	doc := fs.String("doc", "", "only changes of the document with this `ID`")
	lang := fs.String("lang", "en", "`language` of the headlines: en or es")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("unexpected argument %q (use --doc ID)", pos[0])
	}
	if err := checkFormat(*format); err != nil {
		return err
	}
	if err := checkHeadlineLang(*lang); err != nil {
		return err
	}
	if err := e.load(*cfgPath, *dbPath, slog.LevelWarn); err != nil {
		return err
	}
	db, err := e.openReadOnly(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	if *doc != "" {
		if err := e.knownDocument(ctx, db, *doc); err != nil {
			return err
		}
	}
	changes, _, err := db.Changes(ctx, data.ChangeFilter{DocumentID: *doc})
	if err != nil {
		return err
	}
	// A headline names the document's service ("WhatsApp now shares ..."),
	// which the database knows for every document a change was recorded
	// for, configured today or not.
	services := map[string]string{}
	out := make([]changeJSON, 0, len(changes))
	for _, c := range changes {
		service, ok := services[c.DocumentID]
		if !ok {
			d, err := db.Document(ctx, c.DocumentID)
			if err != nil {
				return err
			}
			service, services[c.DocumentID] = d.Service, d.Service
		}
		topics := c.Topics
		if topics == nil {
			topics = []string{}
		}
		out = append(out, changeJSON{
			ID: c.ID, Document: c.DocumentID, FromVersion: c.FromVersion, ToVersion: c.ToVersion,
			DetectedAt: c.DetectedAt.UTC().Format(time.RFC3339), Material: c.Material, Topics: topics, Severity: c.Severity,
			Alert: c.Alert, State: c.State, Capture: c.Capture, Headline: labels.Headline(service, c.Outline(), *lang), Sharing: diff.SharingWithLists(c.Sharing),
		})
	}
	if *format == "json" {
		return writeJSON(e, out)
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "CHANGE\tDOCUMENT\tVERSIONS\tDETECTED\tMATERIAL\tSEVERITY\tTOPICS\tHEADLINE")
	for _, c := range out {
		fmt.Fprintf(tw, "%d\t%s\t%d -> %d\t%s\t%v\t%s\t%s\t%s\n", c.ID, c.Document, c.FromVersion, c.ToVersion, c.DetectedAt, c.Material, c.Severity, strings.Join(c.Topics, ","), oneLine(c.Headline))
	}
	return tw.Flush()
}

// oneLine keeps a line of terminal output on one line and free of escape
// sequences: a company a headline names is read from a policy, and its
// line breaks, tabs and control characters become single spaces.
func oneLine(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }), " ")
}
