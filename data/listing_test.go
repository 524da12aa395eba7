package data

import (
	"slices"
	"strings"
	"testing"
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
		// want are index names the plan must use.
		want []string
		// scans are the tables the query may read whole, in an index's
		// order: the aggregates count every row by design.
		scans []string
	}{
		{"home page, first page", q(documentSummariesQuery(false), 100), []string{"documents_by_name", "fetches_by_document", "changes_by_document", "versions_by_document"}, []string{"d"}},
		{"home page, next page", q(documentSummariesQuery(true), "wa", 100), []string{"documents_by_name", "fetches_by_document"}, nil},
		{"API documents, next page", q(documentsPageQuery(true), "wa", 100), []string{"sqlite_autoindex_documents_1"}, nil},
		{"documents of a page's rows", q(documentsByIDQuery, `["wa","fb"]`), []string{"sqlite_autoindex_documents_1"}, nil},
		{"variants of a document", q(serviceDocumentsQuery, "meta"), []string{"documents_by_service"}, nil},
		{"timeline, first page", q(versionsPageQuery(true, false), "wa", 100), []string{"versions_by_document", "sqlite_autoindex_changes_1"}, nil},
		{"timeline, older page", q(versionsPageQuery(true, true), "wa", 5, 100), []string{"versions_by_document"}, nil},
		{"API versions, next page", q(versionsPageQuery(false, true), "wa", 5, 100), []string{"versions_by_document"}, nil},
		{"number of a version", q(versionNumberQuery, 5), []string{"versions_by_document"}, nil},
		{"version with its number", q(versionHeadQuery, 5), []string{"versions_by_document"}, nil},
		{"count of a document's versions", q(versionSpanQuery, "wa"), []string{"versions_by_document"}, nil},
		{"stated date of a first version", q(changeOutQuery, "wa", 5), []string{"changes_by_document"}, nil},
		{"version in effect", q(inEffectQuery, "wa", "2026-01-01"), []string{"changes_by_document", "versions_by_document"}, nil},
		{"latest version", q(latestHeadQuery, "wa"), []string{"versions_by_document"}, nil},
		{"latest fetch", q(fetchesQuery+` LIMIT 1`, "wa"), []string{"fetches_by_document"}, nil},
		{"/changes, first page", qf(changes(ChangeFilter{Material: true, Published: true, NewestFirst: true, Limit: 50})), []string{"changes_by_time"}, []string{"changes"}},
		{"/changes, older page", qf(changes(ChangeFilter{Material: true, Published: true, NewestFirst: true, Limit: 50, Before: 7})), []string{"changes_by_time"}, nil},
		{"/changes of a document", qf(changes(ChangeFilter{DocumentID: "wa", Material: true, Published: true, NewestFirst: true, Limit: 50})), []string{"changes_by_document"}, nil},
		{"search: spans of the matched texts", q(searchSpansQuery, `[1,2]`), []string{"version_texts_by_text"}, nil},
		{"search: versions of the matched documents", q(searchVersionsQuery, `["wa"]`), []string{"versions_by_document"}, nil},
		{"/healthz and the failing count", q(fetchHealthQuery), []string{"fetches_by_document"}, []string{"d"}},
		{"/metrics totals", q(totalsQuery), []string{"fetches_by_document", "changes_by_time"}, []string{"d", "versions", "changes"}},
		{"/metrics fetch outcomes", q(fetchOutcomesQuery), []string{"fetches_by_outcome"}, []string{"fetches"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			plan := queryPlan(t, db, tc.q, tc.args...)
			for _, idx := range tc.want {
				if !slices.ContainsFunc(plan, func(s string) bool { return strings.Contains(s, "INDEX "+idx) }) {
					t.Errorf("plan does not use %s:\n  %s", idx, strings.Join(plan, "\n  "))
				}
			}
			for _, line := range plan {
				if bigTableScan(line, tc.scans) {
					t.Errorf("plan reads a table without an index or out of order: %q\n  %s", line, strings.Join(plan, "\n  "))
				}
				// The search sorts the spans it matched (version_texts_by_text
				// gives them by text), not the table.
				if strings.Contains(line, "TEMP B-TREE") && !strings.HasPrefix(tc.name, "search: spans") && tc.name != "version in effect" {
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
	big := []string{"documents", "d", "versions", "v", "fetches", "f", "changes", "c", "version_texts"}
	if !slices.Contains(big, table) {
		return false
	}
	return !strings.Contains(rest, "INDEX") || !slices.Contains(allowed, table)
}
