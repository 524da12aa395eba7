package data

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/clausewatch/clausewatch/policy"
)

func TestSearch(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	texts := [][]string{
		{"We share information with the Facebook Companies.", "We keep logs."},
		{"We share information with the Facebook Companies.", "We keep logs for 30 days."},
		{"We share information with the Meta Companies.", "We keep logs for 30 days."},
		{"We share information with the Meta Companies.", "We keep logs for 30 days.", "Facebook Companies are now Meta."},
	}
	var ids []int64
	for i, ts := range texts {
		res := recordDoc(t, db, time.Duration(i)*24*time.Hour, "v"+strings.Repeat("x", i), *doc(ts...))
		ids = append(ids, res.Version.ID)
	}
	tests := []struct {
		name        string
		q           string
		versions    []int64 // containing the phrase, oldest first
		inLatest    bool
		runs, texts int
	}{
		{"removed then back", "Facebook Companies", []int64{ids[0], ids[1], ids[3]}, true, 2, 2},
		{"case and punctuation", `meta  COMPANIES.`, []int64{ids[2], ids[3]}, true, 1, 1},
		{"gone", "We keep logs", ids, true, 1, 2},
		{"operators are words", `logs OR "30 days" NEAR`, nil, false, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := db.Search(ctx, tt.q)
			if err != nil {
				t.Fatal(err)
			}
			if len(tt.versions) == 0 {
				if len(res.Documents) != 0 {
					t.Errorf("found %d documents, want none", len(res.Documents))
				}
				return
			}
			if len(res.Documents) != 1 || res.Documents[0].DocumentID != "wa" {
				t.Fatalf("documents %+v, want wa only", res.Documents)
			}
			d := res.Documents[0]
			var got []int64
			for _, v := range d.Versions {
				if v.Contains {
					got = append(got, v.ID)
				}
			}
			if !equalIDs(got, tt.versions) || d.Count != len(tt.versions) || d.First.ID != tt.versions[0] || d.Last.ID != tt.versions[len(tt.versions)-1] {
				t.Errorf("versions %v (count %d, first %d, last %d), want %v", got, d.Count, d.First.ID, d.Last.ID, tt.versions)
			}
			if d.InLatest != tt.inLatest || len(d.Runs) != tt.runs || len(d.Matches) != tt.texts {
				t.Errorf("in latest %v, %d runs, %d texts; want %v, %d, %d", d.InLatest, len(d.Runs), len(d.Matches), tt.inLatest, tt.runs, tt.texts)
			}
			for _, m := range d.Matches {
				if !strings.Contains(m.Snippet, SnippetOpen) || !strings.Contains(m.Snippet, SnippetClose) {
					t.Errorf("snippet %q has no markers", m.Snippet)
				}
			}
		})
	}
	for _, q := range []string{"", "  ", `"""`, strings.Repeat("a", MaxQueryLen+1)} {
		if _, err := db.Search(ctx, q); !errors.Is(err, ErrBadQuery) {
			t.Errorf("Search(%q) = %v, want ErrBadQuery", q, err)
		}
	}
}

// TestSearchBackfill covers databases whose versions were recorded before
// the search index existed: the first search indexes them.
// TestSearchIndexesNewTexts checks that texts recorded after a search are
// found by the next one (the full-text index is brought up to date by
// Search, not by Record), from another handle too, and indexed once.
func TestSearchIndexesNewTexts(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "cw.db")
	a, b := openAt(t, path), openAt(t, path)
	if err := a.SyncDocuments(ctx, []Document{{ID: "wa", URL: "https://example.com"}}); err != nil {
		t.Fatal(err)
	}
	found := func(t *testing.T, db *DB, q string) int {
		t.Helper()
		res, err := db.Search(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, d := range res.Documents {
			n += len(d.Matches)
		}
		return n
	}
	recordDoc(t, a, 0, "1", *doc("We keep logs."))
	if n := found(t, a, "keep logs"); n != 1 {
		t.Fatalf("first search found %d texts, want 1", n)
	}
	if n, err := a.IndexTexts(ctx); err != nil || n != 0 {
		t.Errorf("indexing again added %d texts (%v), want none", n, err)
	}
	recordDoc(t, a, time.Hour, "2", *doc("We keep logs.", "We share data with Meta."))
	recordDoc(t, a, 2*time.Hour, "3", *doc("We keep logs.", "We share data with Meta.", "We sell nothing."))
	var indexed int
	if err := a.sql.QueryRow(`SELECT count(*) FROM texts_fts WHERE texts_fts MATCH '"share data"'`).Scan(&indexed); err != nil || indexed != 0 {
		t.Errorf("recording indexed %d texts (%v); the search should", indexed, err)
	}
	// b searches first: it indexes what a recorded.
	if n := found(t, b, "share data with Meta"); n != 1 {
		t.Errorf("search after recording found %d texts, want 1", n)
	}
	if n := found(t, a, "sell nothing"); n != 1 {
		t.Errorf("search from the other handle found %d texts, want 1", n)
	}
	var through, last, rows int64
	if err := a.sql.QueryRow(`SELECT (SELECT indexed_through FROM texts_fts_state), (SELECT max(id) FROM texts), (SELECT count(*) FROM texts_fts_docsize)`).Scan(&through, &last, &rows); err != nil {
		t.Fatal(err)
	}
	if through != last || rows != last {
		t.Errorf("index through text %d holding %d rows; want every text once, through %d", through, rows, last)
	}
}

