package web

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/clausewatch/clausewatch/data"
	"github.com/clausewatch/clausewatch/diff"
	"github.com/clausewatch/clausewatch/internal/recordtest"
	"github.com/clausewatch/clausewatch/labels"
	"github.com/clausewatch/clausewatch/policy"
	"github.com/clausewatch/clausewatch/topics"
)

// The fixture: two documents recorded through data.Record, then classified
// by hand as the topics classifier would, so that titles and filters are
// known whatever the classifier's rules become.
const (
	testBase  = "https://clausewatch.example.org"
	waID      = "whatsapp-privacy-policy-eea"
	metaID    = "meta-privacy-policy"
	shareFB   = "We share information with the Facebook Companies to help us operate our Services."
	shareMeta = "We share information with the Meta Companies and our partners to help us operate and market our Services."
	// hostile is policy text that is also markup: it must reach readers as
	// text, never as elements.
	hostile = `We may show <script>alert("x")</script> and <img src=x onerror=alert(1)> to advertisers.`
)

var fixtureT0 = time.Date(2021, 1, 4, 10, 0, 0, 0, time.UTC)

// Fixture ids, in recording order: versions wa1=1, meta1=2, wa2=3, meta2=4,
// wa3=5, wa4=6; changes 1 (wa 1->3, data sharing), 2 (meta 2->4,
// retention), 3 (wa 3->5, cosmetic: only the date line), 4 (wa 5->6, the
// hostile clause added, advertising).

type fixture struct {
	db   *data.DB
	path string
	srv  *httptest.Server
	// detected holds each change's detection time by id.
	detected map[int64]time.Time
}

func policyDoc(sections map[string][]string, order ...string) *policy.Document {
	d := &policy.Document{Blocks: []policy.Block{{Kind: policy.Heading, Level: 1, Text: "Privacy Policy"}}}
	for _, h := range order {
		d.Blocks = append(d.Blocks, policy.Block{Kind: policy.Heading, Level: 2, Path: []string{"Privacy Policy"}, Text: h})
		for _, p := range sections[h] {
			d.Blocks = append(d.Blocks, policy.Block{Kind: policy.Paragraph, Path: []string{"Privacy Policy", h}, Text: p})
		}
	}
	return d
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "cw.db")
	clock := func() time.Time { return time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC) }
	db, err := data.Open(ctx, path, clock)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	err = db.SyncDocuments(ctx, []data.Document{
		{ID: waID, URL: "https://www.whatsapp.com/legal/privacy-policy-eea", Service: "WhatsApp", Title: "WhatsApp Privacy Policy", Region: "EEA", Language: "en"},
		{ID: metaID, URL: "https://www.facebook.com/privacy/policy", Service: "Meta", Title: "Meta Privacy Policy", Region: "Global", Language: "en"},
	})
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{db: db, path: path, detected: map[int64]time.Time{}}
	wa := func(share, date string, extra ...string) *policy.Document {
		return policyDoc(map[string][]string{
			"How We Share Information": {share},
			"Advertising":              extra,
			"Contact":                  {"Contact us at privacy@whatsapp.com.", "Last modified: " + date},
		}, "How We Share Information", "Advertising", "Contact")
	}
	meta := func(retention string) *policy.Document {
		return policyDoc(map[string][]string{"Retention": {retention}, "Contact": {"Write to Meta Platforms Ireland."}}, "Retention", "Contact")
	}
	steps := []struct {
		doc string
		at  time.Duration
		d   *policy.Document
	}{
		{waID, 0, wa(shareFB, "January 4, 2021", "We do not sell your data.")},
		{metaID, 12 * time.Hour, meta("We keep information for as long as we need it to provide our Products.")},
		{waID, 24 * time.Hour, wa(shareMeta, "January 4, 2021", "We do not sell your data.")},
		{metaID, 36 * time.Hour, meta("We keep information for up to 180 days after you delete your account.")},
		{waID, 48 * time.Hour, wa(shareMeta, "January 6, 2021", "We do not sell your data.")},
		{waID, 72 * time.Hour, wa(shareMeta, "January 6, 2021", "We do not sell your data.", hostile)},
	}
	for i, s := range steps {
		f.record(t, s.doc, fixtureT0.Add(s.at), s.d, i)
	}
	f.classify(t, map[int64][2]string{
		1: {`["data-sharing"]`, "high"},
		2: {`["retention"]`, "medium"},
		3: {`[]`, "none"},
		4: {`["advertising"]`, "medium"},
	})
	srv, err := New(db, clock, slog.New(slog.NewTextHandler(os.Stderr, nil)), Options{BaseURL: testBase + "/"})
	if err != nil {
		t.Fatal(err)
	}
	f.srv = httptest.NewServer(srv.Handler())
	t.Cleanup(f.srv.Close)
	return f
}

