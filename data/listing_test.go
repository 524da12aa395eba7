package data

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestListingQueriesUseIndexes checks the query plans of what the pages,
// the API, /metrics and /healthz ask with 20,000 documents in mind: every
// big table (documents, versions, fetches, changes, version_texts) is read
// through an index, searched or scanned in the index's order so that a
// LIMIT stops it, and none is sorted in a temporary b-tree. The aggregates
// of /metrics and /healthz visit each document once, by its primary key
// index, and search each one's fetches.
func TestListingQueriesUseIndexes(t *testing.T) {
	db := openTest(t)
	changes := func(f ChangeFilter) (string, []any) { return f.query() }
	type query struct {
		q    string
		args []any
	}
	q := func(s string, args ...any) query { return query{s, args} }
	qf := func(s string, args []any) query { return query{s, args} }
	tests := []struct {
		name string
		query
		// want are index names (or plan lines) the plan must show.
		want []string
		// scans are the tables the query may read whole, in an index's
		// order: the aggregates count every row by design.
		scans []string
		// sortsFew says the query may sort in a temporary b-tree, because
		// what it sorts is a handful of rows, not a table.
		sortsFew bool
	}{
		{"home page, first page", q(documentSummariesQuery(false), 100), []string{"documents_by_name", "fetches_by_document", "changes_by_document", "versions_by_document"}, []string{"d"}, false},
		{"home page, next page", q(documentSummariesQuery(true), "wa", 100), []string{"documents_by_name", "fetches_by_document"}, nil, false},
		{"API documents, next page", q(documentsPageQuery(true), "wa", 100), []string{"sqlite_autoindex_documents_1"}, nil, false},
		{"documents of a page's rows", q(documentsByIDQuery, `["wa","fb"]`), []string{"sqlite_autoindex_documents_1"}, nil, false},
		{"variants of a document", q(serviceDocumentsQuery, "meta"), []string{"documents_by_service"}, nil, false},
		{"timeline, first page", q(versionsPageQuery(true, false, false), "wa", 0, nil, 100), []string{"versions_by_document", "sqlite_autoindex_changes_1"}, nil, false},
		{"timeline, older page", q(versionsPageQuery(true, true, false), "wa", 5, nil, 100), []string{"versions_by_document"}, nil, false},
		{"API versions, next page", q(versionsPageQuery(false, true, false), "wa", 5, nil, 100), []string{"versions_by_document"}, nil, false},
		{"a document as it stood on a date", q(versionsPageQuery(true, true, true), "wa", 5, "2021-01-04T00:00:00.000000000Z", 100), []string{"versions_by_document"}, nil, false},
		{"number of a version", q(versionNumberQuery, 5), []string{"versions_by_document"}, nil, false},
		{"version with its number", q(versionHeadQuery, 5), []string{"versions_by_document"}, nil, false},
		{"count of a document's versions", q(versionSpanQuery, "wa"), []string{"versions_by_document"}, nil, false},
		{"stated date of a first version", q(changeOutQuery, "wa", 5), []string{"changes_by_document"}, nil, false},
		{"version in effect", q(inEffectQuery, "wa", "2026-01-01"), []string{"changes_by_document", "versions_by_document"}, nil, true}, // two candidates
		{"latest version", q(latestHeadQuery, "wa"), []string{"versions_by_document"}, nil, false},
		{"latest fetch", q(fetchesQuery+` LIMIT 1`, "wa"), []string{"fetches_by_document"}, nil, false},
		{"/changes, first page", qf(changes(ChangeFilter{Material: true, Published: true, NewestFirst: true, Limit: 50})), []string{"changes_by_time"}, []string{"changes"}, false},
		{"/changes, older page", qf(changes(ChangeFilter{Material: true, Published: true, NewestFirst: true, Limit: 50, Before: 7})), []string{"changes_by_time"}, nil, false},
		{"/changes of a document", qf(changes(ChangeFilter{DocumentID: "wa", Material: true, Published: true, NewestFirst: true, Limit: 50})), []string{"changes_by_document"}, nil, false},
		{"every change, a later page (EachChange)", qf(changes(ChangeFilter{after: 7, page: 500})), []string{"changes_by_time"}, []string{"changes"}, false},
		{"a document's change sets, a later page (EachChange)", qf(changes(ChangeFilter{DocumentID: "wa", ChangeSets: true, after: 7, page: 16})), []string{"changes_by_document (document_id=? AND"}, nil, false},
		{"/topics/{topic}, first page", qf(changes(ChangeFilter{Topic: "children", Material: true, Published: true, NewestFirst: true, Limit: 50})), []string{"SEARCH t USING PRIMARY KEY (topic=?)", "SEARCH changes USING INTEGER PRIMARY KEY"}, nil, false},
		{"/topics/{topic}, older page", qf(changes(ChangeFilter{Topic: "children", Material: true, Published: true, NewestFirst: true, Limit: 50, Before: 7})), []string{"SEARCH t USING PRIMARY KEY (topic=? AND at<?)", "SEARCH changes USING INTEGER PRIMARY KEY"}, nil, false},
		{"topic feed since a day", qf(changes(ChangeFilter{Topic: "children", Published: true, Since: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)})), []string{"SEARCH t USING PRIMARY KEY (topic=? AND at>?)"}, nil, false},
		{"/changes of a document on a topic", qf(changes(ChangeFilter{DocumentID: "wa", Topic: "children", Published: true, NewestFirst: true, Limit: 50})), []string{"changes_by_document", "USING COVERING INDEX change_topics_by_change (change_id=?"}, nil, false},
		{"search: documents of the matched texts", q(searchDocumentsQuery, `[1,2]`, 101), []string{"SEARCH text_documents USING PRIMARY KEY (text_id=?)"}, nil, true},                                                                 // the matched documents' ids only
		{"search: texts of the versions since the last search", q(versionsTextsQuery, 5, 1005), []string{"SEARCH versions USING INTEGER PRIMARY KEY (rowid>? AND rowid<?)", "SEARCH s USING PRIMARY KEY (document_id=?)"}, nil, true}, // one batch's spans, sorted for the inserts
		{"search: spans of the matched texts", q(searchSpansQuery, `["wa"]`, `[1,2]`), []string{"SEARCH version_texts USING PRIMARY KEY (document_id=? AND text_id=?)"}, nil, false},
		{"search: versions of the matched documents", q(searchVersionsQuery, `["wa"]`), []string{"versions_by_document"}, nil, false},
		{"archives of a document", q(documentArchivesQuery, "wa"), []string{"snapshots_archived"}, nil, true}, // one row per archive
		{"/healthz and the failing count", q(fetchHealthQuery), []string{"fetches_by_document"}, []string{"d"}, false},
		{"/metrics totals", q(totalsQuery), []string{"fetches_by_document", "changes_by_time"}, []string{"d", "versions", "changes"}, false},
		{"/metrics fetch outcomes", q(fetchOutcomesQuery), []string{"fetch_counts"}, []string{"fetches"}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			plan := queryPlan(t, db, tc.q, tc.args...)
			for _, idx := range tc.want {
				if !slices.ContainsFunc(plan, func(s string) bool { return strings.Contains(s, idx) }) {
					t.Errorf("plan does not use %s:\n  %s", idx, strings.Join(plan, "\n  "))
				}
			}
			for _, line := range plan {
				if bigTableScan(line, tc.scans) {
					t.Errorf("plan reads a table without an index or out of order: %q\n  %s", line, strings.Join(plan, "\n  "))
				}
				if strings.Contains(line, "TEMP B-TREE") && !tc.sortsFew {
					t.Errorf("plan sorts in a temporary b-tree: %q\n  %s", line, strings.Join(plan, "\n  "))
				}
			}
		})
	}
}

