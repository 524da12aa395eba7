package data

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/clausewatch/clausewatch/diff"
	"github.com/clausewatch/clausewatch/policy"
	"github.com/clausewatch/clausewatch/topics"
)

// step is one observation in a recorded history.
type step struct {
	at      time.Duration // after t0
	doc     string        // document id; "" means "wa"
	body    string        // "" means no snapshot
	texts   []string      // nil means no candidate document
	outcome Outcome       // given by the caller when texts is nil
	class   string
	reason  string

	want    Outcome // outcome Record should store
	wantErr error   // sentinel the error must wrap
	errText string  // substring the error must contain
}

func (s step) observation() Observation {
	id := s.doc
	if id == "" {
		id = "wa"
	}
	obs := Observation{Fetch: Fetch{
		DocumentID: id, StartedAt: t0.Add(s.at), Duration: 1500 * time.Millisecond,
		URL: "https://www.whatsapp.com/legal/privacy-policy", FinalURL: "https://www.whatsapp.com/legal/privacy-policy/",
		Redirects: []string{"https://www.whatsapp.com/legal/privacy-policy"},
		Outcome:   s.outcome, ErrorClass: s.class, Reason: s.reason,
	}}
	if s.body != "" {
		obs.Fetch.Status, obs.Fetch.Bytes = 200, int64(len(s.body))
		obs.Snapshot = &Snapshot{Header: http.Header{"Content-Type": {"text/html; charset=utf-8"}}, Body: []byte(s.body)}
	}
	if s.texts != nil {
		obs.Document = doc(s.texts...)
	}
	return obs
}