// record stores one successful fetch of doc at time at.
func (f *fixture) record(t testing.TB, docID string, at time.Time, d *policy.Document, n int) *data.Change {
	t.Helper()
	body := []byte("<html><body>" + strconv.Itoa(n) + d.Canonical() + "</body></html>")
	res, err := recordtest.Record(context.Background(), f.db, data.Observation{
		Fetch: data.Fetch{DocumentID: docID, StartedAt: at, URL: "https://example.com/" + docID, FinalURL: "https://example.com/" + docID,
			Status: 200, Bytes: int64(len(body))},
		Snapshot: &data.Snapshot{Header: http.Header{"Content-Type": {"text/html; charset=utf-8"}}, Body: body},
		Document: d,
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.Change != nil {
		f.detected[res.Change.ID] = res.Change.DetectedAt
	}
	return res.Change
}

// classify sets topics and severity of changes by id, as a classifier run
// would, through a second connection to the same file.
func (f *fixture) classify(t testing.TB, class map[int64][2]string) {
	t.Helper()
	conn, err := sql.Open("sqlite", "file:"+f.path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	for id, c := range class {
		if _, err := conn.Exec(`UPDATE changes SET topics = ?, severity = ?, sharing = '[]', classifier_version = 'test/1' WHERE id = ?`, c[0], c[1], id); err != nil {
			t.Fatal(err)
		}
	}
}

// get requests path with optional headers and returns the response and its
// body.
func (f *fixture) get(t testing.TB, method, path string, header ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, f.srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := f.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

type apiError struct {
	Error struct {
		Status  int    `json:"status"`
		Message string `json:"message"`
	} `json:"error"`
}

func decode[T any](t testing.TB, body []byte) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("decode %T: %v in %.300s", v, err, body)
	}
	return v
}

func TestFixtureHistory(t *testing.T) {
	f := newFixture(t)
	cs, _, err := f.db.Changes(context.Background(), data.ChangeFilter{})
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		id, from, to int64
		doc          string
		material     bool
	}
	var got []row
	for _, c := range cs {
		got = append(got, row{c.ID, c.FromVersion, c.ToVersion, c.DocumentID, c.Material})
	}
	want := []row{{1, 1, 3, waID, true}, {2, 2, 4, metaID, true}, {3, 3, 5, waID, false}, {4, 5, 6, waID, true}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("fixture changes = %+v, want %+v (the tests below rely on these ids)", got, want)
	}
}

// TestAPIErrors checks status codes and the JSON error body: every error
// names what was wrong.
func TestAPIErrors(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		name, method, path string
		status             int
		mentions           string
	}{
		{"unknown document", "GET", "/api/v1/documents/nope", 404, `"nope"`},
		{"versions of unknown document", "GET", "/api/v1/documents/nope/versions", 404, `"nope"`},
		{"version id not a number", "GET", "/api/v1/versions/abc", 400, "parameter id"},
		{"version id zero", "GET", "/api/v1/versions/0", 400, "parameter id"},
		{"version id too large", "GET", "/api/v1/versions/99999999999999999999", 400, "parameter id"},
		{"unknown version", "GET", "/api/v1/versions/999", 404, "version 999"},
		{"change id not a number", "GET", "/api/v1/changes/x1", 400, "parameter id"},
		{"unknown change", "GET", "/api/v1/changes/999", 404, "change 999"},
		{"limit not a number", "GET", "/api/v1/changes?limit=ten", 400, "parameter limit"},
		{"limit zero", "GET", "/api/v1/changes?limit=0", 400, "parameter limit"},
		{"limit too large", "GET", "/api/v1/changes?limit=101", 400, "parameter limit"},
		{"unknown topic", "GET", "/api/v1/changes?topic=sharing", 400, "parameter topic"},
		{"unknown severity", "GET", "/api/v1/changes?severity=severe", 400, "parameter severity"},
		{"since not a date", "GET", "/api/v1/changes?since=yesterday", 400, "parameter since"},
		{"material not a boolean", "GET", "/api/v1/changes?material=maybe", 400, "parameter material"},
		{"cursor not a number", "GET", "/api/v1/changes?cursor=abc", 400, "parameter cursor"},
		{"cursor of no change", "GET", "/api/v1/changes?cursor=999", 400, "parameter cursor"},
		{"unknown document filter", "GET", "/api/v1/changes?document=nope", 400, "parameter document"},
		{"misspelt parameter", "GET", "/api/v1/changes?topics=data-sharing", 400, "parameter topics"},
		{"parameter given twice", "GET", "/api/v1/changes?topic=retention&topic=advertising", 400, "parameter topic"},
		{"parameter on a resource that takes none", "GET", "/api/v1/documents?page=2", 400, "parameter page"},
		{"compare without from", "GET", "/api/v1/documents/" + waID + "/compare?to=3", 400, "parameter from"},
		{"compare with a bad to", "GET", "/api/v1/documents/" + waID + "/compare?from=1&to=x", 400, "parameter to"},
		{"compare with another document's version", "GET", "/api/v1/documents/" + waID + "/compare?from=1&to=2", 404, "no version 2"},
		{"compare with an unknown version", "GET", "/api/v1/documents/" + waID + "/compare?from=999&to=1", 404, "no version 999"},
		{"compare on an unknown document", "GET", "/api/v1/documents/nope/compare?from=1&to=3", 404, `"nope"`},
		{"unknown headline language in a listing", "GET", "/api/v1/changes?lang=xx", 400, "parameter lang"},
		{"unknown headline language for a change", "GET", "/api/v1/changes/1?lang=fr", 400, "parameter lang"},
		{"unknown headline language for a comparison", "GET", "/api/v1/documents/" + waID + "/compare?from=1&to=3&lang=EN", 400, "parameter lang"},
		{"unknown API path", "GET", "/api/v1/nothing", 404, "/api/v1/nothing"},
		{"unknown API version", "GET", "/api/v2/documents", 404, "openapi.json"},
		{"POST on a collection", "POST", "/api/v1/documents", 405, "POST"},
		{"DELETE on a resource", "DELETE", "/api/v1/changes/1", 405, "DELETE"},
		{"PUT on the description", "PUT", "/api/v1/openapi.json", 405, "PUT"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := f.get(t, tt.method, tt.path)
			if resp.StatusCode != tt.status {
				t.Fatalf("%s %s = %d %s, want %d", tt.method, tt.path, resp.StatusCode, body, tt.status)
			}
			if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Errorf("Content-Type = %q, want JSON", ct)
			}
			e := decode[apiError](t, body)
			if e.Error.Status != tt.status || !strings.Contains(e.Error.Message, tt.mentions) {
				t.Errorf("error = %+v, want status %d and a message mentioning %q", e.Error, tt.status, tt.mentions)
			}
			if tt.status == 405 && resp.Header.Get("Allow") != "GET, HEAD" {
				t.Errorf("Allow = %q, want GET, HEAD", resp.Header.Get("Allow"))
			}
			if resp.Header.Get("ETag") != "" || resp.Header.Get("Cache-Control") != "no-store" {
				t.Errorf("error sent ETag %q, Cache-Control %q; want none and no-store", resp.Header.Get("ETag"), resp.Header.Get("Cache-Control"))
			}
		})
	}
}

