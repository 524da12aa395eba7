package web

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
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
	"github.com/clausewatch/clausewatch/diff"
	"github.com/clausewatch/clausewatch/internal/corpustest"
	"github.com/clausewatch/clausewatch/internal/recordtest"
	"github.com/clausewatch/clausewatch/scraper"
	"github.com/clausewatch/clausewatch/tracker"
)

// The page tests share one database built from real history: the WhatsApp
// EEA privacy policy and terms of service from the shared corpus, imported
// through the same pipeline as `clausewatch import`, plus two small
// documents made here: one whose text is markup (<script>, onerror=) that
// must show as text everywhere, and one whose last check failed.
//
// One change is given a data-sharing classification with evidence, so that
// the badge and highlighting are tested whether or not the classifier has
// run: the corpusSite must not depend on another package's rules.

const (
	docPolicy  = "whatsapp-privacy-policy-eea"
	docTerms   = "whatsapp-terms-of-service-eea"
	docMarkup  = "markup-demo"
	docFailing = "failing-demo"
)

// markupLines are clauses of the markup document; each must appear as text.
var markupLines = []string{
	`We may <script>alert("cw-xss")</script> share your data.`,
	`<img src=x onerror=alert("cw-xss")> Contact us at privacy@example.com.`,
}

// corpusSite is what the tests learn about the built database.
type corpusSite struct {
	dir string // holds the database file; removed by TestMain
	// path is the database file; each test opens its own handle on it.
	path string
	// sharing is the change given a data-sharing classification, and
	// evidence the phrase marked as its evidence.
	sharing  int64
	evidence string
	// markupVersions are the versions of the markup document; markupChange
	// is the change between them.
	markupVersions []int64
	markupChange   int64
	// january is the January 2021 update of the policy, given a hand-built
	// classification with sharing deltas and what matters (see
	// classifyJanuary2021).
	january january2021
}

var (
	siteOnce sync.Once
	siteVal  *corpusSite
	siteErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if siteVal != nil {
		os.RemoveAll(siteVal.dir)
	}
	os.Exit(code)
}

// testClock is the fixed time the corpusSite and servers see.
func testClock() time.Time { return time.Date(2026, 8, 1, 12, 0, 0, 0, time.UTC) }

// corpusSiteDB builds the shared database on first use. It skips (or fails,
// in CI) when the corpus is missing.
func corpusSiteDB(t testing.TB) *corpusSite {
	t.Helper()
	corpus := corpustest.Dir(t)
	siteOnce.Do(func() { siteVal, siteErr = buildCorpusSite(corpus) })
	if siteErr != nil {
		t.Fatalf("build corpusSite database: %v", siteErr)
	}
	return siteVal
}

