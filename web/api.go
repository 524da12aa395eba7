package web

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/clausewatch/clausewatch/data"
	"github.com/clausewatch/clausewatch/diff"
	"github.com/clausewatch/clausewatch/labels"
	"github.com/clausewatch/clausewatch/policy"
	"github.com/clausewatch/clausewatch/topics"
)

// The JSON API under /api/v1/ serves researchers what the pages show: the
// documents, their versions with text and clauses, the changes with their
// stored change sets, and the comparison of any two versions. It is
// described in docs/api.md and, for tools, in openapi.json. Errors are
// answered by s.handle as {"error": {"status": N, "message": "..."}}.

// openAPISpec is the OpenAPI 3 description served at /api/v1/openapi.json.
//
//go:embed openapi.json
var openAPISpec []byte

// Page sizes of the listings.
const (
	defaultChangeLimit = 20
	maxChangeLimit     = 100
	// Documents and versions are listed 100 to a page unless limit
	// asks for up to 1,000.
	defaultDocumentLimit = 100
	maxDocumentLimit     = 1000
	defaultVersionLimit  = 100
	maxVersionLimit      = 1000
)

// Cache lifetimes. A version never changes once recorded. A change's
// classification can be redone (clausewatch reclassify) and a comparison
// depends on the diff rules, so they are cached for a day and revalidated by
// ETag. Listings grow with every check.
const (
	cacheImmutable = "public, max-age=31536000, immutable"
	cacheLong      = "public, max-age=86400"
	cacheListing   = "public, max-age=60"
)

// apiDocument is a document in the API.
type apiDocument struct {
	ID       string           `json:"id"`
	URL      string           `json:"url"`
	Service  string           `json:"service"`
	Title    string           `json:"title"`
	Region   string           `json:"region"`
	Language string           `json:"language"`
	Browser  bool             `json:"browser"`
	Links    apiDocumentLinks `json:"links"`
}

type apiDocumentLinks struct {
	Self     string   `json:"self"`
	HTML     string   `json:"html"`
	Versions string   `json:"versions"`
	Changes  string   `json:"changes"`
	Compare  string   `json:"compare"`
	Feeds    apiFeeds `json:"feeds"`
}

type apiFeeds struct {
	Atom string `json:"atom"`
	RSS  string `json:"rss"`
	JSON string `json:"json"`
}

// apiVersion is a version without its text, as listings show it.
type apiVersion struct {
	ID        int64          `json:"id"`
	Document  string         `json:"document"`
	FetchedAt time.Time      `json:"fetched_at"`
	SHA256    string         `json:"sha256"`
	Snapshot  apiSnapshotRef `json:"snapshot"`
	Links     apiSelfHTML    `json:"links"`
}

type apiSnapshotRef struct {
	ID     int64  `json:"id"`
	SHA256 string `json:"sha256"`
	HTML   string `json:"html"`
	Raw    string `json:"raw"`
	// URL is the page the snapshot was fetched from; for an imported copy,
	// the page the archive fetched (never a local file).
	URL string `json:"url"`
	// Imported says the bytes came from an archive's file rather than a
	// live fetch; Archive then says which archive, else it is null.
	Imported bool        `json:"imported"`
	Archive  *apiArchive `json:"archive"`
}

// apiArchive is the archive an imported copy came from, so that a client
// can cite and credit it; each field is "" when unknown.
type apiArchive struct {
	Name    string `json:"name"`
	URL     string `json:"url"`
	License string `json:"license"`
}

type apiSelfHTML struct {
	Self string `json:"self"`
	HTML string `json:"html"`
}

// apiVersionEntry is a version in a document's listing, with the change
// that produced it (null for the first version).
type apiVersionEntry struct {
	apiVersion
	Change *apiChangeRef `json:"change"`
}

type apiChangeRef struct {
	ID       int64         `json:"id"`
	Material bool          `json:"material"`
	Topics   []string      `json:"topics"`
	Severity diff.Severity `json:"severity"`
	Self     string        `json:"self"`
}

// apiVersionFull is a version with its canonical text and its clauses.
type apiVersionFull struct {
	apiVersion
	Text    string        `json:"text"`
	Clauses []diff.Clause `json:"clauses"`
}