func TestAPIDocuments(t *testing.T) {
	f := newFixture(t)
	resp, body := f.get(t, "GET", "/api/v1/documents")
	if resp.StatusCode != 200 {
		t.Fatalf("GET /api/v1/documents = %d %s", resp.StatusCode, body)
	}
	list := decode[struct{ Documents []apiDocument }](t, body)
	var ids []string
	for _, d := range list.Documents {
		ids = append(ids, d.ID)
	}
	if !reflect.DeepEqual(ids, []string{metaID, waID}) {
		t.Errorf("document ids = %v", ids)
	}
	resp, body = f.get(t, "GET", "/api/v1/documents/"+waID)
	d := decode[apiDocument](t, body)
	want := apiDocument{
		ID: waID, URL: "https://www.whatsapp.com/legal/privacy-policy-eea", Service: "WhatsApp", Title: "WhatsApp Privacy Policy", Region: "EEA", Language: "en",
		Links: apiDocumentLinks{
			Self:     testBase + "/api/v1/documents/" + waID,
			HTML:     testBase + "/documents/" + waID,
			Versions: testBase + "/api/v1/documents/" + waID + "/versions",
			Changes:  testBase + "/api/v1/changes?document=" + waID,
			Compare:  testBase + "/api/v1/documents/" + waID + "/compare{?from,to}",
			Feeds: apiFeeds{
				Atom: testBase + "/documents/" + waID + "/feed.atom",
				RSS:  testBase + "/documents/" + waID + "/feed.rss",
				JSON: testBase + "/documents/" + waID + "/feed.json",
			},
		},
	}
	if resp.StatusCode != 200 || !reflect.DeepEqual(d, want) {
		t.Errorf("GET document = %d\n%+v\nwant\n%+v", resp.StatusCode, d, want)
	}
	if resp.Header.Get("Access-Control-Allow-Origin") != "*" {
		t.Errorf("Access-Control-Allow-Origin = %q", resp.Header.Get("Access-Control-Allow-Origin"))
	}
}

func TestAPIVersions(t *testing.T) {
	f := newFixture(t)
	resp, body := f.get(t, "GET", "/api/v1/documents/"+waID+"/versions")
	if resp.StatusCode != 200 {
		t.Fatalf("status %d %s", resp.StatusCode, body)
	}
	list := decode[struct {
		Document string
		Versions []apiVersionEntry
	}](t, body)
	var ids, changes []int64
	for _, v := range list.Versions {
		ids = append(ids, v.ID)
		if v.Change == nil {
			changes = append(changes, 0)
		} else {
			changes = append(changes, v.Change.ID)
		}
		if v.Document != waID || len(v.SHA256) != 64 || len(v.Snapshot.SHA256) != 64 || v.FetchedAt.IsZero() ||
			v.Links.Self != testBase+"/api/v1/versions/"+strconv.FormatInt(v.ID, 10) {
			t.Errorf("version %+v", v)
		}
	}
	if list.Document != waID || !reflect.DeepEqual(ids, []int64{1, 3, 5, 6}) || !reflect.DeepEqual(changes, []int64{0, 1, 3, 4}) {
		t.Errorf("versions %v with changes %v, want [1 3 5 6] with [0 1 3 4]", ids, changes)
	}
	if c := list.Versions[1].Change; c == nil || !c.Material || !reflect.DeepEqual(c.Topics, []string{"data-sharing"}) || c.Severity != "high" {
		t.Errorf("change of version 3 = %+v", c)
	}
	if !strings.Contains(string(body), `"change":null`) {
		t.Error("the first version's change is not null")
	}
}

func TestAPIVersion(t *testing.T) {
	f := newFixture(t)
	resp, body := f.get(t, "GET", "/api/v1/versions/6")
	if resp.StatusCode != 200 {
		t.Fatalf("status %d %s", resp.StatusCode, body)
	}
	v := decode[apiVersionFull](t, body)
	if !strings.Contains(v.Text, hostile) {
		t.Errorf("text does not hold the markup as plain text: %q", v.Text)
	}
	if strings.Contains(string(body), "<script") || strings.Contains(string(body), "<img") {
		t.Error("raw JSON body carries unescaped markup")
	}
	idRE := regexp.MustCompile(`^c[0-9a-f]{12}$`)
	var found bool
	for _, c := range v.Clauses {
		if !idRE.MatchString(c.ID) {
			t.Errorf("clause id %q", c.ID)
		}
		if c.Text == hostile {
			found = true
			if !reflect.DeepEqual(c.Section, []string{"Privacy Policy", "Advertising"}) {
				t.Errorf("hostile clause section = %q", c.Section)
			}
		}
	}
	want := diff.Clauses(*policyDocFromText(t, f, 6))
	if !found || len(v.Clauses) != len(want) || v.Clauses[0].ID != want[0].ID {
		t.Errorf("clauses = %+v, want diff.Clauses of the version (%d)", v.Clauses, len(want))
	}
	if resp.Header.Get("Cache-Control") != cacheImmutable || resp.Header.Get("ETag") == "" {
		t.Errorf("Cache-Control %q, ETag %q", resp.Header.Get("Cache-Control"), resp.Header.Get("ETag"))
	}
	if v.Snapshot.Raw != testBase+"/snapshots/"+strconv.FormatInt(v.Snapshot.ID, 10)+"/raw" {
		t.Errorf("snapshot link %q", v.Snapshot.Raw)
	}
}

