package web

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/clausewatch/clausewatch/data"
	"github.com/clausewatch/clausewatch/diff"
	"github.com/clausewatch/clausewatch/topics"
)

// changesPerPage is how many changes the /changes page lists before its
// "older changes" link.
const changesPerPage = 50

// maxDocumentChoices is how many documents a filter offers in a list;
// beyond it, the filter asks for a document id.
const maxDocumentChoices = 200

// changesData is the page of recent changes across documents: its filter
// and one page of changes, newest first.
type changesData struct {
	// Documents are the choices of the document filter, nil when there are
	// too many to list (maxDocumentChoices), and DocumentInput is set.
	Documents     []data.Document
	DocumentInput bool
	Topics        []string
	// The filter as asked: document id, topic, severity, since
	// (YYYY-MM-DD); TopicPage is set on /topics/{topic}, where the topic
	// is the page's own.
	Document, Topic, Severity, Since string
	TopicPage                        bool
	Rows                             []changeRow
	// Older is the link to the next page, "" on the last one.
	Older string
}

// changeRow is one change of the list, with its document's name and its
// headline in the reader's language.
type changeRow struct {
	Change   data.Change
	Name     string
	Headline string
}

// changeRows names each change's document and says its headline in lang.
func changeRows(changes []data.Change, docs map[string]*data.Document, lang string) []changeRow {
	rows := make([]changeRow, 0, len(changes))
	for i := range changes {
		c := &changes[i]
		doc := docs[c.DocumentID]
		if doc == nil {
			doc = &data.Document{ID: c.DocumentID}
		}
		rows = append(rows, changeRow{Change: *c, Name: documentTitle(doc), Headline: changeHeadline(doc, c, lang)})
	}
	return rows
}

// Severities lists the severities a change can be filtered by, mildest
// first.
func (changesData) Severities() []diff.Severity {
	return slices.DeleteFunc(diff.Severities(), func(s diff.Severity) bool { return s == diff.SeverityNone })
}

// changesPage lists the changes readers are told about (settled, not
// capture variations, material) across every document, newest first, with
// their headlines; a query narrows them by document, topic, severity and
// date. /topics/{topic} is the same list for one topic.
func (s *Server) changesPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	q := r.URL.Query()
	d := changesData{Topics: topics.All(), Document: q.Get("document"), Topic: q.Get("topic"), Severity: q.Get("severity"), Since: q.Get("since")}
	if t := r.PathValue("topic"); t != "" {
		d.Topic, d.TopicPage = t, true
	}
	if d.Topic != "" && !slices.Contains(d.Topics, d.Topic) {
		return notFound("no topic %q; topics are %s", d.Topic, strings.Join(d.Topics, ", "))
	}
	f := data.ChangeFilter{Material: true, Published: true, NewestFirst: true, Limit: changesPerPage, Topic: d.Topic, DocumentID: d.Document}
	if d.Severity != "" {
		if diff.Severity(d.Severity).Rank() < 0 {
			return badRequest("severity %q: use one of low, medium, high, critical", d.Severity)
		}
		f.Severity = diff.Severity(d.Severity)
	}
	if d.Since != "" {
		t, err := time.Parse(time.DateOnly, d.Since)
		if err != nil {
			return badRequest("since %q is not a date; write it as YYYY-MM-DD, e.g. 2021-01-01", d.Since)
		}
		f.Since = t
	}
	if b := q.Get("before"); b != "" {
		id, ok := parseID(b)
		if !ok {
			return badRequest("before %q is not a change id", b)
		}
		f.Before = id
	}
	if d.Document != "" {
		if _, err := s.db.Document(ctx, d.Document); errors.Is(err, data.ErrNotFound) {
			return notFound("no document %q", d.Document)
		} else if err != nil {
			return err
		}
	}
	// The filter offers the documents in a list while they are few; with
	// more, it asks for the document's id, since a list of 20,000 would
	// weigh more than the page.
	docs, many, err := s.db.DocumentsPage(ctx, "", maxDocumentChoices)
	if err != nil {
		return err
	}
	if d.DocumentInput = many; !many {
		d.Documents = docs
	}
	changes, more, err := s.db.Changes(ctx, f)
	if err != nil {
		return err
	}
	byID, err := s.changeDocuments(r, changes)
	if err != nil {
		return err
	}
	v := s.newView(r, &d)
	d.Rows = changeRows(changes, byID, v.Lang)
	if more && len(changes) > 0 {
		d.Older = nextPage(r, v, "before", strconv.FormatInt(changes[len(changes)-1].ID, 10))
	}
	if d.TopicPage {
		v.Title = v.T("changes.topic.title", v.Topic(d.Topic))
		v.Description = v.T("changes.topic.description", v.Topic(d.Topic))
	} else {
		v.Title = v.T("changes.title")
		v.Description = v.T("changes.description")
	}
	return s.render(w, r, http.StatusOK, "changes", v, noCache)
}

// nextPage returns the link to the next page of a keyset-paged listing:
// the request's URL with its cursor parameter set to the last row shown,
// and the reader's language kept, so that the pages are followed without
// JavaScript. Every listing (/changes, the home page, a timeline) pages
// with it.
func nextPage(r *http.Request, v *view, param, cursor string) string {
	q := r.URL.Query()
	q.Set(param, cursor)
	if v.Lang != "en" {
		q.Set("lang", v.Lang)
	}
	return r.URL.Path + "?" + q.Encode()
}
