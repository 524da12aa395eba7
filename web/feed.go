package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"html"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/clausewatch/clausewatch/data"
	"github.com/clausewatch/clausewatch/diff"
	"github.com/clausewatch/clausewatch/labels"
	"github.com/clausewatch/clausewatch/topics"
)

// Feeds carry one entry per material change, newest first, with the clause
// diff as HTML, so that an RSS reader shows what changed without a click.
// They are written with encoding/xml and encoding/json from the small
// structures below; the builders are pure (feed in, bytes out) and the
// handler only gathers the changes and answers conditional requests.

// feedEntries bounds the entries of a feed: readers poll feeds often, and a
// reader that falls further behind follows the links to the history pages.
const feedEntries = 50

// maxEntryBytes bounds what one entry adds to a feed document, its HTML
// and summary counted as encoded (see encodedLen). A rewrite of a whole
// policy renders to megabytes that no reader displays well (a deployed
// feed reached 250 KB an entry and 3.9 MB in all): the entry quotes
// clauses until the bound and counts the rest, with a link to the page.
const maxEntryBytes = 50 << 10

// maxFeedBytes bounds a whole feed document. Readers fetch feeds every few
// minutes, often over mobile links, and some give up on large documents:
// past the bound a feed carries fewer entries, never a cut document.
const maxFeedBytes = 1 << 20

// entryOverhead is what an entry's fields other than its HTML and summary
// (id, title, dates, links, categories and their tags) may take, counted
// against maxEntryBytes.
const entryOverhead = 2 << 10

// tagYear dates the tag: URIs (RFC 4151) of the feeds themselves. It must
// never change, or every reader would see new feeds. Entries are dated by
// the day their change was detected, which never changes either.
const tagYear = "2026"

// feedLanguage is the language of a feed's own words (titles, summaries,
// category labels, headlines): Spanish for ?lang=es, English otherwise. A
// feed URL is polled by a program, so unlike pages it never follows a
// cookie or Accept-Language: one URL always gives the same words.
func feedLanguage(r *http.Request) string {
	if r.URL.Query().Get("lang") == "es" {
		return "es"
	}
	return "en"
}

// langQuery is what a feed in lang appends to the links it gives, so that
// a Spanish feed leads to Spanish pages and names itself.
func langQuery(lang string) string {
	if lang == "en" {
		return ""
	}
	return "?lang=" + lang
}

// feedCacheBytes bounds the memory kept by the cache of rendered feeds (see
// feedCache); a feed of 50 large changes renders to about a megabyte.
const feedCacheBytes = 16 << 20

// feedCache keeps the latest rendering of each feed (format and scope) with
// the ETag it was rendered for. Rendering 50 clause diffs costs tens of
// milliseconds, and every reader asks for the same few feeds; the ETag is
// computed from the stored rows on every request, so a cached body is only
// reused while the data it was built from is unchanged. It holds at most
// budget bytes, dropping the oldest renderings first.
type feedCache struct {
	mu      sync.Mutex
	budget  int
	size    int
	entries map[string]cachedFeed
	order   []string // keys, oldest rendering first
}

type cachedFeed struct {
	etag string
	body []byte
}

func newFeedCache(budget int) *feedCache {
	return &feedCache{budget: budget, entries: map[string]cachedFeed{}}
}

// get returns the body cached for key if it was rendered for etag.
func (c *feedCache) get(key, etag string) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	if !ok || e.etag != etag {
		return nil, false
	}
	return e.body, true
}

// put caches body for key, replacing an older rendering. A body larger than
// a quarter of the budget is not kept, so that one huge feed cannot evict
// all the others.
func (c *feedCache) put(key, etag string, body []byte) {
	if len(body) > c.budget/4 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.entries[key]; ok {
		c.size -= len(old.body)
		c.order = slices.DeleteFunc(c.order, func(k string) bool { return k == key })
	}
	for c.size+len(body) > c.budget && len(c.order) > 0 {
		oldest := c.order[0]
		c.order = c.order[1:]
		c.size -= len(c.entries[oldest].body)
		delete(c.entries, oldest)
	}
	c.entries[key] = cachedFeed{etag: etag, body: body}
	c.order = append(c.order, key)
	c.size += len(body)
}

// Feed formats.
type feedFormat int

const (
	formatAtom feedFormat = iota
	formatRSS
	formatJSONFeed
)

func (f feedFormat) ext() string {
	return [...]string{"atom", "rss", "json"}[f]
}

func (f feedFormat) contentType() string {
	return [...]string{
		"application/atom+xml; charset=utf-8",
		"application/rss+xml; charset=utf-8",
		"application/feed+json; charset=utf-8",
	}[f]
}

// feed is a feed in a neutral form that every format is written from.
type feed struct {
	Lang     string // "en" or "es"
	ID       string // tag: URI
	Title    string
	Subtitle string
	SelfURL  string // this feed in this format
	HomeURL  string // the HTML page the feed follows
	Updated  time.Time
	Entries  []feedEntry
}