// bigTableScan says whether a plan line reads one of the big tables (by
// name or the aliases the queries give them) other than in an index's
// order: a bare "SCAN t", or a SCAN of a table not in allowed.
func bigTableScan(line string, allowed []string) bool {
	name, ok := strings.CutPrefix(line, "SCAN ")
	if !ok {
		return false
	}
	table, rest, _ := strings.Cut(name, " ")
	big := []string{"documents", "d", "versions", "v", "fetches", "f", "changes", "c", "version_texts", "s", "change_topics", "t", "text_documents"}
	if !slices.Contains(big, table) {
		return false
	}
	return !strings.Contains(rest, "INDEX") || !slices.Contains(allowed, table)
}

// listingHistory records seven versions of wa and two of fb, each stating
// an effective date, for the paging and in-effect tests.
func listingHistory(t *testing.T) *DB {
	t.Helper()
	ctx := context.Background()
	db := openTest(t)
	steps := []struct {
		doc, date string
	}{
		{"wa", "January 4, 2021"}, {"wa", "January 4, 2021"}, {"wa", "January 4, 2021"}, {"wa", "January 4, 2021"},
		{"wa", "January 4, 2021"}, {"wa", "March 20, 2025"}, {"wa", "March 20, 2030"},
		{"fb", "January 4, 2021"}, {"fb", "March 20, 2030"},
	}
	for i, s := range steps {
		obs := step{at: time.Duration(i+1) * time.Hour, doc: s.doc, body: fmt.Sprintf("<p>%d</p>", i),
			texts: []string{"Effective " + s.date, fmt.Sprintf("We keep data for %d days.", i+1)}}.observation()
		if _, err := record(ctx, db, obs); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
	}
	return db
}