// policyDocFromText reads a stored version's blocks.
func policyDocFromText(t testing.TB, f *fixture, id int64) *policy.Document {
	t.Helper()
	v, err := f.db.Version(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return &policy.Document{Blocks: v.Blocks}
}

func TestAPIChanges(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		name  string
		query string
		want  []int64
	}{
		{"all, newest first", "", []int64{4, 3, 2, 1}},
		{"one document", "?document=" + waID, []int64{4, 3, 1}},
		{"topic", "?topic=data-sharing", []int64{1}},
		{"topic without changes", "?topic=children", []int64{}},
		{"severity at least medium", "?severity=medium", []int64{4, 2, 1}},
		{"severity at least high", "?severity=high", []int64{1}},
		{"material only", "?material=true", []int64{4, 2, 1}},
		{"material false lists all", "?material=false", []int64{4, 3, 2, 1}},
		{"since a date", "?since=2021-01-06", []int64{4, 3}},
		{"since a time", "?since=2021-01-05T22:00:00Z", []int64{4, 3, 2}},
		{"filters combine", "?document=" + waID + "&material=1&severity=medium", []int64{4, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := f.get(t, "GET", "/api/v1/changes"+tt.query)
			if resp.StatusCode != 200 {
				t.Fatalf("status %d %s", resp.StatusCode, body)
			}
			page := decode[struct {
				Changes []apiChange
				Next    *string
				Limit   int
			}](t, body)
			got := []int64{}
			for _, c := range page.Changes {
				got = append(got, c.ID)
			}
			if !reflect.DeepEqual(got, tt.want) || page.Next != nil || page.Limit != defaultChangeLimit {
				t.Errorf("changes %v (next %v, limit %d), want %v", got, page.Next, page.Limit, tt.want)
			}
		})
	}
	_, body := f.get(t, "GET", "/api/v1/changes?document="+waID)
	page := decode[struct{ Changes []apiChange }](t, body)
	c := page.Changes[2]
	want := apiChange{
		ID: 1, Document: waID, FromVersion: 1, ToVersion: 3, DetectedAt: fixtureT0.Add(24 * time.Hour), Material: true,
		Topics: []string{"data-sharing"}, Severity: "high", ClassifierVersion: "test/1",
		Summary:       diff.Summary{Modified: 1, Unchanged: c.Summary.Unchanged},
		EffectiveDate: diff.Dates{Old: "2021-01-04", New: "2021-01-04"},
		Alert:         true, State: data.Settled, Headline: "WhatsApp changed what it says about data sharing", Sharing: []diff.SharingDelta{},
		Links: apiChangeLinks{Self: testBase + "/api/v1/changes/1", HTML: testBase + "/changes/1", Document: testBase + "/api/v1/documents/" + waID,
			From: testBase + "/api/v1/versions/1", To: testBase + "/api/v1/versions/3"},
	}
	if !reflect.DeepEqual(c, want) || c.Summary.Unchanged == 0 {
		t.Errorf("change 1 in the listing =\n%+v\nwant\n%+v", c, want)
	}
}

// TestAPIChangesPagination walks every page through the next links and
// finds each change exactly once, in order.
func TestAPIChangesPagination(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		name  string
		first string
		pages [][]int64
	}{
		{"one per page", "/api/v1/changes?limit=1", [][]int64{{4}, {3}, {2}, {1}}},
		{"three per page", "/api/v1/changes?limit=3", [][]int64{{4, 3, 2}, {1}}},
		{"exact fit has no next", "/api/v1/changes?limit=4", [][]int64{{4, 3, 2, 1}}},
		{"filters are kept", "/api/v1/changes?limit=1&material=true&document=" + waID, [][]int64{{4}, {1}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var pages [][]int64
			path := tt.first
			for range 10 {
				resp, body := f.get(t, "GET", path)
				if resp.StatusCode != 200 {
					t.Fatalf("GET %s = %d %s", path, resp.StatusCode, body)
				}
				page := decode[struct {
					Changes []apiChange
					Next    *string
				}](t, body)
				var ids []int64
				for _, c := range page.Changes {
					ids = append(ids, c.ID)
				}
				pages = append(pages, ids)
				if page.Next == nil {
					if resp.Header.Get("Link") != "" {
						t.Errorf("last page sent Link %q", resp.Header.Get("Link"))
					}
					break
				}
				if !strings.HasPrefix(*page.Next, testBase+"/api/v1/changes?") {
					t.Fatalf("next = %q", *page.Next)
				}
				if want := "<" + *page.Next + `>; rel="next"`; resp.Header.Get("Link") != want {
					t.Errorf("Link = %q, want %q", resp.Header.Get("Link"), want)
				}
				path = strings.TrimPrefix(*page.Next, testBase)
			}
			if !reflect.DeepEqual(pages, tt.pages) {
				t.Errorf("pages = %v, want %v", pages, tt.pages)
			}
		})
	}
}