// feedEntry is one material change.
type feedEntry struct {
	ID         string // tag: URI
	Title      string
	Summary    string // plain text
	HTML       string // escaped HTML fragment: the clause diff
	URL        string // the change page
	APIURL     string // the change in the JSON API
	Published  time.Time
	Updated    time.Time
	Categories []feedCategory
	Severity   string
	Topics     []string
	Document   string
}

// feedCategory is a topic or the severity: Term is what readers show and
// filter on ("data-sharing", "severity:high"), Scheme says which of the two.
type feedCategory struct {
	Term, Scheme, Label string
}

// tagURI returns "tag:HOST,DATE:SPECIFIC" with HOST the base URL's host.
func tagURI(base, date, specific string) string {
	host := "localhost"
	if u, err := url.Parse(base); err == nil && u.Hostname() != "" {
		host = strings.ToLower(u.Hostname())
	}
	return "tag:" + host + "," + date + ":" + specific
}

// sectionName writes the headings a clause sits under, as feeds name a
// section.
func (ft *feedTemplates) sectionName(section []string, lang string) string {
	if len(section) == 0 {
		return ft.i18n.tr(lang, "feed.top")
	}
	return strings.Join(section, " › ")
}

// changedSections lists the sections with material changes, in reading
// order and without repeats, each as its headings joined by " › ".
func (ft *feedTemplates) changedSections(cs *diff.ChangeSet, lang string) []string {
	var out []string
	for _, g := range diff.Groups(*cs) {
		if !slices.ContainsFunc(g.Changes, func(c diff.Change) bool { return c.Material }) {
			continue
		}
		name := ft.sectionName(g.Section, lang)
		if !slices.Contains(out, name) {
			out = append(out, name)
		}
	}
	return out
}

// feedMatters bounds the clauses of what matters an entry quotes: a feed
// entry is read in a list, and the change page has the rest.
const feedMatters = 3

// feedQuote bounds the characters of a clause quoted in an entry's plain
// summary.
const feedQuote = 160

// changeSummary is an entry's plain-text summary: the document, what
// matters (a short quote of each leading clause with its kind and
// severity), then how much changed, where, and how serious it is.
func (ft *feedTemplates) changeSummary(c *data.Change, doc *data.Document, cs *diff.ChangeSet, lang string) string {
	tr := ft.i18n.tr
	var b strings.Builder
	b.WriteString(documentTitle(doc))
	b.WriteString(".")
	// Said as of the change's detection, so that a cached entry stays true.
	if eff := cs.EffectiveDate.New; labels.Upcoming(eff, c.DetectedAt) {
		b.WriteString(" " + tr(lang, "feed.effective", eff))
	}
	if ms := mattersOf(cs); len(ms) > 0 {
		b.WriteString(" " + tr(lang, "feed.matters") + ": ")
		for i, m := range ms[:min(len(ms), feedMatters)] {
			if i > 0 {
				b.WriteString("; ")
			}
			b.WriteString(ft.matterLabel(cs, m, lang))
			if q := clauseQuote(cs.Changes[m.Changes[0]]); q != "" {
				b.WriteString(": “" + truncate(q, feedQuote) + "”")
			}
		}
		if len(ms) > feedMatters {
			b.WriteString("; " + tr(lang, "feed.and", len(ms)-feedMatters))
		}
		b.WriteString(". " + tr(lang, "feed.inall"))
	}
	b.WriteString(" " + ft.overview(cs, lang) + ".")
	if secs := ft.changedSections(cs, lang); len(secs) > 0 {
		const show = 8
		b.WriteString(" " + tr(lang, "feed.sections") + " ")
		b.WriteString(strings.Join(secs[:min(len(secs), show)], "; "))
		if len(secs) > show {
			b.WriteString("; " + tr(lang, "feed.and", len(secs)-show))
		}
		b.WriteString(".")
	}
	if len(c.Topics) > 0 {
		names := make([]string, len(c.Topics))
		for i, t := range c.Topics {
			names[i] = labels.Topic(t, lang)
		}
		b.WriteString(" " + tr(lang, "feed.topics") + " " + strings.Join(names, ", ") + ".")
	}
	if c.Severity != "" {
		b.WriteString(" " + tr(lang, "feed.severity") + " " + labels.Severity(diff.Severity(c.Severity), lang) + ".")
	}
	return b.String()
}

// overview is the change set's summary line in lang: diff.SummaryLine's
// counts ("3 changes (material): 2 modified, 1 added; 40 clauses
// unchanged") with the feed's words.
func (ft *feedTemplates) overview(cs *diff.ChangeSet, lang string) string {
	tr := ft.i18n.tr
	s := cs.Summary
	if s.Total() == 0 {
		return tr(lang, "feed.overview.none", s.Unchanged)
	}
	var parts []string
	for _, k := range []struct {
		n    int
		kind string
	}{{s.Modified, diff.Modified}, {s.Added, diff.Added}, {s.Removed, diff.Removed}, {s.Moved, diff.Moved}, {s.Split, diff.Split}, {s.Merged, diff.Merged}} {
		if k.n > 0 {
			name := ft.kindName(k.kind, lang)
			if k.n != 1 {
				name += tr(lang, "feed.kinds") // "modificadas"; English participles stay
			}
			parts = append(parts, strconv.Itoa(k.n)+" "+name)
		}
	}
	number := ".other"
	if s.Total() == 1 {
		number = ".one"
	}
	changes, status := tr(lang, "feed.change"+number), tr(lang, "feed.cosmetic"+number)
	if cs.Material {
		status = tr(lang, "feed.material"+number)
	}
	return tr(lang, "feed.overview", s.Total(), changes, status, strings.Join(parts, ", "), s.Unchanged)
}

