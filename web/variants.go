package web

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/clausewatch/clausewatch/data"
	"github.com/clausewatch/clausewatch/diff"
	"github.com/clausewatch/clausewatch/policy"
	"github.com/clausewatch/clausewatch/topics"
)

// WhatsApp tells Europeans one thing and the rest of the world another, and
// its translations trail the English text: the question journalists asked
// in 2021 was what one variant says that the other does not. A comparison
// of variants sets two documents side by side as they stood at a date,
// with the sharing statements that differ first. The page (/compare) and
// the API (/api/v1/compare) read it from compareVariants.

// variantSide is one document of a comparison as it stood at the date.
type variantSide struct {
	Document *data.Document
	Name     string
	// Version is the version current at the date: the latest fetched on or
	// before it; nil when the document had none yet.
	Version *data.Version
	// Effective is the date the version states (YYYY-MM-DD), "" for none;
	// Since is when the document's versions first stated it.
	Effective string
	Since     time.Time
}

// sharingDifference is a statement of who gets which data that the two
// documents do not both make: From or To is nil where that document does
// not say it, both are set where they say it differently (the same action
// towards some of the same recipients), and Quote is the clause each side
// says it in.
type sharingDifference struct {
	From, To           *diff.Statement
	FromQuote, ToQuote string
}

// variantLag says which of two documents in different languages (a
// translation and its original) states an older effective date, and since
// when the other has stated its newer one.
type variantLag struct {
	Behind, Ahead *variantSide
	Since         time.Time
}

// variants is a comparison of two documents at a date.
type variants struct {
	From, To variantSide
	At       time.Time // end of the day asked for; zero: the latest versions
	// ChangeSet is the clause diff from From to To, nil when the documents
	// are in different languages (their clauses would all differ) or one
	// had no version at the date.
	ChangeSet   *diff.ChangeSet
	Differences []sharingDifference
	// InStep is set for documents in different languages that state the
	// same effective date; Lag when they do not.
	InStep bool
	Lag    *variantLag
}

// parseVariantDate reads ?at= (YYYY-MM-DD) as the end of that day in UTC,
// so that a version fetched during the day counts; "" is the zero time.
func parseVariantDate(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, badRequest("parameter at: %q is not a date; write it as YYYY-MM-DD, e.g. 2021-05-15", s)
	}
	return d.Add(24*time.Hour - time.Nanosecond), nil
}

// compareVariants compares documents fromID and toID as they stood at at
// (zero: their latest versions).
func (s *Server) compareVariants(ctx context.Context, fromID, toID string, at time.Time) (*variants, error) {
	if fromID == toID {
		return nil, badRequest("from and to are both %q: compare two different documents (its versions are compared at %s/compare)", fromID, documentPath(fromID))
	}
	vs := &variants{At: at}
	for _, side := range []struct {
		id    string
		param string
		into  *variantSide
	}{{fromID, "from", &vs.From}, {toID, "to", &vs.To}} {
		doc, err := s.db.Document(ctx, side.id)
		if err != nil {
			return nil, s.notFoundOr(err, "parameter %s: no document %q; the list is at /api/v1/documents", side.param, side.id)
		}
		if err := s.variantAt(ctx, doc, at, side.into); err != nil {
			return nil, err
		}
	}
	from, to := vs.From.Version, vs.To.Version
	if from == nil || to == nil {
		return vs, nil
	}
	if vs.From.Document.Language != vs.To.Document.Language && vs.From.Document.Language != "" && vs.To.Document.Language != "" {
		switch {
		case vs.From.Effective == vs.To.Effective:
			vs.InStep = true
		case vs.From.Effective < vs.To.Effective:
			vs.Lag = &variantLag{Behind: &vs.From, Ahead: &vs.To, Since: vs.To.Since}
		default:
			vs.Lag = &variantLag{Behind: &vs.To, Ahead: &vs.From, Since: vs.From.Since}
		}
		return vs, nil
	}
	lang := vs.From.Document.Language
	fromDoc, toDoc := policy.Document{Blocks: from.Blocks}, policy.Document{Blocks: to.Blocks}
	cs := topics.Compare(fromDoc, toDoc, lang)
	vs.ChangeSet = &cs
	vs.Differences = sharingDifferences(topics.Statements(fromDoc, lang), topics.Statements(toDoc, lang))
	return vs, nil
}

