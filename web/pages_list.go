package web

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/clausewatch/clausewatch/data"
	"github.com/clausewatch/clausewatch/diff"
	"github.com/clausewatch/clausewatch/labels"
)

// documentsPerPage is how many documents the home page lists before its
// "more documents" link: an operator may track 20,000.
const documentsPerPage = 100

// documentsPage lists the tracked documents a page at a time, in the order
// of service, title and id, failing ones marked and counted across every
// page. ?after= is the cursor (the last document of the previous page);
// the first page, at /, leads with the latest changes.
func (s *Server) documentsPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	after := r.URL.Query().Get("after")
	if after != "" {
		if _, err := s.db.Document(ctx, after); errors.Is(err, data.ErrNotFound) {
			return badRequest("after %q is not a document id", after)
		} else if err != nil {
			return err
		}
	}
	docs, more, err := s.db.DocumentSummaries(ctx, after, documentsPerPage)
	if err != nil {
		return err
	}
	health, err := s.db.FetchHealth(ctx)
	if err != nil {
		return err
	}
	d := documentsData{Failing: health.Failing, Total: health.Documents, Continued: after != ""}
	v := s.newView(r, &d)
	if after == "" {
		// The latest changes readers were told about lead the page: what
		// happened is why most people come.
		latest, _, err := s.db.Changes(ctx, data.ChangeFilter{Material: true, Published: true, NewestFirst: true, Limit: homeChanges})
		if err != nil {
			return err
		}
		byID, err := s.changeDocuments(r, latest)
		if err != nil {
			return err
		}
		d.Latest = changeRows(latest, byID, v.Lang)
	}
	for _, doc := range docs {
		// The region has its own column.
		row := documentRow{DocumentSummary: doc, Problem: fetchProblem(v, doc), Name: labels.DocumentName(doc.ID, doc.Service, doc.Title, "")}
		// A document whose versions all come from an archive says so
		// until a live check has succeeded, so nobody takes the archive's
		// last version for today's page.
		row.ArchivedOnly = len(doc.Archives) > 0 && doc.LiveOK.IsZero()
		for _, a := range doc.Archives {
			if !slices.Contains(v.Archives, a) {
				v.Archives = append(v.Archives, a)
			}
		}
		d.Documents = append(d.Documents, row)
	}
	if more && len(docs) > 0 {
		d.Next = nextPage(r, v, "after", docs[len(docs)-1].ID)
	}
	v.Title = v.T("docs.title")
	v.Description = v.T("docs.description")
	return s.render(w, r, http.StatusOK, "documents", v, noCache)
}

// changeDocuments loads the documents the changes belong to, keyed by id:
// a listing names its rows' documents without loading every document.
func (s *Server) changeDocuments(r *http.Request, changes []data.Change) (map[string]*data.Document, error) {
	ids := make([]string, 0, len(changes))
	for i := range changes {
		if !slices.Contains(ids, changes[i].DocumentID) {
			ids = append(ids, changes[i].DocumentID)
		}
	}
	return s.db.DocumentsByID(r.Context(), ids)
}

// homeChanges is how many of the latest changes the home page shows.
const homeChanges = 5

type documentsData struct {
	Latest    []changeRow
	Documents []documentRow
	// Failing counts the failing documents and Total every document,
	// across all pages.
	Failing, Total int
	// Continued is set on the pages after the first; Next links to the
	// next page, "" on the last one.
	Continued bool
	Next      string
}

// documentRow is a document of the list with what its last check means
// for a reader.
type documentRow struct {
	data.DocumentSummary
	// Name names the document without its region, which has a column.
	Name string
	// Problem says in plain words what went wrong with the latest fetch
	// and what to do; nil when it did not fail.
	Problem *fetchProblemView
	// ArchivedOnly: its versions come from an archive and no live check
	// has succeeded yet.
	ArchivedOnly bool
}

// fetchProblemView is a failed or suspect fetch explained: What went
// wrong, what to Do, and the Raw error for whoever needs the detail.
type fetchProblemView struct {
	What, Do, Raw string
}

