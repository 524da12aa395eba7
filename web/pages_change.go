package web

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/clausewatch/clausewatch/data"
	"github.com/clausewatch/clausewatch/diff"
	"github.com/clausewatch/clausewatch/labels"
	"github.com/clausewatch/clausewatch/policy"
	"github.com/clausewatch/clausewatch/topics"
)

// changeData is the clause diff of one recorded change with what is needed
// to cite it: both versions, both raw snapshots and the changes around it.
type changeData struct {
	Change       *data.Change
	Document     *data.Document
	Name         string
	From, To     *data.Version
	FromSnapshot *data.Snapshot
	ToSnapshot   *data.Snapshot
	Prev, Next   int64
	Diff         *diffView
}

// changePage shows one change clause by clause, inline or side by side.
func (s *Server) changePage(w http.ResponseWriter, r *http.Request) error {
	id, err := pageID(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	c, err := s.db.Change(ctx, id)
	if errors.Is(err, data.ErrNotFound) {
		return notFound("no change %d", id)
	}
	if err != nil {
		return err
	}
	d := changeData{Change: c}
	if d.Document, err = s.db.Document(ctx, c.DocumentID); err != nil {
		return err
	}
	d.Name = documentTitle(d.Document)
	if d.From, err = s.db.VersionInfo(ctx, c.FromVersion); err != nil {
		return err
	}
	if d.To, err = s.db.VersionInfo(ctx, c.ToVersion); err != nil {
		return err
	}
	if d.FromSnapshot, err = s.db.SnapshotInfo(ctx, d.From.SnapshotID); err != nil {
		return err
	}
	if d.ToSnapshot, err = s.db.SnapshotInfo(ctx, d.To.SnapshotID); err != nil {
		return err
	}
	if d.Prev, d.Next, err = s.db.ChangeNeighbours(ctx, c); err != nil {
		return err
	}
	cs, err := decodeChangeSet(c.ChangeSet)
	if err != nil {
		return err
	}
	filter, err := parseClauseFilter(r.URL.Query())
	if err != nil {
		return err
	}
	v := s.newView(r, &d)
	if err := s.credit(ctx, v, d.Document.ID); err != nil {
		return err
	}
	headline := labels.Headline(headlineSubject(d.Document), *cs, v.Lang)
	d.Diff = newDiffView(v, cs, headline, r.URL.Query().Get("view") == "side", filter).setLangs(d.Document.Language, d.Document.Language)
	v.OGType = "article"
	v.Title = v.T("change.title", headline, d.Name, v.Date(c.DetectedAt))
	v.Description = changeDescription(v, cs, headline)
	return s.render(w, r, http.StatusOK, "change", v, stable)
}

// changeDescription says in two or three sentences what a shared link
// shows: the headline, how many clauses changed, and the words of the
// first clause of what matters.
func changeDescription(v *view, cs *diff.ChangeSet, headline string) string {
	parts := []string{headline + "."}
	var counts []string
	sm := cs.Summary
	for _, k := range []struct {
		n   int
		key string
	}{{sm.Modified, "count.modified"}, {sm.Added, "count.added"}, {sm.Removed, "count.removed"}, {sm.Moved, "count.moved"}, {sm.Split, "count.split"}, {sm.Merged, "count.merged"}} {
		if k.n > 0 {
			counts = append(counts, v.T(k.key, k.n))
		}
	}
	if len(counts) > 0 {
		parts = append(parts, strings.Join(counts, ", ")+".")
	}
	if ms := mattersOf(cs); len(ms) > 0 {
		if quote := clauseQuote(cs.Changes[ms[0].Changes[0]]); quote != "" {
			parts = append(parts, "“"+truncate(quote, 160)+"”")
		}
	}
	return strings.Join(parts, " ")
}

// clauseQuote is the words a short quote of a clause change shows: what an
// edit inserted, or else what it deleted, when that is one phrase of a few
// words; otherwise the clause as it now reads, or as it read when it was
// removed. A quote of "/" would tell a reader nothing, and words inserted
// in several places, run together, would misquote the policy.
func clauseQuote(c diff.Change) string {
	const phrase = 3 // words
	var ins, del []string
	for _, w := range c.Words {
		switch w.Op {
		case diff.OpInsert:
			ins = append(ins, w.Text)
		case diff.OpDelete:
			del = append(del, w.Text)
		}
	}
	switch {
	case len(ins) == 1 && len(strings.Fields(ins[0])) >= phrase:
		return strings.Join(strings.Fields(ins[0]), " ")
	case len(ins) == 0 && len(del) == 1 && len(strings.Fields(del[0])) >= phrase:
		return strings.Join(strings.Fields(del[0]), " ")
	case c.New != nil:
		return c.New.Text
	case c.Old != nil:
		return c.Old.Text
	}
	return ""
}

// truncate cuts s to at most n characters at a word boundary, with "…".
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	rs := []rune(s)[:n]
	cut := string(rs)
	if i := strings.LastIndexByte(cut, ' '); i > n/2 {
		cut = cut[:i]
	}
	return cut + "…"
}

