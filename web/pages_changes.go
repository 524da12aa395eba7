package web

import (
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

// changesData is the page of recent changes across documents: its filter
// and one page of changes, newest first.
type changesData struct {
	Documents []data.Document
	Topics    []string
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
	docs, err := s.db.Documents(ctx)
	if err != nil {
		return err
	}
	byID := map[string]*data.Document{}
	for i := range docs {
		byID[docs[i].ID] = &docs[i]
	}
	if _, ok := byID[d.Document]; d.Document != "" && !ok {
		return notFound("no document %q", d.Document)
	}
	d.Documents = docs
	changes, more, err := s.db.Changes(ctx, f)
	if err != nil {
		return err
	}
	v := s.newView(r, &d)
	d.Rows = changeRows(changes, byID, v.Lang)
	if more && len(changes) > 0 {
		older := r.URL.Query()
		older.Set("before", strconv.FormatInt(changes[len(changes)-1].ID, 10))
		if v.Lang != "en" {
			older.Set("lang", v.Lang)
		}
		d.Older = r.URL.Path + "?" + older.Encode()
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