func buildCorpusSite(corpus string) (*corpusSite, error) {
	dir, err := os.MkdirTemp("", "clausewatch-web-")
	if err != nil {
		return nil, err
	}
	f := &corpusSite{dir: dir, path: filepath.Join(dir, "cw.db")}
	ctx := context.Background()
	db, err := data.Open(ctx, f.path, testClock)
	if err != nil {
		return f, err
	}
	defer db.Close()
	docs := []config.Document{
		{ID: docPolicy, URL: "https://www.whatsapp.com/legal/privacy-policy-eea?lang=en", Service: "WhatsApp", Title: "WhatsApp Privacy Policy", Region: "European Region", Language: "en"},
		{ID: docTerms, URL: "https://www.whatsapp.com/legal/terms-of-service-eea?lang=en", Service: "WhatsApp", Title: "WhatsApp Terms of Service", Region: "European Region", Language: "en"},
		{ID: docMarkup, URL: "https://example.com/markup?x=<b>", Service: "Demo <b>Service</b>", Title: `Markup "<i>policy</i>"`, Region: "<Region>"},
		{ID: docFailing, URL: "https://example.com/failing", Service: "Demo", Title: "Failing Policy", Region: "Global", Language: "en"},
	}
	var stored []data.Document
	for _, d := range docs {
		stored = append(stored, data.Document{ID: d.ID, URL: d.URL, Service: d.Service, Title: d.Title, Region: d.Region, Language: d.Language})
	}
	if err := db.SyncDocuments(ctx, stored); err != nil {
		return f, err
	}
	tr := tracker.New(db, nil, nil, testClock, slog.New(slog.DiscardHandler))
	importDir := func(doc config.Document, paths []string) error {
		files, err := tracker.ParseImportFiles(paths)
		if err != nil {
			return err
		}
		return tr.Import(ctx, doc, files, scraper.Rules{}, func(tracker.ImportFile, data.Result) {})
	}
	for _, d := range docs[:2] {
		paths, err := filepath.Glob(filepath.Join(corpus, d.ID, "*.md"))
		if err != nil || len(paths) < 2 {
			return f, fmt.Errorf("corpus %s: want Markdown versions, found %d (%v)", d.ID, len(paths), err)
		}
		if err := importDir(d, paths); err != nil {
			return f, err
		}
	}
	// The markup document: two plain-text versions whose clauses are markup
	// (plain text, because Markdown extraction drops inline HTML).
	mdir := filepath.Join(dir, "markup")
	if err := os.MkdirAll(mdir, 0o755); err != nil {
		return f, err
	}
	v1 := "Privacy <b>notice</b>\n\n" + markupLines[0] + "\n\nWe keep logs for 30 days.\n"
	v2 := "Privacy <b>notice</b>\n\n" + markupLines[0] + "\n\n" + markupLines[1] + "\n\nWe keep logs for 90 days.\n"
	// The third file reads v2 again: the change settles and is published.
	p1, p2, p3 := filepath.Join(mdir, "2024-01-01.txt"), filepath.Join(mdir, "2024-06-01.txt"), filepath.Join(mdir, "2024-07-01.txt")
	for p, body := range map[string]string{p1: v1, p2: v2, p3: v2} {
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			return f, err
		}
	}
	if err := importDir(docs[2], []string{p1, p2, p3}); err != nil {
		return f, err
	}
	// The failing document: one good version, then a failed check.
	good := filepath.Join(mdir, "2024-01-02.md")
	if err := os.WriteFile(good, []byte("# Failing policy\n\nWe collect your phone number to run the service.\n"), 0o644); err != nil {
		return f, err
	}
	if err := importDir(docs[3], []string{good}); err != nil {
		return f, err
	}
	_, err = recordtest.Record(ctx, db, data.Observation{Fetch: data.Fetch{
		DocumentID: docFailing, StartedAt: time.Date(2026, 7, 30, 6, 0, 0, 0, time.UTC), URL: docs[3].URL,
		Status: 503, Outcome: data.Failed, ErrorClass: "http-status", Reason: "HTTP 503 Service Unavailable <retry>",
	}})
	if err != nil {
		return f, err
	}

	mv, err := db.Versions(ctx, docMarkup)
	if err != nil {
		return f, err
	}
	for _, v := range mv {
		f.markupVersions = append(f.markupVersions, v.ID)
	}
	mc, _, err := db.Changes(ctx, data.ChangeFilter{DocumentID: docMarkup})
	if err != nil || len(mc) != 1 {
		return f, fmt.Errorf("markup document: want 1 change, got %d (%v)", len(mc), err)
	}
	f.markupChange = mc[0].ID
	if err := classifyCorpusSite(ctx, db, f); err != nil {
		return f, err
	}
	if f.january, err = classifyJanuary2021(ctx, db); err != nil {
		return f, err
	}
	return f, nil
}

