package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"text/tabwriter"
	"time"
)

// versionJSON is the stable shape of `history --format json`.
type versionJSON struct {
	ID int64 `json:"id"`
	// Number counts the document's versions from 1, oldest first: people
	// say "v3 of the EEA policy", while ID counts versions of every
	// document together and is what pages and changes refer to.
	Number         int    `json:"number"`
	Document       string `json:"document"`
	FetchedAt      string `json:"fetched_at"`
	SHA256         string `json:"sha256"`
	SnapshotID     int64  `json:"snapshot_id"`
	SnapshotSHA256 string `json:"snapshot_sha256"`
	// SourceURL is the page the snapshot was fetched from; Imported says
	// an archive fetched it (import), named by Archive, with a link to the
	// copy (ArchiveURL) and its licence, each "" when unknown.
	SourceURL      string `json:"source_url"`
	Imported       bool   `json:"imported"`
	Archive        string `json:"archive"`
	ArchiveURL     string `json:"archive_url"`
	ArchiveLicense string `json:"archive_license"`
}

func cmdHistory(ctx context.Context, e *env, args []string) error {
	fs, cfgPath, dbPath := e.flags("history")
	format := fs.String("format", "text", "output `format`: text or json")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("want exactly one document id: clausewatch history ID [--format json]")
	}
	if err := checkFormat(*format); err != nil {
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
	if err := e.knownDocument(ctx, db, pos[0]); err != nil {
		return err
	}
	versions, err := db.Versions(ctx, pos[0])
	if err != nil {
		return err
	}
	out := make([]versionJSON, 0, len(versions))
	for _, v := range versions {
		out = append(out, versionJSON{
			ID: v.ID, Number: v.Number, Document: v.DocumentID, FetchedAt: v.FetchedAt.UTC().Format(time.RFC3339),
			SHA256: v.SHA256, SnapshotID: v.SnapshotID, SnapshotSHA256: v.SnapshotSHA256,
			SourceURL: v.Source.URL, Imported: v.Source.Imported, Archive: v.Source.Archive,
			ArchiveURL: v.Source.ArchiveURL, ArchiveLicense: v.Source.ArchiveLicense,
		})
	}
	if *format == "json" {
		return writeJSON(e, out)
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	// The first column stays the global id, as before the per-document
	// number was added, so that scripts reading it keep working.
	fmt.Fprintln(tw, "ID\tVERSION\tFETCHED\tSHA256")
	for _, v := range out {
		fmt.Fprintf(tw, "%d\tv%d\t%s\t%s\n", v.ID, v.Number, v.FetchedAt, v.SHA256[:12])
	}
	return tw.Flush()
}

func checkFormat(f string) error {
	if f != "text" && f != "json" {
		return usagef("--format %q: want text or json", f)
	}
	return nil
}

func writeJSON(e *env, v any) error {
	enc := json.NewEncoder(e.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
