// Command gen builds history/bundle.tar.gz, the public history of the
// default documents that clausewatch embeds, from the shared corpus of Open
// Terms Archive and TOSBack versions (../shared/corpus, described by its
// MANIFEST.md). It is kept in the repository so that the bundle can be
// rebuilt when the corpus grows:
//
//	go generate ./history
//
// Only the Markdown versions are used, and only distinct texts: of a run of
// files whose canonical text is the same, the first is kept (it is when the
// text was first seen), plus the last file of a document when it repeats the
// text before it, because that later reading settles the newest change.
// Each document's first text is stored whole, and each later one as the
// line edits from the one before it (history/delta.go), because gzip alone
// cannot see what versions 200 KB long share. After writing, the bundle is
// read back with the history package and every text compared byte for
// byte with its corpus file.
// The output is deterministic (sorted entries, zero times), so regenerating
// from the same corpus changes no bytes.
package main

import (
	"archive/tar"
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/clausewatch/clausewatch/history"
	"github.com/clausewatch/clausewatch/scraper"
	"github.com/sergi/go-diff/diffmatchpatch"
)

// source is one corpus directory and the default document whose history it
// is.
type source struct {
	dir, doc string
	// skip lists files that are not this document (see the notes).
	skip map[string]string
}

// sources maps the corpus to the ids of config/default.yaml. There is no
// Spanish WhatsApp policy in the corpus, so whatsapp-privacy-policy-es has
// no bundled history. The combined whatsapp.com/legal page (terms, privacy
// policy, cookies and IP policy on one page; TOSBack 2013-2020, and its EEA
// capture of 2018-07-03) is left out: it is a different document, and
// diffing it against the stand-alone policy would show the whole of the
// terms "removed" as a change of the privacy policy.
var sources = []source{
	{dir: "whatsapp-privacy-policy-eea", doc: "whatsapp-privacy-policy-eea", skip: map[string]string{
		"2018-07-03.md": "combined legal page (terms and policy), not the stand-alone policy",
	}},
	{dir: "whatsapp-privacy-policy-global", doc: "whatsapp-privacy-policy"},
	{dir: "whatsapp-terms-of-service-eea", doc: "whatsapp-terms-of-service-eea"},
	{dir: "whatsapp-terms-of-service-global", doc: "whatsapp-terms-of-service"},
	{dir: "facebook-privacy-policy", doc: "meta-privacy-policy"},
}

func main() {
	corpus := flag.String("corpus", "../../shared/corpus", "corpus `DIR` holding MANIFEST.md")
	out := flag.String("out", "bundle.tar.gz", "bundle `FILE` to write")
	flag.Parse()
	if err := run(*corpus, *out); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

// origin is where the manifest says a corpus file was taken from.
type origin struct{ repo, commit, path string }

func run(corpus, out string) error {
	origins, err := readManifest(filepath.Join(corpus, "MANIFEST.md"))
	if err != nil {
		return err
	}
	var manifest strings.Builder
	manifest.WriteString("# document\tdate\tsource URL\ttext\n")
	texts := map[string][]byte{}  // whole texts by name
	deltas := map[string][]byte{} // base name, "\n", operations
	want := map[string][][]byte{} // document -> bodies, for the check
	for _, s := range sources {
		files, err := filepath.Glob(filepath.Join(corpus, s.dir, "*.md"))
		if err != nil {
			return err
		}
		sort.Strings(files)
		var kept []string
		var lastKept, prevHash, prevKey string
		var prevBody []byte
		for i, f := range files {
			name := filepath.Base(f)
			if _, skip := s.skip[name]; skip {
				continue
			}
			body, err := os.ReadFile(f)
			if err != nil {
				return err
			}
			h := scraper.ExtractMarkdown(body).Hash()
			repeat := h == prevHash
			prevHash = h
			if repeat && i != len(files)-1 {
				continue
			}
			o, ok := origins[s.dir+"/"+name]
			if !ok {
				return fmt.Errorf("%s/%s is not in MANIFEST.md", s.dir, name)
			}
			sum := sha256.Sum256(body)
			key := hex.EncodeToString(sum[:8]) + ".md"
			_, seen := texts[key]
			if _, ok := deltas[key]; ok {
				seen = true
			}
			switch {
			case seen:
			case prevBody == nil:
				texts[key] = body
			default:
				deltas[key] = append([]byte(prevKey+"\n"), makeDelta(prevBody, body)...)
			}
			prevBody, prevKey = body, key
			want[s.doc] = append(want[s.doc], body)
			u := "https://github.com/" + o.repo + "/blob/" + o.commit + "/" + (&url.URL{Path: o.path}).EscapedPath()
			fmt.Fprintf(&manifest, "%s\t%s\t%s\t%s\n", s.doc, strings.TrimSuffix(name, ".md"), u, key)
			kept = append(kept, name)
			lastKept = name
		}
		fmt.Fprintf(os.Stderr, "%s: %d of %d files (%s)\n", s.doc, len(kept), len(files), lastKept)
	}
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return err
	}
	tw := tar.NewWriter(zw)
	add := func(name string, b []byte) error {
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(b)), ModTime: time.Unix(0, 0).UTC(), Format: tar.FormatPAX}); err != nil {
			return err
		}
		_, err := tw.Write(b)
		return err
	}
	if err := add("manifest.tsv", []byte(manifest.String())); err != nil {
		return err
	}
	keys := make([]string, 0, len(texts))
	for k := range texts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if err := add(path.Join("texts", k), texts[k]); err != nil {
			return err
		}
	}
	keys = keys[:0]
	for k := range deltas {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if err := add(path.Join("deltas", k), deltas[k]); err != nil {
			return err
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	if err := check(buf.Bytes(), want); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "%s: %d whole texts, %d deltas, %d bytes\n", out, len(texts), len(deltas), buf.Len())
	return os.WriteFile(out, buf.Bytes(), 0o644)
}