// classifyCorpusSite gives the policy change that introduced the January 2021
// policy (the most clauses added) a data-sharing classification, with the
// first inserted words of a modified clause as evidence, stored as a
// reclassification would store it.
func classifyCorpusSite(ctx context.Context, db *data.DB, f *corpusSite) error {
	changes, _, err := db.Changes(ctx, data.ChangeFilter{DocumentID: docPolicy, ChangeSets: true})
	if err != nil {
		return err
	}
	var best *data.Change
	bestAdded := -1
	for i := range changes {
		var cs diff.ChangeSet
		if err := json.Unmarshal(changes[i].ChangeSet, &cs); err != nil {
			return err
		}
		if cs.Material && cs.Summary.Added+cs.Summary.Modified > bestAdded {
			best, bestAdded = &changes[i], cs.Summary.Added+cs.Summary.Modified
		}
	}
	if best == nil {
		return fmt.Errorf("no material change of %s to classify", docPolicy)
	}
	var cs diff.ChangeSet
	if err := json.Unmarshal(best.ChangeSet, &cs); err != nil {
		return err
	}
	// A data-sharing tag without statement deltas: the page is then titled
	// by its topic ("… changed what it says about data sharing").
	cs.Topics, cs.Sharing = []string{"data-sharing"}, []diff.SharingDelta{}
	cs.Severity = "high"
	for i := range cs.Changes {
		ch := &cs.Changes[i]
		if ch.Kind != diff.Modified || !ch.Material {
			continue
		}
		for _, span := range ch.Words {
			text := strings.TrimSpace(span.Text)
			if n := len(strings.Fields(text)); span.Op == diff.OpInsert && n >= 2 && n <= 8 && !strings.ContainsAny(text, "()[]*_<>") {
				f.evidence = text
				break
			}
		}
		if f.evidence != "" {
			ch.Topics = []string{"data-sharing"}
			ch.Severity = "high"
			ch.Evidence = []diff.Evidence{{Topic: "data-sharing", Side: "new", Text: f.evidence}}
			break
		}
	}
	if f.evidence == "" {
		return fmt.Errorf("change %d has no modified clause with inserted words", best.ID)
	}
	f.sharing = best.ID
	return db.UpdateClassification(ctx, best.ID, cs, "web-corpusSite")
}

// january2021 is what the tests know of the January 2021 change: its id,
// the indices in its change set of the clause edits that lead what matters
// (the removed promise about Facebook's use of account information, the
// removed promise that nothing shared on WhatsApp goes onto Facebook, and
// the first of three legal-basis rows that lost the same sentence), the
// three rows, and a clause whose only sharing words are context.
type january2021 struct {
	change                 int64
	facebook, nothing      int
	rows                   []int
	context                int
	contextPhrase          string
	headlineEN, headlineES string
}