// TestVersionsPage pages through a document's versions both ways and
// checks that the pages, put together, are the full listing of Versions:
// the same versions, numbers and stated dates, each once.
func TestVersionsPage(t *testing.T) {
	ctx := context.Background()
	db := listingHistory(t)
	all, err := db.Versions(ctx, "wa")
	if err != nil || len(all) != 7 {
		t.Fatalf("Versions = %d entries, %v; want 7", len(all), err)
	}
	newest := slices.Clone(all)
	slices.Reverse(newest)
	tests := []struct {
		name        string
		newestFirst bool
		limit       int
		want        []VersionEntry
		pages       int
	}{
		{"oldest first, by 3", false, 3, all, 3},
		{"newest first, by 3", true, 3, newest, 3},
		{"newest first, by 7", true, 7, newest, 1},
		{"oldest first, by 100", false, 100, all, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []VersionEntry
			pages := 0
			for p := (VersionPage{NewestFirst: tc.newestFirst, Limit: tc.limit}); ; pages++ {
				page, more, err := db.VersionsPage(ctx, "wa", p)
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, page...)
				if !more {
					pages++
					break
				}
				p.After = page[len(page)-1].ID
			}
			if pages != tc.pages || len(got) != len(tc.want) {
				t.Fatalf("%d pages of %d versions, want %d pages of %d", pages, len(got), tc.pages, len(tc.want))
			}
			for i := range got {
				g, w := got[i], tc.want[i]
				if g.ID != w.ID || g.Number != w.Number || g.EffectiveDate != w.EffectiveDate || (g.Change == nil) != (w.Change == nil) {
					t.Errorf("entry %d: id %d v%d stating %q, want id %d v%d stating %q", i, g.ID, g.Number, g.EffectiveDate, w.ID, w.Number, w.EffectiveDate)
				}
			}
		})
	}
	t.Run("a cursor of another document selects nothing", func(t *testing.T) {
		fb, err := db.Versions(ctx, "fb")
		if err != nil || len(fb) == 0 {
			t.Fatalf("Versions(fb) = %v, %v", fb, err)
		}
		page, more, err := db.VersionsPage(ctx, "wa", VersionPage{After: fb[0].ID, Limit: 10})
		if err != nil || len(page) != 0 || more {
			t.Errorf("page after fb's version = %d entries, more %v, %v; want none", len(page), more, err)
		}
	})
	n, first, err := db.VersionSpan(ctx, "wa")
	if err != nil || n != 7 || !first.Equal(all[0].FetchedAt) {
		t.Errorf("VersionSpan = %d, %v, %v; want 7 since %v", n, first, err, all[0].FetchedAt)
	}
}