func TestAPIChange(t *testing.T) {
	f := newFixture(t)
	resp, body := f.get(t, "GET", "/api/v1/changes/4")
	if resp.StatusCode != 200 {
		t.Fatalf("status %d %s", resp.StatusCode, body)
	}
	c := decode[struct {
		apiChange
		ChangeSet diff.ChangeSet `json:"change_set"`
	}](t, body)
	if c.ID != 4 || c.Document != waID || !reflect.DeepEqual(c.Topics, []string{"advertising"}) || c.Severity != "medium" {
		t.Errorf("change = %+v", c.apiChange)
	}
	if len(c.ChangeSet.Changes) != 1 || c.ChangeSet.Changes[0].Kind != diff.Added || c.ChangeSet.Changes[0].New.Text != hostile {
		t.Errorf("change set = %+v, want the hostile clause added as plain text", c.ChangeSet)
	}
	if strings.Contains(string(body), "<script") {
		t.Error("raw JSON body carries unescaped markup")
	}
	if resp.Header.Get("Cache-Control") != cacheLong || resp.Header.Get("ETag") == "" {
		t.Errorf("Cache-Control %q, ETag %q", resp.Header.Get("Cache-Control"), resp.Header.Get("ETag"))
	}
}

func TestAPICompare(t *testing.T) {
	f := newFixture(t)
	get := func(from, to int) (struct {
		apiComparison
		ChangeSet diff.ChangeSet `json:"change_set"`
	}, *http.Response) {
		resp, body := f.get(t, "GET", "/api/v1/documents/"+waID+"/compare?from="+strconv.Itoa(from)+"&to="+strconv.Itoa(to))
		if resp.StatusCode != 200 {
			t.Fatalf("compare %d..%d = %d %s", from, to, resp.StatusCode, body)
		}
		return decode[struct {
			apiComparison
			ChangeSet diff.ChangeSet `json:"change_set"`
		}](t, body), resp
	}
	forward, resp := get(1, 6)
	backward, _ := get(6, 1)
	if forward.From.ID != 1 || forward.To.ID != 6 || backward.From.ID != 6 || backward.To.ID != 1 {
		t.Errorf("from/to = %d/%d and %d/%d", forward.From.ID, forward.To.ID, backward.From.ID, backward.To.ID)
	}
	fs, bs := forward.ChangeSet.Summary, backward.ChangeSet.Summary
	if fs.Added != 1 || fs.Modified != 2 || bs.Removed != fs.Added || bs.Added != fs.Removed || bs.Modified != fs.Modified {
		t.Errorf("summaries %+v and %+v: want 1 added, 2 modified, mirrored backwards", fs, bs)
	}
	// Ids are the older version's in both directions.
	old := map[string]string{}
	for _, c := range diff.Clauses(*policyDocFromText(t, f, 1)) {
		old[c.Text] = c.ID
	}
	for name, cs := range map[string]diff.ChangeSet{"forward": forward.ChangeSet, "backward": backward.ChangeSet} {
		for _, c := range cs.Changes {
			for _, cl := range []*diff.Clause{c.Old, c.New} {
				if cl == nil {
					continue
				}
				if id, ok := old[cl.Text]; ok && id != cl.ID {
					t.Errorf("%s: clause %q has id %s, the older version's is %s", name, cl.Text, cl.ID, id)
				}
			}
			if c.Kind == diff.Modified {
				o, n := c.Old, c.New
				if name == "backward" {
					o, n = n, o
				}
				if old[o.Text] == "" || n.ID != o.ID {
					t.Errorf("%s: modified clause ids %s -> %s, want the older one's carried over", name, c.Old.ID, c.New.ID)
				}
			}
		}
	}
	if resp.Header.Get("Cache-Control") != cacheLong {
		t.Errorf("Cache-Control %q", resp.Header.Get("Cache-Control"))
	}
	same, _ := get(3, 3)
	if same.ChangeSet.Material || len(same.ChangeSet.Changes) != 0 {
		t.Errorf("a version compared with itself: %+v", same.ChangeSet)
	}
}