// sharingDifferences lists what one document says about who gets which
// data that the other does not say anywhere: a statement each makes
// differently (the same action towards the same recipients, other data,
// purpose or condition) on one row, the others alone. Rows about the
// recipients readers ask about first (Meta and its companies, then
// advertisers, buyers and brokers) come first; otherwise from's reading
// order, then to's.
func sharingDifferences(from, to []topics.Said) []sharingDifference {
	in := func(said []topics.Said) map[string]bool {
		m := map[string]bool{}
		for _, s := range said {
			m[topics.Signature(s.Statement)] = true
		}
		return m
	}
	inFrom, inTo := in(from), in(to)
	var onlyTo []topics.Said
	for _, s := range to {
		if !inFrom[topics.Signature(s.Statement)] {
			onlyTo = append(onlyTo, s)
		}
	}
	paired := make([]bool, len(onlyTo))
	var out []sharingDifference
	for _, f := range from {
		if inTo[topics.Signature(f.Statement)] {
			continue
		}
		d := sharingDifference{From: &f.Statement, FromQuote: f.Clause}
		for j, t := range onlyTo {
			if !paired[j] && f.Statement.Action == t.Statement.Action && slices.Equal(sortedKeys(f.Statement.Recipients), sortedKeys(t.Statement.Recipients)) {
				paired[j] = true
				d.To, d.ToQuote = &onlyTo[j].Statement, t.Clause
				break
			}
		}
		out = append(out, d)
	}
	for j := range onlyTo {
		if !paired[j] {
			out = append(out, sharingDifference{To: &onlyTo[j].Statement, ToQuote: onlyTo[j].Clause})
		}
	}
	slices.SortStableFunc(out, func(a, b sharingDifference) int { return a.interest() - b.interest() })
	return out
}

// recipientInterest ranks a recipient by how much readers ask about it
// (lower first): the question of 2021 was what WhatsApp gives Facebook's
// companies.
func recipientInterest(key string) int {
	switch key {
	case "meta", "meta-companies":
		return 0
	case "affiliates", "advertisers":
		return 1
	case "data-brokers", "buyer":
		return 2
	case "partners", "third-parties", "businesses":
		return 3
	}
	return 4
}

// interest is the rank of the row's most asked-about recipient (lower
// first).
func (d sharingDifference) interest() int {
	best := 4
	for _, st := range []*diff.Statement{d.From, d.To} {
		if st == nil {
			continue
		}
		for _, r := range st.Recipients {
			best = min(best, recipientInterest(r))
		}
	}
	return best
}

func sortedKeys(keys []string) []string { return slices.Sorted(slices.Values(keys)) }

// variantAt fills side with doc as it stood at at (zero: now). It reads
// the document's versions newest first from at, a page at a time, only as
// far back as the stated effective date stays the same: a document may
// have thousands of versions.
func (s *Server) variantAt(ctx context.Context, doc *data.Document, at time.Time, side *variantSide) error {
	*side = variantSide{Document: doc, Name: documentTitle(doc)}
	p := data.VersionPage{NewestFirst: true, Until: at, Limit: versionsPerPage}
	page, more, err := s.db.VersionsPage(ctx, doc.ID, p)
	if err != nil || len(page) == 0 {
		return err
	}
	k := page[0]
	if side.Version, err = s.db.Version(ctx, k.Version.ID); err != nil {
		return err
	}
	// The listing knows a version's stated date from its changes; a
	// document with a single version has none, so it is read here.
	side.Effective, side.Since = k.EffectiveDate, k.Version.FetchedAt
	if side.Effective == "" {
		side.Effective = diff.EffectiveDate(diff.Clauses(policy.Document{Blocks: side.Version.Blocks}))
	}
	for rest := page[1:]; ; {
		for _, e := range rest {
			if e.EffectiveDate != side.Effective {
				return nil
			}
			side.Since = e.Version.FetchedAt
		}
		if !more {
			return nil
		}
		p.After = page[len(page)-1].Version.ID
		if page, more, err = s.db.VersionsPage(ctx, doc.ID, p); err != nil {
			return err
		}
		rest = page
	}
}