// compareData is the comparison of any two versions of a document.
type compareData struct {
	Document *data.Document
	Name     string
	Versions []data.VersionEntry
	From, To *data.Version
	// FromID and ToID preselect the form: the pair shown, else the last
	// two versions.
	FromID, ToID int64
	Same         bool
	Diff         *diffView
}

// comparePage diffs any two versions of a document, chosen with a form, and
// classifies the difference as stored changes are classified (topics.Compare
// in the document's language), so that the two versions of a stored change
// show its topics and severity here too.
func (s *Server) comparePage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	doc, err := s.db.Document(ctx, r.PathValue("id"))
	if err != nil {
		return err
	}
	// The form offers the latest versions (a document may have
	// thousands), oldest first, and the pair asked for.
	entries, _, err := s.db.VersionsPage(ctx, doc.ID, data.VersionPage{NewestFirst: true, Limit: versionsPerPage})
	if err != nil {
		return err
	}
	slices.Reverse(entries)
	d := compareData{Document: doc, Name: documentTitle(doc), Versions: entries}
	if n := len(entries); n >= 2 {
		d.FromID, d.ToID = entries[n-2].Version.ID, entries[n-1].Version.ID
	}
	v := s.newView(r, &d)
	if err := s.credit(ctx, v, doc.ID); err != nil {
		return err
	}
	v.Title = v.T("compare.title", d.Name)
	v.Description = v.T("compare.pick")
	q := r.URL.Query()
	if q.Get("from") == "" && q.Get("to") == "" {
		return s.render(w, r, http.StatusOK, "compare", v, noCache)
	}
	fromID, err1 := strconv.ParseInt(q.Get("from"), 10, 64)
	toID, err2 := strconv.ParseInt(q.Get("to"), 10, 64)
	if err1 != nil || err2 != nil {
		return badRequest("from and to must be version numbers of %s, e.g. ?from=%d&to=%d", doc.ID, firstID(entries, 0), firstID(entries, 1))
	}
	for _, id := range []int64{fromID, toID} {
		if slices.ContainsFunc(d.Versions, func(e data.VersionEntry) bool { return e.Version.ID == id }) {
			continue
		}
		ver, err := s.db.VersionInfo(ctx, id)
		if errors.Is(err, data.ErrNotFound) || (err == nil && ver.DocumentID != doc.ID) {
			return notFound("%s has no version %d", doc.ID, id)
		}
		if err != nil {
			return err
		}
		// An older version asked for joins the form's choices, in order.
		d.Versions = append(d.Versions, data.VersionEntry{Version: *ver})
		slices.SortFunc(d.Versions, func(a, b data.VersionEntry) int { return a.Version.Number - b.Version.Number })
	}
	d.FromID, d.ToID = fromID, toID
	if d.From, err = s.db.Version(ctx, fromID); err != nil {
		return err
	}
	if d.To, err = s.db.Version(ctx, toID); err != nil {
		return err
	}
	v.Description = v.T("compare.description", d.Name, v.Date(d.From.FetchedAt), v.Date(d.To.FetchedAt))
	if fromID == toID {
		d.Same = true
		return s.render(w, r, http.StatusOK, "compare", v, noCache)
	}
	filter, err := parseClauseFilter(q)
	if err != nil {
		return err
	}
	cs := topics.Compare(policy.Document{Blocks: d.From.Blocks}, policy.Document{Blocks: d.To.Blocks}, doc.Language)
	d.Diff = newDiffView(v, &cs, labels.Headline(headlineSubject(doc), cs, v.Lang), q.Get("view") == "side", filter).setLangs(doc.Language, doc.Language)
	return s.render(w, r, http.StatusOK, "compare", v, stable)
}

// firstID returns the id of the i-th entry, for an example in a message.
func firstID(entries []data.VersionEntry, i int) int64 {
	if i < len(entries) {
		return entries[i].Version.ID
	}
	return 1
}
