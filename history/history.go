// Package history holds the public history of clausewatch's default
// documents, embedded in the binary, and loads it into a new database.
//
// A new installation would otherwise show nothing until its first fetch,
// and then only today's text: no timeline, no change to read. The bundle
// gives WhatsApp's privacy policy and terms and Meta's privacy policy the
// versions that Open Terms Archive and TOSBack recorded over the years
// (ODC-By 1.0: every page that shows them credits both). It is loaded
// through tracker.Import, so it passes the same gates as a live fetch and,
// like every import, alerts nobody.
//
// The bundle is generated from the shared corpus by ./gen (go generate);
// the package depends on tracker, config and data and nothing depends on
// it but cmd.
package history

import (
	"archive/tar"
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/clausewatch/clausewatch/config"
	"github.com/clausewatch/clausewatch/data"
	"github.com/clausewatch/clausewatch/scraper"
	"github.com/clausewatch/clausewatch/tracker"
)

//go:generate go run ./gen -corpus ../../shared/corpus -out bundle.tar.gz

//go:embed bundle.tar.gz
var bundleGz []byte

// Size is the size in bytes of the embedded, compressed bundle.
func Size() int { return len(bundleGz) }

// File is one archived version of a document.
type File struct {
	Document string
	At       time.Time // when the archive recorded it
	URL      string    // the archive's address of this version, for citation
	Name     string    // date.md: the extension tells Import it is Markdown
	Body     []byte
}

// read returns the file's bytes, held in memory, for tracker.Import.
func (f File) read() ([]byte, error) { return f.Body, nil }

// source is the file's provenance as pages cite it: a copy of the
// document's page (its configured URL), fetched by the archive whose
// repository URL names, published under ODC-By 1.0 (both archives'
// licence), with URL as the link to the copy.
func (f File) source() tracker.ImportSource {
	archive := tracker.OTAArchive
	if strings.HasPrefix(f.URL, "https://github.com/tosdr/") || strings.HasPrefix(f.URL, "https://github.com/dkg/tosback") {
		archive = "TOSBack (EFF/ToS;DR)"
	}
	return tracker.ImportSource{Archive: archive, ArchiveURL: f.URL, License: tracker.OTALicense}
}

// Bundle is the archived history of some documents, oldest first per
// document. Its manifest, the first entry of the archive, is read at once;
// the texts only when a document's files are asked for, so that a start
// whose documents all have versions decompresses a few kilobytes, not the
// whole bundle.
type Bundle struct {
	docs  map[string][]entry
	texts func() (map[string][]byte, error)
}

// entry is a manifest line: a version of a document and the name of its
// text under texts/.
type entry struct {
	at        time.Time
	url, text string
}

// Open reads the embedded bundle's manifest.
func Open() (*Bundle, error) {
	b, err := Read(func() io.Reader { return bytes.NewReader(bundleGz) })
	if err != nil {
		return nil, fmt.Errorf("history: open embedded bundle: %w", err)
	}
	return b, nil
}

// Read reads a bundle: a gzipped tar of manifest.tsv (document, date,
// source URL, text file per line, oldest first per document), first, then
// the distinct texts under texts/. open is called once for the manifest and
// once more if texts are needed. Tests pass their own small bundles.
func Read(open func() io.Reader) (*Bundle, error) {
	zr, err := gzip.NewReader(open())
	if err != nil {
		return nil, err
	}
	defer zr.Close()
	h, err := tar.NewReader(zr).Next()
	if err != nil || h.Name != "manifest.tsv" {
		return nil, fmt.Errorf("manifest.tsv is not the first entry (%v)", err)
	}
	out := &Bundle{docs: map[string][]entry{}, texts: sync.OnceValues(func() (map[string][]byte, error) { return readTexts(open()) })}
	sc := bufio.NewScanner(io.LimitReader(zr, h.Size))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 4 {
			return nil, fmt.Errorf("manifest.tsv:%d: want 4 tab-separated fields, got %d", n, len(f))
		}
		at, err := time.Parse(time.DateOnly, f[1])
		if err != nil {
			return nil, fmt.Errorf("manifest.tsv:%d: %w", n, err)
		}
		list := out.docs[f[0]]
		if k := len(list); k > 0 && !list[k-1].at.Before(at) {
			return nil, fmt.Errorf("manifest.tsv:%d: %s %s is not after %s", n, f[0], f[1], list[k-1].at.Format(time.DateOnly))
		}
		out.docs[f[0]] = append(list, entry{at: at, url: f[2], text: f[3]})
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// readTexts reads every text of a bundle, by name: those stored whole
// under texts/, and those stored as a delta (see applyDelta) under
// deltas/, whose first line names their base.
func readTexts(r io.Reader) (map[string][]byte, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, err
	}
	defer zr.Close()
	tr := tar.NewReader(zr)
	texts := map[string][]byte{}
	type delta struct {
		base string
		ops  []byte
	}
	deltas := map[string]delta{}
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			return nil, err
		}
		if name, ok := strings.CutPrefix(h.Name, "texts/"); ok {
			texts[name] = b
		} else if name, ok := strings.CutPrefix(h.Name, "deltas/"); ok {
			base, ops, _ := bytes.Cut(b, []byte("\n"))
			deltas[name] = delta{base: string(base), ops: ops}
		}
	}
	// A delta's base may itself be a delta: resolve chains from their
	// whole text, each link once.
	var resolve func(name string, depth int) ([]byte, error)
	resolve = func(name string, depth int) ([]byte, error) {
		if t, ok := texts[name]; ok {
			return t, nil
		}
		d, ok := deltas[name]
		if !ok || depth > len(deltas) {
			return nil, fmt.Errorf("text %s: missing, or its deltas go round in a circle", name)
		}
		base, err := resolve(d.base, depth+1)
		if err != nil {
			return nil, err
		}
		t, err := applyDelta(base, d.ops)
		if err != nil {
			return nil, fmt.Errorf("text %s: %w", name, err)
		}
		texts[name] = t
		return t, nil
	}
	for name := range deltas {
		if _, err := resolve(name, 0); err != nil {
			return nil, err
		}
	}
	return texts, nil
}