// kindName names a kind of clause change in lang, in lower case as it
// stands inside a sentence ("modified", "modificada"); an unknown kind
// reads as it is stored.
func (ft *feedTemplates) kindName(kind, lang string) string {
	name := ft.i18n.tr(lang, "kind."+kind)
	if strings.HasPrefix(name, "!") {
		return kind
	}
	return lowerFirst(name)
}

// lowerFirst lowers the first letter of s, for a label used mid-sentence.
func lowerFirst(s string) string {
	for i, r := range s {
		return strings.ToLower(string(r)) + s[i+len(string(r)):]
	}
	return s
}

// matterLabel says in a few words what an entry of what matters is: the
// kind of its first clause edit, its severity and topics, and how many
// clauses repeat the edit ("removed, critical, data sharing").
func (ft *feedTemplates) matterLabel(cs *diff.ChangeSet, m diff.Matter, lang string) string {
	parts := []string{ft.kindName(cs.Changes[m.Changes[0]].Kind, lang)}
	if m.Severity != "" && m.Severity != diff.SeverityNone {
		parts = append(parts, labels.Severity(m.Severity, lang))
	}
	for _, t := range m.Topics {
		parts = append(parts, labels.Topic(t, lang))
	}
	if len(m.Changes) > 1 {
		parts = append(parts, lowerFirst(ft.i18n.tr(lang, "matters.in", len(m.Changes))))
	}
	return strings.Join(parts, ", ")
}

// Feed entry templates, in templateFiles.
const (
	feedEntryTemplate    = "templates/feed_entry.tmpl"
	feedTooLargeTemplate = "templates/feed_too_large.tmpl"
)

// feedTemplates render the HTML of feed entries in either language. They
// are parsed in New so that a broken template stops start-up instead of a
// feed request; like diff's HTML fragment they escape everything.
type feedTemplates struct {
	// entry writes an entry's HTML (a feedContent): the document, what
	// matters, further clause changes as the size allows, how much else
	// changed and the link to the change page.
	entry *template.Template
	// tooLarge replaces it when even what matters is too large for an
	// entry.
	tooLarge *template.Template
	// i18n holds the feeds' words, those of the pages' catalogue.
	i18n *i18n
}

// feedContent is what an entry's HTML shows. It leads with what matters,
// then quotes the other material clause changes while the entry stays
// under maxEntryBytes, and only counts the rest: a rewrite of a whole
// policy would make an entry of megabytes that no reader displays well.
type feedContent struct {
	Document string
	URL      string
	Summary  string
	Matters  []feedMatter
	Others   []feedMatter
	// Rest says how much changed in all and how much is not shown.
	Rest string
	// T translates a key of the catalogue into the feed's language.
	T func(key string, args ...any) string
}

// feedMatter is one clause change as an entry quotes it: its label, the
// section it is in, and its words with what was inserted and deleted,
// long unchanged runs shortened (see compactSpans).
type feedMatter struct {
	Label   string
	Section string
	Words   []diff.Span
}

// feedOthersBytes is what an entry spends, by estimate, on quoting what
// matters and the clause changes after it: a screenful or two in a
// reader, well under maxEntryBytes.
const feedOthersBytes = 16 << 10

// Bounds of a quoted clause: unchanged words kept on each side of an edit,
// and the characters of one inserted, deleted or unchanged run.
const (
	feedContextWords = 12
	feedSpanRunes    = 2000
)

// parseFeedTemplates parses the feed entry templates from fsys.
func parseFeedTemplates(fsys fs.FS) (*feedTemplates, error) {
	entry, err := template.ParseFS(fsys, feedEntryTemplate)
	if err != nil {
		return nil, err
	}
	tooLarge, err := template.ParseFS(fsys, feedTooLargeTemplate)
	if err != nil {
		return nil, err
	}
	return &feedTemplates{entry: entry, tooLarge: tooLarge, i18n: newI18n()}, nil
}