// TestVersionInEffect checks which version applies on a day: the latest
// whose stated date has come, the first version when only it qualifies,
// and none before any.
func TestVersionInEffect(t *testing.T) {
	ctx := context.Background()
	db := listingHistory(t)
	wa, _ := db.Versions(ctx, "wa")
	fb, _ := db.Versions(ctx, "fb")
	tests := []struct {
		name, doc, today string
		want             int64 // 0: none
		date             string
	}{
		{"the latest is upcoming", "wa", "2026-01-01", wa[5].ID, "2025-03-20"},
		{"an older date applies", "wa", "2024-01-01", wa[4].ID, "2021-01-04"},
		{"nothing yet", "wa", "2020-01-01", 0, ""},
		{"only the first version applies", "fb", "2026-01-01", fb[0].ID, "2021-01-04"},
		{"everything applies", "fb", "2031-01-01", fb[1].ID, "2030-03-20"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e, err := db.VersionInEffect(ctx, tc.doc, tc.today)
			if tc.want == 0 {
				if !errors.Is(err, ErrNotFound) {
					t.Errorf("VersionInEffect = %+v, %v; want ErrNotFound", e, err)
				}
				return
			}
			if err != nil || e.ID != tc.want || e.EffectiveDate != tc.date {
				t.Errorf("VersionInEffect = %+v, %v; want version %d stating %s", e, err, tc.want, tc.date)
			}
		})
	}
}

// TestDocumentPages pages through the documents in both listing orders
// and reads documents by id and by service.
func TestDocumentPages(t *testing.T) {
	ctx := context.Background()
	db := listingHistory(t)
	ids := func(docs []Document) []string {
		var out []string
		for _, d := range docs {
			out = append(out, d.ID)
		}
		return out
	}
	p1, more1, err1 := db.DocumentsPage(ctx, "", 1)
	p2, more2, err2 := db.DocumentsPage(ctx, "fb", 1)
	if err1 != nil || err2 != nil || !slices.Equal(ids(p1), []string{"fb"}) || !more1 || !slices.Equal(ids(p2), []string{"wa"}) || more2 {
		t.Errorf("DocumentsPage by 1 = %v (more %v), %v (more %v); want fb then wa", ids(p1), more1, ids(p2), more2)
	}
	// Meta comes before WhatsApp by service.
	s1, more1, err1 := db.DocumentSummaries(ctx, "", 1)
	s2, more2, err2 := db.DocumentSummaries(ctx, "fb", 1)
	if err1 != nil || err2 != nil || len(s1) != 1 || s1[0].ID != "fb" || !more1 || len(s2) != 1 || s2[0].ID != "wa" || more2 {
		t.Fatalf("DocumentSummaries by 1 = %v (more %v), %v (more %v); want fb then wa", s1, more1, s2, more2)
	}
	if s2[0].Versions != 7 || s2[0].LastFetch.Outcome != NewVersion || s2[0].LastOK.IsZero() || !s2[0].Live {
		t.Errorf("summary of wa = %+v; want 7 versions, fetched live with success", s2[0])
	}
	byID, err := db.DocumentsByID(ctx, []string{"fb", "nope"})
	if err != nil || len(byID) != 1 || byID["fb"] == nil || byID["fb"].Service != "Meta" {
		t.Errorf("DocumentsByID = %v, %v; want fb only", byID, err)
	}
	same, err := db.ServiceDocuments(ctx, "META")
	if err != nil || !slices.Equal(ids(same), []string{"fb"}) {
		t.Errorf("ServiceDocuments(META) = %v, %v; want fb", ids(same), err)
	}
	tot, err := db.Totals(ctx)
	if err != nil || tot.Documents != 2 || tot.Versions != 9 || tot.Fetches[NewVersion] != 9 || tot.NeverSucceeded != 0 || tot.Failing != 0 {
		t.Errorf("Totals = %+v, %v; want 2 documents, 9 versions from 9 new-version fetches, none failing", tot, err)
	}
	if want := t0.Add(7 * time.Hour); !tot.OldestSuccess.Equal(want) {
		t.Errorf("oldest latest success %v, want wa's last fetch %v", tot.OldestSuccess, want)
	}
}