// fetchProblem explains the latest fetch of a document when it failed or
// was suspect. The stored error class picks the message (messages
// "problem.CLASS" and "problem.CLASS.do"); the host and HTTP status are
// filled in, and a class without its own message gets the generic one, so
// a new class in the pipeline still reads as a sentence.
func fetchProblem(v *view, d data.DocumentSummary) *fetchProblemView {
	if !d.Failing() {
		return nil
	}
	f := d.LastFetch
	host := d.URL
	if u, err := url.Parse(d.URL); err == nil && u.Host != "" {
		host = u.Host
	}
	class := f.ErrorClass
	if _, ok := v.i18n.catalog[v.Lang]["problem."+class]; !ok || class == "" {
		class = "other"
	}
	p := &fetchProblemView{Raw: f.Reason}
	var arg any = host
	if class == "http-status" {
		arg = f.Status
	}
	if strings.Contains(v.i18n.catalog[v.Lang]["problem."+class], "%") {
		p.What = v.T("problem."+class, arg)
	} else {
		p.What = v.T("problem." + class)
	}
	p.Do = v.T("problem." + class + ".do")
	if p.Raw == "" {
		p.Raw = string(f.Outcome)
	}
	return p
}

// timelineData is a document's history, newest first, with runs of
// cosmetic-only versions folded together.
type timelineData struct {
	Document *data.Document
	Name     string
	Items    []timelineItem
	// Versions are the page's versions oldest first, for the compare form;
	// Total counts every version of the document.
	Versions []data.VersionEntry
	Total    int
	// Continued is set on the pages after the first; Older links to the
	// next page, "" on the last one.
	Continued bool
	Older     string
	LastFetch *data.Fetch
	From, To  int64 // preselected in the compare form
	// Siblings are the document's variants (another region or language),
	// each linked to the comparison with it.
	Siblings []data.Document
	// InEffect is the latest version whose stated effective date has come,
	// nil when no version states one: the text that applies today, which
	// is not the latest when that one takes effect later.
	InEffect *data.VersionEntry
	// Archives are the archives its versions came from; with no live
	// fetch that succeeded (ArchivedOnly), the timeline says the history
	// is theirs.
	Archives     []data.Archive
	ArchivedOnly bool
}

// timelineItem is either one version or a fold of consecutive versions of
// one kind: cosmetic-only, or capture variations (the page showing or
// hiding text it had shown before).
type timelineItem struct {
	Entry    data.VersionEntry
	Fold     []data.VersionEntry // non-empty for a fold
	FoldKind string              // "cosmetic" or "variation"
}

// versionsPerPage is how many versions a timeline page shows before its
// "older versions" link: a document may have thousands.
const versionsPerPage = 100

// timelinePage shows a document's versions with their changes, newest
// first, a page at a time: ?before= is the cursor (the last version of the
// previous page).
func (s *Server) timelinePage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	doc, err := s.db.Document(ctx, r.PathValue("id"))
	if err != nil {
		return err
	}
	page := data.VersionPage{NewestFirst: true, Limit: versionsPerPage}
	if b := r.URL.Query().Get("before"); b != "" {
		id, ok := parseID(b)
		if !ok {
			return badRequest("before %q is not a version id", b)
		}
		if v, err := s.db.VersionInfo(ctx, id); errors.Is(err, data.ErrNotFound) || (err == nil && v.DocumentID != doc.ID) {
			return notFound("%s has no version %d", doc.ID, id)
		} else if err != nil {
			return err
		}
		page.After = id
	}
	entries, more, err := s.db.VersionsPage(ctx, doc.ID, page)
	if err != nil {
		return err
	}
	total, first, err := s.db.VersionSpan(ctx, doc.ID)
	if err != nil {
		return err
	}
	fetches, err := s.db.Fetches(ctx, doc.ID, 1)
	if err != nil {
		return err
	}
	candidates, err := s.db.ServiceDocuments(ctx, doc.Service)
	if err != nil {
		return err
	}
	// The compare form lists the page's versions oldest first.
	oldestFirst := slices.Clone(entries)
	slices.Reverse(oldestFirst)
	d := timelineData{Document: doc, Name: documentTitle(doc), Versions: oldestFirst, Total: total,
		Continued: page.After != 0, Siblings: siblings(doc, candidates)}
	if d.Archives, err = s.db.DocumentArchives(ctx, doc.ID); err != nil {
		return err
	}
	if len(d.Archives) > 0 {
		// Only a live fetch that succeeded ends "not yet checked live".
		live, err := s.db.SucceededLive(ctx, doc.ID)
		if err != nil {
			return err
		}
		d.ArchivedOnly = !live
	}
	// An import is no check: "last check" names a live fetch only.
	if len(fetches) > 0 && !d.ArchivedOnly {
		d.LastFetch = &fetches[0]
	}
	if n := len(oldestFirst); n >= 2 {
		d.From, d.To = oldestFirst[n-2].Version.ID, oldestFirst[n-1].Version.ID
	}
	inEffect, err := s.db.VersionInEffect(ctx, doc.ID, s.now().UTC().Format(time.DateOnly))
	switch {
	case err == nil:
		d.InEffect = inEffect
	case !errors.Is(err, data.ErrNotFound):
		return err
	}
	for i := range entries {
		e := &entries[i]
		kind := ""
		switch {
		case e.Change == nil:
		case e.Change.Capture == diff.Variation:
			kind = "variation"
		case !e.Change.Material:
			kind = "cosmetic"
		}
		if kind != "" {
			if n := len(d.Items); n > 0 && d.Items[n-1].FoldKind == kind {
				d.Items[n-1].Fold = append(d.Items[n-1].Fold, *e)
			} else {
				d.Items = append(d.Items, timelineItem{Fold: []data.VersionEntry{*e}, FoldKind: kind})
			}
			continue
		}
		d.Items = append(d.Items, timelineItem{Entry: *e})
	}
	v := s.newView(r, &d)
	if more && len(entries) > 0 {
		d.Older = nextPage(r, v, "before", strconv.FormatInt(entries[len(entries)-1].Version.ID, 10))
	}
	v.Archives = d.Archives
	v.Title = v.T("timeline.title", d.Name)
	if total > 0 {
		v.Description = v.T("timeline.description", d.Name, total, v.Date(first))
	} else {
		v.Description = v.T("timeline.none")
	}
	return s.render(w, r, http.StatusOK, "timeline", v, noCache)
}