func TestSearchBackfill(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	a := recordDoc(t, db, 0, "a", *doc("We share information with the Meta Companies."))
	b := recordDoc(t, db, time.Hour, "b", *doc("We share nothing."))
	recorded := count(t, db, "version_texts")
	if _, err := db.sql.ExecContext(ctx, `DELETE FROM version_texts`); err != nil {
		t.Fatal(err)
	}
	res, err := db.Search(ctx, "Meta Companies")
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Documents) != 1 || res.Documents[0].First.ID != a.Version.ID || res.Documents[0].InLatest {
		t.Fatalf("after backfill: %+v, want version %d only", res.Documents, a.Version.ID)
	}
	if n := count(t, db, "version_texts"); n != recorded || n == 0 {
		t.Errorf("%d version_texts rows after backfill of versions %d and %d, want %d as Record wrote", n, a.Version.ID, b.Version.ID, recorded)
	}
	if n, err := db.IndexSearch(ctx); err != nil || n != 0 {
		t.Errorf("IndexSearch again = %d, %v; want nothing left to index", n, err)
	}
}

// undo0014 takes a database back to the schema before migration 0014, for
// the tests that replay later migrations over older schemas.
var undo0014 = []string{"DROP TABLE text_documents", "DROP TABLE text_documents_state", "CREATE INDEX version_texts_by_text ON version_texts (text_id)"}