// Has says whether the bundle holds history for a document.
func (b *Bundle) Has(docID string) bool { return len(b.docs[docID]) > 0 }

// Files returns a document's archived versions, oldest first; none when the
// bundle has no history for it.
func (b *Bundle) Files(docID string) ([]File, error) {
	list := b.docs[docID]
	if len(list) == 0 {
		return nil, nil
	}
	texts, err := b.texts()
	if err != nil {
		return nil, fmt.Errorf("history: read texts: %w", err)
	}
	out := make([]File, 0, len(list))
	for _, e := range list {
		body, ok := texts[e.text]
		if !ok {
			return nil, fmt.Errorf("history: %s %s: text %s missing from the bundle", docID, e.at.Format(time.DateOnly), e.text)
		}
		out = append(out, File{Document: docID, At: e.at, URL: e.url, Name: e.at.Format(time.DateOnly) + path.Ext(e.text), Body: body})
	}
	return out, nil
}

// Loaded is what Load did for one document.
type Loaded struct {
	Document string
	Files    int // files imported; 0 when the document already had versions
	Versions int // versions the document has afterwards
}

// Load imports the bundled history of each configured document that has
// none of its own yet, oldest first, through tr.Import (the gates of a live
// fetch, no alerts), except the documents named in skip (`import` records
// the operator's own files into its document instead). A document that
// already has a version is left alone, so loading again, or after the first
// fetch, adds nothing: that is what makes it safe to call on every start.
// It does nothing when cfg.History is false (`history: false`, or the
// --history=false flag).
func Load(ctx context.Context, b *Bundle, tr *tracker.Tracker, db *data.DB, cfg *config.Config, log *slog.Logger, skip ...string) ([]Loaded, error) {
	if !cfg.History {
		return nil, nil
	}
	var out []Loaded
	for _, doc := range cfg.Documents {
		if !b.Has(doc.ID) || slices.Contains(skip, doc.ID) {
			continue
		}
		_, err := db.LatestVersionInfo(ctx, doc.ID)
		if err == nil {
			continue
		}
		if !errors.Is(err, data.ErrNotFound) {
			return out, err
		}
		files, err := b.Files(doc.ID)
		if err != nil {
			return out, err
		}
		imp := make([]tracker.ImportFile, len(files))
		for i, f := range files {
			imp[i] = tracker.ImportFile{Path: f.Name, At: f.At, Read: f.read, Source: f.source()}
		}
		l := Loaded{Document: doc.ID}
		err = tr.Import(ctx, doc, imp, scraper.Rules{Select: doc.Select, Remove: doc.Remove}, func(tracker.ImportFile, data.Result) { l.Files++ })
		if errors.Is(err, tracker.ErrOutOfOrder) {
			// Another process (serve and a check from cron, started
			// together on a new database) is loading this document.
			log.Info("bundled history already being loaded by another process", "document", doc.ID)
			continue
		}
		if err != nil {
			return out, err
		}
		vs, err := db.Versions(ctx, doc.ID)
		if err != nil {
			return out, err
		}
		l.Versions = len(vs)
		log.Info("loaded bundled history", "document", doc.ID, "files", l.Files, "versions", l.Versions)
		out = append(out, l)
	}
	return out, nil
}
