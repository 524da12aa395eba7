package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"maps"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/clausewatch/clausewatch/data"
	"github.com/clausewatch/clausewatch/diff"
	"github.com/clausewatch/clausewatch/labels"
)

// Pages are server-rendered with html/template, which escapes every policy
// text and every user input by context: a policy may contain markup, and it
// must show as text. No page needs JavaScript or inline styles, which lets
// the Content-Security-Policy forbid both.

// templateFiles holds the templates New parses: the pages (*.html) and the
// HTML of feed entries (*.tmpl), which are fragments rather than pages.
//
//go:embed templates/*.html templates/*.tmpl
var templateFiles embed.FS

//go:embed static
var staticFiles embed.FS

// pageSet holds one parsed template per page (the layout, the shared
// partials and the page's own blocks), the catalogue and the stylesheet's
// versioned URL.
type pageSet struct {
	pages    map[string]*template.Template
	i18n     *i18n
	styleURL string
}

// parsePages parses the page templates from fsys (templateFiles, or a
// replacement in tests).
func parsePages(fsys fs.FS) (*pageSet, error) {
	funcs := template.FuncMap{
		"shortSHA": func(s string) string {
			if len(s) > 12 {
				return s[:12]
			}
			return s
		},
		"add":          func(a, b int) int { return a + b },
		"archiveNames": archiveNames,
		"snippet":      snippetParts,
		"entryArgs":    func(v *view, d *data.Document, e data.VersionEntry) entryArgs { return entryArgs{V: v, Doc: d, E: e} },
		"tagsArgs":     newTagsView,
		"stateArgs":    func(v *view, c *data.Change) stateArgs { return stateArgs{V: v, C: c} },
		"changeEntryArgs": func(v *view, r changeRow, level int) changeEntryArgs {
			return changeEntryArgs{V: v, R: r, Level: level}
		},
		"variantArgs":  func(v *view, s variantSide) variantArgs { return variantArgs{V: v, S: s} },
		"documentName": func(d data.Document) string { return documentTitle(&d) },
		"clauseArgs": func(v *view, c changeView, side bool, dv *diffView) clauseArgs {
			return clauseArgs{V: v, C: c, Side: side, OldLang: dv.OldLang, NewLang: dv.NewLang, Lang: dv.Lang()}
		},
		"sourceArgs": func(v *view, key string, ver *data.Version, snap *data.Snapshot) sourceArgs {
			return sourceArgs{V: v, Key: key, Version: ver, Snapshot: snap}
		},
		"headingArgs": func(level int, id, text, lang string) headingArgs {
			return headingArgs{Level: level, ID: id, Text: text, Lang: lang}
		},
		"countsArgs": func(v *view, s diff.Summary) countsView { return countsView{V: v, Summary: s} },
		"compareArgs": func(v *view, docID string, versions []data.VersionEntry, from, to int64) compareArgs {
			return compareArgs{V: v, DocID: docID, Versions: versions, From: from, To: to}
		},
		"documentPath": documentPath,
		"changePath":   changePath,
		"versionPath":  versionPath,
		"snapshotPath": snapshotPath,
	}
	base, err := template.New("layout.html").Funcs(funcs).ParseFS(fsys, "templates/layout.html", "templates/partials.html")
	if err != nil {
		return nil, err
	}
	ps := &pageSet{pages: map[string]*template.Template{}, i18n: newI18n()}
	// Each page template under templates/ defines "main" (and optionally
	// "head") for the layout.
	for _, name := range []string{"error", "documents", "timeline", "change", "compare", "version", "snapshot", "search", "subscribe", "variants", "changes"} {
		t, err := base.Clone()
		if err != nil {
			return nil, err
		}
		if t, err = t.ParseFS(fsys, "templates/"+name+".html"); err != nil {
			return nil, err
		}
		ps.pages[name] = t
	}
	css, err := staticFiles.ReadFile("static/style.css")
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(css)
	ps.styleURL = "/static/style.css?v=" + hex.EncodeToString(sum[:6])
	return ps, nil
}

// entryArgs and compareArgs pass the view along with a value to a shared
// template block.
type entryArgs struct {
	V   *view
	Doc *data.Document
	E   data.VersionEntry
}

// Headline says what matters in the entry's change, in the reader's
// language.
func (a entryArgs) Headline() string { return changeHeadline(a.Doc, a.E.Change, a.V.Lang) }

// variantArgs is one side of a comparison of variants for the
// "variantside" block.
type variantArgs struct {
	V *view
	S variantSide
}

// changeEntryArgs is one change of a list for the "changeentry" block,
// with the level of its headline's heading (2 on /changes, 3 under the
// home page's "latest changes").
type changeEntryArgs struct {
	V     *view
	R     changeRow
	Level int
}