// shareWithPartners classifies change 1 as the classifier would: "Facebook
// Companies" becoming "Meta Companies" is a rename, and "and our partners
// ... to market" a new recipient with a purpose. It returns the change set
// stored.
func (f *fixture) shareWithPartners(t testing.TB) diff.ChangeSet {
	t.Helper()
	ctx := context.Background()
	c, err := f.db.Change(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	var cs diff.ChangeSet
	if err := json.Unmarshal(c.ChangeSet, &cs); err != nil {
		t.Fatal(err)
	}
	at := strings.Index(shareMeta, "our partners")
	cs.Topics, cs.Severity, cs.Alert = []string{"data-sharing"}, diff.SeverityCritical, true
	cs.Sharing = []diff.SharingDelta{{Op: diff.DeltaAdded, Change: 0, Severity: diff.SeverityCritical, Statement: diff.Statement{
		Action: diff.ActionShares, Recipients: []string{"partners"}, Purpose: "marketing",
		Evidence: []diff.Quote{{Part: "recipient", Start: at, End: at + len("our partners"), Text: "our partners"}}}}}
	cs.Matters = []diff.Matter{{Changes: []int{0}, Severity: diff.SeverityCritical, Topics: []string{"data-sharing"}}}
	if err := f.db.UpdateClassification(ctx, 1, cs, "test/2"); err != nil {
		t.Fatal(err)
	}
	return cs
}

// TestAPIHeadlines checks the fields a change gained: alert, the headline
// in the language of ?lang= (English by default), and the sharing deltas as
// stored, in the listing, one change and a comparison.
func TestAPIHeadlines(t *testing.T) {
	f := newFixture(t)
	cs := f.shareWithPartners(t)
	const (
		en = "WhatsApp now shares your information with partners to market to you"
		es = "WhatsApp ahora comparte tu información con socios para enviarte publicidad"
	)
	v1, v3 := policyDocFromText(t, f, 1), policyDocFromText(t, f, 3)
	compared := topics.Compare(*v1, *v3, "en")
	tests := []struct {
		name, path string
		headline   string
		sharing    bool
	}{
		{"listing, English by default", "/api/v1/changes?document=" + waID, en, true},
		{"listing in English", "/api/v1/changes?document=" + waID + "&lang=en", en, true},
		{"listing in Spanish", "/api/v1/changes?document=" + waID + "&lang=es", es, true},
		{"one change in Spanish", "/api/v1/changes/1?lang=es", es, true},
		{"comparison in Spanish", "/api/v1/documents/" + waID + "/compare?from=1&to=3&lang=es", labels.Headline("WhatsApp", compared, "es"), false},
		{"comparison in English", "/api/v1/documents/" + waID + "/compare?from=1&to=3", labels.Headline("WhatsApp", compared, "en"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := f.get(t, "GET", tt.path)
			if resp.StatusCode != 200 {
				t.Fatalf("GET %s = %d %s", tt.path, resp.StatusCode, body)
			}
			var raw map[string]json.RawMessage
			if err := json.Unmarshal(body, &raw); err != nil {
				t.Fatal(err)
			}
			obj := body
			if list, ok := raw["changes"]; ok {
				var changes []json.RawMessage
				if err := json.Unmarshal(list, &changes); err != nil {
					t.Fatal(err)
				}
				obj = changes[len(changes)-1] // change 1, the oldest
			}
			var got struct {
				Alert    *bool
				Headline string
				Sharing  []map[string]json.RawMessage
			}
			if err := json.Unmarshal(obj, &got); err != nil {
				t.Fatal(err)
			}
			if got.Alert == nil || got.Headline != tt.headline || got.Sharing == nil {
				t.Fatalf("alert %v, headline %q, sharing %v; want an alert, %q and a list", got.Alert, got.Headline, got.Sharing, tt.headline)
			}
			if !tt.sharing {
				return
			}
			if !*got.Alert || len(got.Sharing) != 1 {
				t.Fatalf("alert %v, %d sharing deltas; want true and 1", *got.Alert, len(got.Sharing))
			}
			var keys []string
			for k := range got.Sharing[0] {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			if want := []string{"action", "change", "condition", "data", "evidence", "negated", "op", "purpose", "recipients", "severity"}; !slices.Equal(keys, want) {
				t.Errorf("sharing delta keys %v, want %v (was only for a changed statement)", keys, want)
			}
			var d diff.SharingDelta
			b, _ := json.Marshal(got.Sharing[0])
			if err := json.Unmarshal(b, &d); err != nil || !reflect.DeepEqual(d, diff.SharingWithLists(cs.Sharing)[0]) {
				t.Errorf("sharing delta %+v, want %+v as stored", d, cs.Sharing[0])
			}
		})
	}
}

// TestAPIConditional checks that every cacheable resource answers 304 to
// its own ETag, and 200 to another.
func TestAPIConditional(t *testing.T) {
	f := newFixture(t)
	for _, path := range []string{
		"/api/v1/",
		"/api/v1/openapi.json",
		"/api/v1/documents",
		"/api/v1/documents/" + waID,
		"/api/v1/documents/" + waID + "/versions",
		"/api/v1/versions/6",
		"/api/v1/changes?topic=data-sharing",
		"/api/v1/changes/1",
		"/api/v1/documents/" + waID + "/compare?from=1&to=3",
	} {
		t.Run(path, func(t *testing.T) {
			resp, _ := f.get(t, "GET", path)
			etag := resp.Header.Get("ETag")
			if resp.StatusCode != 200 || etag == "" || resp.Header.Get("Cache-Control") == "" {
				t.Fatalf("GET = %d, ETag %q, Cache-Control %q", resp.StatusCode, etag, resp.Header.Get("Cache-Control"))
			}
			resp, body := f.get(t, "GET", path, "If-None-Match", `"other", `+etag)
			if resp.StatusCode != 304 || len(body) != 0 || resp.Header.Get("ETag") != etag {
				t.Errorf("If-None-Match with its ETag = %d (%d bytes, ETag %q), want 304", resp.StatusCode, len(body), resp.Header.Get("ETag"))
			}
			resp, _ = f.get(t, "GET", path, "If-None-Match", `"other"`)
			if resp.StatusCode != 200 {
				t.Errorf("If-None-Match with another ETag = %d, want 200", resp.StatusCode)
			}
			// Go's client asks for gzip on GET but not on HEAD: ask here,
			// since the gzipped representation has its own ETag.
			resp, body = f.get(t, "HEAD", path, "Accept-Encoding", "gzip")
			if resp.StatusCode != 200 || len(body) != 0 || resp.Header.Get("ETag") != etag {
				t.Errorf("HEAD = %d (%d bytes, ETag %q)", resp.StatusCode, len(body), resp.Header.Get("ETag"))
			}
		})
	}
}

// TestOpenAPI checks that the description parses, that each of its paths is
// served and answers what its schema describes (every required field, no
// field it does not name), that each /api/v1 route registered in web.go is
// described, and that its topic list is the classifier's. Change 1 carries
// a sharing delta, so that the schema of sharing is checked too.
func TestOpenAPI(t *testing.T) {
	f := newFixture(t)
	f.shareWithPartners(t)
	resp, body := f.get(t, "GET", "/api/v1/openapi.json")
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	var spec struct {
		OpenAPI string `json:"openapi"`
		Info    struct{ Title, Version string }
		Paths   map[string]map[string]struct {
			OperationID string `json:"operationId"`
			Parameters  []struct {
				Name, In string
				Required bool
			}
			Responses map[string]json.RawMessage
		}
		Components struct {
			Schemas map[string]struct {
				Enum []string `json:"enum"`
			}
		}
	}
	if err := json.Unmarshal(body, &spec); err != nil {
		t.Fatalf("openapi.json does not parse: %v", err)
	}
	var specAny map[string]any
	if err := json.Unmarshal(body, &specAny); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(spec.OpenAPI, "3.") || spec.Info.Title == "" || len(spec.Paths) == 0 {
		t.Fatalf("not an OpenAPI 3 description: %q %+v, %d paths", spec.OpenAPI, spec.Info, len(spec.Paths))
	}
	if got := spec.Components.Schemas["Topic"].Enum; !reflect.DeepEqual(got, topics.All()) {
		t.Errorf("Topic enum = %v, want topics.All() = %v", got, topics.All())
	}
	// Each described path answers 200 with sample values.
	sample := strings.NewReplacer("documents/{id}", "documents/"+waID, "versions/{id}", "versions/3", "changes/{id}", "changes/1")
	for path, ops := range spec.Paths {
		for method, op := range ops {
			if method != "get" {
				t.Errorf("%s %s: the API is read-only", method, path)
			}
			if _, ok := op.Responses["200"]; !ok || op.OperationID == "" {
				t.Errorf("%s: no operationId or 200 response", path)
			}
			u := sample.Replace(path)
			var q []string
			for _, p := range op.Parameters {
				if p.In != "query" || !p.Required {
					continue
				}
				v := "3" // a version id
				if path == "/api/v1/compare" {
					v = map[string]string{"from": waID, "to": metaID}[p.Name] // document ids
				}
				q = append(q, p.Name+"="+v)
			}
			if len(q) > 0 {
				u += "?" + strings.Join(q, "&")
			}
			if strings.Contains(u, "{") {
				t.Errorf("%s: no sample value for a path parameter", path)
				continue
			}
			resp, body := f.get(t, "GET", u)
			if resp.StatusCode != 200 {
				t.Errorf("described path %s: GET %s = %d %.200s", path, u, resp.StatusCode, body)
				continue
			}
			if path == "/api/v1/openapi.json" {
				continue
			}
			var got any
			if err := json.Unmarshal(body, &got); err != nil {
				t.Fatalf("GET %s: %v", u, err)
			}
			var ok200 struct {
				Content map[string]struct{ Schema any }
			}
			if err := json.Unmarshal(op.Responses["200"], &ok200); err != nil {
				t.Fatal(err)
			}
			checkSchema(t, specAny, ok200.Content["application/json"].Schema, got, "GET "+u)
		}
	}
	// Each /api/v1 route of web.go's routes function is described.
	routes := routePatterns(t)
	var api []string
	for _, p := range routes {
		method, path, _ := strings.Cut(p, " ")
		if !strings.HasPrefix(path, "/api/v1") {
			continue
		}
		api = append(api, p)
		path = strings.TrimSuffix(path, "{$}")
		if method != "GET" {
			t.Errorf("route %q: the API is read with GET", p)
		}
		if _, ok := spec.Paths[path]; !ok {
			t.Errorf("route %q is not in openapi.json", p)
		}
	}
	if len(api) != len(spec.Paths) {
		t.Errorf("%d /api/v1 routes (%v), %d described paths", len(api), api, len(spec.Paths))
	}
}

// checkSchema checks a decoded JSON value against an OpenAPI schema of
// spec: $ref, allOf, nullable, enum, the JSON type, and for objects with
// properties every required one present and no undescribed one. where names
// the value in messages.
func checkSchema(t *testing.T, spec map[string]any, schema, v any, where string) {
	t.Helper()
	sc, _ := schema.(map[string]any)
	if ref, ok := sc["$ref"].(string); ok {
		name := strings.TrimPrefix(ref, "#/components/schemas/")
		sc = spec["components"].(map[string]any)["schemas"].(map[string]any)[name].(map[string]any)
	}
	if v == nil {
		if sc["nullable"] != true {
			t.Errorf("%s: null, and the schema does not allow it", where)
		}
		return
	}
	// allOf: the value is each part; an object is checked against the
	// union of the parts' properties.
	if parts, ok := sc["allOf"].([]any); ok {
		merged := map[string]any{"type": "object", "properties": map[string]any{}, "required": []any{}}
		for _, p := range parts {
			ps, _ := p.(map[string]any)
			if ref, ok := ps["$ref"].(string); ok {
				ps = spec["components"].(map[string]any)["schemas"].(map[string]any)[strings.TrimPrefix(ref, "#/components/schemas/")].(map[string]any)
			}
			if ps["type"] != nil && ps["type"] != "object" || ps["properties"] == nil {
				checkSchema(t, spec, ps, v, where)
				continue
			}
			for k, pv := range ps["properties"].(map[string]any) {
				merged["properties"].(map[string]any)[k] = pv
			}
			if r, ok := ps["required"].([]any); ok {
				merged["required"] = append(merged["required"].([]any), r...)
			}
		}
		if len(merged["properties"].(map[string]any)) > 0 {
			checkSchema(t, spec, merged, v, where)
		}
		return
	}
	if enum, ok := sc["enum"].([]any); ok && !slices.Contains(enum, v) {
		t.Errorf("%s: %v is not one of %v", where, v, enum)
	}
	switch sc["type"] {
	case "string":
		if _, ok := v.(string); !ok {
			t.Errorf("%s: %v is not a string", where, v)
		}
	case "boolean":
		if _, ok := v.(bool); !ok {
			t.Errorf("%s: %v is not a boolean", where, v)
		}
	case "integer":
		if n, ok := v.(float64); !ok || n != float64(int64(n)) {
			t.Errorf("%s: %v is not an integer", where, v)
		}
	case "array":
		list, ok := v.([]any)
		if !ok {
			t.Errorf("%s: %v is not an array", where, v)
			return
		}
		for i, it := range list {
			checkSchema(t, spec, sc["items"], it, fmt.Sprintf("%s[%d]", where, i))
		}
	}
	props, ok := sc["properties"].(map[string]any)
	if !ok {
		return
	}
	obj, ok := v.(map[string]any)
	if !ok {
		t.Errorf("%s: %v is not an object", where, v)
		return
	}
	if r, ok := sc["required"].([]any); ok {
		for _, k := range r {
			if _, ok := obj[k.(string)]; !ok {
				t.Errorf("%s: required field %q is missing", where, k)
			}
		}
	}
	for k, fv := range obj {
		ps, ok := props[k]
		if !ok {
			t.Errorf("%s: field %q is not described", where, k)
			continue
		}
		checkSchema(t, spec, ps, fv, where+"."+k)
	}
}

// routePatterns returns the patterns registered in the routes function of
// web.go, read from the source: ServeMux cannot list its patterns.
func routePatterns(t testing.TB) []string {
	t.Helper()
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, "web.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, d := range file.Decls {
		fn, ok := d.(*ast.FuncDecl)
		if !ok || fn.Name.Name != "routes" {
			continue
		}
		ast.Inspect(fn.Body, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) == 0 {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok || (sel.Sel.Name != "Handle" && sel.Sel.Name != "HandleFunc") {
				return true
			}
			if lit, ok := call.Args[0].(*ast.BasicLit); ok && lit.Kind == token.STRING {
				p, err := strconv.Unquote(lit.Value)
				if err == nil {
					out = append(out, p)
				}
			}
			return true
		})
	}
	if !slices.ContainsFunc(out, func(p string) bool { return strings.HasPrefix(p, "GET /api/v1") }) {
		t.Fatalf("no /api/v1 route found in web.go's routes function: %v", out)
	}
	return out
}

