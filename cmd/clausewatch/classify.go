package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/clausewatch/clausewatch/topics"
	"github.com/clausewatch/clausewatch/tracker"
)

// maxClauseLine bounds one input line of classify, so that a stray binary
// file on stdin is refused instead of read into memory whole.
const maxClauseLine = 1 << 20

// classifyJSON is the stable shape of one line of `classify --format json`.
type classifyJSON struct {
	Text     string         `json:"text"`
	Lang     string         `json:"lang"`
	Topics   []string       `json:"topics"`
	Negated  []string       `json:"negated"`
	Evidence []evidenceJSON `json:"evidence"`
}

type evidenceJSON struct {
	Topic string `json:"topic"`
	Start int    `json:"start"`
	End   int    `json:"end"`
	Text  string `json:"text"`
}

func cmdClassify(ctx context.Context, e *env, args []string) error {
	fs, _, _ := e.flags("classify")
	format := fs.String("format", "text", "output `format`: text or json")
	lang := fs.String("lang", "", "language `xx` of every line ("+strings.Join(topics.Languages(), ", ")+"); guessed per line when empty")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("unexpected argument %q: clauses are read from stdin, one per line", pos[0])
	}
	if err := checkFormat(*format); err != nil {
		return err
	}
	if *lang != "" && !slices.Contains(topics.Languages(), *lang) {
		return usagef("--lang %q: want one of %s, or leave it out to guess each line's language", *lang, strings.Join(topics.Languages(), ", "))
	}
	in := bufio.NewScanner(e.stdin)
	in.Buffer(make([]byte, 64<<10), maxClauseLine)
	out := bufio.NewWriter(e.stdout)
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	n := 0
	for in.Scan() {
		if err := ctx.Err(); err != nil {
			return err
		}
		n++
		text := in.Text()
		l := *lang
		if l == "" {
			l = topics.Language(text)
		}
		r := classifyJSON{Text: text, Lang: l, Topics: []string{}, Negated: []string{}, Evidence: []evidenceJSON{}}
		for _, m := range topics.Classify(text, l) {
			r.Topics = append(r.Topics, m.Topic)
			if m.Negated {
				r.Negated = append(r.Negated, m.Topic)
			}
			for _, ev := range m.Evidence {
				r.Evidence = append(r.Evidence, evidenceJSON{Topic: m.Topic, Start: ev.Start, End: ev.End, Text: ev.Text})
			}
		}
		if *format == "json" {
			err = enc.Encode(r)
		} else {
			err = writeClassifyText(out, r)
		}
		if err != nil {
			return fmt.Errorf("write line %d: %w", n, err)
		}
	}
	if err := in.Err(); err != nil {
		return fmt.Errorf("read stdin line %d: %w (one clause per line, at most %d bytes)", n+1, err, maxClauseLine)
	}
	return out.Flush()
}

// writeClassifyText prints the topics of one clause and the phrases behind
// them on one line, "-" when it has none, so that the output lines up with
// the input.
func writeClassifyText(w *bufio.Writer, r classifyJSON) error {
	if len(r.Topics) == 0 {
		_, err := w.WriteString("-\n")
		return err
	}
	names := make([]string, len(r.Topics))
	for i, t := range r.Topics {
		names[i] = t
		if slices.Contains(r.Negated, t) {
			names[i] += " (negated)"
		}
	}
	quotes := make([]string, len(r.Evidence))
	for i, ev := range r.Evidence {
		quotes[i] = fmt.Sprintf("%q", ev.Text)
	}
	_, err := fmt.Fprintf(w, "%s\t%s\n", strings.Join(names, ", "), strings.Join(quotes, " "))
	return err
}

func cmdReclassify(ctx context.Context, e *env, args []string) error {
	db, err := e.openWithoutArgs(ctx, "reclassify", args)
	if err != nil {
		return err
	}
	defer db.Close()
	// Reclassifying fetches nothing: the tracker needs no fetcher.
	n, err := tracker.New(db, nil, nil, e.now, e.log).Reclassify(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "reclassified %d changes with %s; no alerts sent\n", n, topics.Version)
	return nil
}
