package tracker

import (
	"archive/zip"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/clausewatch/clausewatch/config"
	"github.com/clausewatch/clausewatch/data"
	"github.com/clausewatch/clausewatch/scraper"
)

func TestFileNameTime(t *testing.T) {
	tests := []struct {
		name string
		file string
		want time.Time
		ok   bool
	}{
		{"date only", "2021-01-04.md", time.Date(2021, 1, 4, 0, 0, 0, 0, time.UTC), true},
		{"dashes, Z", "2021-01-04T10-20-30Z.md", time.Date(2021, 1, 4, 10, 20, 30, 0, time.UTC), true},
		{"colons, Z (Open Terms Archive)", "2021-01-04T10:20:30Z.md", time.Date(2021, 1, 4, 10, 20, 30, 0, time.UTC), true},
		{"fraction of a second", "2021-01-04T10-20-30.250Z.md", time.Date(2021, 1, 4, 10, 20, 30, 250e6, time.UTC), true},
		{"offset with dash", "2021-01-04T10-20-30+02-00.html", time.Date(2021, 1, 4, 8, 20, 30, 0, time.UTC), true},
		{"offset with colon", "2021-01-04T10:20:30-01:30.html", time.Date(2021, 1, 4, 11, 50, 30, 0, time.UTC), true},
		{"no time", "policy.md", time.Time{}, false},
		{"impossible date", "2021-13-40.md", time.Time{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := fileNameTime(tt.file)
			if (err == nil) != tt.ok {
				t.Fatalf("fileNameTime(%q) error %v, want ok %v", tt.file, err, tt.ok)
			}
			if tt.ok && !got.Equal(tt.want) {
				t.Errorf("fileNameTime(%q) = %v, want %v", tt.file, got, tt.want)
			}
		})
	}
}

func TestExpandArchiveURL(t *testing.T) {
	tests := []struct {
		name, tmpl, file, want string
	}{
		{"no placeholder", "https://example.org/archive", "WhatsApp/Privacy Policy/2021.md", "https://example.org/archive"},
		{"file", "https://example.org/x/{file}", "WhatsApp/Privacy Policy/2021-01-04T10:20:30Z.md", "https://example.org/x/2021-01-04T10:20:30Z.md"},
		{"path, spaces escaped", "https://github.com/OpenTermsArchive/contrib-versions/blob/main/{path}", "WhatsApp/Privacy Policy/2021-01-04.md",
			"https://github.com/OpenTermsArchive/contrib-versions/blob/main/WhatsApp/Privacy%20Policy/2021-01-04.md"},
		{"file with a space", "https://example.org/{file}", "a b.md", "https://example.org/a%20b.md"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ExpandArchiveURL(tt.tmpl, tt.file); got != tt.want {
				t.Errorf("ExpandArchiveURL(%q, %q) = %q, want %q", tt.tmpl, tt.file, got, tt.want)
			}
		})
	}
}

// otaFiles is a small Open Terms Archive dataset: two terms of one service
// under the dataset's top folder, with the files that are not versions.
var otaFiles = map[string]string{
	"dataset/README.md": "# Dataset\n",
	"dataset/LICENSE":   "ODC-By\n",
	"dataset/WhatsApp/Privacy Policy/2021-01-04T10-20-30Z.md":   "# Policy\n\nOne.\n",
	"dataset/WhatsApp/Privacy Policy/2020-12-01T08:00:00Z.md":   "# Policy\n\nZero.\n",
	"dataset/WhatsApp/Terms of Service/2021-02-01T00-00-00Z.md": "# Terms\n\nOne.\n",
}

// writeDataset writes files into a folder and a .zip file of the same
// content and returns both paths.
func writeDataset(t *testing.T, files map[string]string) (dir, zipPath string) {
	t.Helper()
	root := t.TempDir()
	dir = filepath.Join(root, "folder")
	zipPath = filepath.Join(root, "dataset.zip")
	zf, err := os.Create(zipPath)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(zf)
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := zf.Close(); err != nil {
		t.Fatal(err)
	}
	return dir, zipPath
}

