package tracker

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
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
	// Path is where the file is read from (unless Read is set) and what
	// messages to the operator name. Its extension says how to read the
	// body (.html, .md, else sniffed). It is never stored as the source
	// nor shown on a page: a local path tells a reader nothing.
	Path string
	At   time.Time
	// Name is the file's path inside its archive, slash-separated (for an
	// Open Terms Archive dataset "WhatsApp/Privacy Policy/2021-01-04T10-20-30Z.md"):
	// what {path} stands for in Source.ArchiveURL. "" means the base name
	// of Path.
	Name string
	// MaxSize is the size above which the file is refused before it is
	// read (0: scraper.DefaultMaxFileSize), so that a huge file or a
	// device cannot fill memory.
	MaxSize int64
	// Read, when set, returns the file's bytes instead of reading Path
	// from disk: an entry of a .zip file, or a file of an embedded file
	// system.
	Read func() ([]byte, error)
	// Source is where the copy came from, stored with its snapshot.
	Source ImportSource
}

// ImportSource is the provenance of an imported copy: the page it is a
// copy of and the archive that fetched it. Pages and the API cite an
// imported version by these, so a reader can find the original and credit
// the archive. Callers that import programmatically (a bundled history)
// set it on each ImportFile as the import command does.
type ImportSource struct {
	// URL is the page the archive fetched; "" means the document's
	// configured URL.
	URL string
	// Archive names who fetched the copy, e.g. "Open Terms Archive"; ""
	// when unknown.
	Archive string
	// ArchiveURL links to the copy in the archive. It may be a template:
	// {file} is replaced by the file's name and {path} by its path inside
	// the archive (ImportFile.Name), each segment URL-escaped.
	ArchiveURL string
	// License is the licence the archive publishes the copy under, e.g.
	// "ODC-By 1.0"; "" when unknown.
	License string
}

// check refuses a source or archive link that is not a web address: it
// is shown as the page a reader can look up, and a local path or file://
// URL would tell the reader nothing and expose the operator's disk.
func (s ImportSource) check() error {
	for _, u := range []struct{ what, v string }{{"source URL", s.URL}, {"archive link", ExpandArchiveURL(s.ArchiveURL, "f")}} {
		if u.v == "" {
			continue
		}
		p, err := url.Parse(u.v)
		if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
			return fmt.Errorf("%s %q is not an http or https address", u.what, u.v)
		}
	}
	return nil
}

// Open Terms Archive's defaults: its datasets are published under the Open
// Data Commons Attribution License, crediting "Open Terms Archive".
const (
	OTAArchive = "Open Terms Archive"
	OTALicense = "ODC-By 1.0"
)

// provenance is the snapshot provenance of f, with its archive link
// expanded.
func (f ImportFile) provenance() data.Provenance {
	return data.Provenance{
		Imported:       true,
		Archive:        f.Source.Archive,
		ArchiveURL:     ExpandArchiveURL(f.Source.ArchiveURL, f.name()),
		ArchiveLicense: f.Source.License,
	}
}

// name is the file's path inside its archive.
func (f ImportFile) name() string {
	if f.Name != "" {
		return f.Name
	}
	return filepath.Base(f.Path)
}