// classifyJanuary2021 stores for the change that brought the January 2021
// policy the classification the issue asks of the classifier, built by
// hand from the corpus text so that the pages' tests do not depend on
// another package's rules: two removed promises not to share (critical,
// the headline), the same deletion in three legal-basis rows shown once,
// and a clause whose sharing words lie in unchanged text, so context only.
func classifyJanuary2021(ctx context.Context, db *data.DB) (january2021, error) {
	var j january2021
	changes, _, err := db.Changes(ctx, data.ChangeFilter{DocumentID: docPolicy, ChangeSets: true})
	if err != nil {
		return j, err
	}
	const (
		facebookText = "Facebook does not use your WhatsApp account information"
		nothingText  = "will be shared onto Facebook"
		rowsText     = " The legitimate interests we rely on for this processing are:"
		contextText  = "share information with"
	)
	for ci := range changes {
		var cs diff.ChangeSet
		if err := json.Unmarshal(changes[ci].ChangeSet, &cs); err != nil {
			return j, err
		}
		j = january2021{change: changes[ci].ID, facebook: -1, nothing: -1, context: -1}
		for i, c := range cs.Changes {
			switch {
			case c.Kind == diff.Removed && strings.Contains(c.Old.Text, facebookText):
				j.facebook = i
			case c.Kind == diff.Removed && strings.Contains(c.Old.Text, nothingText):
				j.nothing = i
			case c.Kind == diff.Modified && len(c.Words) > 0 && onlyDeleted(c.Words) == rowsText:
				j.rows = append(j.rows, i)
			case c.Kind == diff.Modified && c.Material && j.context < 0 && equalContains(c.Words, contextText):
				j.context = i
			}
		}
		if j.facebook < 0 || j.nothing < 0 || len(j.rows) < 3 || j.context < 0 {
			continue
		}
		j.rows = j.rows[:3]
		quote := func(c diff.Change, part, text string) diff.Quote {
			start := strings.Index(c.Old.Text, text)
			return diff.Quote{Part: part, Start: start, End: start + len(text), Text: text}
		}
		fb, nothing := cs.Changes[j.facebook], cs.Changes[j.nothing]
		cs.Sharing = []diff.SharingDelta{
			{Op: diff.DeltaRemoved, Change: j.nothing, Severity: diff.SeverityCritical, Statement: diff.Statement{
				Action: diff.ActionShares, Data: []string{"messages-content", "account"}, Recipients: []string{"meta"}, Negated: true,
				Evidence: []diff.Quote{quote(nothing, "negation", "Nothing"), quote(nothing, "action", "will be shared onto"), quote(nothing, "recipient", "Facebook")}}},
			{Op: diff.DeltaRemoved, Change: j.facebook, Severity: diff.SeverityCritical, Statement: diff.Statement{
				Action: diff.ActionShares, Data: []string{"account"}, Recipients: []string{"meta"}, Purpose: "advertising", Negated: true,
				Evidence: []diff.Quote{quote(fb, "negation", "does not"), quote(fb, "data", "WhatsApp account information"), quote(fb, "recipient", "Facebook")}}},
		}
		cs.Matters = []diff.Matter{
			{Changes: []int{j.facebook}, Severity: diff.SeverityCritical, Topics: []string{"data-sharing", "advertising"}},
			{Changes: []int{j.nothing}, Severity: diff.SeverityCritical, Topics: []string{"data-sharing"}},
			{Changes: j.rows, Severity: diff.SeverityMedium, Topics: []string{"legal-basis"}},
		}
		cs.Topics = []string{"data-sharing", "advertising", "legal-basis"}
		cs.Severity, cs.Alert = diff.SeverityCritical, true
		set := func(i int, sev diff.Severity, ev []diff.Evidence, topics ...string) {
			cs.Changes[i].Topics, cs.Changes[i].Severity, cs.Changes[i].Evidence = topics, sev, ev
		}
		evidence := func(i int, topic, side, text string, context bool) diff.Evidence {
			cl := cs.Changes[i].Old
			if side == "new" {
				cl = cs.Changes[i].New
			}
			start := strings.Index(strings.ToLower(cl.Text), strings.ToLower(text))
			return diff.Evidence{Topic: topic, Side: side, Context: context, Start: start, End: start + len(text), Text: cl.Text[start : start+len(text)]}
		}
		set(j.facebook, diff.SeverityCritical, []diff.Evidence{evidence(j.facebook, "data-sharing", "old", facebookText, false), evidence(j.facebook, "advertising", "old", "ad experiences", false)}, "data-sharing", "advertising")
		set(j.nothing, diff.SeverityCritical, []diff.Evidence{evidence(j.nothing, "data-sharing", "old", nothingText, false)}, "data-sharing")
		for _, i := range j.rows {
			set(i, diff.SeverityMedium, []diff.Evidence{evidence(i, "legal-basis", "old", "legitimate interests", false)}, "legal-basis")
		}
		set(j.context, diff.SeverityLow, []diff.Evidence{evidence(j.context, "data-sharing", "new", contextText, true)})
		j.contextPhrase = cs.Changes[j.context].Evidence[0].Text
		j.headlineEN = "WhatsApp dropped its promise not to share your messages and content and your account information with Meta"
		j.headlineES = "WhatsApp retiró su promesa de no compartir tus mensajes y contenidos y la información de tu cuenta con Meta"
		return j, db.UpdateClassification(ctx, j.change, cs, "web-corpusSite")
	}
	return january2021{}, fmt.Errorf("no change of %s removes %q and %q", docPolicy, facebookText, nothingText)
}

// onlyDeleted returns the words a clause edit deleted when it inserted
// none, "" otherwise.
func onlyDeleted(words []diff.Span) string {
	var del strings.Builder
	for _, w := range words {
		switch w.Op {
		case diff.OpInsert:
			return ""
		case diff.OpDelete:
			del.WriteString(w.Text)
		}
	}
	return del.String()
}

// equalContains says whether the words an edit left alone contain phrase.
func equalContains(words []diff.Span, phrase string) bool {
	for _, w := range words {
		if w.Op == diff.OpEqual && strings.Contains(strings.ToLower(w.Text), phrase) {
			return true
		}
	}
	return false
}

// newPageServer starts the site on the corpusSite database.
func newPageServer(t testing.TB, f *corpusSite) *httptest.Server {
	t.Helper()
	db, err := data.Open(context.Background(), f.path, testClock)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	s, err := New(db, testClock, slog.New(slog.DiscardHandler), Options{BaseURL: "https://cw.example.org"})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	return srv
}

// get fetches path with optional request headers (name, value pairs).
func pageGet(t testing.TB, srv *httptest.Server, path string, headers ...string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b strings.Builder
	if _, err := io.Copy(&b, resp.Body); err != nil {
		t.Fatal(err)
	}
	return resp, b.String()
}
