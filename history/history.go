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

// Bundle is the archived history of some documents, oldest first per
// document.
type Bundle struct {
	docs map[string][]File
}

// Open reads the embedded bundle.
func Open() (*Bundle, error) {
	b, err := Read(bytes.NewReader(bundleGz))
	if err != nil {
		return nil, fmt.Errorf("history: open embedded bundle: %w", err)
	}
	return b, nil
}

// Read reads a bundle: a gzipped tar of manifest.tsv (document, date,
// source URL, text file per line, oldest first per document) and the
// distinct texts under texts/. Tests pass their own small bundles.
func Read(r io.Reader) (*Bundle, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, err
	}
	defer zr.Close()
	tr := tar.NewReader(zr)
	var manifest []byte
	texts := map[string][]byte{}
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
		if h.Name == "manifest.tsv" {
			manifest = b
		} else if name, ok := strings.CutPrefix(h.Name, "texts/"); ok {
			texts[name] = b
		}
	}
	if manifest == nil {
		return nil, errors.New("no manifest.tsv")
	}
	out := &Bundle{docs: map[string][]File{}}
	sc := bufio.NewScanner(bytes.NewReader(manifest))
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
		body, ok := texts[f[3]]
		if !ok {
			return nil, fmt.Errorf("manifest.tsv:%d: text %s missing", n, f[3])
		}
		list := out.docs[f[0]]
		if k := len(list); k > 0 && !list[k-1].At.Before(at) {
			return nil, fmt.Errorf("manifest.tsv:%d: %s %s is not after %s", n, f[0], f[1], list[k-1].At.Format(time.DateOnly))
		}
		out.docs[f[0]] = append(list, File{Document: f[0], At: at, URL: f[2], Name: f[1] + path.Ext(f[3]), Body: body})
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// Files returns a document's archived versions, oldest first; none when the
// bundle has no history for it.
func (b *Bundle) Files(docID string) []File { return b.docs[docID] }

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
		files := b.Files(doc.ID)
		if len(files) == 0 || slices.Contains(skip, doc.ID) {
			continue
		}
		_, err := db.LatestVersionInfo(ctx, doc.ID)
		if err == nil {
			continue
		}
		if !errors.Is(err, data.ErrNotFound) {
			return out, fmt.Errorf("history: load %s: %w", doc.ID, err)
		}
		imp := make([]tracker.ImportFile, len(files))
		for i, f := range files {
			imp[i] = tracker.ImportFile{Path: f.Name, At: f.At, Body: f.Body, URL: f.URL}
		}
		l := Loaded{Document: doc.ID}
		err = tr.Import(ctx, doc, imp, scraper.Rules{Select: doc.Select, Remove: doc.Remove}, func(tracker.ImportFile, data.Result) { l.Files++ })
		if err != nil {
			return out, fmt.Errorf("history: load %s: %w", doc.ID, err)
		}
		vs, err := db.Versions(ctx, doc.ID)
		if err != nil {
			return out, fmt.Errorf("history: load %s: %w", doc.ID, err)
		}
		l.Versions = len(vs)
		log.Info("loaded bundled history", "document", doc.ID, "files", l.Files, "versions", l.Versions)
		out = append(out, l)
	}
	return out, nil
}
