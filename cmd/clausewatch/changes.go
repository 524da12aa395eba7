package main

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/clausewatch/clausewatch/data"
	"github.com/clausewatch/clausewatch/diff"
)

// changeJSON is the stable shape of `changes --format json`.
type changeJSON struct {
	ID          int64         `json:"id"`
	Document    string        `json:"document"`
	FromVersion int64         `json:"from_version"`
	ToVersion   int64         `json:"to_version"`
	DetectedAt  string        `json:"detected_at"`
	Material    bool          `json:"material"`
	Topics      []string      `json:"topics"`
	Severity    diff.Severity `json:"severity"`
}

func cmdChanges(ctx context.Context, e *env, args []string) error {
	fs, cfgPath, dbPath := e.flags("changes")
	format := fs.String("format", "text", "output `format`: text or json")
	doc := fs.String("doc", "", "only changes of the document with this `ID`")
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
	if err := e.load(*cfgPath, *dbPath, slog.LevelWarn); err != nil {
		return err
	}
	if *doc != "" {
		if _, err := e.documents([]string{*doc}); err != nil {
			return err
		}
	}
	db, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	changes, _, err := db.Changes(ctx, data.ChangeFilter{DocumentID: *doc})
	if err != nil {
		return err
	}
	out := make([]changeJSON, 0, len(changes))
	for _, c := range changes {
		topics := c.Topics
		if topics == nil {
			topics = []string{}
		}
		out = append(out, changeJSON{
			ID: c.ID, Document: c.DocumentID, FromVersion: c.FromVersion, ToVersion: c.ToVersion,
			DetectedAt: c.DetectedAt.UTC().Format(time.RFC3339), Material: c.Material, Topics: topics, Severity: c.Severity,
		})
	}
	if *format == "json" {
		return writeJSON(e, out)
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "CHANGE\tDOCUMENT\tVERSIONS\tDETECTED\tMATERIAL\tSEVERITY\tTOPICS")
	for _, c := range out {
		fmt.Fprintf(tw, "%d\t%s\t%d -> %d\t%s\t%v\t%s\t%s\n", c.ID, c.Document, c.FromVersion, c.ToVersion, c.DetectedAt, c.Material, c.Severity, strings.Join(c.Topics, ","))
	}
	return tw.Flush()
}
