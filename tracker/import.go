package tracker

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"sync"
	"time"

	"github.com/clausewatch/clausewatch/config"
	"github.com/clausewatch/clausewatch/data"
	"github.com/clausewatch/clausewatch/diff"
	"github.com/clausewatch/clausewatch/policy"
	"github.com/clausewatch/clausewatch/scraper"
)

// ImportFile is one archived copy of a document and the time it was fetched.
type ImportFile struct {
	// Path names the file; its extension says how to read it (HTML,
	// Markdown or text). Without Body the file is read from Path.
	Path string
	At   time.Time
	// Body, when not nil, is the file's content, so that copies held in
	// memory (the bundled history) need no temporary files.
	Body []byte
	// URL, when set, is where the copy can be cited (an archive's address),
	// recorded as the fetch's and snapshot's URL instead of file://Path.
	URL string
}

// fileTime matches the timestamps import accepts at the start of a file name:
// 2021-01-04, 2021-01-04T10-20-30Z and 2021-01-04T10-20-30+00-00 (colons are
// replaced by dashes because archives must also live on Windows).
var fileTime = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^(\d{4}-\d{2}-\d{2})(?:T(\d{2})-(\d{2})-(\d{2})(Z|[+-]\d{2}-\d{2}))?`)
})

// ParseImportFiles reads the fetch time from each file's name and returns the
// files oldest first. A name without a timestamp is an error naming the file.
func ParseImportFiles(paths []string) ([]ImportFile, error) {
	files := make([]ImportFile, 0, len(paths))
	for _, p := range paths {
		at, err := fileNameTime(filepath.Base(p))
		if err != nil {
			return nil, fmt.Errorf("tracker: import %s: %w", p, err)
		}
		files = append(files, ImportFile{Path: p, At: at})
	}
	sort.SliceStable(files, func(i, j int) bool { return files[i].At.Before(files[j].At) })
	return files, nil
}

func fileNameTime(name string) (time.Time, error) {
	m := fileTime().FindStringSubmatch(name)
	if m == nil {
		return time.Time{}, fmt.Errorf("file name must start with the fetch time, e.g. 2021-01-04 or 2021-01-04T10-20-30Z")
	}
	if m[2] == "" {
		t, err := time.Parse(time.DateOnly, m[1])
		if err != nil {
			return time.Time{}, fmt.Errorf("bad date %q in file name: %w", m[1], err)
		}
		return t, nil
	}
	zone := m[5]
	if zone != "Z" {
		zone = zone[:3] + ":" + zone[4:]
	}
	s := fmt.Sprintf("%sT%s:%s:%s%s", m[1], m[2], m[3], m[4], zone)
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("bad time %q in file name: %w", s, err)
	}
	return t.UTC(), nil
}

// Import records files, oldest first, as the document fetched at each
// file's time, through the same gates as a live fetch, calling report after
// each. An unreadable file is recorded as a failed fetch and stops the import,
// so that later files are not recorded around the gap.
//
// The size gates are confirmed differently: a live fetch that shrank by
// more than half or grew more than 2.5 times is held back until the same
// text has been read on consecutive fetches, because the next fetch will
// tell; in an archive the next file is the next fetch, so a held file is
// also accepted when the file after it confirms the new size (passes the
// size gates measured against it).
func (t *Tracker) Import(ctx context.Context, doc config.Document, files []ImportFile, rules scraper.Rules, report func(ImportFile, data.Result)) error {
	// Files are read and extracted on another goroutine, one ahead of the
	// one being compared and recorded here.
	done := make(chan struct{})
	defer close(done)
	read := make(chan importStep, 2)
	go t.readFiles(ctx, doc, files, rules, read, done)
	imp := &importer{}
	next, ok := <-read
	for i := range files {
		if !ok {
			return fmt.Errorf("tracker: import into %s: reading ended after %d of %d files", doc.ID, i, len(files))
		}
		cur := next
		if cur.err != nil {
			return cur.err
		}
		next, ok = <-read
		if cur.c.serr == nil && ok && next.err == nil && next.c.serr == nil && next.c.lang == nil {
			cur.c.next, cur.c.nextAt, cur.c.hasNext = next.c.text, next.c.obs.Fetch.StartedAt, true
		}
		res, err := t.gateAndRecord(ctx, doc, *cur.c, imp)
		if err != nil {
			return err
		}
		if res.Fetch.Outcome == data.NewVersion {
			imp.last = res.Version.ID
		}
		report(files[i], res)
	}
	return nil
}

// importer is what an import keeps from one file to the next: the
// Comparer that diffs each version against the one before without cutting
// that one into clauses again.
type importer struct {
	cmp diff.Comparer
	// last is the version this import recorded last: read with today's
	// extraction, it need not be read again (gateAndRecord, reread).
	last int64
}

// importStep is a file read and extracted, or the error that stops the
// import.
type importStep struct {
	c   *candidate
	err error
}

// readFiles reads and extracts files in order into out, stopping after the
// first error. The files are versions of one document, so each is extracted
// and language-checked with what the previous file shared with it
// (scraper.Sequence, languageGuesser).
func (t *Tracker) readFiles(ctx context.Context, doc config.Document, files []ImportFile, rules scraper.Rules, out chan<- importStep, done <-chan struct{}) {
	defer close(out)
	r := importReader{doc: doc, rules: rules}
	for i := range files {
		c, err := t.readImport(ctx, &r, files[i])
		select {
		case out <- importStep{c, err}:
		case <-done:
			return
		}
		if err != nil {
			return
		}
	}
}

// importReader is what readImport keeps from one file to the next.
type importReader struct {
	doc   config.Document
	rules scraper.Rules
	seq   scraper.Sequence
	lang  languageGuesser
}

// readImport reads and extracts one file.
func (t *Tracker) readImport(ctx context.Context, r *importReader, f ImportFile) (*candidate, error) {
	doc := r.doc
	src := f.URL
	if src == "" {
		abs, err := filepath.Abs(f.Path)
		if err != nil {
			abs = f.Path
		}
		src = "file://" + filepath.ToSlash(abs)
	}
	obs := data.Observation{Fetch: data.Fetch{DocumentID: doc.ID, URL: src, StartedAt: f.At}, NoAlerts: true}
	body, err := f.Body, error(nil)
	if body == nil {
		body, err = os.ReadFile(f.Path)
	}
	if err != nil {
		obs.Fetch.Outcome, obs.Fetch.ErrorClass, obs.Fetch.Reason = data.Failed, reasonUnreadable, err.Error()
		if _, rerr := t.store(ctx, obs); rerr != nil {
			return nil, rerr
		}
		return nil, fmt.Errorf("tracker: import %s into %s: %w", f.Path, doc.ID, err)
	}
	obs.Fetch.FinalURL, obs.Fetch.Bytes = obs.Fetch.URL, int64(len(body))
	if len(body) == 0 {
		return &candidate{obs: obs, serr: suspect(reasonEmpty, "empty file")}, nil
	}
	obs.Snapshot = &data.Snapshot{DocumentID: doc.ID, URL: obs.Fetch.URL, FetchedAt: f.At, Body: body}
	serr := checkBody(body, scraper.DecodeFile(f.Path, body))
	var (
		d    policy.Document
		text string
	)
	if serr == nil {
		d, err = r.seq.ExtractFile(f.Path, body, r.rules)
		d, text, serr = checkExtracted(d, err)
	}
	if serr == nil {
		serr = checkErrorPage("", text)
	}
	if serr == nil {
		serr = checkText("", text)
	}
	var lang *suspectError
	if serr == nil {
		lang = checkLanguageWith(doc.Language, text, r.lang.guess)
	}
	return &candidate{obs: obs, doc: d, text: text, serr: serr, lang: lang, rules: r.rules}, nil
}
