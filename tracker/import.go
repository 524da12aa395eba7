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
	"github.com/clausewatch/clausewatch/policy"
	"github.com/clausewatch/clausewatch/scraper"
)

// ImportFile is one archived copy of a document and the time it was fetched.
type ImportFile struct {
	Path string
	At   time.Time
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
// One gate works differently: a live fetch that shrank by more than half is
// suspect because the next fetch will tell; in an archive the next file is
// the next fetch, so a shrunk file is accepted when the file after it
// confirms the new size (is not shrunk itself compared with it).
func (t *Tracker) Import(ctx context.Context, doc config.Document, files []ImportFile, rules scraper.Rules, report func(ImportFile, data.Result)) error {
	// A pipeline of three goroutines: files are read and extracted ahead
	// (readFiles), then each is diffed against the file expected to be the
	// latest version when it is recorded (prepareFiles), while this one
	// gates and records them in order. The prepared diff is a hint that
	// Record checks (data.Candidate), so a wrong guess costs time, never
	// correctness; the gates run here, against the stored versions.
	//
	// lastLen only seeds that guess: without it (no version yet, or an
	// error the gates will meet again) the first file is guessed to pass.
	_, lastLen, _ := t.db.LatestLength(ctx, doc.ID)
	done := make(chan struct{})
	defer close(done)
	read := make(chan importStep, 2)
	prepared := make(chan importStep, 2)
	go t.readFiles(ctx, doc, files, rules, read, done)
	go t.prepareFiles(ctx, doc, lastLen, read, prepared, done)
	for i := range files {
		cur, ok := <-prepared
		if !ok {
			return fmt.Errorf("tracker: import into %s: pipeline ended after %d of %d files", doc.ID, i, len(files))
		}
		if cur.err != nil {
			return cur.err
		}
		f := cur.f
		obs := f.obs
		obs.Candidate = f.cand
		res, err := t.gateAndRecord(ctx, doc, obs, f.doc, f.text, f.serr, f.lang, f.confirmLen)
		if err != nil {
			return err
		}
		report(files[i], res)
	}
	return nil
}

// importStep is a file on its way through the import pipeline, or the
// error that stops it.
type importStep struct {
	f   *importFile
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
		f, err := t.readImport(ctx, &r, files[i])
		select {
		case out <- importStep{f, err}:
		case <-done:
			return
		}
		if err != nil {
			return
		}
	}
}

// prepareFiles passes the files from in to out in order, setting each
// file's confirmLen from the file after it and preparing its candidate
// against the last earlier file expected to pass the gates. It predicts the
// shrink gate from lastLen, the length of the latest stored version, and the
// lengths of the files it expects to be recorded, and knows the language
// gate's verdict from the reader. It also hashes and encodes each body
// against the one before (data.SnapshotCandidate).
func (t *Tracker) prepareFiles(ctx context.Context, doc config.Document, lastLen int, in <-chan importStep, out chan<- importStep, done <-chan struct{}) {
	defer close(out)
	var prev *data.Candidate
	var prevBody *data.SnapshotCandidate
	next, ok := <-in
	for ok {
		cur := next
		if cur.err == nil && cur.f.obs.Snapshot != nil {
			// On error, Record encodes the body itself and meets it again.
			if sc, err := t.db.NewSnapshotCandidate(cur.f.obs.Snapshot.Body, prevBody); err == nil {
				cur.f.obs.SnapshotCandidate, prevBody = sc, sc
			}
		}
		if cur.err == nil {
			next, ok = <-in
			if cur.f.serr == nil && ok && next.f != nil && next.f.serr == nil {
				cur.f.confirmLen = len(next.f.text)
			}
			if f := cur.f; f.serr == nil && f.lang == nil && checkShrink(len(f.text), lastLen, f.confirmLen) == nil {
				// Without a candidate (the language could not be read),
				// Record does the work itself and meets the error again.
				if c, err := t.db.PrepareChange(ctx, doc.ID, f.cand, prev); err == nil {
					f.cand = c
				} else {
					f.cand = nil
				}
				prev, lastLen = f.cand, len(f.text)
			}
		} else {
			ok = false
		}
		select {
		case out <- cur:
		case <-done:
			return
		}
		if cur.err != nil {
			return
		}
	}
}

// importFile is one file read and extracted, waiting to be recorded.
type importFile struct {
	obs  data.Observation
	doc  policy.Document
	text string
	serr *suspectError
	// lang is the language gate's verdict, which gateAndRecord applies
	// after serr (the reader computes it, off the recording goroutine).
	lang       *suspectError
	confirmLen int
	// cand is doc prepared for recording (data.NewCandidate, its Text is
	// text) and, for a file expected to pass the gates, with its change
	// (data.PrepareChange); nil when extraction failed.
	cand *data.Candidate
}

// importReader is what readImport keeps from one file to the next.
type importReader struct {
	doc   config.Document
	rules scraper.Rules
	seq   scraper.Sequence
	lang  languageGuesser
	// cand is the last file's candidate, whose normalized texts the next
	// one mostly shares (data.NewCandidateAfter).
	cand *data.Candidate
}

// readImport reads and extracts one file.
func (t *Tracker) readImport(ctx context.Context, r *importReader, f ImportFile) (*importFile, error) {
	doc := r.doc
	abs, err := filepath.Abs(f.Path)
	if err != nil {
		abs = f.Path
	}
	obs := data.Observation{Fetch: data.Fetch{DocumentID: doc.ID, URL: "file://" + filepath.ToSlash(abs), StartedAt: f.At}, NoAlerts: true}
	body, err := os.ReadFile(f.Path)
	if err != nil {
		obs.Fetch.Outcome, obs.Fetch.ErrorClass, obs.Fetch.Reason = data.Failed, reasonUnreadable, err.Error()
		if _, rerr := t.record(ctx, obs); rerr != nil {
			return nil, rerr
		}
		return nil, fmt.Errorf("tracker: import %s into %s: %w", f.Path, doc.ID, err)
	}
	obs.Fetch.FinalURL, obs.Fetch.Bytes = obs.Fetch.URL, int64(len(body))
	if len(body) == 0 {
		return &importFile{obs: obs, serr: suspect(reasonEmpty, "empty file")}, nil
	}
	// The preparing goroutine hashes and encodes the body (prepareFiles).
	obs.Snapshot = &data.Snapshot{DocumentID: doc.ID, URL: obs.Fetch.URL, FetchedAt: f.At, Body: body}
	d, err := r.seq.ExtractFile(f.Path, body, r.rules)
	// The candidate's canonical text is d.Canonical(), computed once for
	// the gates and for recording.
	var cand *data.Candidate
	text, serr := checkCanonical(err, func() string {
		cand = data.NewCandidateAfter(d, r.cand)
		r.cand = cand
		return cand.Text()
	})
	if serr == nil {
		serr = checkErrorPage("", text)
	}
	var lang *suspectError
	if serr == nil {
		lang = checkLanguageWith(doc.Language, text, r.lang.guess)
	}
	return &importFile{obs: obs, doc: d, text: text, serr: serr, lang: lang, cand: cand}, nil
}