// apiChange is a change without its change set, as listings show it.
type apiChange struct {
	ID                int64         `json:"id"`
	Document          string        `json:"document"`
	FromVersion       int64         `json:"from_version"`
	ToVersion         int64         `json:"to_version"`
	DetectedAt        time.Time     `json:"detected_at"`
	Material          bool          `json:"material"`
	Topics            []string      `json:"topics"`
	Severity          diff.Severity `json:"severity"`
	ClassifierVersion string        `json:"classifier_version"`
	Summary           diff.Summary  `json:"summary"`
	EffectiveDate     diff.Dates    `json:"effective_date"`
	// Alert says whether subscribers of the change's topics are told (for
	// imported history: would have been); Headline says what matters in
	// the language of ?lang=; Sharing lists the differences in who gets
	// which data, as stored.
	Alert bool `json:"alert"`
	// State and Capture say whether the change has settled and whether it
	// only showed or hid part of the page (data.Change).
	State    data.ChangeState    `json:"state"`
	Capture  string              `json:"capture"`
	Headline string              `json:"headline"`
	Sharing  []diff.SharingDelta `json:"sharing"`
	Links    apiChangeLinks      `json:"links"`
}

type apiChangeLinks struct {
	Self     string `json:"self"`
	HTML     string `json:"html"`
	Document string `json:"document"`
	From     string `json:"from"`
	To       string `json:"to"`
}

// apiChangeFull is a change with its change set (docs/changeset.md).
type apiChangeFull struct {
	apiChange
	ChangeSet json.RawMessage `json:"change_set"`
}

// apiComparison is the difference between any two versions of a document.
// Material, Topics, Severity and ClassifierVersion repeat the change set's
// classification under the names a Change uses, so that a client reads the
// comparison of a stored change's two versions as it reads the change.
type apiComparison struct {
	Document          string              `json:"document"`
	From              apiVersion          `json:"from"`
	To                apiVersion          `json:"to"`
	Material          bool                `json:"material"`
	Topics            []string            `json:"topics"`
	Severity          diff.Severity       `json:"severity"`
	ClassifierVersion string              `json:"classifier_version"`
	Alert             bool                `json:"alert"`
	Headline          string              `json:"headline"`
	Sharing           []diff.SharingDelta `json:"sharing"`
	ChangeSet         diff.ChangeSet      `json:"change_set"`
	Links             apiSelfHTML         `json:"links"`
}

// link returns the URL of a path of the service: absolute when a base URL is
// configured, relative to the host otherwise.
func (s *Server) link(path string) string { return s.opts.BaseURL + path }

func (s *Server) apiDocumentOf(d *data.Document) apiDocument {
	p, page := url.PathEscape(d.ID), documentPath(d.ID)
	return apiDocument{
		ID: d.ID, URL: d.URL, Service: d.Service, Title: d.Title, Region: d.Region, Language: d.Language, Browser: d.Browser,
		Links: apiDocumentLinks{
			Self:     s.link("/api/v1/documents/" + p),
			HTML:     s.link(page),
			Versions: s.link("/api/v1/documents/" + p + "/versions"),
			Changes:  s.link("/api/v1/changes?document=" + url.QueryEscape(d.ID)),
			Compare:  s.link("/api/v1/documents/" + p + "/compare{?from,to}"),
			Feeds: apiFeeds{
				Atom: s.link(page + "/feed.atom"),
				RSS:  s.link(page + "/feed.rss"),
				JSON: s.link(page + "/feed.json"),
			},
		},
	}
}

func (s *Server) apiVersionOf(v *data.Version) apiVersion {
	id := strconv.FormatInt(v.ID, 10)
	return apiVersion{
		ID: v.ID, Document: v.DocumentID, FetchedAt: v.FetchedAt.UTC(), SHA256: v.SHA256,
		Snapshot: apiSnapshotRef{ID: v.SnapshotID, SHA256: v.SnapshotSHA256,
			HTML: s.link(snapshotPath(v.SnapshotID)), Raw: s.link(snapshotPath(v.SnapshotID) + "/raw"),
			URL: v.Source.URL, Imported: v.Source.Imported, Archive: apiArchiveOf(v.Source.Provenance)},
		Links: apiSelfHTML{Self: s.link("/api/v1/versions/" + id), HTML: s.link(versionPath(v.ID))},
	}
}

