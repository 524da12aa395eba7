package tracker

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/clausewatch/clausewatch/internal/corpustest"
	"github.com/clausewatch/clausewatch/scraper"
)

// TestCorpusPassesNewGates reads every Markdown and HTML file of the shared
// corpus, as import reads it and as a live fetch labelled UTF-8 would, and
// checks that none of them is refused by the body, garbage or wall gates:
// real policies talk about cookies, accounts and consent at length, and
// the gates must still let them through.
func TestCorpusPassesNewGates(t *testing.T) {
	dir := corpustest.Dir(t)
	var files []string
	err := filepath.WalkDir(dir, func(p string, e os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if ext := filepath.Ext(p); !e.IsDir() && (ext == ".md" || ext == ".html") {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no corpus files found")
	}
	for _, p := range files {
		name, _ := filepath.Rel(dir, p)
		t.Run(name, func(t *testing.T) {
			body, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			if serr := checkBody(body, scraper.DecodeFile(p, body)); serr != nil {
				t.Fatalf("file refused: %v", serr)
			}
			d, err := scraper.ExtractFile(p, body, scraper.Rules{})
			if err != nil {
				t.Fatal(err)
			}
			_, text := d.Normalized()
			if serr := checkText("", text); serr != nil {
				t.Errorf("file refused: %v", serr)
			}
			if filepath.Ext(p) != ".html" {
				return
			}
			ct := "text/html; charset=utf-8"
			_, dec, err := scraper.DecodeHTML(body, ct)
			if err != nil {
				t.Fatal(err)
			}
			if serr := checkBody(body, dec); serr != nil {
				t.Fatalf("page refused: %v", serr)
			}
			d, err = scraper.ExtractHTML(body, ct, scraper.Rules{})
			if err != nil {
				t.Fatal(err)
			}
			_, text = d.Normalized()
			if serr := checkText(scraper.Title(body, ct), text); serr != nil {
				t.Errorf("page refused: %v", serr)
			}
		})
	}
}

// TestOPP115PassesWallGate checks the 72 website policies of the OPP-115
// sample, many of them short and about cookies, against the garbage and
// wall gates: none may read as a wall.
func TestOPP115PassesWallGate(t *testing.T) {
	f, err := os.Open(filepath.Join(corpustest.Dir(t), "opp-115", "dev.jsonl"))
	if err != nil {
		t.Skipf("no OPP-115 sample: %v", err)
	}
	defer f.Close()
	texts := map[string][]string{}
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var seg struct {
			Policy string `json:"policy"`
			Text   string `json:"text"`
		}
		if err := json.Unmarshal(sc.Bytes(), &seg); err != nil {
			t.Fatal(err)
		}
		texts[seg.Policy] = append(texts[seg.Policy], seg.Text)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	names := make([]string, 0, len(texts))
	for n := range texts {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if serr := checkText("", strings.Join(texts[n], "\n")); serr != nil {
			t.Errorf("%s refused: %v", n, serr)
		}
	}
}