func TestOpenDataset(t *testing.T) {
	dir, zipPath := writeDataset(t, otaFiles)
	tests := []struct {
		name string
		path string
		// want maps each service and terms type to its file names, oldest first.
		want map[string][]string
	}{
		{"folder", filepath.Join(dir, "dataset"), map[string][]string{
			"WhatsApp/Privacy Policy":   {"WhatsApp/Privacy Policy/2020-12-01T08:00:00Z.md", "WhatsApp/Privacy Policy/2021-01-04T10-20-30Z.md"},
			"WhatsApp/Terms of Service": {"WhatsApp/Terms of Service/2021-02-01T00-00-00Z.md"},
		}},
		{"one terms type's folder", filepath.Join(dir, "dataset", "WhatsApp", "Terms of Service"), map[string][]string{
			"WhatsApp/Terms of Service": {"WhatsApp/Terms of Service/2021-02-01T00-00-00Z.md"},
		}},
		{"zip", zipPath, map[string][]string{
			"WhatsApp/Privacy Policy":   {"WhatsApp/Privacy Policy/2020-12-01T08:00:00Z.md", "WhatsApp/Privacy Policy/2021-01-04T10-20-30Z.md"},
			"WhatsApp/Terms of Service": {"WhatsApp/Terms of Service/2021-02-01T00-00-00Z.md"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ds, err := OpenDataset(tt.path)
			if err != nil {
				t.Fatal(err)
			}
			defer ds.Close()
			got := map[string][]string{}
			for k, files := range ds.Files {
				for _, f := range files {
					got[k] = append(got[k], f.Name)
					body, err := f.read()
					if err != nil {
						t.Fatalf("read %s: %v", f.Path, err)
					}
					if want := otaFiles["dataset/"+f.Name]; string(body) != want {
						t.Errorf("%s reads %q, want %q", f.Name, body, want)
					}
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("files = %v, want %v", got, tt.want)
			}
			if terms := ds.Terms(); !slices.IsSorted(terms) || len(terms) != len(tt.want) {
				t.Errorf("Terms() = %v", terms)
			}
		})
	}
	if _, err := OpenDataset(filepath.Join(dir, "dataset", "README.md")); err == nil {
		t.Error("a Markdown file opened as a dataset")
	}
}

// TestImportProvenance imports archived copies and checks that their
// snapshots and fetches cite the original page and the archive, never the
// local file, with or without a source URL given, and that a file that
// cannot be read is logged without its local path.
func TestImportProvenance(t *testing.T) {
	body := func(n int) string {
		var b strings.Builder
		b.WriteString("# Privacy Policy\n\n")
		for i := range 30 {
			fmt.Fprintf(&b, "Paragraph %d: we share information with the Meta Companies to operate our Services (%d).\n\n", i, n)
		}
		return b.String()
	}
	tests := []struct {
		name    string
		source  ImportSource
		wantURL string
		want    data.Provenance
	}{
		{"archive with a link template", ImportSource{Archive: OTAArchive, License: OTALicense, ArchiveURL: "https://example.org/blob/{path}"},
			"https://example.org/policy", data.Provenance{Imported: true, Archive: OTAArchive, ArchiveLicense: OTALicense}},
		{"source URL given", ImportSource{URL: "https://example.org/policy?lang=en", Archive: "TOSBack"},
			"https://example.org/policy?lang=en", data.Provenance{Imported: true, Archive: "TOSBack"}},
		{"nothing known", ImportSource{}, "https://example.org/policy", data.Provenance{Imported: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := datedFiles(t, ".md", []string{body(1), body(2)})
			dir := filepath.Dir(files[0].Path)
			for i := range files {
				files[i].Source = tt.source
			}
			files[1].Name = "WhatsApp/Privacy Policy/" + filepath.Base(files[1].Path)
			tr, db, _ := newTracker(t, nil)
			doc := config.Document{ID: "policy", URL: "https://example.org/policy", Language: "en"}
			syncDoc(t, db, doc)
			ctx := context.Background()
			var snaps []int64
			err := tr.Import(ctx, doc, files, scraper.Rules{}, func(f ImportFile, r data.Result) {
				if r.Fetch.Outcome != data.NewVersion {
					t.Errorf("%s: %s (%s)", f.Path, r.Fetch.Outcome, r.Fetch.Reason)
				}
				snaps = append(snaps, r.Fetch.SnapshotID)
			})
			if err != nil {
				t.Fatal(err)
			}
			for i, id := range snaps {
				s, err := db.SnapshotInfo(ctx, id)
				if err != nil {
					t.Fatal(err)
				}
				want := tt.want
				if tt.source.ArchiveURL != "" {
					want.ArchiveURL = ExpandArchiveURL(tt.source.ArchiveURL, files[i].name())
				}
				if s.URL != tt.wantURL || s.Provenance != want || s.Status != 0 || s.ContentType != "text/markdown" {
					t.Errorf("snapshot %d: url %q, %+v, status %d, type %q; want %q, %+v", id, s.URL, s.Provenance, s.Status, s.ContentType, tt.wantURL, want)
				}
			}
			if tt.source.ArchiveURL != "" {
				s, _ := db.SnapshotInfo(ctx, snaps[1])
				if want := "https://example.org/blob/WhatsApp/Privacy%20Policy/2021-01-02.md"; s.ArchiveURL != want {
					t.Errorf("archive link %q, want %q", s.ArchiveURL, want)
				}
			}
			versions, err := db.Versions(ctx, doc.ID)
			if err != nil || len(versions) != 2 || versions[1].Source.URL != tt.wantURL || !versions[1].Source.Imported {
				t.Errorf("versions = %+v, %v; want 2 citing %s", versions, err, tt.wantURL)
			}
			fetches, err := db.Fetches(ctx, doc.ID, 0)
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range fetches {
				if strings.Contains(f.URL+f.FinalURL+f.Reason, dir) {
					t.Errorf("fetch %d names the local folder: %+v", f.ID, f)
				}
			}
		})
	}
}

func TestImportRefusesLocalSources(t *testing.T) {
	tests := []struct {
		name   string
		source ImportSource
	}{
		{"file URL as source", ImportSource{URL: "file:///home/op/2021-01-04.md"}},
		{"path as source", ImportSource{URL: "/home/op/2021-01-04.md"}},
		{"path as archive link", ImportSource{ArchiveURL: "/srv/archive/{path}"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := datedFiles(t, ".md", []string{"# Policy\n\nWe share.\n"})
			files[0].Source = tt.source
			tr, db, _ := newTracker(t, nil)
			doc := config.Document{ID: "policy", URL: "https://example.org/policy", Language: "en"}
			syncDoc(t, db, doc)
			err := tr.Import(context.Background(), doc, files, scraper.Rules{}, func(ImportFile, data.Result) {})
			if err == nil || !strings.Contains(err.Error(), "http or https") {
				t.Errorf("Import = %v, want a refusal", err)
			}
			if fs, _ := db.Fetches(context.Background(), doc.ID, 0); len(fs) != 0 {
				t.Errorf("%d fetches stored", len(fs))
			}
		})
	}
}

func TestImportUnreadableKeepsPathOut(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "2021-01-04.md")
	tr, db, _ := newTracker(t, nil)
	doc := config.Document{ID: "policy", URL: "https://example.org/policy", Language: "en"}
	syncDoc(t, db, doc)
	ctx := context.Background()
	err := tr.Import(ctx, doc, []ImportFile{{Path: missing, At: time.Date(2021, 1, 4, 0, 0, 0, 0, time.UTC)}}, scraper.Rules{}, func(ImportFile, data.Result) {})
	if err == nil || !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), missing) {
		t.Errorf("error %v, want one naming %s for the operator", err, missing)
	}
	fetches, err := db.Fetches(ctx, doc.ID, 0)
	if err != nil || len(fetches) != 1 {
		t.Fatalf("fetches %+v, %v", fetches, err)
	}
	f := fetches[0]
	if f.Outcome != data.Failed || f.URL != doc.URL || strings.Contains(f.Reason, dir) || !strings.Contains(f.Reason, "2021-01-04.md") {
		t.Errorf("fetch %+v: want failed, %s, a reason naming the file but not its folder", f, doc.URL)
	}
}

