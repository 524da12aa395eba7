package tracker

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/clausewatch/clausewatch/config"
	"github.com/clausewatch/clausewatch/data"
	"github.com/clausewatch/clausewatch/internal/corpustest"
	"github.com/clausewatch/clausewatch/scraper"
)

// clock is a fake clock that moves forward one minute per reading, so every
// fetch has its own time.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(time.Minute)
	return c.t
}

func newTracker(t testing.TB, client *http.Client) (*Tracker, *data.DB, *clock) {
	t.Helper()
	clk := &clock{t: time.Date(2026, 11, 21, 8, 0, 0, 0, time.UTC)}
	db, err := data.Open(context.Background(), filepath.Join(t.TempDir(), "cw.db"), clk.now)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	fetcher := scraper.NewHTTPFetcher(client, scraper.HTTPOptions{
		Now:   clk.now,
		Sleep: func(ctx context.Context, d time.Duration) error { return ctx.Err() },
	})
	return New(db, fetcher, nil, clk.now, slog.New(slog.DiscardHandler)), db, clk
}

func syncDoc(t testing.TB, db *data.DB, doc config.Document) {
	t.Helper()
	if err := db.SyncDocuments(context.Background(), []data.Document{{ID: doc.ID, URL: doc.URL, Language: doc.Language}}); err != nil {
		t.Fatal(err)
	}
}

// page is one answer of the replay server.
type page struct {
	status int
	etag   string
	body   string
}

// policyPage returns a real WhatsApp policy page: the full privacy policy
// page from the corpus when it is there, else the trimmed terms of service
// page kept with the scraper's fixtures, so the test runs on a newcomer's
// clone too.
func policyPage(t testing.TB) string {
	t.Helper()
	path := filepath.Join("..", "..", "shared", "corpus", "snapshots", "whatsapp-privacy-policy-eea-2025-03-15.html")
	if os.Getenv("CLAUSEWATCH_REQUIRE_CORPUS") == "1" {
		path = filepath.Join(corpustest.Dir(t), "snapshots", "whatsapp-privacy-policy-eea-2025-03-15.html")
	}
	b, err := os.ReadFile(path)
	if err != nil {
		b, err = os.ReadFile(filepath.Join("..", "scraper", "testdata", "whatsapp-terms-of-service-eea-2022-09-18.html"))
		if err != nil {
			t.Fatal(err)
		}
	}
	return string(b)
}

// realEdit makes a material edit to whichever page policyPage returned (a
// new recipient of data, as in 2021) and returns the page and the edited
// words.
func realEdit(t *testing.T, page string) (string, string) {
	t.Helper()
	for _, e := range []struct{ old, new string }{
		{"you cannot share your location with your contacts", "you cannot share your location with your contacts or with the Meta Companies"},
		{"how we use and share this information", "how we use and share this information with the Meta Companies"},
	} {
		if strings.Contains(page, e.old) {
			return strings.Replace(page, e.old, e.new, 1), e.new
		}
	}
	t.Fatal("the page has none of the sentences the test edits")
	return "", ""
}

func mustReplace(t *testing.T, s, old, new string) string {
	t.Helper()
	if !strings.Contains(s, old) {
		t.Fatalf("page does not contain %q", old)
	}
	return strings.Replace(s, old, new, 1)
}