// apiArchiveOf is the archive of an imported copy, nil for a live fetch.
func apiArchiveOf(p data.Provenance) *apiArchive {
	if !p.Imported {
		return nil
	}
	return &apiArchive{Name: p.Archive, URL: p.ArchiveURL, License: p.ArchiveLicense}
}

// apiChangeOf describes a change of doc for the API, its headline in lang.
func (s *Server) apiChangeOf(c *data.Change, doc *data.Document, lang string) apiChange {
	id := strconv.FormatInt(c.ID, 10)
	topics := c.Topics
	if topics == nil {
		topics = []string{}
	}
	return apiChange{
		ID: c.ID, Document: c.DocumentID, FromVersion: c.FromVersion, ToVersion: c.ToVersion,
		DetectedAt: c.DetectedAt.UTC(), Material: c.Material, Topics: topics, Severity: c.Severity,
		ClassifierVersion: c.ClassifierVersion, Summary: c.Summary, EffectiveDate: c.EffectiveDate,
		Alert: c.Alert, State: c.State, Capture: c.Capture, Headline: changeHeadline(doc, c, lang), Sharing: diff.SharingWithLists(c.Sharing),
		Links: apiChangeLinks{
			Self:     s.link("/api/v1/changes/" + id),
			HTML:     s.link(changePath(c.ID)),
			Document: s.link("/api/v1/documents/" + url.PathEscape(c.DocumentID)),
			From:     s.link("/api/v1/versions/" + strconv.FormatInt(c.FromVersion, 10)),
			To:       s.link("/api/v1/versions/" + strconv.FormatInt(c.ToVersion, 10)),
		},
	}
}

// apiLang reads ?lang=, the language of headlines: "en" (the default) or
// "es". Any other value is refused rather than answered in English, so
// that a typo does not pass for a translation.
func apiLang(r *http.Request) (string, error) {
	q := r.URL.Query()
	if !q.Has("lang") {
		return "en", nil
	}
	switch l := q.Get("lang"); l {
	case "en", "es":
		return l, nil
	default:
		return "", badRequest("parameter lang: unknown language %q; headlines are written in en (the default) or es", l)
	}
}

// apiIndex answers /api/v1/ with where to start.
func (s *Server) apiIndex(w http.ResponseWriter, r *http.Request) error {
	if err := checkParams(r); err != nil {
		return err
	}
	return writeJSON(w, r, cacheListing, map[string]string{
		"documents": s.link("/api/v1/documents"),
		"changes":   s.link("/api/v1/changes"),
		"openapi":   s.link("/api/v1/openapi.json"),
	})
}

// apiOpenAPI serves the embedded OpenAPI description.
func (s *Server) apiOpenAPI(w http.ResponseWriter, r *http.Request) error {
	sum := sha256.Sum256(openAPISpec)
	return writeBody(w, r, "application/json; charset=utf-8", etagOf(sum[:]), "public, max-age=3600", openAPISpec)
}

// apiDocuments lists the documents, configured or kept for their history,
// by id, a page at a time: there may be 20,000.
func (s *Server) apiDocuments(w http.ResponseWriter, r *http.Request) error {
	if err := checkParams(r, "limit", "cursor"); err != nil {
		return err
	}
	q := r.URL.Query()
	limit, err := apiLimit(q, defaultDocumentLimit, maxDocumentLimit)
	if err != nil {
		return err
	}
	cursor := q.Get("cursor")
	if q.Has("cursor") {
		if _, err := s.db.Document(r.Context(), cursor); errors.Is(err, data.ErrNotFound) || cursor == "" {
			return badRequest("parameter cursor: %q is not a cursor this API gave; start again without it", cursor)
		} else if err != nil {
			return err
		}
	}
	docs, more, err := s.db.DocumentsPage(r.Context(), cursor, limit)
	if err != nil {
		return err
	}
	out := make([]apiDocument, 0, len(docs))
	for i := range docs {
		out = append(out, s.apiDocumentOf(&docs[i]))
	}
	var next *string
	if more {
		next = s.apiNext(w, r, docs[len(docs)-1].ID)
	}
	return writeJSON(w, r, cacheListing, struct {
		Documents []apiDocument `json:"documents"`
		Limit     int           `json:"limit"`
		Next      *string       `json:"next"`
	}{out, limit, next})
}