// compactSpans shortens a clause's words for a feed: an unchanged run
// keeps feedContextWords words next to each edit and an ellipsis for the
// rest, and any run longer than feedSpanRunes is cut. Whitespace at the
// edges of an inserted or deleted run is moved outside it, so that the
// [-old-] and {+new+} markers of the template sit against the words.
func compactSpans(spans []diff.Span) []diff.Span {
	var out []diff.Span
	add := func(op, text string) {
		if text != "" {
			out = append(out, diff.Span{Op: op, Text: text})
		}
	}
	for i, sp := range spans {
		if sp.Op != diff.OpEqual {
			body := strings.TrimSpace(sp.Text)
			if body == "" {
				continue
			}
			lead := sp.Text[:strings.Index(sp.Text, body)]
			trail := sp.Text[len(lead)+len(body):]
			add(diff.OpEqual, lead)
			add(sp.Op, truncate(body, feedSpanRunes))
			add(diff.OpEqual, trail)
			continue
		}
		words := strings.Fields(sp.Text)
		before, after := i > 0, i < len(spans)-1 // an edit on that side
		keep := 0
		if before {
			keep += feedContextWords
		}
		if after {
			keep += feedContextWords
		}
		if len(words) <= keep || (!before && !after) {
			add(diff.OpEqual, truncate(sp.Text, feedSpanRunes))
			continue
		}
		var b strings.Builder
		if before {
			b.WriteString(leadingSpace(sp.Text) + strings.Join(words[:feedContextWords], " ") + " …")
		} else {
			b.WriteString("…")
		}
		if after {
			b.WriteString(" " + strings.Join(words[len(words)-feedContextWords:], " ") + trailingSpace(sp.Text))
		}
		add(diff.OpEqual, b.String())
	}
	return out
}

// leadingSpace and trailingSpace return a single space if s starts or ends
// with whitespace, so that a shortened run still parts its neighbours.
func leadingSpace(s string) string {
	if s != "" && strings.TrimLeft(s, " \t\n") != s {
		return " "
	}
	return ""
}

func trailingSpace(s string) string {
	if s != "" && strings.TrimRight(s, " \t\n") != s {
		return " "
	}
	return ""
}

// encodedLen bounds the bytes s takes once escaped in any feed format: a
// character that XML or JSON escapes takes at most six ("\u003c").
func encodedLen(s string) int {
	return len(s) + 5*strings.Count(s, "<") + 5*strings.Count(s, ">") + 5*strings.Count(s, "&") +
		5*strings.Count(s, `"`) + 5*strings.Count(s, "'") + 5*strings.Count(s, "\n")
}

// entrySize bounds the bytes an entry adds to a feed document.
func entrySize(e *feedEntry) int {
	return encodedLen(e.HTML) + encodedLen(e.Summary) + encodedLen(e.Title) + entryOverhead
}

// buildEntry turns a material change into a feed entry in lang. base is the
// absolute base URL that links and ids are built from.
func (ft *feedTemplates) buildEntry(base string, c *data.Change, doc *data.Document, lang string) (feedEntry, error) {
	var cs diff.ChangeSet
	if err := json.Unmarshal(c.ChangeSet, &cs); err != nil {
		return feedEntry{}, fmt.Errorf("web: feed entry for change %d: decode change set: %w", c.ID, err)
	}
	id := strconv.FormatInt(c.ID, 10)
	e := feedEntry{
		ID:        tagURI(base, c.DetectedAt.UTC().Format(time.DateOnly), "change/"+id),
		Title:     changeHeadline(doc, c, lang),
		Summary:   ft.changeSummary(c, doc, &cs, lang),
		URL:       base + changePath(c.ID) + langQuery(lang),
		APIURL:    base + "/api/v1/changes/" + id,
		Published: c.DetectedAt.UTC(),
		Updated:   c.DetectedAt.UTC(),
		Severity:  string(c.Severity),
		Topics:    c.Topics,
		Document:  doc.ID,
	}
	for _, t := range c.Topics {
		e.Categories = append(e.Categories, feedCategory{Term: t, Scheme: base + "/topics/", Label: labels.Topic(t, lang)})
	}
	if c.Severity != "" {
		e.Categories = append(e.Categories, feedCategory{Term: "severity:" + string(c.Severity), Scheme: base + "/severity/",
			Label: ft.i18n.tr(lang, "feed.severity.label", labels.Severity(c.Severity, lang))})
	}
	content := feedContent{Document: documentTitle(doc), URL: e.URL, Summary: truncate(e.Summary, 8<<10),
		T: func(key string, args ...any) string { return ft.i18n.tr(lang, key, args...) }}
	shown := map[int]bool{}
	ms := mattersOf(&cs)
	for _, m := range ms[:min(len(ms), feedMatters)] {
		first := cs.Changes[m.Changes[0]]
		content.Matters = append(content.Matters, feedMatter{Label: ft.matterLabel(&cs, m, lang), Section: ft.sectionName(first.Section(), lang), Words: compactSpans(clauseSpans(first))})
		for _, i := range m.Changes {
			shown[i] = true
		}
	}
	// The other material clause changes, in reading order, as many as
	// feedOthersBytes holds by a first estimate (and the entry's bound,
	// which rendering checks): a reader scrolls past a long entry, and the
	// page has every clause.
	budget := min(feedOthersBytes, maxEntryBytes-entryOverhead-encodedLen(e.Summary)-encodedLen(e.Title))
	for _, m := range content.Matters {
		budget -= feedMatterSize(m)
	}
	for i, ch := range cs.Changes {
		if shown[i] || !ch.Material {
			continue
		}
		fm := feedMatter{Label: ft.kindName(ch.Kind, lang), Section: ft.sectionName(ch.Section(), lang), Words: compactSpans(clauseSpans(ch))}
		if budget -= feedMatterSize(fm); budget < 0 {
			break
		}
		content.Others = append(content.Others, fm)
	}
	for {
		html, err := ft.renderContent(&content, &cs, lang)
		if err != nil {
			return feedEntry{}, fmt.Errorf("web: feed entry for change %d: %w", c.ID, err)
		}
		e.HTML = html
		if entrySize(&e) <= maxEntryBytes {
			return e, nil
		}
		switch {
		case len(content.Others) > 0:
			content.Others = content.Others[:len(content.Others)/2]
		default:
			var b bytes.Buffer
			if err := ft.tooLarge.Execute(&b, content); err != nil {
				return feedEntry{}, fmt.Errorf("web: feed entry for change %d: %w", c.ID, err)
			}
			e.HTML = b.String()
			return e, nil
		}
	}
}