// TestAPIListingPages follows the next links of the document and version
// listings and checks that the pages together list everything once, in
// order, and that a cursor the API did not give is a 400.
func TestAPIListingPages(t *testing.T) {
	f := newFixture(t)
	follow := func(t *testing.T, path, key string) ([]string, int) {
		t.Helper()
		var got []string
		pages := 0
		for path != "" {
			pages++
			resp, body := f.get(t, "GET", path)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("GET %s: %d %s", path, resp.StatusCode, body)
			}
			var page map[string]json.RawMessage
			if err := json.Unmarshal(body, &page); err != nil {
				t.Fatal(err)
			}
			var items []struct {
				ID any `json:"id"`
			}
			var next *string
			if err := json.Unmarshal(page[key], &items); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(page["next"], &next); err != nil {
				t.Fatal(err)
			}
			for _, it := range items {
				got = append(got, fmt.Sprint(it.ID))
			}
			path = ""
			if next != nil {
				if link := resp.Header.Get("Link"); link != "<"+*next+">; rel=\"next\"" {
					t.Errorf("Link header %q, want the next link %s", link, *next)
				}
				path = strings.TrimPrefix(*next, testBase)
			}
		}
		return got, pages
	}
	ids := func(t *testing.T, path, key string) []string {
		t.Helper()
		got, pages := follow(t, path, key)
		if pages != 1 {
			t.Fatalf("%s took %d pages", path, pages)
		}
		return got
	}
	tests := []struct {
		name, path, all, key string
		pages                int
	}{
		{"documents by one", "/api/v1/documents?limit=1", "/api/v1/documents", "documents", 2},
		{"versions by three", "/api/v1/documents/" + waID + "/versions?limit=3", "/api/v1/documents/" + waID + "/versions", "versions", 2},
		{"versions by one", "/api/v1/documents/" + waID + "/versions?limit=1", "/api/v1/documents/" + waID + "/versions", "versions", 4},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			want := ids(t, tc.all, tc.key)
			if len(want) < tc.pages || slices.Contains(want, "<nil>") {
				t.Fatalf("%s lists %v; want %d items with ids", tc.all, want, tc.pages)
			}
			got, pages := follow(t, tc.path, tc.key)
			if pages != tc.pages || !slices.Equal(got, want) {
				t.Errorf("%d pages listed %v, want %d pages listing %v", pages, got, tc.pages, want)
			}
		})
	}
	for _, path := range []string{
		"/api/v1/documents?cursor=no-such-document",
		"/api/v1/documents?limit=0",
		"/api/v1/documents/" + waID + "/versions?cursor=999999",
		"/api/v1/documents/" + waID + "/versions?cursor=x",
	} {
		if resp, body := f.get(t, "GET", path); resp.StatusCode != http.StatusBadRequest {
			t.Errorf("GET %s: %d %s, want 400", path, resp.StatusCode, body)
		}
	}
}