// apiDocument answers one document.
func (s *Server) apiDocument(w http.ResponseWriter, r *http.Request) error {
	if err := checkParams(r); err != nil {
		return err
	}
	doc, err := s.pathDocument(r)
	if err != nil {
		return err
	}
	return writeJSON(w, r, cacheListing, s.apiDocumentOf(doc))
}

// apiVersions lists a document's versions, oldest first, a page at a time:
// a document may have thousands.
func (s *Server) apiVersions(w http.ResponseWriter, r *http.Request) error {
	if err := checkParams(r, "limit", "cursor"); err != nil {
		return err
	}
	doc, err := s.pathDocument(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	page := data.VersionPage{}
	if page.Limit, err = apiLimit(q, defaultVersionLimit, maxVersionLimit); err != nil {
		return err
	}
	if v := q.Get("cursor"); q.Has("cursor") {
		n, err := strconv.ParseInt(v, 10, 64)
		known := false
		if err == nil && n > 0 {
			ver, err := s.db.VersionInfo(r.Context(), n)
			if err != nil && !errors.Is(err, data.ErrNotFound) {
				return err
			}
			known = err == nil && ver.DocumentID == doc.ID
		}
		if !known {
			return badRequest("parameter cursor: %q is not a cursor this API gave; start again without it", v)
		}
		page.After = n
	}
	vs, more, err := s.db.VersionsPage(r.Context(), doc.ID, page)
	if err != nil {
		return err
	}
	out := make([]apiVersionEntry, 0, len(vs))
	for i := range vs {
		e := apiVersionEntry{apiVersion: s.apiVersionOf(&vs[i].Version)}
		if c := vs[i].Change; c != nil {
			ts := c.Topics
			if ts == nil {
				ts = []string{}
			}
			e.Change = &apiChangeRef{ID: c.ID, Material: c.Material, Topics: ts, Severity: c.Severity,
				Self: s.link("/api/v1/changes/" + strconv.FormatInt(c.ID, 10))}
		}
		out = append(out, e)
	}
	var next *string
	if more {
		next = s.apiNext(w, r, strconv.FormatInt(vs[len(vs)-1].Version.ID, 10))
	}
	return writeJSON(w, r, cacheListing, struct {
		Document string            `json:"document"`
		Versions []apiVersionEntry `json:"versions"`
		Limit    int               `json:"limit"`
		Next     *string           `json:"next"`
	}{doc.ID, out, page.Limit, next})
}

// apiLimit reads the page size of a listing (parameter limit), def when it
// is absent.
func apiLimit(q url.Values, def, maxLimit int) (int, error) {
	if !q.Has("limit") {
		return def, nil
	}
	v := q.Get("limit")
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > maxLimit {
		return 0, badRequest("parameter limit: %q is not a whole number from 1 to %d", v, maxLimit)
	}
	return n, nil
}

// apiNext returns the link to the next page of a listing, the request's
// with its cursor parameter set to the last item given, and announces it
// in a Link header, as every paged listing of the API does.
func (s *Server) apiNext(w http.ResponseWriter, r *http.Request, cursor string) *string {
	nq := r.URL.Query()
	nq.Set("cursor", cursor)
	n := s.link(r.URL.Path + "?" + nq.Encode())
	w.Header().Set("Link", "<"+n+">; rel=\"next\"")
	return &n
}

// apiVersion answers one version with its text and clauses. A version never
// changes, so its ETag is known from its sha256 before the text is rebuilt.
func (s *Server) apiVersion(w http.ResponseWriter, r *http.Request) error {
	if err := checkParams(r); err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	head, err := s.db.VersionInfo(r.Context(), id)
	if err != nil {
		return s.notFoundOr(err, "no version %d", id)
	}
	// Bump the prefix when the representation of a version changes.
	sum := sha256.Sum256([]byte("api/v1/version\x00" + s.opts.BaseURL + "\x00" + strconv.FormatInt(head.ID, 10) + "\x00" + head.SHA256))
	etag := etagOf(sum[:])
	if notModified(r, etag, time.Time{}) {
		return writeBody(w, r, "", etag, cacheImmutable, nil)
	}
	v, err := s.db.Version(r.Context(), id)
	if err != nil {
		return s.notFoundOr(err, "no version %d", id)
	}
	out := apiVersionFull{
		apiVersion: s.apiVersionOf(v),
		Text:       v.Text,
		Clauses:    diff.Clauses(policy.Document{Blocks: v.Blocks}),
	}
	body, err := encodeJSON(out)
	if err != nil {
		return err
	}
	return writeBody(w, r, "application/json; charset=utf-8", etag, cacheImmutable, body)
}

// apiChanges lists changes, newest first, a page at a time.
func (s *Server) apiChanges(w http.ResponseWriter, r *http.Request) error {
	if err := checkParams(r, "document", "topic", "severity", "since", "material", "limit", "cursor", "lang"); err != nil {
		return err
	}
	lang, err := apiLang(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	var f data.ChangeFilter
	if id := q.Get("document"); q.Has("document") {
		if _, err := s.db.Document(r.Context(), id); err != nil {
			if errors.Is(err, data.ErrNotFound) {
				return badRequest("parameter document: no document %q; the list is at /api/v1/documents", id)
			}
			return err
		}
		f.DocumentID = id
	}
	if t := q.Get("topic"); q.Has("topic") {
		if !slices.Contains(topics.All(), t) {
			return badRequest("parameter topic: unknown topic %q; use one of %s", t, strings.Join(topics.All(), ", "))
		}
		f.Topic = t
	}
	if v := q.Get("severity"); q.Has("severity") {
		sev, err := diff.ParseSeverity(v)
		if err != nil {
			return badRequest("parameter severity: %v (changes at least that severe are listed)", err)
		}
		f.Severity = sev
	}
	if v := q.Get("since"); q.Has("since") {
		t, err := parseSince(v)
		if err != nil {
			return badRequest("parameter since: %q is not a date; use YYYY-MM-DD or an RFC 3339 time such as 2021-01-04T10:00:00Z", v)
		}
		f.Since = t
	}
	if v := q.Get("material"); q.Has("material") {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return badRequest("parameter material: %q is not true or false", v)
		}
		f.Material = b
	}
	limit, err := apiLimit(q, defaultChangeLimit, maxChangeLimit)
	if err != nil {
		return err
	}
	if v := q.Get("cursor"); q.Has("cursor") {
		n, err := strconv.ParseInt(v, 10, 64)
		known := false
		if err == nil && n > 0 {
			if known, err = s.db.ChangeExists(r.Context(), n); err != nil {
				return err
			}
		}
		if !known {
			return badRequest("parameter cursor: %q is not a cursor this API gave; start again without it", v)
		}
		f.Before = n
	}
	f.Limit, f.NewestFirst = limit, true
	changes, more, err := s.db.Changes(r.Context(), f)
	if err != nil {
		return err
	}
	docs, err := s.changeDocuments(r, changes)
	if err != nil {
		return err
	}
	out := make([]apiChange, 0, len(changes))
	for i := range changes {
		out = append(out, s.apiChangeOf(&changes[i], docs[changes[i].DocumentID], lang))
	}
	var next *string
	if more {
		next = s.apiNext(w, r, strconv.FormatInt(changes[len(changes)-1].ID, 10))
	}
	return writeJSON(w, r, cacheListing, struct {
		Changes []apiChange `json:"changes"`
		Limit   int         `json:"limit"`
		Next    *string     `json:"next"`
	}{out, limit, next})
}

// apiChange answers one change with its change set.
func (s *Server) apiChange(w http.ResponseWriter, r *http.Request) error {
	if err := checkParams(r, "lang"); err != nil {
		return err
	}
	lang, err := apiLang(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	c, err := s.db.Change(r.Context(), id)
	if err != nil {
		return s.notFoundOr(err, "no change %d", id)
	}
	doc, err := s.db.Document(r.Context(), c.DocumentID)
	if err != nil {
		return err
	}
	return writeJSON(w, r, cacheLong, apiChangeFull{apiChange: s.apiChangeOf(c, doc, lang), ChangeSet: c.ChangeSet})
}

// apiCompare answers the difference between any two versions of a document,
// from ?from= to ?to=, classified as stored changes are (topics.Compare in
// the document's language), so that the two versions of a stored change
// get its topics and severity here as on the compare page. Clause ids are
// those of the older of the two, carried over to the newer, whichever order
// the versions are asked in, so that a clause has the same id in both
// directions.
func (s *Server) apiCompare(w http.ResponseWriter, r *http.Request) error {
	if err := checkParams(r, "from", "to", "lang"); err != nil {
		return err
	}
	lang, err := apiLang(r)
	if err != nil {
		return err
	}
	doc, err := s.pathDocument(r)
	if err != nil {
		return err
	}
	var vs [2]*data.Version
	for k, name := range []string{"from", "to"} {
		v := r.URL.Query().Get(name)
		if v == "" {
			return badRequest("parameter %s: missing; give a version id of document %q (listed at /api/v1/documents/%s/versions)", name, doc.ID, url.PathEscape(doc.ID))
		}
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			return badRequest("parameter %s: %q is not a version id (a positive whole number)", name, v)
		}
		vs[k], err = s.db.Version(r.Context(), id)
		if errors.Is(err, data.ErrNotFound) || err == nil && vs[k].DocumentID != doc.ID {
			return notFound("document %q has no version %d (parameter %s)", doc.ID, id, name)
		}
		if err != nil {
			return err
		}
	}
	from, to := vs[0], vs[1]
	older, newer := from, to
	reversed := to.FetchedAt.Before(from.FetchedAt) || to.FetchedAt.Equal(from.FetchedAt) && to.ID < from.ID
	if reversed {
		older, newer = to, from
	}
	var cs diff.ChangeSet
	if !reversed {
		cs = topics.Compare(policy.Document{Blocks: older.Blocks}, policy.Document{Blocks: newer.Blocks}, doc.Language)
	} else {
		// topics.Compare would take the ids from its first version, here
		// the newer. The older's ids are carried over to the newer, which
		// is then compared back to the older, and that mirror is
		// classified as topics.Compare classifies: the alignment does not
		// depend on the direction and the classifier reads no ids, so
		// topics and severity are those of topics.Compare(from, to), as
		// the compare page shows them.
		oc := diff.Clauses(policy.Document{Blocks: older.Blocks})
		_, nc := diff.CompareClauses(oc, diff.Clauses(policy.Document{Blocks: newer.Blocks}))
		cs, _ = diff.CompareClauses(nc, oc)
		topics.Annotate(&cs, doc.Language)
	}
	q := url.Values{"from": {strconv.FormatInt(from.ID, 10)}, "to": {strconv.FormatInt(to.ID, 10)}}.Encode()
	p := url.PathEscape(doc.ID)
	return writeJSON(w, r, cacheLong, apiComparison{
		Document: doc.ID, From: s.apiVersionOf(from), To: s.apiVersionOf(to),
		Material: cs.Material, Topics: cs.Topics, Severity: cs.Severity, ClassifierVersion: topics.Version,
		Alert: cs.Alert, Headline: labels.Headline(headlineSubject(doc), cs, lang), Sharing: diff.SharingWithLists(cs.Sharing), ChangeSet: cs,
		Links: apiSelfHTML{Self: s.link("/api/v1/documents/" + p + "/compare?" + q), HTML: s.link(documentPath(doc.ID) + "/compare?" + q)},
	})
}

// apiFallback answers the /api/ requests that no route serves: 405 with
// Allow for another method than GET on an API resource, 404 otherwise; both
// in JSON, as every API error is.
func (s *Server) apiFallback(mux *http.ServeMux) http.Handler {
	return s.handle(func(w http.ResponseWriter, r *http.Request) error {
		probe := r.Clone(r.Context())
		probe.Method = http.MethodGet
		if _, pattern := mux.Handler(probe); r.Method != http.MethodGet && r.Method != http.MethodHead && strings.HasPrefix(pattern, "GET /api/v1/") {
			w.Header().Set("Allow", "GET, HEAD")
			return httpError(http.StatusMethodNotAllowed, "method %s is not allowed on %s; the API is read with GET", r.Method, r.URL.Path)
		}
		return notFound("no API resource at %s; the API is described at /api/v1/openapi.json", r.URL.Path)
	})
}

// pathDocument returns the document named by the path's {id}, or a 404.
func (s *Server) pathDocument(r *http.Request) (*data.Document, error) {
	id := r.PathValue("id")
	doc, err := s.db.Document(r.Context(), id)
	if err != nil {
		return nil, s.notFoundOr(err, "no document %q; the list is at /api/v1/documents", id)
	}
	return doc, nil
}

// notFoundOr turns data.ErrNotFound into a 404 with a message naming what
// was asked for, and returns any other error as it is.
func (s *Server) notFoundOr(err error, format string, args ...any) error {
	if errors.Is(err, data.ErrNotFound) {
		return notFound(format, args...)
	}
	return err
}

// pathID parses a numeric id from the path, or answers 400 naming it.
func pathID(r *http.Request, name string) (int64, error) {
	v := r.PathValue(name)
	id, ok := parseID(v)
	if !ok {
		return 0, badRequest("parameter %s: %q is not an id (a positive whole number)", name, v)
	}
	return id, nil
}

// checkParams refuses query parameters the endpoint does not know, and
// known ones given twice, so that a misspelt filter ("topics=") is an error
// rather than a silently unfiltered answer.
func checkParams(r *http.Request, allowed ...string) error {
	q := r.URL.Query()
	names := make([]string, 0, len(q))
	for k := range q {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		if !slices.Contains(allowed, k) {
			if len(allowed) == 0 {
				return badRequest("parameter %s: unknown; this endpoint takes no parameters", k)
			}
			return badRequest("parameter %s: unknown; this endpoint takes %s", k, strings.Join(allowed, ", "))
		}
		if len(q[k]) > 1 {
			return badRequest("parameter %s: given %d times; give it once", k, len(q[k]))
		}
	}
	return nil
}

// parseSince reads a date (midnight UTC) or an RFC 3339 time.
func parseSince(v string) (time.Time, error) {
	if t, err := time.Parse(time.DateOnly, v); err == nil {
		return t, nil
	}
	return time.Parse(time.RFC3339, v)
}

// encodeJSON marshals v compactly with a trailing newline. HTML characters
// stay escaped (\u003c): decoders see the same strings, and a body shown as
// HTML by mistake cannot run markup a policy contained.
func encodeJSON(v any) ([]byte, error) {
	var b bytes.Buffer
	if err := json.NewEncoder(&b).Encode(v); err != nil {
		return nil, fmt.Errorf("web: encode json: %w", err)
	}
	return b.Bytes(), nil
}

// writeJSON answers v with an ETag computed from the body, and 304 when the
// client already has it.
func writeJSON(w http.ResponseWriter, r *http.Request, cacheControl string, v any) error {
	body, err := encodeJSON(v)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(body)
	return writeBody(w, r, "application/json; charset=utf-8", etagOf(sum[:]), cacheControl, body)
}

// writeBody sends body with its validator and cache lifetime, or 304 when
// If-None-Match names the ETag.
func writeBody(w http.ResponseWriter, r *http.Request, contentType, etag, cacheControl string, body []byte) error {
	h := w.Header()
	h.Set("ETag", etag)
	h.Set("Cache-Control", cacheControl)
	// The API is public and read-only: browser tools on other origins may
	// read it (no credentials are involved).
	h.Set("Access-Control-Allow-Origin", "*")
	if notModified(r, etag, time.Time{}) {
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	h.Set("Content-Type", contentType)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	_, err := w.Write(body)
	return err
}

// etagOf quotes a digest as a strong ETag.
func etagOf(sum []byte) string {
	return `"` + base64.RawURLEncoding.EncodeToString(sum[:18]) + `"`
}