// feedMatterSize estimates the encoded bytes of a quoted clause: its words
// and labels escaped, plus the markup around them.
func feedMatterSize(m feedMatter) int {
	n := encodedLen(m.Label) + encodedLen(m.Section) + 400
	for _, w := range m.Words {
		n += encodedLen(w.Text) + 150
	}
	return n
}

// renderContent writes an entry's HTML, first saying how much changed in
// all and how many clause changes it does not quote.
func (ft *feedTemplates) renderContent(content *feedContent, cs *diff.ChangeSet, lang string) (string, error) {
	quoted := 0
	for _, m := range mattersOf(cs)[:len(content.Matters)] {
		quoted += len(m.Changes)
	}
	quoted += len(content.Others)
	rest := ft.overview(cs, lang) + "."
	if len(content.Matters) > 0 {
		rest = ft.i18n.tr(lang, "feed.inall") + " " + rest
	}
	if more := len(cs.Changes) - quoted; more > 0 {
		rest += " " + ft.i18n.plural(lang, "feed.more", more)
	}
	content.Rest = rest
	var b bytes.Buffer
	if err := ft.entry.Execute(&b, content); err != nil {
		return "", err
	}
	return b.String(), nil
}

// Atom (RFC 4287).

type atomFeed struct {
	XMLName   xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Lang      string      `xml:"http://www.w3.org/XML/1998/namespace lang,attr"`
	ID        string      `xml:"id"`
	Title     atomText    `xml:"title"`
	Subtitle  *atomText   `xml:"subtitle,omitempty"`
	Updated   string      `xml:"updated"`
	Links     []atomLink  `xml:"link"`
	Author    atomPerson  `xml:"author"`
	Generator string      `xml:"generator"`
	Entries   []atomEntry `xml:"entry"`
}