func TestRecordFlows(t *testing.T) {
	const (
		shareFB   = "We share information with the Facebook Companies."
		shareMeta = "We share information with the Meta Companies, including for advertising."
		contact   = "Contact us at privacy@whatsapp.com."
	)
	tests := []struct {
		name                                  string
		steps                                 []step
		snapshots, versions, changes, fetches int
	}{
		{
			name:      "first version",
			steps:     []step{{body: "<p>" + shareFB + "</p>", texts: []string{shareFB}, want: NewVersion}},
			snapshots: 1, versions: 1, changes: 0, fetches: 1,
		},
		{
			name: "same canonical text, different bytes",
			steps: []step{
				{body: "<p>" + shareFB + "</p>", texts: []string{shareFB}, want: NewVersion},
				{at: time.Hour, body: "<p class=x>  " + shareFB + "&nbsp;</p>", texts: []string{"  We share information with\u00a0the Facebook\u200b Companies. "}, want: Unchanged},
			},
			snapshots: 2, versions: 1, changes: 0, fetches: 2,
		},
		{
			name: "identical body twice",
			steps: []step{
				{body: "<p>" + shareFB + "</p>", texts: []string{shareFB}, want: NewVersion},
				{at: time.Hour, body: "<p>" + shareFB + "</p>", texts: []string{shareFB}, want: Unchanged},
			},
			snapshots: 1, versions: 1, changes: 0, fetches: 2,
		},
		{
			name: "new version with a change",
			steps: []step{
				{body: "<p>" + shareFB + "</p>", texts: []string{shareFB, contact}, want: NewVersion},
				{at: 24 * time.Hour, body: "<p>" + shareMeta + "</p>", texts: []string{shareMeta, contact}, want: NewVersion},
			},
			snapshots: 2, versions: 2, changes: 1, fetches: 2,
		},
		{
			name: "revert is a new version",
			steps: []step{
				{body: "a", texts: []string{shareFB}, want: NewVersion},
				{at: time.Hour, body: "b", texts: []string{shareMeta}, want: NewVersion},
				{at: 2 * time.Hour, body: "a", texts: []string{shareFB}, want: NewVersion},
			},
			snapshots: 2, versions: 3, changes: 2, fetches: 3,
		},
		{
			name: "suspect and failed fetches make no version",
			steps: []step{
				{body: "<p>" + shareFB + "</p>", texts: []string{shareFB}, want: NewVersion},
				{at: time.Hour, outcome: Failed, class: "timeout", reason: "no response within 30s", want: Failed},
				{at: 2 * time.Hour, body: "<h1>Something went wrong</h1>", outcome: Suspect, class: "error-page", reason: "error page served with 200", want: Suspect},
				{at: 3 * time.Hour, outcome: NotModified, want: NotModified},
			},
			snapshots: 2, versions: 1, changes: 0, fetches: 4,
		},
		{
			name: "failed fetch before any version",
			steps: []step{
				{outcome: Failed, class: "dns", reason: "no such host", want: Failed},
			},
			snapshots: 0, versions: 0, changes: 0, fetches: 1,
		},
		{
			name: "same instant, same text",
			steps: []step{
				{body: "a", texts: []string{shareFB}, want: NewVersion},
				{body: "a2", texts: []string{shareFB}, want: Unchanged},
			},
			snapshots: 2, versions: 1, changes: 0, fetches: 2,
		},
		{
			name: "unknown document",
			steps: []step{
				{doc: "tiktok", body: "a", texts: []string{shareFB}, wantErr: ErrUnknownDocument, errText: `document "tiktok" is not stored`},
				{doc: "tiktok", outcome: Failed, wantErr: ErrUnknownDocument},
			},
		},
		{
			name: "contradictory observations",
			steps: []step{
				{body: "a", texts: []string{shareFB}, outcome: Suspect, errText: "leave Outcome empty"},
				{texts: []string{shareFB}, errText: "without a snapshot"},
				{body: "a", errText: "no outcome"},
				{outcome: Unchanged, errText: "needs a candidate document"},
				{outcome: "weird", errText: "unknown fetch outcome"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			db := openTest(t)
			var results []Result
			for i, s := range tt.steps {
				res, err := record(ctx, db, s.observation())
				if s.wantErr != nil || s.errText != "" {
					if err == nil {
						t.Fatalf("step %d: Record succeeded, want an error", i)
					}
					if s.wantErr != nil && !errors.Is(err, s.wantErr) {
						t.Errorf("step %d: error %v does not wrap %v", i, err, s.wantErr)
					}
					if !strings.Contains(err.Error(), s.errText) || !strings.HasPrefix(err.Error(), "data: record fetch of ") {
						t.Errorf("step %d: error %q, want prefix %q and %q", i, err, "data: record fetch of", s.errText)
					}
					continue
				}
				if err != nil {
					t.Fatalf("step %d: %v", i, err)
				}
				if res.Fetch.Outcome != s.want {
					t.Errorf("step %d: outcome %q, want %q", i, res.Fetch.Outcome, s.want)
				}
				checkResult(t, i, s, res)
				results = append(results, res)
			}
			for table, want := range map[string]int{"snapshots": tt.snapshots, "versions": tt.versions, "changes": tt.changes, "fetches": tt.fetches} {
				if got := count(t, db, table); got != want {
					t.Errorf("%s: %d rows, want %d", table, got, want)
				}
			}
			checkHistory(t, db, results)
		})
	}
}

// checkResult checks the invariants of one successful Record result.
func checkResult(t *testing.T, i int, s step, res Result) {
	t.Helper()
	f := res.Fetch
	if f.ID == 0 {
		t.Errorf("step %d: fetch has no id", i)
	}
	if (s.body != "") != (res.Snapshot != nil) || (s.body != "") != (f.SnapshotID != 0) {
		t.Errorf("step %d: body %q but snapshot %+v, fetch snapshot %d", i, s.body, res.Snapshot, f.SnapshotID)
	}
	if res.Snapshot != nil && (res.Snapshot.ID != f.SnapshotID || res.Snapshot.SHA256 != policy.HashText(s.body)) {
		t.Errorf("step %d: snapshot %+v does not match fetch or body", i, res.Snapshot)
	}
	switch f.Outcome {
	case NewVersion, Unchanged:
		if res.Version == nil || res.Version.ID != f.VersionID || f.VersionID == 0 {
			t.Fatalf("step %d: %s fetch with version %+v, fetch version %d", i, f.Outcome, res.Version, f.VersionID)
		}
		if want := doc(s.texts...).Hash(); res.Version.SHA256 != want {
			t.Errorf("step %d: version sha256 %s, want %s", i, res.Version.SHA256, want)
		}
		if res.Version.SnapshotSHA256 == "" {
			t.Errorf("step %d: version without snapshot sha256", i)
		}
	case NotModified:
		// A 304 creates nothing; it points at the version it confirmed.
		if res.Version != nil || res.Change != nil {
			t.Errorf("step %d: %s fetch produced version %+v / change %+v", i, f.Outcome, res.Version, res.Change)
		}
	default:
		// Invariant 1: no version for a failed or suspect fetch.
		if res.Version != nil || f.VersionID != 0 || res.Change != nil {
			t.Errorf("step %d: %s fetch produced version %+v / change %+v", i, f.Outcome, res.Version, res.Change)
		}
	}
	if f.Outcome != NewVersion && res.Change != nil {
		t.Errorf("step %d: change on a %s fetch", i, f.Outcome)
	}
}

// checkHistory compares what the query methods return with what Record said
// it stored.
func checkHistory(t *testing.T, db *DB, results []Result) {
	t.Helper()
	ctx := context.Background()
	var wantVersions []int64
	var wantChanges []*Change
	for _, r := range results {
		if r.Fetch.Outcome == NewVersion {
			wantVersions = append(wantVersions, r.Version.ID)
			if r.Change != nil {
				wantChanges = append(wantChanges, r.Change)
			} else if len(wantVersions) > 1 {
				t.Errorf("version %d has a predecessor but no change", r.Version.ID)
			}
		}
	}
	vs, err := db.Versions(ctx, "wa")
	if err != nil {
		t.Fatal(err)
	}
	var gotVersions []int64
	for _, v := range vs {
		gotVersions = append(gotVersions, v.ID)
		if v.SnapshotSHA256 == "" || v.Text != "" {
			t.Errorf("Versions listing entry %+v: want SnapshotSHA256 and no Text", v)
		}
	}
	if !reflect.DeepEqual(gotVersions, wantVersions) {
		t.Errorf("Versions = %v, want %v", gotVersions, wantVersions)
	}

	latest, err := db.LatestVersion(ctx, "wa")
	if len(wantVersions) == 0 {
		if !errors.Is(err, ErrNotFound) {
			t.Errorf("LatestVersion with no versions: %v, want ErrNotFound", err)
		}
	} else if err != nil || latest.ID != wantVersions[len(wantVersions)-1] || len(latest.Blocks) == 0 || latest.Text == "" {
		t.Errorf("LatestVersion = %+v, %v; want version %d in full", latest, err, wantVersions[len(wantVersions)-1])
	}

	changes, _, err := db.Changes(ctx, ChangeFilter{DocumentID: "wa", ChangeSets: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(changes) != len(wantChanges) {
		t.Fatalf("Changes = %d, want %d", len(changes), len(wantChanges))
	}
	for i, c := range changes {
		w := wantChanges[i]
		if c.ID != w.ID || c.FromVersion != w.FromVersion || c.ToVersion != w.ToVersion || !c.DetectedAt.Equal(w.DetectedAt) ||
			c.Material != w.Material || c.Severity != w.Severity || !reflect.DeepEqual(c.Topics, w.Topics) || !bytes.Equal(c.ChangeSet, w.ChangeSet) {
			t.Errorf("Changes[%d] = %+v, want %+v", i, c, *w)
		}
		// The stored change set is the diff of the two stored versions.
		from, err1 := db.Version(ctx, c.FromVersion)
		to, err2 := db.Version(ctx, c.ToVersion)
		if err1 != nil || err2 != nil {
			t.Fatalf("versions of change %d: %v %v", c.ID, err1, err2)
		}
		var cs diff.ChangeSet
		if err := json.Unmarshal(c.ChangeSet, &cs); err != nil {
			t.Fatalf("change set JSON: %v", err)
		}
		want := topics.Compare(from.Document(), to.Document(), "")
		if !reflect.DeepEqual(cs, want) || c.Material != want.Material || c.Severity != want.Severity {
			t.Errorf("stored change set %+v, want %+v", cs, want)
		}
		if !cs.Material || len(cs.Changes) == 0 {
			t.Errorf("change %d: a reworded sharing clause should be material with clause changes: %s", c.ID, c.ChangeSet)
		}
	}

	fetches, err := db.Fetches(ctx, "wa", 0)
	if err != nil {
		t.Fatal(err)
	}
	var ok []Result
	for _, r := range results {
		if r.Fetch.DocumentID == "wa" {
			ok = append(ok, r)
		}
	}
	// Newest first: by start time, then by id.
	sort.Slice(ok, func(i, j int) bool {
		a, b := ok[i].Fetch, ok[j].Fetch
		if !a.StartedAt.Equal(b.StartedAt) {
			return a.StartedAt.After(b.StartedAt)
		}
		return a.ID > b.ID
	})
	if len(fetches) != len(ok) {
		t.Fatalf("Fetches = %d, want %d", len(fetches), len(ok))
	}
	for i, f := range fetches {
		w := ok[i].Fetch
		if !reflect.DeepEqual(f, w) {
			t.Errorf("Fetches[%d] =\n%+v\nwant\n%+v", i, f, w)
		}
	}
}

func TestFetchesListsFailures(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	steps := []step{
		{outcome: Failed, class: "timeout", reason: "no response within 30s"},
		{at: time.Hour, body: "<h1>Oops</h1>", outcome: Suspect, class: "selector", reason: `selector "main" matched nothing`},
		{at: 2 * time.Hour, body: "<p>x</p>", outcome: Suspect, class: "shrank", reason: "text shrank from 120 kB to 3 kB"},
	}
	for _, s := range steps {
		if _, err := record(ctx, db, s.observation()); err != nil {
			t.Fatal(err)
		}
	}
	got, err := db.Fetches(ctx, "wa", 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("Fetches(limit 2) = %d rows", len(got))
	}
	want := []struct {
		outcome       Outcome
		class, reason string
	}{{Suspect, "shrank", "text shrank from 120 kB to 3 kB"}, {Suspect, "selector", `selector "main" matched nothing`}}
	for i, w := range want {
		if got[i].Outcome != w.outcome || got[i].ErrorClass != w.class || got[i].Reason != w.reason || got[i].SnapshotID == 0 || got[i].VersionID != 0 {
			t.Errorf("Fetches[%d] = %+v, want %+v with a snapshot and no version", i, got[i], w)
		}
	}
	if n := count(t, db, "versions"); n != 0 {
		t.Errorf("%d versions after only failed and suspect fetches", n)
	}
	if other, err := db.Fetches(ctx, "fb", 0); err != nil || len(other) != 0 {
		t.Errorf("Fetches(fb) = %v, %v; want none", other, err)
	}
}

func TestSnapshotRoundTrip(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	tests := []struct {
		name string
		body []byte
	}{
		{"utf-8 html", []byte("<html><body><p>Política de privacidad — «WhatsApp»</p></body></html>\n")},
		{"not utf-8", []byte{0xff, 0xfe, 0x00, 'P', 0x80, 0xc3, 0x28, '\r', '\n', 0x00, 0xe9}},
		{"empty", []byte{}},
		{"repetitive", bytes.Repeat([]byte("<p>We share information with the Meta Companies.</p>\n"), 4000)},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			at := time.Date(2023, 4, 5, 6, 7, 8, 9, time.FixedZone("CEST", 2*3600)).Add(time.Duration(i) * time.Hour)
			header := http.Header{"Content-Type": {"text/html; charset=windows-1252"}, "Etag": {`"abc"`}, "Set-Cookie": {"a=1", "b=2"}}
			res, err := record(ctx, db, Observation{
				Fetch:    Fetch{DocumentID: "wa", StartedAt: at, URL: "https://example.com/p", Status: 200, Outcome: Suspect, Reason: "test"},
				Snapshot: &Snapshot{Header: header, Body: tt.body},
			})
			if err != nil {
				t.Fatal(err)
			}
			got, err := db.Snapshot(ctx, res.Snapshot.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got.Body, tt.body) {
				t.Errorf("body round trip: got %q, want %q", got.Body, tt.body)
			}
			if got.SHA256 != policy.HashText(string(tt.body)) || got.Size != int64(len(tt.body)) {
				t.Errorf("sha256 %s size %d, want %s %d", got.SHA256, got.Size, policy.HashText(string(tt.body)), len(tt.body))
			}
			if !reflect.DeepEqual(got.Header, header) || got.ContentType != "text/html; charset=windows-1252" {
				t.Errorf("header %v content type %q", got.Header, got.ContentType)
			}
			if !got.FetchedAt.Equal(at) || got.FetchedAt.Location() != time.UTC || got.URL != "https://example.com/p" || got.Status != 200 || got.DocumentID != "wa" {
				t.Errorf("snapshot metadata %+v", got)
			}
			var stored int
			if err := db.sql.QueryRow(`SELECT length(body) FROM snapshots WHERE id = ?`, got.ID).Scan(&stored); err != nil {
				t.Fatal(err)
			}
			if tt.name == "repetitive" && stored*20 > len(tt.body) {
				t.Errorf("stored blob is %d bytes for a %d-byte repetitive body: not compressed", stored, len(tt.body))
			}
		})
	}
	if _, err := db.Snapshot(ctx, 9999); !errors.Is(err, ErrNotFound) {
		t.Errorf("Snapshot(9999) error = %v, want ErrNotFound", err)
	}
}

func TestSnapshotChecks(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	tests := []struct {
		name string
		snap Snapshot
		want string
	}{
		{"wrong sha256", Snapshot{SHA256: strings.Repeat("0", 64), Body: []byte("x")}, "does not match its body"},
		{"other document", Snapshot{DocumentID: "fb", Body: []byte("x")}, `belongs to document "fb"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := record(ctx, db, Observation{Fetch: Fetch{DocumentID: "wa", StartedAt: t0, Outcome: Suspect}, Snapshot: &tt.snap})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Record error = %v, want it to mention %q", err, tt.want)
			}
		})
	}
}

func TestValidators(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	obs := func(at time.Duration, body, etag, lm string, outcome Outcome, texts ...string) Observation {
		o := Observation{Fetch: Fetch{DocumentID: "wa", StartedAt: t0.Add(at), URL: "https://example.com", Outcome: outcome}}
		if body != "" {
			h := http.Header{}
			if etag != "" {
				h.Set("ETag", etag)
			}
			if lm != "" {
				h.Set("Last-Modified", lm)
			}
			o.Snapshot = &Snapshot{Header: h, Body: []byte(body)}
		}
		if texts != nil {
			o.Document = doc(texts...)
		}
		return o
	}
	const lm1, lm2 = "Mon, 04 Jan 2021 10:00:00 GMT", "Tue, 05 Jan 2021 10:00:00 GMT"
	settling := func(o Observation) Observation { o.ChangeState = Settling; return o }
	steps := []struct {
		name string
		obs  Observation
		want Validators // VersionID counts the versions recorded, from 1
	}{
		{"failed before any version", obs(0, "", "", "", Failed), Validators{}},
		{"suspect before any version", obs(time.Hour, "<h1>err</h1>", `"bad"`, lm1, Suspect), Validators{}},
		{"first version", obs(2*time.Hour, "v1", `"v1"`, lm1, "", "One."), Validators{`"v1"`, lm1, 1, false}},
		{"304 keeps validators", obs(3*time.Hour, "", "", "", NotModified), Validators{`"v1"`, lm1, 1, false}},
		{"suspect keeps validators", obs(4*time.Hour, "<h1>err</h1>", `"bad"`, lm2, Suspect), Validators{`"v1"`, lm1, 1, false}},
		// Same body as the first version: the snapshot row is reused with its
		// first headers, but the validators are this response's.
		{"unchanged with new etag", obs(5*time.Hour, "v1", `"v1b"`, lm2, "", "One."), Validators{`"v1b"`, lm2, 1, false}},
		{"new version without validators", obs(6*time.Hour, "v2", "", "", "", "Two."), Validators{"", "", 2, false}},
		{"failed keeps validators", obs(7*time.Hour, "", "", "", Failed), Validators{"", "", 2, false}},
		{"a change waits to settle", settling(obs(8*time.Hour, "v3", `"v3"`, lm2, "", "Three.")), Validators{`"v3"`, lm2, 3, true}},
	}
	for _, s := range steps {
		if _, err := record(ctx, db, s.obs); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		got, err := db.Validators(ctx, "wa")
		if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if got != s.want {
			t.Errorf("%s: Validators = %+v; want %+v", s.name, got, s.want)
		}
	}
	if n := count(t, db, "snapshots"); n != 4 {
		t.Errorf("%d snapshots, want 4 (error page, v1, v2, v3)", n)
	}
	if got, err := db.Validators(ctx, "fb"); err != nil || got != (Validators{}) {
		t.Errorf("Validators(fb) = %+v, %v; want none", got, err)
	}
}

// TestRecordNotModified checks that 304s written together are stored as
// Record stores one: each confirming its version, with that version's text
// for the settling counts, and counted for /metrics; and that a fetch that
// is not such a 304 is refused before anything is written.
func TestRecordNotModified(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	var heads []*Version
	for i, id := range []string{"wa", "fb"} {
		res, err := record(ctx, db, Observation{Fetch: Fetch{DocumentID: id, StartedAt: t0.Add(time.Duration(i))},
			Snapshot: &Snapshot{Body: []byte(id)}, Document: doc("We keep " + id + " data.")})
		if err != nil {
			t.Fatal(err)
		}
		heads = append(heads, res.Version)
	}
	one := func(v *Version, at time.Duration) Fetch {
		return Fetch{DocumentID: v.DocumentID, StartedAt: t0.Add(at), URL: "https://example.com/" + v.DocumentID, Status: 304,
			Conditional: true, Outcome: NotModified, VersionID: v.ID}
	}
	batch := []Fetch{one(heads[0], time.Hour), one(heads[1], time.Hour), one(heads[0], 2*time.Hour)}
	if err := db.RecordNotModified(ctx, batch); err != nil {
		t.Fatal(err)
	}
	for _, v := range heads {
		fs, err := db.Fetches(ctx, v.DocumentID, 10)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range fs {
			if f.Outcome == NotModified && (f.VersionID != v.ID || f.TextSHA256 != v.SHA256 || !f.Conditional || f.Status != 304) {
				t.Errorf("stored 304 of %s = %+v; want version %d with its text %s", v.DocumentID, f, v.ID, v.SHA256)
			}
		}
	}
	var n int
	if err := db.sql.QueryRow(`SELECT n FROM fetch_counts WHERE outcome = 'not-modified'`).Scan(&n); err != nil || n != 3 {
		t.Errorf("not-modified count = %d, %v; want 3", n, err)
	}
	for name, bad := range map[string]Fetch{
		"not a 304":              {DocumentID: "wa", StartedAt: t0, Outcome: Failed, VersionID: heads[0].ID},
		"no version":             {DocumentID: "wa", StartedAt: t0, Outcome: NotModified},
		"another document's one": {DocumentID: "fb", StartedAt: t0, Outcome: NotModified, VersionID: heads[0].ID},
	} {
		if err := db.RecordNotModified(ctx, []Fetch{one(heads[0], 3*time.Hour), bad}); err == nil {
			t.Errorf("%s: RecordNotModified took %+v", name, bad)
		}
	}
	if got := count(t, db, "fetches"); got != 5 {
		t.Errorf("%d fetches stored, want 5 (2 versions, 3 not-modified): a refused batch must store nothing", got)
	}
}

func TestChangesFilter(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	var toVersions []int64
	for i, id := range []string{"wa", "fb", "wa", "fb", "wa", "wa"} {
		res, err := record(ctx, db, Observation{
			Fetch:    Fetch{DocumentID: id, StartedAt: t0.Add(time.Duration(i) * time.Hour)},
			Snapshot: &Snapshot{Body: []byte{byte(i)}},
			Document: doc("Clause number " + string(rune('A'+i)) + "."),
		})
		if err != nil {
			t.Fatal(err)
		}
		if res.Change != nil {
			toVersions = append(toVersions, res.Change.ToVersion)
		}
	}
	// Versions 1..6; changes wa 1->3, fb 2->4, wa 3->5, wa 5->6, recorded in that order.
	tests := []struct {
		name   string
		filter ChangeFilter
		want   []int64 // to_version, oldest first
	}{
		{"all", ChangeFilter{}, []int64{3, 4, 5, 6}},
		{"one document", ChangeFilter{DocumentID: "wa"}, []int64{3, 5, 6}},
		{"limit keeps the most recent", ChangeFilter{Limit: 2}, []int64{5, 6}},
		{"document and limit", ChangeFilter{DocumentID: "fb", Limit: 5}, []int64{4}},
		{"unknown document", ChangeFilter{DocumentID: "x"}, nil},
	}
	if !reflect.DeepEqual(toVersions, []int64{3, 4, 5, 6}) {
		t.Fatalf("changes recorded to versions %v", toVersions)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cs, _, err := db.Changes(ctx, tt.filter)
			if err != nil {
				t.Fatal(err)
			}
			var got []int64
			for _, c := range cs {
				got = append(got, c.ToVersion)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Changes(%+v) to versions %v, want %v", tt.filter, got, tt.want)
			}
		})
	}
	c, err := db.Change(ctx, 1)
	if err != nil || c.DocumentID != "wa" || c.FromVersion != 1 || c.ToVersion != 3 {
		t.Errorf("Change(1) = %+v, %v", c, err)
	}
	if _, err := db.Change(ctx, 99); !errors.Is(err, ErrNotFound) {
		t.Errorf("Change(99) error = %v, want ErrNotFound", err)
	}
	if _, err := db.Version(ctx, 99); !errors.Is(err, ErrNotFound) {
		t.Errorf("Version(99) error = %v, want ErrNotFound", err)
	}
}

// TestUpdateClassification checks the storage side of reclassification:
// the work list names the changes other rules classified, and an update
// replaces the classification in place without queueing alerts.
func TestUpdateClassification(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	texts := [][]string{
		{"We collect your phone number."},
		{"We collect your phone number.", "We share it with the Meta Companies."},
		{"We collect your phone number and contacts.", "We share it with the Meta Companies."},
	}
	for i, tx := range texts {
		if _, err := record(ctx, db, Observation{
			Fetch:    Fetch{DocumentID: "wa", StartedAt: t0.Add(time.Duration(i) * time.Hour)},
			Snapshot: &Snapshot{Body: []byte(strings.Join(tx, "\n"))},
			Document: doc(tx...),
			NoAlerts: true,
		}); err != nil {
			t.Fatal(err)
		}
	}
	before, _, err := db.Changes(ctx, ChangeFilter{ChangeSets: true})
	if err != nil {
		t.Fatal(err)
	}
	if todo, err := db.ChangesNotClassifiedBy(ctx, topics.Version); err != nil || len(todo) != 0 {
		t.Fatalf("ChangesNotClassifiedBy(current rules) = %v, %v; want none", todo, err)
	}
	todo, err := db.ChangesNotClassifiedBy(ctx, "topics/next")
	if err != nil || len(todo) != len(before) {
		t.Fatalf("ChangesNotClassifiedBy(newer rules) = %v, %v; want %d changes", todo, err, len(before))
	}
	for _, c := range todo {
		if err := db.UpdateClassification(ctx, c.ID, diff.ChangeSet{Severity: diff.SeverityLow, Topics: []string{"retention"}}, "topics/next"); err != nil {
			t.Fatal(err)
		}
	}
	after, _, err := db.Changes(ctx, ChangeFilter{ChangeSets: true})
	if err != nil {
		t.Fatal(err)
	}
	for i, a := range after {
		b := before[i]
		if a.ID != b.ID || a.FromVersion != b.FromVersion || a.ToVersion != b.ToVersion || a.Material ||
			!reflect.DeepEqual(a.Topics, []string{"retention"}) || a.Severity != diff.SeverityLow || a.ClassifierVersion != "topics/next" {
			t.Errorf("change %d after update = %+v", i, a)
		}
	}
	var queued int
	if err := db.sql.QueryRow(`SELECT count(*) FROM deliveries`).Scan(&queued); err != nil || queued != 0 {
		t.Errorf("%d deliveries queued by updates (%v), want 0", queued, err)
	}
	if err := db.UpdateClassification(ctx, 99, diff.ChangeSet{}, "x"); !errors.Is(err, ErrNotFound) {
		t.Errorf("UpdateClassification(99) = %v, want ErrNotFound", err)
	}
}

// TestRecordRefusesMovedHead checks that a change computed against a
// version that is no longer the latest is refused, so that the pipeline
// compares again instead of storing a change from the wrong version.
func TestRecordRefusesMovedHead(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	const fbText, metaText = "We share information with Facebook.", "We share information with Meta."
	first, err := record(ctx, db, Observation{Fetch: Fetch{DocumentID: "wa", StartedAt: t0},
		Snapshot: &Snapshot{Body: []byte("a")}, Document: doc(fbText)})
	if err != nil {
		t.Fatal(err)
	}
	cs := diff.Compare(*doc(fbText), *doc(metaText))
	tests := []struct {
		name string
		head int64
	}{
		{"no version assumed", 0},
		{"unknown version assumed", first.Version.ID + 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := db.Record(ctx, Observation{Fetch: Fetch{DocumentID: "wa", StartedAt: t0.Add(time.Hour)},
				Snapshot: &Snapshot{Body: []byte("b")}, Document: doc(metaText), Head: tt.head, Change: &cs})
			if !errors.Is(err, ErrHeadMoved) {
				t.Errorf("Record with head %d = %v, want ErrHeadMoved", tt.head, err)
			}
		})
	}
	if _, err := db.Record(ctx, Observation{Fetch: Fetch{DocumentID: "wa", StartedAt: t0.Add(time.Hour)},
		Snapshot: &Snapshot{Body: []byte("b")}, Document: doc(metaText), Head: first.Version.ID}); err == nil || !strings.Contains(err.Error(), "Observation.Change") {
		t.Errorf("Record of a new version without its change = %v, want an error naming Observation.Change", err)
	}
	var versions, fetches int
	if err := db.sql.QueryRow(`SELECT (SELECT count(*) FROM versions), (SELECT count(*) FROM fetches)`).Scan(&versions, &fetches); err != nil || versions != 1 || fetches != 1 {
		t.Errorf("%d versions, %d fetches after refused records (%v); want 1, 1", versions, fetches, err)
	}
}