// TestRereadImported imports two Markdown copies in separate runs: the
// second compares against the first as re-read from its snapshot, which
// must be read as Markdown (its content type), since no file name is
// stored, or every clause would differ.
func TestRereadImported(t *testing.T) {
	body := func(edit string) string {
		var b strings.Builder
		b.WriteString("# Privacy Policy\n\n## Sharing\n\n")
		for i := range 20 {
			fmt.Fprintf(&b, "- Item %d: we share information with the Meta Companies to operate our Services.%s\n", i, edit)
			edit = ""
		}
		return b.String()
	}
	files := datedFiles(t, ".md", []string{body(""), body(" And advertisers.")})
	tr, db, _ := newTracker(t, nil)
	doc := config.Document{ID: "policy", URL: "https://example.org/policy", Language: "en"}
	syncDoc(t, db, doc)
	ctx := context.Background()
	var last data.Result
	for _, f := range files {
		if err := tr.Import(ctx, doc, []ImportFile{f}, scraper.Rules{}, func(_ ImportFile, r data.Result) { last = r }); err != nil {
			t.Fatal(err)
		}
	}
	c := last.Change
	if c == nil {
		t.Fatalf("no change recorded: %+v", last.Fetch)
	}
	if s := c.Summary; s.Modified != 1 || s.Added+s.Removed+s.Moved+s.Split+s.Merged != 0 {
		t.Errorf("change summary %+v, want one modified clause", s)
	}
}