// TestTextDocuments follows the documents of each text: Record leaves them
// to the next search, which adds the pairs of every version since the last
// (in batches), spans rebuilt for old versions add theirs, and migration
// 0014 fills the table from the spans of an existing database.
func TestTextDocuments(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	at := 0
	put := func(docID string, texts ...string) int64 {
		t.Helper()
		at++
		res, err := record(ctx, db, Observation{
			Fetch:    Fetch{DocumentID: docID, StartedAt: t0.Add(time.Duration(at) * time.Hour), URL: "https://example.com/" + docID, Status: 200},
			Snapshot: &Snapshot{Body: []byte(fmt.Sprint(docID, at))},
			Document: doc(texts...),
		})
		if err != nil || res.Version == nil {
			t.Fatalf("record %s: %+v, %v", docID, res, err)
		}
		return res.Version.ID
	}
	// pairs lists the table as "text@document", and the watermark.
	pairs := func(t *testing.T) ([]string, int64) {
		t.Helper()
		rows, err := db.sql.QueryContext(ctx, `SELECT t.text, d.document_id FROM text_documents d JOIN texts t ON t.id = d.text_id ORDER BY 1, 2`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var text, docID string
			if err := rows.Scan(&text, &docID); err != nil {
				t.Fatal(err)
			}
			out = append(out, text+"@"+docID)
		}
		var through int64
		if err := db.sql.QueryRowContext(ctx, `SELECT indexed_through FROM text_documents_state`).Scan(&through); err != nil {
			t.Fatal(err)
		}
		return out, through
	}
	found := func(t *testing.T, q string) []string {
		t.Helper()
		res, err := db.Search(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, d := range res.Documents {
			ids = append(ids, d.DocumentID)
		}
		slices.Sort(ids)
		return ids
	}

	put("wa", "We share data with Meta.")
	put("fb", "We share data with Meta.", "We keep logs.")
	last := put("wa", "We keep logs.")
	if got, through := pairs(t); len(got) != 0 || through != 0 {
		t.Fatalf("after recording: %q through %d; want nothing, Record leaves it to search", got, through)
	}
	if got := found(t, "keep logs"); !slices.Equal(got, []string{"fb", "wa"}) {
		t.Errorf("search for a text both hold found %q", got)
	}
	// A text wa no longer holds still names it: search shows when it was.
	if got := found(t, "share data"); !slices.Equal(got, []string{"fb", "wa"}) {
		t.Errorf("search for a text wa dropped found %q", got)
	}
	want := []string{"Privacy Policy@fb", "Privacy Policy@wa", "We keep logs.@fb", "We keep logs.@wa", "We share data with Meta.@fb", "We share data with Meta.@wa"}
	if got, through := pairs(t); !slices.Equal(got, want) || through != last {
		t.Errorf("after search: %q through %d; want %q through %d", got, through, want, last)
	}
	if n, err := db.IndexTextDocuments(ctx); err != nil || n != 0 {
		t.Errorf("IndexTextDocuments again = %d, %v; want nothing left", n, err)
	}

	t.Run("in batches", func(t *testing.T) {
		put("fb", "We sell nothing.")
		put("wa", "We sell nothing.", "We keep logs.")
		v := put("fb", "We sell nothing.", "We keep logs.")
		for i, wantMore := range []bool{true, false} {
			n, more, err := db.indexSomeTextDocuments(ctx, 2)
			if err != nil || n != int64(2-i) || more != wantMore {
				t.Errorf("batch %d = %d, more %v, %v; want %d, more %v", i, n, more, err, 2-i, wantMore)
			}
		}
		got, through := pairs(t)
		if through != v || !slices.Contains(got, "We sell nothing.@wa") || !slices.Contains(got, "We sell nothing.@fb") {
			t.Errorf("after two batches: %q through %d; want both documents of the new text, through %d", got, through, v)
		}
	})

	t.Run("spans rebuilt for old versions", func(t *testing.T) {
		// wa as if recorded before its spans existed: its spans are
		// rebuilt by the search, at versions below the watermark.
		for _, q := range []string{`DELETE FROM version_texts WHERE document_id = 'wa'`, `DELETE FROM text_documents WHERE document_id = 'wa'`} {
			if _, err := db.sql.ExecContext(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
		if got := found(t, "share data"); !slices.Equal(got, []string{"fb", "wa"}) {
			t.Errorf("search after the rebuild found %q", got)
		}
		if got, _ := pairs(t); !slices.Contains(got, "We share data with Meta.@wa") {
			t.Errorf("after the rebuild: %q; want wa's old text back", got)
		}
	})

	t.Run("watermark above the last version", func(t *testing.T) {
		// As after the newest versions were deleted by hand: the next
		// version takes an id at or below the watermark.
		if _, err := db.sql.ExecContext(ctx, `UPDATE text_documents_state SET indexed_through = indexed_through + 5`); err != nil {
			t.Fatal(err)
		}
		put("fb", "We sell nothing.", "We keep logs.", "We hire no brokers.")
		if got := found(t, "hire no brokers"); !slices.Equal(got, []string{"fb"}) {
			t.Errorf("search for the text of a version below the watermark found %q", got)
		}
	})

	t.Run("migration", func(t *testing.T) {
		before, through := pairs(t)
		path := db.Path()
		for _, stmt := range append(undo0014, `DELETE FROM schema_migrations WHERE version >= 14`) {
			if _, err := db.sql.Exec(stmt); err != nil {
				t.Fatal(err)
			}
		}
		db.Close()
		db = openAt(t, path)
		if got, th := pairs(t); !slices.Equal(got, before) || th != through {
			t.Errorf("after migrating: %q through %d; want %q through %d", got, th, before, through)
		}
		if got := found(t, "sell nothing"); !slices.Equal(got, []string{"fb", "wa"}) {
			t.Errorf("search after migrating found %q", got)
		}
	})
}

func equalIDs(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestSearchSpans records random histories of two documents (clauses
// dropped and restored, repeated, empty blocks, versions fetched at the same
// instant, unchanged fetches) and checks every search against the versions'
// blocks read back one by one; then that rebuilding the spans from the
// versions (IndexSearch) writes exactly the rows Record wrote, and that a
// damaged index heals on the next version and search.
func TestSearchSpans(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	rng := rand.New(rand.NewPCG(7, 11))
	const nClauses = 14
	clause := func(i int) string { return fmt.Sprintf("We share data item tok%d with partners.", i) }
	type recorded struct {
		ref    VersionRef
		blocks []policy.Block
	}
	versions := map[string][]recorded{}
	at := t0
	for i := range 120 {
		docID := []string{"wa", "fb"}[rng.IntN(2)]
		d := policy.Document{Blocks: []policy.Block{{Kind: policy.Heading, Level: 1, Text: "Privacy Policy " + docID}}}
		for c := range nClauses {
			if rng.IntN(3) > 0 {
				d.Blocks = append(d.Blocks, policy.Block{Kind: policy.Paragraph, Path: []string{"Privacy Policy " + docID}, Text: clause(c)})
			}
			if rng.IntN(10) == 0 {
				d.Blocks = append(d.Blocks, policy.Block{Kind: policy.TableRow, Text: ""})
			}
			if rng.IntN(15) == 0 {
				d.Blocks = append(d.Blocks, policy.Block{Kind: policy.ListItem, Text: clause(c)})
			}
		}
		if rng.IntN(4) > 0 {
			at = at.Add(time.Hour) // else the same instant as the fetch before
		}
		res, err := record(ctx, db, Observation{
			Fetch:    Fetch{DocumentID: docID, StartedAt: at, URL: "https://example.com/p", Status: 200},
			Snapshot: &Snapshot{Body: fmt.Appendf(nil, "body %d", i)},
			Document: &d,
		})
		if err != nil {
			t.Fatalf("Record %d: %v", i, err)
		}
		if res.Fetch.Outcome == NewVersion {
			versions[docID] = append(versions[docID], recorded{VersionRef{res.Version.ID, res.Version.FetchedAt}, storedBlocks(t, db, res.Version.ID)})
		}
	}
	textID := func(s string) int64 {
		var id int64
		if err := db.sql.QueryRow(`SELECT id FROM texts WHERE text = ?`, s).Scan(&id); err != nil {
			t.Fatalf("text %q: %v", s, err)
		}
		return id
	}
	// want is the answer computed from the blocks of each version.
	want := func(t *testing.T, d SearchDocument, clauses []int) {
		t.Helper()
		vs := versions[d.DocumentID]
		if len(d.Versions) != len(vs) {
			t.Fatalf("%s: %d versions, want %d", d.DocumentID, len(d.Versions), len(vs))
		}
		type match struct {
			first, last VersionRef
			count       int
		}
		wantMatches := map[int64]*match{}
		for i, v := range vs {
			contains := false
			for _, c := range clauses {
				if slices.ContainsFunc(v.blocks, func(b policy.Block) bool { return b.Text == clause(c) }) {
					contains = true
					id := textID(clause(c))
					m := wantMatches[id]
					if m == nil {
						m = &match{first: v.ref}
						wantMatches[id] = m
					}
					m.last = v.ref
					m.count++
				}
			}
			got := d.Versions[i]
			if got.ID != v.ref.ID || !got.FetchedAt.Equal(v.ref.FetchedAt) || got.Contains != contains {
				t.Errorf("%s version %d: %+v, want id %d contains %v", d.DocumentID, i, got, v.ref.ID, contains)
			}
		}
		if len(d.Matches) != len(wantMatches) {
			t.Errorf("%s: %d matches, want %d", d.DocumentID, len(d.Matches), len(wantMatches))
		}
		for _, m := range d.Matches {
			w := wantMatches[m.TextID]
			if w == nil || m.First.ID != w.first.ID || m.Last.ID != w.last.ID || m.VersionsCount != w.count {
				t.Errorf("%s: match %+v, want %+v", d.DocumentID, m, w)
			}
		}
	}
	queries := []struct {
		q       string
		clauses []int
	}{
		{"tok0", []int{0}},
		{"tok5", []int{5}},
		{"tok13", []int{13}},
		{"share data item", []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13}},
	}
	search := func(t *testing.T) map[string]*SearchResult {
		t.Helper()
		out := map[string]*SearchResult{}
		for _, q := range queries {
			res, err := db.Search(ctx, q.q)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Documents) != 2 {
				t.Fatalf("%q: %d documents, want wa and fb", q.q, len(res.Documents))
			}
			for _, d := range res.Documents {
				want(t, d, q.clauses)
			}
			out[q.q] = res
		}
		return out
	}
	spans := func(t *testing.T) []string {
		t.Helper()
		rows, err := db.sql.Query(`SELECT document_id, text_id, from_version, ifnull(until_version, 0) FROM version_texts ORDER BY 1, 2, 3`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var doc string
			var text, from, until int64
			if err := rows.Scan(&doc, &text, &from, &until); err != nil {
				t.Fatal(err)
			}
			out = append(out, fmt.Sprintf("%s %d %d-%d", doc, text, from, until))
		}
		return out
	}

	recordedSpans := spans(t)
	before := search(t)
	if _, err := db.sql.ExecContext(ctx, `DELETE FROM version_texts`); err != nil {
		t.Fatal(err)
	}
	n, err := db.IndexSearch(ctx)
	if err != nil || n != len(versions["wa"])+len(versions["fb"]) {
		t.Fatalf("IndexSearch = %d, %v; want %d versions", n, err, len(versions["wa"])+len(versions["fb"]))
	}
	if rebuilt := spans(t); !slices.Equal(rebuilt, recordedSpans) {
		t.Errorf("rebuilt spans differ from those Record wrote:\n%v\n%v", rebuilt, recordedSpans)
	}
	if after := search(t); !reflect.DeepEqual(after, before) {
		t.Errorf("results after the rebuild differ")
	}

	// Damage: the open span of a clause of wa's latest version is lost; the
	// next version drops that clause, so Record cannot close it and drops
	// wa's spans, and the next search rebuilds them.
	last := versions["wa"][len(versions["wa"])-1]
	var victim int64
	for _, b := range last.blocks {
		if b.Kind == policy.Paragraph {
			victim = textID(b.Text)
			break
		}
	}
	if _, err := db.sql.ExecContext(ctx, `DELETE FROM version_texts WHERE document_id = 'wa' AND text_id = ? AND until_version IS NULL`, victim); err != nil {
		t.Fatal(err)
	}
	var kept []policy.Block
	for _, b := range last.blocks {
		if b.Text == "" || textID(b.Text) != victim {
			kept = append(kept, b)
		}
	}
	at = at.Add(time.Hour)
	res, err := record(ctx, db, Observation{
		Fetch:    Fetch{DocumentID: "wa", StartedAt: at, URL: "https://example.com/p", Status: 200},
		Snapshot: &Snapshot{Body: []byte("damaged")},
		Document: &policy.Document{Blocks: kept},
	})
	if err != nil || res.Fetch.Outcome != NewVersion {
		t.Fatalf("Record after damage: %v, %v", res.Fetch.Outcome, err)
	}
	versions["wa"] = append(versions["wa"], recorded{VersionRef{res.Version.ID, res.Version.FetchedAt}, storedBlocks(t, db, res.Version.ID)})
	var waSpans int
	if err := db.sql.QueryRow(`SELECT count(*) FROM version_texts WHERE document_id = 'wa'`).Scan(&waSpans); err != nil || waSpans != 0 {
		t.Errorf("wa has %d spans after a version its index could not follow (%v), want them dropped", waSpans, err)
	}
	search(t)
}

// storedBlocks reads a version's blocks back as stored (normalized).
func storedBlocks(t *testing.T, db *DB, id int64) []policy.Block {
	t.Helper()
	v, err := db.Version(context.Background(), id)
	if err != nil {
		t.Fatalf("read version %d: %v", id, err)
	}
	return v.Blocks
}

// TestIndexTextsInBatches indexes five new texts two at a time: each
// batch says whether more are waiting, and a search then finds them all.
func TestIndexTextsInBatches(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	recordDoc(t, db, 0, "1", *doc("We keep logs.", "We share data with Meta.", "We sell nothing.", "We delete data on request."))
	var got []string
	for {
		n, more, err := db.indexSomeTexts(ctx, 2)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprintf("%d %v", n, more))
		if !more {
			break
		}
	}
	// The heading "Privacy Policy" (also the clauses' path) is a text too:
	// five in all.
	if want := []string{"2 true", "2 true", "1 false"}; !slices.Equal(got, want) {
		t.Errorf("batches %q, want %q", got, want)
	}
	res, err := db.Search(ctx, "delete data")
	if err != nil || len(res.Documents) != 1 {
		t.Errorf("search after batched indexing: %+v, %v; want the document", res, err)
	}
}