// stateArgs is a change for the "changestate" block, which says whether
// it has been told and why not.
type stateArgs struct {
	V *view
	C *data.Change
}

// clauseArgs is one clause change for the "clause" block, wherever a page
// shows it (what matters, or its section). OldLang, NewLang and Lang
// (see diffView) mark its policy text with the document's language.
type clauseArgs struct {
	V                      *view
	C                      changeView
	Side                   bool
	OldLang, NewLang, Lang string
}

// headingArgs is a heading of a policy's text; Lang is the document's
// language, which the heading carries because it is policy text.
type headingArgs struct {
	Level          int
	ID, Text, Lang string
}

type sourceArgs struct {
	V        *view
	Key      string
	Version  *data.Version
	Snapshot *data.Snapshot
}

type compareArgs struct {
	V        *view
	DocID    string
	Versions []data.VersionEntry
	From, To int64
}

// view is what every page template receives: the page's own data in Page,
// and the interface language with the helpers that depend on it.
type view struct {
	Lang        string
	Title       string // without the site name
	Description string // meta description and OpenGraph description
	// Canonical is the page's absolute URL when Options.BaseURL is set,
	// else its path; OGType is "website" or "article".
	Canonical string
	OGType    string
	StyleURL  string
	Query     string // prefills the search box
	Page      any
	// Archives are the archives whose versions the page shows; the layout
	// credits them (their ODC-By licence asks for it wherever they are
	// shown). Set with credit.
	Archives []data.Archive

	i18n      *i18n
	r         *http.Request
	base      string
	setCookie bool
	// switchURL, when set, is where the language switch links instead of
	// the request's URL (see subView).
	switchURL *url.URL
	now       time.Time
}

// newView starts the view of a request: its language and canonical URL.
func (s *Server) newView(r *http.Request, page any) *view {
	lang, fromQuery := s.pages.i18n.pick(r)
	v := &view{
		Lang: lang, OGType: "website", StyleURL: s.pages.styleURL, Page: page,
		i18n: s.pages.i18n, r: r, base: s.opts.BaseURL, setCookie: fromQuery, now: s.now(),
	}
	v.Canonical = v.base + r.URL.Path
	return v
}

// archiveNames names archives for a sentence: "Open Terms Archive", or
// "Open Terms Archive and TOSBack (EFF/ToS;DR)".
func archiveNames(v *view, as []data.Archive) string {
	names := make([]string, len(as))
	for i, a := range as {
		names[i] = a.Name
	}
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " " + v.T("footer.and") + " " + names[len(names)-1]
}

// credit makes the page credit the archives some of a document's versions
// came from (the bundled history, or imports from an archive).
func (s *Server) credit(ctx context.Context, v *view, docID string) error {
	a, err := s.db.DocumentArchives(ctx, docID)
	v.Archives = a
	return err
}

// T translates a message key, formatting args into it.
func (v *view) T(key string, args ...any) string { return v.i18n.tr(v.Lang, key, args...) }

// TLang translates a message whose one argument is policy text (a section
// heading), marking that text with its document's language, lang, so that
// a screen reader pronounces it in that language within the sentence. The
// message and the text are escaped; lang "" leaves the text unmarked.
func (v *view) TLang(key, lang, text string) template.HTML {
	if lang == "" {
		return template.HTML(template.HTMLEscapeString(v.T(key, text)))
	}
	const hole = "\x00" // never in a message
	before, after, _ := strings.Cut(v.T(key, hole), hole)
	return template.HTML(template.HTMLEscapeString(before) +
		`<span lang="` + template.HTMLEscapeString(lang) + `">` + template.HTMLEscapeString(text) + `</span>` +
		template.HTMLEscapeString(after))
}

// N translates a message that depends on a count (key.one, key.other).
func (v *view) N(key string, n int) string { return v.i18n.plural(v.Lang, key, n) }

// Upcoming reports whether a stated effective date (YYYY-MM-DD) is still
// to come.
func (v *view) Upcoming(stated string) bool { return labels.Upcoming(stated, v.now) }

// Date writes a day in the reader's language.
func (v *view) Date(t time.Time) string { return v.i18n.date(v.Lang, t) }

// StatedDate writes a date a policy states (YYYY-MM-DD).
func (v *view) StatedDate(s string) string { return v.i18n.isoDate(v.Lang, s) }

// Time writes an exact UTC time, as cited.
func (v *view) Time(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.UTC().Format("2006-01-02 15:04:05 UTC")
}