type atomText struct {
	Type string `xml:"type,attr"`
	Body string `xml:",chardata"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomPerson struct {
	Name string `xml:"name"`
	URI  string `xml:"uri,omitempty"`
}

type atomCategory struct {
	Term   string `xml:"term,attr"`
	Scheme string `xml:"scheme,attr,omitempty"`
	Label  string `xml:"label,attr,omitempty"`
}

type atomEntry struct {
	ID         string         `xml:"id"`
	Title      atomText       `xml:"title"`
	Updated    string         `xml:"updated"`
	Published  string         `xml:"published"`
	Links      []atomLink     `xml:"link"`
	Categories []atomCategory `xml:"category"`
	Summary    atomText       `xml:"summary"`
	Content    atomText       `xml:"content"`
}

// writeAtom writes f as an Atom 1.0 feed. The HTML content is escaped text
// (type="html"), which every reader accepts.
func writeAtom(b *bytes.Buffer, f *feed) error {
	out := atomFeed{
		Lang:    f.Lang,
		ID:      f.ID,
		Title:   atomText{Type: "text", Body: f.Title},
		Updated: f.Updated.UTC().Format(time.RFC3339),
		Links: []atomLink{
			{Rel: "self", Type: "application/atom+xml", Href: f.SelfURL},
			{Rel: "alternate", Type: "text/html", Href: f.HomeURL},
		},
		Author:    atomPerson{Name: "clausewatch", URI: f.HomeURL},
		Generator: "clausewatch",
	}
	if f.Subtitle != "" {
		out.Subtitle = &atomText{Type: "text", Body: f.Subtitle}
	}
	for _, e := range f.Entries {
		ae := atomEntry{
			ID:        e.ID,
			Title:     atomText{Type: "text", Body: e.Title},
			Updated:   e.Updated.Format(time.RFC3339),
			Published: e.Published.Format(time.RFC3339),
			// One alternate, the page: readers open the first alternate
			// they find (newsboat took the JSON one when there were two).
			Links: []atomLink{
				{Rel: "alternate", Type: "text/html", Href: e.URL},
				{Rel: "related", Type: "application/json", Href: e.APIURL},
			},
			Summary: atomText{Type: "text", Body: e.Summary},
			Content: atomText{Type: "html", Body: e.HTML},
		}
		for _, c := range e.Categories {
			ae.Categories = append(ae.Categories, atomCategory(c))
		}
		out.Entries = append(out.Entries, ae)
	}
	b.WriteString(xml.Header)
	enc := xml.NewEncoder(b)
	if err := enc.Encode(out); err != nil {
		return fmt.Errorf("web: write atom feed: %w", err)
	}
	b.WriteString("\n")
	return nil
}

// RSS 2.0, with atom:link rel="self" as the RSS Advisory Board recommends
// and content:encoded for the HTML. encoding/xml cannot choose namespace
// prefixes, so the prefixed names are spelled out and declared on <rss>.

type rssRoot struct {
	XMLName      xml.Name   `xml:"rss"`
	Version      string     `xml:"version,attr"`
	XMLNSAtom    string     `xml:"xmlns:atom,attr"`
	XMLNSContent string     `xml:"xmlns:content,attr"`
	Channel      rssChannel `xml:"channel"`
}

type rssChannel struct {
	Title         string      `xml:"title"`
	Link          string      `xml:"link"`
	Description   string      `xml:"description"`
	Language      string      `xml:"language"`
	AtomLink      rssAtomLink `xml:"atom:link"`
	LastBuildDate string      `xml:"lastBuildDate"`
	Generator     string      `xml:"generator"`
	Items         []rssItem   `xml:"item"`
}

type rssAtomLink struct {
	Rel  string `xml:"rel,attr"`
	Type string `xml:"type,attr"`
	Href string `xml:"href,attr"`
}

type rssItem struct {
	Title       string        `xml:"title"`
	Link        string        `xml:"link"`
	GUID        rssGUID       `xml:"guid"`
	PubDate     string        `xml:"pubDate"`
	Categories  []rssCategory `xml:"category"`
	Description string        `xml:"description"`
	Content     string        `xml:"content:encoded"`
}

type rssGUID struct {
	IsPermaLink string `xml:"isPermaLink,attr"`
	Body        string `xml:",chardata"`
}

type rssCategory struct {
	Domain string `xml:"domain,attr,omitempty"`
	Body   string `xml:",chardata"`
}

// writeRSS writes f as an RSS 2.0 feed: the summary as the description and
// the HTML diff as content:encoded. RSS never says whether <title> and
// <description> hold text or HTML, and most readers render them as HTML, so
// the plain texts that go there (titles, headlines and summaries that quote
// headings and names from tracked pages and the configuration) are escaped
// for HTML by rssText before encoding/xml escapes them for XML; escaping
// them once would hand readers the page's markup as live elements.
func writeRSS(b *bytes.Buffer, f *feed) error {
	ch := rssChannel{
		Title:         rssText(f.Title),
		Link:          f.HomeURL,
		Description:   rssText(f.Subtitle),
		Language:      f.Lang,
		AtomLink:      rssAtomLink{Rel: "self", Type: "application/rss+xml", Href: f.SelfURL},
		LastBuildDate: f.Updated.UTC().Format(time.RFC1123Z),
		Generator:     "clausewatch",
	}
	for _, e := range f.Entries {
		it := rssItem{
			Title:       rssText(e.Title),
			Link:        e.URL,
			GUID:        rssGUID{IsPermaLink: "false", Body: e.ID},
			PubDate:     e.Published.Format(time.RFC1123Z),
			Description: rssText(e.Summary),
			Content:     e.HTML,
		}
		for _, c := range e.Categories {
			it.Categories = append(it.Categories, rssCategory{Domain: c.Scheme, Body: c.Term})
		}
		ch.Items = append(ch.Items, it)
	}
	b.WriteString(xml.Header)
	enc := xml.NewEncoder(b)
	err := enc.Encode(rssRoot{
		Version: "2.0", Channel: ch,
		XMLNSAtom: "http://www.w3.org/2005/Atom", XMLNSContent: "http://purl.org/rss/1.0/modules/content/",
	})
	if err != nil {
		return fmt.Errorf("web: write rss feed: %w", err)
	}
	b.WriteString("\n")
	return nil
}

// rssText turns plain text into the HTML that RSS readers take <title> and
// <description> for: every character that means something in HTML is
// escaped, so the text is shown, never run.
func rssText(s string) string {
	return html.EscapeString(s)
}

// JSON Feed 1.1 (https://jsonfeed.org/version/1.1). The _clausewatch
// extension carries what the tags flatten: the document, severity and
// topics as separate fields, and the change in the JSON API.

type jsonFeed struct {
	Version     string         `json:"version"`
	Title       string         `json:"title"`
	HomePageURL string         `json:"home_page_url"`
	FeedURL     string         `json:"feed_url"`
	Description string         `json:"description,omitempty"`
	Language    string         `json:"language"`
	Authors     []jsonAuthor   `json:"authors"`
	Items       []jsonFeedItem `json:"items"`
}

type jsonAuthor struct {
	Name string `json:"name"`
	URL  string `json:"url,omitempty"`
}

type jsonFeedItem struct {
	ID            string        `json:"id"`
	URL           string        `json:"url"`
	Title         string        `json:"title"`
	ContentHTML   string        `json:"content_html"`
	Summary       string        `json:"summary"`
	DatePublished string        `json:"date_published"`
	DateModified  string        `json:"date_modified"`
	Tags          []string      `json:"tags"`
	Clausewatch   jsonFeedExtra `json:"_clausewatch"`
}

type jsonFeedExtra struct {
	Document string   `json:"document"`
	Severity string   `json:"severity"`
	Topics   []string `json:"topics"`
	API      string   `json:"api"`
}

// writeJSONFeed writes f as a JSON Feed 1.1.
func writeJSONFeed(b *bytes.Buffer, f *feed) error {
	out := jsonFeed{
		Version:     "https://jsonfeed.org/version/1.1",
		Title:       f.Title,
		HomePageURL: f.HomeURL,
		FeedURL:     f.SelfURL,
		Description: f.Subtitle,
		Language:    f.Lang,
		Authors:     []jsonAuthor{{Name: "clausewatch", URL: f.HomeURL}},
		Items:       []jsonFeedItem{},
	}
	for _, e := range f.Entries {
		it := jsonFeedItem{
			ID:            e.ID,
			URL:           e.URL,
			Title:         e.Title,
			ContentHTML:   e.HTML,
			Summary:       e.Summary,
			DatePublished: e.Published.Format(time.RFC3339),
			DateModified:  e.Updated.Format(time.RFC3339),
			Tags:          []string{},
			Clausewatch:   jsonFeedExtra{Document: e.Document, Severity: e.Severity, Topics: e.Topics, API: e.APIURL},
		}
		if it.Clausewatch.Topics == nil {
			it.Clausewatch.Topics = []string{}
		}
		for _, c := range e.Categories {
			it.Tags = append(it.Tags, c.Term)
		}
		out.Items = append(out.Items, it)
	}
	enc := json.NewEncoder(b)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		return fmt.Errorf("web: write json feed: %w", err)
	}
	return nil
}

// writeFeed writes f in the given format.
func writeFeed(b *bytes.Buffer, format feedFormat, f *feed) error {
	switch format {
	case formatRSS:
		return writeRSS(b, f)
	case formatJSONFeed:
		return writeJSONFeed(b, f)
	}
	return writeAtom(b, f)
}

// feedValidator returns the ETag of a feed before it is rendered: a hash of
// everything the feed is built from (format, scope, base URL, each change
// row including its change set and classification, and the documents'
// names), so that a reclassified change gets a new ETag although its
// detection time, and so Last-Modified, stay the same. The prefix names the
// rendering: bump it when the feed's words change for the same rows (as
// "feed/2" did when topics took the names of package labels, and "feed/3"
// when entries took the headline as title and what matters as content,
// "feed/4" when content took the [-old-] {+new+} markers and size caps),
// so that readers holding an old ETag get the new text. updated is the
// feed's date, which the rows give except for an empty feed.
func feedValidator(format feedFormat, scope, base, lang string, updated time.Time, changes []data.Change, docs map[string]*data.Document) string {
	h := sha256.New()
	fmt.Fprintf(h, "feed/4\x00%d\x00%s\x00%s\x00%s\x00%s\x00", format, scope, base, lang, updated.UTC().Format(time.RFC3339))
	for _, c := range changes {
		fmt.Fprintf(h, "%d\x00%s\x00%s\x00%s\x00%q\x00%s\x00%d\x00", c.ID, c.DocumentID, c.DetectedAt.UTC().Format(time.RFC3339Nano),
			c.Severity, c.Topics, c.ClassifierVersion, len(c.ChangeSet))
		h.Write(c.ChangeSet)
		if d := docs[c.DocumentID]; d != nil {
			fmt.Fprintf(h, "\x00%s\x00%s\x00%s\x00%s", d.Title, d.Service, d.Region, d.ID)
		}
	}
	return etagOf(h.Sum(nil))
}

// feedScope is what a feed follows: every document, one document or one
// topic.
type feedScope int

const (
	scopeAll feedScope = iota
	scopeDocument
	scopeTopic
)

// feed returns the handler of one feed format and scope. The document id or
// topic comes from the path ({id} or {topic}). Renderings are kept in cache,
// which the feed routes share.
func (s *Server) feed(cache *feedCache, format feedFormat, scope feedScope) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		ctx := r.Context()
		base := s.absoluteBase(r)
		lang := feedLanguage(r)
		q := langQuery(lang)
		tr := func(key string, args ...any) string { return s.feedTemplates.i18n.tr(lang, key, args...) }
		f := feed{Lang: lang, HomeURL: base + "/" + q}
		// Feeds tell what happened to the policy: changes that settled,
		// never a state the page flipped out of or a capture variation.
		filter := data.ChangeFilter{Material: true, Published: true}
		scopeKey := "all"
		switch scope {
		case scopeAll:
			f.ID = tagURI(base, tagYear, "feed")
			f.Title = tr("feed.title.all")
			f.Subtitle = tr("feed.subtitle.all")
			f.SelfURL = base + "/feed." + format.ext() + q
		case scopeDocument:
			id := r.PathValue("id")
			doc, err := s.db.Document(ctx, id)
			if err != nil {
				return s.notFoundOr(err, "no document %q; the list is at /api/v1/documents", id)
			}
			filter.DocumentID = doc.ID
			scopeKey = "document/" + doc.ID
			f.ID = tagURI(base, tagYear, "feed/document/"+doc.ID)
			f.Title = tr("feed.title.document", documentTitle(doc))
			f.Subtitle = tr("feed.subtitle.document", documentTitle(doc))
			f.HomeURL = base + documentPath(doc.ID) + q
			f.SelfURL = base + documentPath(doc.ID) + "/feed." + format.ext() + q
		case scopeTopic:
			topic := r.PathValue("topic")
			if !slices.Contains(topics.All(), topic) {
				return notFound("no topic %q; topics are %s", topic, strings.Join(topics.All(), ", "))
			}
			filter.Topic = topic
			scopeKey = "topic/" + topic
			f.ID = tagURI(base, tagYear, "feed/topic/"+topic)
			f.Title = tr("feed.title.topic", labels.Topic(topic, lang))
			f.Subtitle = tr("feed.subtitle.topic", labels.Topic(topic, lang))
			f.SelfURL = base + "/topics/" + topic + "/feed." + format.ext() + q
		}
		filter.Limit, filter.NewestFirst, filter.ChangeSets = feedEntries, true, true
		changes, _, err := s.db.Changes(ctx, filter)
		if err != nil {
			return err
		}
		docs, err := s.changeDocuments(r, changes)
		if err != nil {
			return err
		}
		// The newest change dates the feed. An empty feed is dated when
		// this server started: from then on it has served the feed, and
		// served it empty, which is true; the newest check would be as
		// true but would change the ETag with every fetch of an
		// unchanged feed, and the epoch (1970) claimed a date readers
		// showed as the feed's age.
		f.Updated = s.started.UTC().Truncate(time.Second)
		var lastModified time.Time
		if len(changes) > 0 {
			f.Updated = changes[0].DetectedAt.UTC()
			lastModified = f.Updated
		}
		etag := feedValidator(format, scopeKey, base, lang, f.Updated, changes, docs)
		h := w.Header()
		h.Set("ETag", etag)
		h.Set("Cache-Control", "public, max-age=300")
		if !lastModified.IsZero() {
			h.Set("Last-Modified", lastModified.Format(http.TimeFormat))
		}
		if notModified(r, etag, lastModified) {
			w.WriteHeader(http.StatusNotModified)
			return nil
		}
		cacheKey := format.ext() + " " + lang + " " + scopeKey
		body, ok := cache.get(cacheKey, etag)
		if !ok {
			if body, err = s.feedTemplates.renderFeed(&f, format, base, lang, changes, docs); err != nil {
				return err
			}
			cache.put(cacheKey, etag, body)
		}
		h.Set("Content-Type", format.contentType())
		h.Set("Content-Length", strconv.Itoa(len(body)))
		_, err = w.Write(body)
		return err
	}
}

// renderFeed builds the entries of f from changes, in lang, and writes the
// feed. A feed over maxFeedBytes is written again with fewer entries (the
// oldest go first) until it fits; since an entry is at most maxEntryBytes,
// a feed of one entry always does.
func (ft *feedTemplates) renderFeed(f *feed, format feedFormat, base, lang string, changes []data.Change, docs map[string]*data.Document) ([]byte, error) {
	for i := range changes {
		c := &changes[i]
		doc := docs[c.DocumentID]
		if doc == nil {
			doc = &data.Document{ID: c.DocumentID}
		}
		e, err := ft.buildEntry(base, c, doc, lang)
		if err != nil {
			return nil, err
		}
		f.Entries = append(f.Entries, e)
	}
	for {
		var b bytes.Buffer
		if err := writeFeed(&b, format, f); err != nil {
			return nil, err
		}
		if b.Len() <= maxFeedBytes || len(f.Entries) <= 1 {
			return b.Bytes(), nil
		}
		keep := len(f.Entries) * maxFeedBytes / b.Len()
		f.Entries = f.Entries[:max(1, min(keep, len(f.Entries)-1))]
	}
}

// absoluteBase returns the base URL absolute links are built from: the
// configured one, or else the scheme and host the request came to (feed
// readers need absolute links; set base_url so that ids do not depend on
// the name a reader used).
func (s *Server) absoluteBase(r *http.Request) string {
	if s.opts.BaseURL != "" {
		return s.opts.BaseURL
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// notModified reports whether a conditional GET can be answered 304: the
// If-None-Match list names etag (weak comparison, as RFC 9110 asks for
// GET), or, without If-None-Match, nothing changed since If-Modified-Since.
func notModified(r *http.Request, etag string, lastModified time.Time) bool {
	if inm := r.Header.Get("If-None-Match"); inm != "" {
		if etag == "" {
			return false
		}
		want := strings.TrimPrefix(etag, "W/")
		for tag := range strings.SplitSeq(inm, ",") {
			tag = strings.TrimSpace(tag)
			if tag == "*" || strings.TrimPrefix(tag, "W/") == want {
				return true
			}
		}
		return false
	}
	ims := r.Header.Get("If-Modified-Since")
	if ims == "" || lastModified.IsZero() {
		return false
	}
	t, err := http.ParseTime(ims)
	if err != nil {
		return false
	}
	return !lastModified.Truncate(time.Second).After(t)
}