// TestReplay fetches a real page and its variants in turn and checks that only
// the real edit makes a version, that failures and error pages are recorded
// with their reason, and that validators make later fetches conditional.
func TestReplay(t *testing.T) {
	base := policyPage(t)
	noise := strings.ReplaceAll(base, "</p>", "\n  </p>")
	noise = strings.ReplaceAll(noise, " our Services", " our\u00a0Services")
	noise = strings.ReplaceAll(noise, `href="https://www.whatsapp.com/`, `href="https://l.whatsapp.com/?utm_source=x&amp;u=https://www.whatsapp.com/`)
	noise = mustReplace(t, noise, "<p", "<p data-rotated=\"1\"")
	edit, edited := realEdit(t, base)
	errorPage := `<!DOCTYPE html><html lang="en"><head><title>Page Not Found | WhatsApp</title></head>
<body><div id="content-wrapper"><h1>Sorry, this page isn't available.</h1><p>The link you followed may be broken.</p></div></body></html>`

	steps := []struct {
		name    string
		serve   page
		outcome data.Outcome
		class   string
		cond    bool
	}{
		{"first fetch", page{200, `"v1"`, base}, data.NewVersion, "", false},
		{"same page, conditional", page{200, `"v1"`, base}, data.NotModified, "", true},
		{"noise only", page{200, `"v1n"`, noise}, data.Unchanged, "", true},
		{"real edit", page{200, `"v2"`, edit}, data.NewVersion, "", true},
		{"server error", page{500, "", "oops"}, data.Failed, reasonHTTPStatus, true},
		{"error page with 200", page{200, `"e"`, errorPage}, data.Suspect, reasonErrorPage, true},
		{"the edit again", page{200, `"v2"`, edit}, data.NotModified, "", true},
	}
	var (
		mu      sync.Mutex
		current page
		gotCond bool
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		p := current
		gotCond = r.Header.Get("If-None-Match") != ""
		mu.Unlock()
		if p.etag != "" {
			w.Header().Set("ETag", p.etag)
			if r.Header.Get("If-None-Match") == p.etag {
				w.WriteHeader(http.StatusNotModified)
				return
			}
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(p.status)
		w.Write([]byte(p.body))
	}))
	defer srv.Close()

	tr, db, _ := newTracker(t, srv.Client())
	doc := config.Document{ID: "whatsapp-privacy-policy-eea", URL: srv.URL + "/legal/privacy-policy-eea", Select: []string{"#content-wrapper"}, Language: "en"}
	syncDoc(t, db, doc)
	ctx := context.Background()
	for _, st := range steps {
		mu.Lock()
		current = st.serve
		mu.Unlock()
		res, err := tr.Check(ctx, doc)
		if err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		f := res.Fetch
		if f.Outcome != st.outcome || f.ErrorClass != st.class {
			t.Errorf("%s: outcome %s (%s: %s), want %s (%s)", st.name, f.Outcome, f.ErrorClass, f.Reason, st.outcome, st.class)
		}
		if gotCond != st.cond || f.Conditional != st.cond {
			t.Errorf("%s: conditional sent %v, recorded %v, want %v", st.name, gotCond, f.Conditional, st.cond)
		}
		if (f.Outcome == data.Failed || f.Outcome == data.Suspect) && f.Reason == "" {
			t.Errorf("%s: no reason recorded", st.name)
		}
	}

	versions, err := db.Versions(ctx, doc.ID)
	if err != nil {
		t.Fatal(err)
	}
	changes, _, err := db.Changes(ctx, data.ChangeFilter{DocumentID: doc.ID, ChangeSets: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(versions) != 2 || len(changes) != 1 {
		t.Fatalf("got %d versions and %d changes, want 2 and 1", len(versions), len(changes))
	}
	c := changes[0]
	if c.FromVersion != versions[0].ID || c.ToVersion != versions[1].ID || !c.Material {
		t.Errorf("change = %+v, want material change %d -> %d", c, versions[0].ID, versions[1].ID)
	}
	v2, err := db.Version(ctx, versions[1].ID)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(v2.Text, edited) {
		t.Error("second version lacks the edit")
	}
	fetches, err := db.Fetches(ctx, doc.ID, 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(fetches) != len(steps) {
		t.Errorf("got %d fetch rows, want %d", len(fetches), len(steps))
	}
}

// TestUnreachable checks that a fetch from a closed port is recorded as a
// failed fetch with its class, and stores nothing else.
func TestUnreachable(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	tr, db, _ := newTracker(t, &http.Client{Timeout: 5 * time.Second})
	doc := config.Document{ID: "gone", URL: url + "/policy", Select: []string{"main"}}
	syncDoc(t, db, doc)
	res, err := tr.Check(context.Background(), doc)
	if err != nil {
		t.Fatal(err)
	}
	if res.Fetch.Outcome != data.Failed || res.Fetch.ErrorClass != "connect" || res.Snapshot != nil || res.Version != nil {
		t.Errorf("result = %+v, want a failed fetch of class connect and nothing else", res)
	}
	if _, err := db.LatestVersion(context.Background(), doc.ID); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("LatestVersion err = %v, want ErrNotFound", err)
	}
}

// TestGates serves one page per case and checks the gate that catches it.
func TestGates(t *testing.T) {
	long := strings.Repeat("<p>We collect the information you provide to us and share it with the service providers that help us run our Services.</p>\n", 40)
	tests := []struct {
		name        string
		contentType string
		body        string
		select_     string
		language    string
		class       string
	}{
		{"good", "text/html", "<main>" + long + "</main>", "main", "en", ""},
		{"pdf", "application/pdf", "%PDF-1.4", "main", "en", reasonContentType},
		{"empty body", "text/html", "", "main", "en", reasonEmpty},
		{"selector gone", "text/html", "<div class=new>" + long + "</div>", "main", "en", reasonNoMatch},
		{"login wall", "text/html", "<title>Log into Facebook</title><main><p>You must log in to continue.</p></main>", "main", "en", reasonErrorPage},
		{"captcha", "text/html", "<main><p>Please complete the captcha to continue.</p></main>", "main", "en", reasonErrorPage},
		{"access denied", "text/html", "<title>Access Denied</title><main>" + long + "</main>", "main", "en", reasonErrorPage},
		{"wrong language", "text/html", "<main>" + strings.Repeat("<p>Compartimos la información que nos proporcionas con los proveedores de servicios y las demás empresas de Meta para que nuestros Servicios funcionen.</p>", 20) + "</main>", "main", "en", reasonLanguage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", tt.contentType)
				w.Write([]byte(tt.body))
			}))
			defer srv.Close()
			tr, db, _ := newTracker(t, srv.Client())
			doc := config.Document{ID: "doc", URL: srv.URL, Select: []string{tt.select_}, Language: tt.language}
			syncDoc(t, db, doc)
			res, err := tr.Check(context.Background(), doc)
			if err != nil {
				t.Fatal(err)
			}
			want := data.NewVersion
			if tt.class != "" {
				want = data.Suspect
			}
			if res.Fetch.Outcome != want || res.Fetch.ErrorClass != tt.class {
				t.Errorf("outcome %s (%s: %s), want %s (%s)", res.Fetch.Outcome, res.Fetch.ErrorClass, res.Fetch.Reason, want, tt.class)
			}
		})
	}
}