// check reads the bundle back as clausewatch will and compares every
// document's texts with the corpus files they came from.
func check(bundle []byte, want map[string][][]byte) error {
	b, err := history.Read(func() io.Reader { return bytes.NewReader(bundle) })
	if err != nil {
		return fmt.Errorf("reading the bundle back: %w", err)
	}
	for doc, bodies := range want {
		files, err := b.Files(doc)
		if err != nil {
			return fmt.Errorf("reading the bundle back: %w", err)
		}
		if len(files) != len(bodies) {
			return fmt.Errorf("%s: %d files read back, want %d", doc, len(files), len(bodies))
		}
		for i, f := range files {
			if !bytes.Equal(f.Body, bodies[i]) {
				return fmt.Errorf("%s %s: text read back differs from the corpus file", doc, f.Name)
			}
		}
	}
	return nil
}

// makeDelta writes the word edits that turn base into text (see
// history/delta.go for the format). Each distinct word becomes one rune so
// that diffmatchpatch diffs words as it diffs characters; should a corpus
// ever hold more distinct words than runes below the surrogates, it falls
// back to lines, which the same format carries as words ending in "\n".
func makeDelta(base, text []byte) []byte {
	words := map[string]rune{}
	var list []string
	toRunes := func(ws [][]byte) []rune {
		out := make([]rune, len(ws))
		for i, w := range ws {
			r, ok := words[string(w)]
			if !ok {
				r = rune(len(list) + 1)
				words[string(w)] = r
				list = append(list, string(w))
			}
			out[i] = r
		}
		return out
	}
	a, b := toRunes(history.SplitWords(base)), toRunes(history.SplitWords(text))
	if len(list) >= 0xD000 {
		panic("too many distinct words for a rune each")
	}
	dmp := diffmatchpatch.New()
	dmp.DiffTimeout = 0
	var out bytes.Buffer
	for _, d := range dmp.DiffMainRunes(a, b, false) {
		n := len([]rune(d.Text))
		if n == 0 {
			continue
		}
		switch d.Type {
		case diffmatchpatch.DiffEqual:
			fmt.Fprintf(&out, "=%d\n", n)
		case diffmatchpatch.DiffDelete:
			fmt.Fprintf(&out, "-%d\n", n)
		case diffmatchpatch.DiffInsert:
			fmt.Fprintf(&out, "+%d\n", n)
			for _, r := range d.Text {
				out.WriteString(list[r-1])
			}
		}
	}
	return out.Bytes()
}

// readManifest reads the tables of MANIFEST.md: under each "## dir/"
// heading, rows of | file | source repo | commit | path in repo | ...
func readManifest(p string) (map[string]origin, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out := map[string]origin{}
	dir := ""
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if d, ok := strings.CutPrefix(line, "## "); ok {
			dir = strings.TrimSuffix(strings.TrimSpace(d), "/")
			continue
		}
		if dir == "" || !strings.HasPrefix(line, "| ") {
			continue
		}
		cells := strings.Split(line, "|")
		if len(cells) < 6 {
			continue
		}
		file := strings.TrimSpace(cells[1])
		repo, commit := strings.TrimSpace(cells[2]), strings.TrimSpace(cells[3])
		p := strings.Trim(strings.TrimSpace(cells[4]), "`")
		if len(commit) != 40 || !strings.Contains(repo, "/") {
			continue
		}
		out[dir+"/"+file] = origin{repo: repo, commit: commit, path: p}
	}
	return out, sc.Err()
}