// siblings returns the documents that are variants of doc: the same
// service, and the same title (another region) or the same page in
// another language (the same host and path, another query).
func siblings(doc *data.Document, all []data.Document) []data.Document {
	var out []data.Document
	for _, d := range all {
		if d.ID == doc.ID || d.Service == "" || !strings.EqualFold(d.Service, doc.Service) {
			continue
		}
		if d.Title == doc.Title || samePage(d.URL, doc.URL) {
			out = append(out, d)
		}
	}
	return out
}

// samePage reports whether two URLs name the same page, whatever their
// queries (?lang=es and ?lang=en are one page in two languages).
func samePage(a, b string) bool {
	ua, err1 := url.Parse(a)
	ub, err2 := url.Parse(b)
	return err1 == nil && err2 == nil && strings.EqualFold(ua.Host, ub.Host) && strings.TrimSuffix(ua.Path, "/") == strings.TrimSuffix(ub.Path, "/")
}

// variantsData is the comparison page: the form, and the comparison once
// both documents are chosen.
type variantsData struct {
	// Documents are the form's choices, nil when there are more than
	// maxDocumentChoices and DocumentInput asks for ids instead.
	Documents     []data.Document
	DocumentInput bool
	FromID, ToID  string
	At            string // as asked, YYYY-MM-DD
	Result        *variants
	Diff          *diffView
}

// variantsPage compares two documents at a date (/compare?from=&to=&at=).
func (s *Server) variantsPage(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	// As on /changes, the form lists the documents while they are few
	// and asks for ids beyond maxDocumentChoices.
	docs, many, err := s.db.DocumentsPage(r.Context(), "", maxDocumentChoices)
	if err != nil {
		return err
	}
	d := variantsData{FromID: q.Get("from"), ToID: q.Get("to"), At: q.Get("at"), DocumentInput: many}
	if !many {
		d.Documents = docs
	}
	v := s.newView(r, &d)
	v.Title = v.T("variants.title")
	v.Description = v.T("variants.description")
	if d.FromID == "" || d.ToID == "" {
		return s.render(w, r, http.StatusOK, "variants", v, noCache)
	}
	at, err := parseVariantDate(d.At)
	if err != nil {
		return err
	}
	if d.Result, err = s.compareVariants(r.Context(), d.FromID, d.ToID, at); err != nil {
		return err
	}
	v.Title = v.T("variants.heading", d.Result.From.Name, d.Result.To.Name)
	if cs := d.Result.ChangeSet; cs != nil {
		filter, err := parseClauseFilter(q)
		if err != nil {
			return err
		}
		d.Diff = newDiffView(v, cs, variantHeadline(d.Result, s.pages.i18n, v.Lang), q.Get("view") == "side", filter).
			setLangs(d.Result.From.Document.Language, d.Result.To.Document.Language)
	}
	return s.render(w, r, http.StatusOK, "variants", v, stable)
}

// variantHeadline says in one sentence how the two documents differ on
// who gets the data.
func variantHeadline(vs *variants, l *i18n, lang string) string {
	if len(vs.Differences) == 0 {
		return l.tr(lang, "variants.agree")
	}
	return l.plural(lang, "variants.differ", len(vs.Differences))
}