// TestShrink checks that a text less than half as long as the last version is
// suspect, and that a normal edit is not.
func TestShrink(t *testing.T) {
	para := "<p>We share information with the Meta Companies to operate and improve our Services and to keep them safe.</p>\n"
	bodies := []struct {
		body    string
		outcome data.Outcome
	}{
		{strings.Repeat(para, 40), data.NewVersion},
		{strings.Repeat(para, 15), data.Suspect},
		{strings.Repeat(para, 39), data.NewVersion},
	}
	var i int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte("<main>" + bodies[i].body + "</main>"))
	}))
	defer srv.Close()
	tr, db, _ := newTracker(t, srv.Client())
	doc := config.Document{ID: "doc", URL: srv.URL, Select: []string{"main"}, Language: "en"}
	syncDoc(t, db, doc)
	for i = range bodies {
		res, err := tr.Check(context.Background(), doc)
		if err != nil {
			t.Fatal(err)
		}
		if res.Fetch.Outcome != bodies[i].outcome {
			t.Errorf("fetch %d: outcome %s (%s), want %s", i, res.Fetch.Outcome, res.Fetch.Reason, bodies[i].outcome)
		}
	}
}

func TestGuessLanguage(t *testing.T) {
	tests := []struct{ name, text, want string }{
		{"english", strings.Repeat("We share your information with the Meta Companies and our partners. ", 10), "en"},
		{"spanish", strings.Repeat("Compartimos tu información con las demás empresas de Meta y con nuestros socios. ", 10), "es"},
		{"french", strings.Repeat("Nous partageons vos informations avec les autres entreprises de Meta et nos partenaires. ", 10), "fr"},
		{"too short", "We share.", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := guessLanguage(tt.text); got != tt.want {
				t.Errorf("guessLanguage = %q, want %q", got, tt.want)
			}
		})
	}
}