// ExpandArchiveURL replaces {file} in tmpl by the last segment of name and
// {path} by all of name (a slash-separated path), each segment escaped as
// a URL path segment ("Privacy Policy" becomes "Privacy%20Policy").
func ExpandArchiveURL(tmpl, name string) string {
	if !strings.Contains(tmpl, "{") {
		return tmpl
	}
	segs := strings.Split(name, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return strings.NewReplacer("{file}", segs[len(segs)-1], "{path}", strings.Join(segs, "/")).Replace(tmpl)
}

// read returns the file's bytes.
func (f ImportFile) read() ([]byte, error) {
	if f.Read != nil {
		return f.Read()
	}
	return scraper.ReadFile(f.Path, f.MaxSize)
}

// fileTime matches the timestamps import accepts at the start of a file name:
// 2021-01-04, 2021-01-04T10-20-30Z and 2021-01-04T10-20-30+00-00 (colons
// replaced by dashes, as archives that must also live on Windows write
// them), the same with colons (2021-01-04T10:20:30Z), and either with
// fractions of a second (2021-01-04T10-20-30.123Z).
var fileTime = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^(\d{4}-\d{2}-\d{2})(?:T(\d{2})([-:])(\d{2})[-:](\d{2})(\.\d{1,9})?(Z|[+-]\d{2}[-:]?\d{2}))?`)
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
	SortImportFiles(files)
	return files, nil
}

// SortImportFiles orders files oldest first, as Import wants them; files
// of the same time keep their order.
func SortImportFiles(files []ImportFile) {
	sort.SliceStable(files, func(i, j int) bool { return files[i].At.Before(files[j].At) })
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
	zone := m[7]
	if zone != "Z" {
		zone = zone[:3] + ":" + zone[len(zone)-2:]
	}
	s := fmt.Sprintf("%sT%s:%s:%s%s%s", m[1], m[2], m[4], m[5], m[6], zone)
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("bad time %q in file name: %w", s, err)
	}
	return t.UTC(), nil
}

// AlreadyImported is the outcome Import reports, without storing anything,
// for a file dated at or before the latest stored version whose text a
// fetch at the same time already read (same sha256): a file an earlier
// import of the same files recorded. Skipping it makes an import
// idempotent, so that running the same command again after a crash or a
// full disk finishes the job.
const AlreadyImported data.Outcome = "already-imported"

// Import records files, oldest first, as the document fetched at each
// file's time, through the same gates as a live fetch, calling report after
// each. An unreadable file is recorded as a failed fetch and stops the import,
// so that later files are not recorded around the gap. A file dated at or
// before the latest stored version is skipped when already recorded
// (AlreadyImported) and otherwise stops the import with ErrOutOfOrder.
//
// The size gates are confirmed differently: a live fetch that shrank by
// more than half or grew more than 2.5 times is held back until the same
// text has been read on consecutive fetches, because the next fetch will
// tell; in an archive the next file is the next fetch, so a held file is
// also accepted when the file after it confirms the new size (passes the
// size gates measured against it).
func (t *Tracker) Import(ctx context.Context, doc config.Document, files []ImportFile, rules scraper.Rules, report func(ImportFile, data.Result)) error {
	for _, f := range files {
		if err := f.Source.check(); err != nil {
			return fmt.Errorf("tracker: import %s into %s: %w", f.Path, doc.ID, err)
		}
	}
	// Files are read and extracted on another goroutine, one ahead of the
	// one being compared and recorded here.
	done := make(chan struct{})
	defer close(done)
	read := make(chan importStep, 2)
	go t.readFiles(ctx, doc, files, rules, read, done)
	imp := &importer{}
	prior, err := t.importedBefore(ctx, doc.ID)
	if err != nil {
		return err
	}
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
		if res, skip, err := prior.skip(files[i], cur.c); err != nil {
			return err
		} else if skip {
			report(files[i], res)
			continue
		}
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

// recorded is what the database held before an import began: the time of
// its latest version, and the fetches at or before it that read a text,
// by time and text hash.
type recorded struct {
	head    time.Time // zero when the document has no version
	version int64
	fetches map[recordedKey]data.Fetch
}

type recordedKey struct {
	at  int64 // Unix nanoseconds
	sha string
}

// importedBefore reads what an import of docID must not record again.
func (t *Tracker) importedBefore(ctx context.Context, docID string) (*recorded, error) {
	r := &recorded{fetches: map[recordedKey]data.Fetch{}}
	head, err := t.db.LatestVersionInfo(ctx, docID)
	if errors.Is(err, data.ErrNotFound) {
		return r, nil
	}
	if err != nil {
		return nil, fmt.Errorf("tracker: import into %s: %w", docID, err)
	}
	r.head, r.version = head.FetchedAt, head.ID
	fetches, err := t.db.Fetches(ctx, docID, 0)
	if err != nil {
		return nil, fmt.Errorf("tracker: import into %s: %w", docID, err)
	}
	for _, f := range fetches {
		if !f.StartedAt.After(r.head) {
			k := recordedKey{f.StartedAt.UnixNano(), f.TextSHA256}
			if _, ok := r.fetches[k]; !ok || f.Outcome != data.Failed {
				r.fetches[k] = f
			}
		}
	}
	return r, nil
}

// skip says whether file f, read as c, was recorded before this import
// began, with the result to report for it; a file dated before the latest
// version and not recorded is an error naming it.
func (r *recorded) skip(f ImportFile, c *candidate) (data.Result, bool, error) {
	if r.head.IsZero() || f.At.After(r.head) {
		return data.Result{}, false, nil
	}
	sha := ""
	if c.text != "" {
		sha = policy.HashText(c.text)
	}
	if prev, ok := r.fetches[recordedKey{f.At.UnixNano(), sha}]; ok {
		reason := fmt.Sprintf("recorded before as fetch %d (%s", prev.ID, prev.Outcome)
		if prev.VersionID != 0 {
			reason += fmt.Sprintf(", version %d", prev.VersionID)
		}
		fetch := c.obs.Fetch
		fetch.ID, fetch.Outcome, fetch.Reason, fetch.VersionID, fetch.TextSHA256 = prev.ID, AlreadyImported, reason+"); skipped", prev.VersionID, sha
		return data.Result{Fetch: fetch}, true, nil
	}
	if f.At.Equal(r.head) {
		return data.Result{}, false, nil // the gates decide, as for any fetch at the head's time
	}
	return data.Result{}, false, fmt.Errorf("tracker: import %s into %s: the file is dated %s, before the latest stored version %d (fetched %s), and no fetch at its time read its text; "+
		"import files oldest first, after the stored history (backfilling before it is not supported yet): %w",
		f.Path, c.obs.Fetch.DocumentID, f.At.Format(time.RFC3339), r.version, r.head.Format(time.RFC3339), ErrOutOfOrder)
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
	// The fetch and its snapshot are the page the archive fetched: the
	// local path is the operator's business, named in messages only.
	src := f.Source.URL
	if src == "" {
		src = doc.URL
	}
	obs := data.Observation{Fetch: data.Fetch{DocumentID: doc.ID, URL: src, FinalURL: src, StartedAt: f.At}, NoAlerts: true}
	body, err := f.read()
	if err != nil {
		obs.Fetch.Outcome, obs.Fetch.ErrorClass, obs.Fetch.Reason = data.Failed, reasonUnreadable, unreadableReason(f, err)
		if _, rerr := t.store(ctx, obs); rerr != nil {
			return nil, rerr
		}
		return nil, fmt.Errorf("tracker: import into %s: %w", doc.ID, err)
	}
	obs.Fetch.Bytes = int64(len(body))
	if len(body) == 0 {
		return &candidate{obs: obs, serr: suspect(reasonEmpty, "empty file %s", f.name())}, nil
	}
	obs.Snapshot = &data.Snapshot{DocumentID: doc.ID, URL: src, ContentType: importContentType(f.Path), FetchedAt: f.At, Body: body, Provenance: f.provenance()}
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

// unreadableReason says why a file could not be read without its local
// path: the reason is kept in the fetch log, which pages show.
func unreadableReason(f ImportFile, err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return fmt.Sprintf("cannot read %s: %v", f.name(), err)
}

// importContentType is the content type an imported file's extension
// says, "" when it says none. It is stored with the snapshot so that a
// later re-extraction (reread) reads the body as the import did, without
// the file's name.
func importContentType(name string) string {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".md", ".markdown":
		return "text/markdown"
	case ".html", ".htm", ".xhtml":
		return "text/html"
	case ".txt":
		return "text/plain"
	}
	return ""
}

// importedName is a file name whose extension makes scraper.ExtractFile
// read an imported body as importContentType said it was.
func importedName(contentType string) string {
	switch strings.TrimSpace(strings.Split(contentType, ";")[0]) {
	case "text/markdown":
		return "snapshot.md"
	case "text/html":
		return "snapshot.html"
	case "text/plain":
		return "snapshot.txt"
	}
	return "snapshot"
}