// searchData is the search form and, for a query, its result.
type searchData struct {
	Query  string
	Error  string
	Result *data.SearchResult
	Names  map[string]string // document id -> display name
	// Langs maps a document id to its language, which marks the quoted
	// snippets for screen readers.
	Langs map[string]string
	// MaxDocuments is how many documents a search lists at most.
	MaxDocuments int
}

// searchPage answers /search?q=: which versions contain a phrase, and when
// it first and last appeared.
func (s *Server) searchPage(w http.ResponseWriter, r *http.Request) error {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	// A query too long to search is answered 400 repeating only maxEcho
	// characters of it, with the language switch on the empty search page.
	shown := truncateRunes(q, maxEcho)
	d := searchData{Query: shown, MaxDocuments: data.MaxSearchDocuments}
	v := s.newView(r, &d)
	if shown != q {
		v.switchURL = &url.URL{Path: r.URL.Path}
	}
	v.Query = shown
	v.Title = v.T("search.title")
	v.Description = v.T("search.description")
	status := http.StatusOK
	if q != "" {
		v.Title = v.T("search.title.q", shown)
		switch {
		case utf8.RuneCountInString(q) > data.MaxQueryLen:
			d.Error = v.T("search.toolong", data.MaxQueryLen)
		case data.CheckQuery(q) != nil:
			d.Error = v.T("search.noword")
		}
		if d.Error != "" {
			status = http.StatusBadRequest
		} else {
			res, err := s.db.Search(r.Context(), q)
			if errors.Is(err, data.ErrBadQuery) {
				d.Error, status = v.T("search.noword"), http.StatusBadRequest
			} else if err != nil {
				return err
			}
			d.Result = res
			if res != nil && len(res.Documents) > 0 {
				ids := make([]string, len(res.Documents))
				for i := range res.Documents {
					ids[i] = res.Documents[i].DocumentID
				}
				docs, err := s.db.DocumentsByID(r.Context(), ids)
				if err != nil {
					return err
				}
				d.Names, d.Langs = map[string]string{}, map[string]string{}
				for id, doc := range docs {
					d.Names[id] = documentTitle(doc)
					d.Langs[id] = doc.Language
				}
			}
		}
	}
	return s.render(w, r, status, "search", v, noCache)
}

// snippetParts cuts a search snippet at its markers into text and matched
// parts, for the template to escape and wrap in <mark>.
func snippetParts(snip string) []segment {
	var out []segment
	for snip != "" {
		i := strings.Index(snip, data.SnippetOpen)
		if i < 0 {
			out = append(out, segment{Text: snip})
			break
		}
		if i > 0 {
			out = append(out, segment{Text: snip[:i]})
		}
		snip = snip[i+len(data.SnippetOpen):]
		j := strings.Index(snip, data.SnippetClose)
		if j < 0 {
			j = len(snip)
		}
		out = append(out, segment{Text: snip[:j], Mark: true})
		snip = strings.TrimPrefix(snip[j:], data.SnippetClose)
	}
	return slices.Clip(out)
}
