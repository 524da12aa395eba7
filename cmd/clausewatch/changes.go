package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
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
	// The changes are written as they are read, so that a database of
	// hundreds of thousands of changes is listed in bounded memory.
	var w changeWriter
	if *format == "json" {
		w = &jsonChanges{w: e.stdout}
	} else {
		w = newTextChanges(e.stdout)
	}
	// A headline names the document's service ("WhatsApp now shares ..."),
	// which the database knows for every document a change was recorded
	// for, configured today or not.
	services := map[string]string{}
	err = db.EachChange(ctx, data.ChangeFilter{DocumentID: *doc}, func(c *data.Change) error {
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
		return w.write(changeJSON{
			ID: c.ID, Document: c.DocumentID, FromVersion: c.FromVersion, ToVersion: c.ToVersion,
			DetectedAt: c.DetectedAt.UTC().Format(time.RFC3339), Material: c.Material, Topics: topics, Severity: c.Severity,
			Alert: c.Alert, State: c.State, Capture: c.Capture, Headline: labels.Headline(service, c.Outline(), *lang), Sharing: diff.SharingWithLists(c.Sharing),
		})
	})
	if err != nil {
		// The rows written so far stay on the screen; a JSON array is
		// left open, so that a script does not take it for the whole.
		w.end(false)
		return err
	}
	return w.end(true)
}

// changeWriter writes the changes of `changes`, one at a time; end writes
// what is held, and closes the output when the list is complete.
type changeWriter interface {
	write(changeJSON) error
	end(complete bool) error
}

// jsonChanges writes the JSON array writeJSON would write for the whole
// list, element by element.
type jsonChanges struct {
	w io.Writer
	n int
}

func (j *jsonChanges) write(c changeJSON) error {
	b, err := json.MarshalIndent(c, "  ", "  ")
	if err != nil {
		return err
	}
	sep := ",\n  "
	if j.n == 0 {
		sep = "[\n  "
	}
	j.n++
	_, err = io.WriteString(j.w, sep+string(b))
	return err
}

func (j *jsonChanges) end(complete bool) error {
	if !complete {
		return nil
	}
	end := "\n]\n"
	if j.n == 0 {
		end = "[]\n"
	}
	_, err := io.WriteString(j.w, end)
	return err
}

// textChanges writes a table, aligned in blocks of textBlock rows: a
// tabwriter holds every row until it flushes.
type textChanges struct {
	tw *tabwriter.Writer
	n  int
}

const textBlock = 1000

func newTextChanges(w io.Writer) *textChanges {
	t := &textChanges{tw: tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)}
	fmt.Fprintln(t.tw, "CHANGE\tDOCUMENT\tVERSIONS\tDETECTED\tMATERIAL\tSEVERITY\tTOPICS\tHEADLINE")
	return t
}

func (t *textChanges) write(c changeJSON) error {
	fmt.Fprintf(t.tw, "%d\t%s\t%d -> %d\t%s\t%v\t%s\t%s\t%s\n", c.ID, c.Document, c.FromVersion, c.ToVersion, c.DetectedAt, c.Material, c.Severity, strings.Join(c.Topics, ","), oneLine(c.Headline))
	if t.n++; t.n%textBlock == 0 {
		return t.tw.Flush()
	}
	return nil
}

func (t *textChanges) end(bool) error { return t.tw.Flush() }

// oneLine keeps a line of terminal output on one line and free of escape
// sequences: a company a headline names is read from a policy, and its
// line breaks, tabs and control characters become single spaces.
func oneLine(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }), " ")
}