// ISO writes a time in RFC 3339 for <time datetime>.
func (v *view) ISO(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// Kind names a kind of clause change.
func (v *view) Kind(kind string) string { return v.T("kind." + kind) }

// Topic names a topic in the reader's language, in the words the alert
// emails use (package labels).
func (v *view) Topic(topic string) string { return labels.Topic(topic, v.Lang) }

// Severity names a severity in the reader's language, in the words the
// alert emails use (package labels).
func (v *view) Severity(sev diff.Severity) string { return labels.Severity(sev, v.Lang) }

// Statement words what a document says about who gets which data, after
// its service's name ("WhatsApp shares your account information with
// Meta"); "" for no statement.
func (v *view) Statement(service string, st *diff.Statement) string {
	if st == nil {
		return ""
	}
	return labels.Statement(service, *st, v.Lang)
}

// Outcome names a fetch outcome.
func (v *view) Outcome(o data.Outcome) string { return v.T("outcome." + string(o)) }

// Section writes the headings a clause sits under, or "top of the document".
func (v *view) Section(s []string) string {
	if len(s) == 0 {
		return v.T("change.top")
	}
	return strings.Join(s, " › ")
}

// maxSwitchQuery bounds, in bytes, the query the language switch repeats:
// the longest query a page takes (a search of 200 characters, escaped) is
// shorter, and a page asked with megabytes of unknown parameters must not
// repeat them in its links.
const maxSwitchQuery = 4096

// langLink is one entry of the language switch.
type langLink struct {
	Lang, Name, URL string
	Current         bool
}

// Languages returns the language switch: this page with ?lang= set.
func (v *view) Languages() []langLink {
	u := v.r.URL
	if v.switchURL != nil {
		u = v.switchURL
	}
	var out []langLink
	query := u.Query()
	if len(u.RawQuery) > maxSwitchQuery {
		query = url.Values{} // not worth repeating twice on every page
	}
	for _, l := range []struct{ lang, name string }{{"en", "English"}, {"es", "Español"}} {
		q := maps.Clone(query)
		if q == nil {
			q = url.Values{}
		}
		q.Set("lang", l.lang)
		out = append(out, langLink{Lang: l.lang, Name: l.name, URL: u.Path + "?" + q.Encode(), Current: l.lang == v.Lang})
	}
	return out
}

// IsWebURL says whether a URL from the database may be a link: an absolute
// http or https URL. html/template would defuse a javascript: URL into
// "#ZgotmplZ", a link to nowhere; anything else is shown as text instead.
func (v *view) IsWebURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// URL writes an absolute URL of a path when Options.BaseURL is set, for
// links that leave the site (OpenGraph, feeds).
func (v *view) URL(p string) string { return v.base + p }

// Feed writes the path of the feed at p in the page's language: a Spanish
// page links the Spanish feed (?lang=es), whose headlines and labels its
// reader can read. Heads make it absolute with URL.
func (v *view) Feed(p string) string { return p + langQuery(v.Lang) }

// PathWith returns the current path with one query parameter changed, for
// plain links that switch a view without script.
func (v *view) PathWith(key, value string) string { return v.pathSet(key, value) }

// pathSet returns the current path with query parameters changed: pairs of
// key and value, an empty value dropping the parameter. The language is
// dropped too: the cookie keeps it.
func (v *view) pathSet(pairs ...string) string {
	q := v.r.URL.Query()
	for i := 0; i+1 < len(pairs); i += 2 {
		if pairs[i+1] == "" {
			q.Del(pairs[i])
		} else {
			q.Set(pairs[i], pairs[i+1])
		}
	}
	q.Del("lang")
	if enc := q.Encode(); enc != "" {
		return v.r.URL.Path + "?" + enc
	}
	return v.r.URL.Path
}

// cachePolicy says how a page may be cached.
type cachePolicy int

const (
	// noCache pages change with every check (lists, timelines, search).
	noCache cachePolicy = iota
	// stable pages (a change, a version) keep their content, but the links
	// around them (the next change) and the topics (after reclassification)
	// can change, so they are revalidated daily with their ETag.
	stable
	// immutable pages (an archived snapshot) never change.
	immutable
	// noStore pages carry personal data (an email address, a CSRF token, a
	// signed link): no cache, shared or not, may keep them.
	noStore
)

// render executes the page template into a buffer, so that a template error
// becomes a clean 500, and writes it with its language, caching and ETag
// headers. An If-None-Match that matches is answered 304.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, v *view, cache cachePolicy) error {
	t, ok := s.pages.pages[name]
	if !ok {
		return fmt.Errorf("web: no page template %q", name)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", v); err != nil {
		return fmt.Errorf("web: render %s: %w", name, err)
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Language", v.Lang)
	h.Set("Vary", "Accept-Language, Cookie")
	if v.setCookie {
		http.SetCookie(w, &http.Cookie{Name: langCookie, Value: v.Lang, Path: "/", MaxAge: 365 * 24 * 3600, SameSite: http.SameSiteLaxMode, HttpOnly: true})
	}
	return writeCached(w, r, status, buf.Bytes(), cache, v.setCookie)
}

// writeCached writes body with the caching headers of its policy; for a
// cacheable 200 it sends an ETag of the body and answers a matching
// If-None-Match with 304.
func writeCached(w http.ResponseWriter, r *http.Request, status int, body []byte, cache cachePolicy, private bool) error {
	h := w.Header()
	if cache == noStore {
		h.Set("Cache-Control", "no-store")
		w.WriteHeader(status)
		_, err := w.Write(body)
		return err
	}
	if status != http.StatusOK || cache == noCache {
		h.Set("Cache-Control", "no-cache")
		w.WriteHeader(status)
		_, err := w.Write(body)
		return err
	}
	sum := sha256.Sum256(body)
	etag := `"` + hex.EncodeToString(sum[:16]) + `"`
	h.Set("ETag", etag)
	scope := "public"
	if private {
		scope = "private"
	}
	switch cache {
	case stable:
		h.Set("Cache-Control", scope+", max-age=86400")
	case immutable:
		h.Set("Cache-Control", scope+", max-age=31536000, immutable")
	}
	if etagMatch(r.Header.Get("If-None-Match"), etag) {
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, err := w.Write(body)
	return err
}

// etagMatch reports whether an If-None-Match header lists etag (weak
// comparison, as RFC 9110 asks for GET).
func etagMatch(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimSpace(t)
		if t == "*" || strings.TrimPrefix(t, "W/") == etag {
			return true
		}
	}
	return false
}

// errorPage is the data of the error template.
type errorPage struct {
	Status  int
	Message string
}

// renderError writes the HTML error page; a failure to render it falls back
// to plain text, since the error is already being answered.
func (s *Server) renderError(w http.ResponseWriter, r *http.Request, status int, msg string) {
	v := s.newView(r, errorPage{Status: status, Message: msg})
	// The page links to itself (canonical URL, language switch) only when
	// that repeats at most maxEcho characters of the request; otherwise it
	// links to the front page.
	if u := r.URL; len(u.Path) > maxEcho {
		v.switchURL = &url.URL{Path: "/"}
	} else if len(u.Path)+len(u.RawQuery) > maxEcho {
		v.switchURL = &url.URL{Path: u.Path}
	}
	if v.switchURL != nil {
		v.Canonical = v.base + v.switchURL.Path
	}
	v.Title = v.T("error.title", status)
	v.Description = msg
	if err := s.render(w, r, status, "error", v, noCache); err != nil {
		s.log.Error("render error page", "status", status, "err", err)
		http.Error(w, msg, status)
	}
}

// staticHandler serves the embedded stylesheet; the URL carries a hash of
// its content, so it is cached for a year.
func (s *Server) staticHandler() http.Handler {
	sub, err := fs.Sub(staticFiles, "static")
	if err != nil {
		panic(err) // the embedded directory is part of the binary
	}
	files := http.StripPrefix("/static/", http.FileServerFS(sub))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/") {
			s.writeError(w, r, http.StatusNotFound, "")
			return
		}
		if r.URL.Query().Get("v") != "" {
			w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			w.Header().Set("Cache-Control", "public, max-age=3600")
		}
		files.ServeHTTP(w, r)
	})
}