// TestSearchListsAtMostMaxSearchDocuments records a clause shared by more
// documents than a search lists and checks that the first
// MaxSearchDocuments by id are listed and the result says more matched.
func TestSearchListsAtMostMaxSearchDocuments(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name string
		docs int
		more bool
	}{
		{"as many as listed", MaxSearchDocuments, false},
		{"one more", MaxSearchDocuments + 1, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			db := openAt(t, filepath.Join(t.TempDir(), "cw.db"))
			docs := make([]Document, tc.docs)
			for i := range docs {
				docs[i] = Document{ID: fmt.Sprintf("d%03d", tc.docs-i), URL: fmt.Sprintf("https://example.com/%d", i)}
			}
			if err := db.SyncDocuments(ctx, docs); err != nil {
				t.Fatal(err)
			}
			for i, d := range docs {
				obs := step{at: time.Duration(i) * time.Second, doc: d.ID, body: d.URL,
					texts: []string{"We share your data with trusted partners.", fmt.Sprintf("Clause %d.", i)}}.observation()
				if _, err := record(ctx, db, obs); err != nil {
					t.Fatal(err)
				}
			}
			res, err := db.Search(ctx, "share your data with trusted partners")
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, d := range res.Documents {
				got = append(got, d.DocumentID)
			}
			slices.Sort(got)
			want := make([]string, min(tc.docs, MaxSearchDocuments))
			for i := range want {
				want[i] = fmt.Sprintf("d%03d", i+1)
			}
			if res.TooManyDocuments != tc.more || !slices.Equal(got, want) {
				t.Errorf("search lists %d documents (%v…), more %v; want d001 to d%03d, more %v", len(got), got[:min(2, len(got))], res.TooManyDocuments, len(want), tc.more)
			}
		})
	}
}

// TestEachChange reads changes a page at a time: the same changes, in the
// same order and with the same change sets, as Changes returns, whatever
// the page size and in both orders; fn's error stops it and comes back as
// it is; a limit is refused.
func TestEachChange(t *testing.T) {
	ctx := context.Background()
	db := listingHistory(t)
	for _, f := range []ChangeFilter{{DocumentID: "wa", ChangeSets: true}, {NewestFirst: true}, {}} {
		want, _, err := db.Changes(ctx, f)
		if err != nil || len(want) < 3 {
			t.Fatalf("Changes(%+v) = %d changes, %v; want a history", f, len(want), err)
		}
		for _, page := range []int{1, 2, len(want), 0} {
			f.page = page
			var got []Change
			if err := db.EachChange(ctx, f, func(c *Change) error { got = append(got, *c); return nil }); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("EachChange(%+v), pages of %d: %d changes %v; want %d %v as Changes", f, page, len(got), changeIDs(got), len(want), changeIDs(want))
			}
			for _, c := range got {
				if f.ChangeSets && len(c.ChangeSet) == 0 {
					t.Errorf("change %d without its change set", c.ID)
				}
			}
		}
	}
	stop := errors.New("enough")
	n := 0
	err := db.EachChange(ctx, ChangeFilter{}, func(*Change) error { n++; return stop })
	if err != stop || n != 1 {
		t.Errorf("fn failing at the first change: %d calls, %v; want 1 call and its error as it is", n, err)
	}
	if err := db.EachChange(ctx, ChangeFilter{Limit: 5}, func(*Change) error { return nil }); err == nil {
		t.Error("EachChange with a limit: no error")
	}
}

func changeIDs(cs []Change) []int64 {
	ids := make([]int64, len(cs))
	for i, c := range cs {
		ids[i] = c.ID
	}
	return ids
}
