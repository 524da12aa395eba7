package web

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/clausewatch/clausewatch/data"
	"github.com/clausewatch/clausewatch/internal/recordtest"
	"github.com/clausewatch/clausewatch/policy"
)

// TestProvenancePages records a live fetch and two imported copies, one
// from a named archive and one from an archive nobody named, and checks
// how the version and snapshot pages and the API cite each: a live fetch by
// its URL, time and HTTP status; an archived copy by its original page,
// the archive that fetched it, a link to the copy and the licence, with no
// HTTP status.
func TestProvenancePages(t *testing.T) {
	ctx := context.Background()
	db := openTestDB(t)
	const pageURL = "https://www.whatsapp.com/legal/privacy-policy-eea"
	// A tag is read as a space, as a reader sees a <dt> and its <dd> apart.
	tagRe := regexp.MustCompile(`<[^>]*>`)
	tests := []struct {
		name   string
		status int
		prov   data.Provenance
		// want and wantNot are phrases of the pages' text (in English).
		want, wantNot []string
		link          string
	}{
		{"live fetch", 200, data.Provenance{},
			[]string{"HTTP status 200", "To cite this page"}, []string{"archived copy", "copy in the archive"}, ""},
		{"archived copy", 0, data.Provenance{Imported: true, Archive: "Open Terms Archive", ArchiveURL: "https://example.org/ota/2021-01-04.md", ArchiveLicense: "ODC-By 1.0"},
			[]string{"archived copy, fetched by Open Terms Archive at 2021-01-04 10:20:30 UTC", "copy in the archive", "licence ODC-By 1.0", "To cite this copy"},
			[]string{"HTTP status", "To cite this page"}, "https://example.org/ota/2021-01-04.md"},
		{"archive not named", 0, data.Provenance{Imported: true},
			[]string{"archived copy, recorded as fetched at 2021-01-04 10:20:30 UTC", "To cite this copy"},
			[]string{"HTTP status", "copy in the archive"}, ""},
	}
	s, err := New(db, testClock, slog.New(slog.DiscardHandler), Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id := fmt.Sprintf("doc-%d", i)
			if err := db.SyncDocuments(ctx, []data.Document{{ID: id, URL: pageURL, Title: tt.name, Language: "en"}}); err != nil {
				t.Fatal(err)
			}
			at := time.Date(2021, 1, 4, 10, 20, 30, 0, time.UTC)
			res, err := recordtest.Record(ctx, db, data.Observation{
				Fetch:    data.Fetch{DocumentID: id, URL: pageURL, Status: tt.status, StartedAt: at},
				Snapshot: &data.Snapshot{Body: []byte("We share your data " + tt.name + "."), Provenance: tt.prov},
				Document: &policy.Document{Blocks: []policy.Block{{Kind: policy.Paragraph, Text: "We share your data " + tt.name + "."}}},
			})
			if err != nil {
				t.Fatal(err)
			}
			for _, path := range []string{fmt.Sprintf("/versions/%d", res.Version.ID), fmt.Sprintf("/snapshots/%d", res.Snapshot.ID)} {
				doc, _ := pageDoc(t, srv, path, http.StatusOK)
				cite := doc.Find("main dl.cite").First()
				html, _ := doc.Find("main").Html()
				text := strings.Join(strings.Fields(tagRe.ReplaceAllString(html, " ")), " ")
				if got := cite.Find("dd.url a").AttrOr("href", ""); got != pageURL {
					t.Errorf("%s: source links %q, want %s", path, got, pageURL)
				}
				snapshotPage := strings.HasPrefix(path, "/snapshots/")
				for _, w := range tt.want {
					if (strings.HasPrefix(w, "To cite") || strings.HasPrefix(w, "HTTP status")) && !snapshotPage {
						continue // said on the snapshot page only
					}
					if !strings.Contains(text, w) {
						t.Errorf("%s does not say %q:\n%s", path, w, text)
					}
				}
				for _, w := range tt.wantNot {
					if strings.Contains(text, w) {
						t.Errorf("%s says %q", path, w)
					}
				}
				if n := cite.Find("dd.license").Length(); (n > 0) != (tt.prov.ArchiveLicense != "") {
					t.Errorf("%s: %d licence rows, want one only when the licence is known", path, n)
				}
				if tt.link != "" && cite.Find(`a[href="`+tt.link+`"]`).Length() != 1 {
					t.Errorf("%s does not link the archived copy %s", path, tt.link)
				}
			}
			// The citation is the page's first block after its heading.
			doc, _ := pageDoc(t, srv, fmt.Sprintf("/versions/%d", res.Version.ID), http.StatusOK)
			if next := doc.Find("main h1").Next(); !next.Is("dl.cite") {
				t.Errorf("version page: after the heading comes <%s class=%q>, want the citation", next.Nodes[0].Data, next.AttrOr("class", ""))
			}

			resp, body := pageGet(t, srv, fmt.Sprintf("/api/v1/versions/%d", res.Version.ID))
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("API: %d %s", resp.StatusCode, body)
			}
			var v struct {
				Snapshot struct {
					URL      string `json:"url"`
					Imported bool   `json:"imported"`
					Archive  *struct {
						Name    string `json:"name"`
						URL     string `json:"url"`
						License string `json:"license"`
					} `json:"archive"`
				} `json:"snapshot"`
			}
			if err := json.Unmarshal([]byte(body), &v); err != nil {
				t.Fatal(err)
			}
			sn := v.Snapshot
			if sn.URL != pageURL || sn.Imported != tt.prov.Imported || (sn.Archive != nil) != tt.prov.Imported {
				t.Fatalf("API snapshot %+v, want %s imported %v", sn, pageURL, tt.prov.Imported)
			}
			if a := sn.Archive; a != nil && (a.Name != tt.prov.Archive || a.URL != tt.prov.ArchiveURL || a.License != tt.prov.ArchiveLicense) {
				t.Errorf("API archive %+v, want %+v", *a, tt.prov)
			}
		})
	}
}