// apiVariantSide is one document of a comparison of variants in the API.
type apiVariantSide struct {
	Document string      `json:"document"`
	Name     string      `json:"name"`
	Version  *apiVersion `json:"version"`
	// EffectiveDate is the date the version states, Since when the
	// document's versions first stated it.
	EffectiveDate string     `json:"effective_date"`
	Since         *time.Time `json:"since"`
}

// apiSharingDifference is one statement only one document makes (or that
// they make differently).
type apiSharingDifference struct {
	From      *diff.Statement `json:"from"`
	To        *diff.Statement `json:"to"`
	FromQuote string          `json:"from_quote"`
	ToQuote   string          `json:"to_quote"`
}

type apiVariantLag struct {
	Behind string    `json:"behind"`
	Ahead  string    `json:"ahead"`
	Since  time.Time `json:"since"`
}

type apiVariants struct {
	From        apiVariantSide         `json:"from"`
	To          apiVariantSide         `json:"to"`
	At          string                 `json:"at"`
	Headline    string                 `json:"headline"`
	Differences []apiSharingDifference `json:"differences"`
	InStep      bool                   `json:"in_step"`
	Lag         *apiVariantLag         `json:"lag"`
	ChangeSet   *diff.ChangeSet        `json:"change_set"`
	Links       apiSelfHTML            `json:"links"`
}

// apiVariants compares two documents at a date, as the /compare page does.
func (s *Server) apiVariants(w http.ResponseWriter, r *http.Request) error {
	if err := checkParams(r, "from", "to", "at", "lang"); err != nil {
		return err
	}
	lang, err := apiLang(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	for _, name := range []string{"from", "to"} {
		if q.Get(name) == "" {
			return badRequest("parameter %s: missing; give a document id (listed at /api/v1/documents)", name)
		}
	}
	at, err := parseVariantDate(q.Get("at"))
	if err != nil {
		return err
	}
	vs, err := s.compareVariants(r.Context(), q.Get("from"), q.Get("to"), at)
	if err != nil {
		return err
	}
	side := func(vs variantSide) apiVariantSide {
		a := apiVariantSide{Document: vs.Document.ID, Name: vs.Name, EffectiveDate: vs.Effective}
		if vs.Version != nil {
			v := s.apiVersionOf(vs.Version)
			since := vs.Since.UTC()
			a.Version, a.Since = &v, &since
		}
		return a
	}
	out := apiVariants{From: side(vs.From), To: side(vs.To), At: q.Get("at"), InStep: vs.InStep, ChangeSet: vs.ChangeSet, Differences: []apiSharingDifference{}}
	for _, d := range vs.Differences {
		out.Differences = append(out.Differences, apiSharingDifference{From: withLists(d.From), To: withLists(d.To), FromQuote: d.FromQuote, ToQuote: d.ToQuote})
	}
	if vs.Lag != nil {
		out.Lag = &apiVariantLag{Behind: vs.Lag.Behind.Document.ID, Ahead: vs.Lag.Ahead.Document.ID, Since: vs.Lag.Since.UTC()}
	}
	if vs.ChangeSet != nil {
		out.Headline = variantHeadline(vs, s.pages.i18n, lang)
	}
	query := url.Values{"from": {q.Get("from")}, "to": {q.Get("to")}}
	if q.Get("at") != "" {
		query.Set("at", q.Get("at"))
	}
	out.Links = apiSelfHTML{Self: s.link("/api/v1/compare?" + query.Encode()), HTML: s.link("/compare?" + query.Encode())}
	return writeJSON(w, r, cacheListing, out)
}

// withLists returns st with its lists never null, as the API writes
// statements (diff.Statement.WithLists); nil stays nil.
func withLists(st *diff.Statement) *diff.Statement {
	if st == nil {
		return nil
	}
	w := st.WithLists()
	return &w
}