// pageID parses the {id} of a path as a positive integer written as the
// site writes it, answering 404 for anything else: /changes/+1 or
// /changes/01 would be copies of /changes/1 with a wrong canonical URL.
func pageID(r *http.Request) (int64, error) {
	id, ok := parseID(r.PathValue("id"))
	if !ok {
		return 0, notFound("no page at %s", r.URL.Path)
	}
	return id, nil
}

// parseID parses a positive id in its canonical decimal form (no sign, no
// leading zeros), the only form the site and the API write.
func parseID(s string) (int64, bool) {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 || strconv.FormatInt(id, 10) != s {
		return 0, false
	}
	return id, true
}

// documentTitle names a document for headings and titles.
func documentTitle(d *data.Document) string {
	return labels.DocumentName(d.ID, d.Service, d.Title, d.Region)
}

// documentPath and friends are the one place the paths of the site's pages
// are built, so that each route of web.go is spelled once and a document id
// is escaped the same way in the pages (whose templates call them by the
// same names), the API's links and the feeds. Longer paths (a document's
// feeds and comparison, a snapshot's raw body) extend them.
func documentPath(id string) string { return "/documents/" + url.PathEscape(id) }
func changePath(id int64) string    { return "/changes/" + strconv.FormatInt(id, 10) }
func versionPath(id int64) string   { return "/versions/" + strconv.FormatInt(id, 10) }
func snapshotPath(id int64) string  { return "/snapshots/" + strconv.FormatInt(id, 10) }
