package notify

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/clausewatch/clausewatch/data"
	"github.com/clausewatch/clausewatch/diff"
	"github.com/clausewatch/clausewatch/labels"
)

// DefaultMaxSize is the size an alert email is kept under: beyond it the
// remaining changes are summed up with a link to the change page, because
// mail clients clip long messages (Gmail at about 102 KB) and hide the end,
// which is where the unsubscribe link is.
const DefaultMaxSize = 100 << 10

// maxSubject is the longest subject, in characters. A subject is a
// severity and a headline, and a headline cut before its recipient ("...
// share your account information with") says nothing, so the bound is
// wider than RFC 5322's 78-character line advice: the mail library folds
// the encoded field into short lines, and mail clients wrap or clip what
// they show. Only a headline naming long free-text names reaches it.
const maxSubject = 120

// Composer builds the emails clausewatch sends. It is safe for concurrent
// use: the dispatcher composes from several goroutines, and it keeps the
// rendered clauses of recent changes so that a change fanned out to
// thousands of subscribers is rendered once per language and topic set.
type Composer struct {
	base    string
	host    string
	tokens  *Tokens
	maxSize int
	// changeHTML renders one clause change and emailHTML the HTML part of
	// an email; they are parsed by NewComposer so that a broken template
	// stops start-up instead of the first alert.
	changeHTML *template.Template
	emailHTML  *template.Template

	mu     sync.Mutex
	blocks map[blockKey]*rendered
	pages  map[pageKey][3]string
}

// templateFiles holds the email templates, parsed by NewComposer.
//
//go:embed templates/*.tmpl
var templateFiles embed.FS

// The email templates, in templateFiles.
const (
	changeTemplate = "templates/change.tmpl"
	emailTemplate  = "templates/email.tmpl"
)

// NewComposer returns a Composer whose links start with baseURL (the public
// address of the web UI, e.g. "https://clausewatch.example.org") and are
// signed with tokens. maxSize 0 means DefaultMaxSize. It parses the embedded
// email templates and fails if one of them is broken.
func NewComposer(baseURL string, tokens *Tokens, maxSize int) (*Composer, error) {
	return newComposer(baseURL, tokens, maxSize, templateFiles)
}

// newComposer is NewComposer with the templates read from templates, which
// tests replace to check that a broken one stops start-up.
func newComposer(baseURL string, tokens *Tokens, maxSize int, templates fs.FS) (*Composer, error) {
	u, err := url.Parse(strings.TrimRight(baseURL, "/"))
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Hostname() == "" {
		return nil, fmt.Errorf("notify: base url %q: want an absolute http(s) address such as https://clausewatch.example.org (config base_url)", baseURL)
	}
	if tokens == nil {
		return nil, errors.New("notify: composer needs tokens")
	}
	if maxSize <= 0 {
		maxSize = DefaultMaxSize
	}
	changeHTML, err := template.ParseFS(templates, changeTemplate)
	if err != nil {
		return nil, fmt.Errorf("notify: parse templates: %w", err)
	}
	emailHTML, err := template.ParseFS(templates, emailTemplate)
	if err != nil {
		return nil, fmt.Errorf("notify: parse templates: %w", err)
	}
	return &Composer{
		base: u.String(), host: u.Hostname(), tokens: tokens, maxSize: maxSize,
		changeHTML: changeHTML, emailHTML: emailHTML, blocks: map[blockKey]*rendered{}, pages: map[pageKey][3]string{},
	}, nil
}

// Link builders; the paths are the web package's routes.
func (c *Composer) changeURL(id int64) string {
	return c.base + "/changes/" + strconv.FormatInt(id, 10)
}
func (c *Composer) versionURL(id int64) string {
	return c.base + "/versions/" + strconv.FormatInt(id, 10)
}
func (c *Composer) snapshotURL(id int64) string {
	return c.base + "/snapshots/" + strconv.FormatInt(id, 10)
}
func (c *Composer) tokenURL(path, purpose string, sub int64, ttl time.Duration) string {
	return c.base + path + "?token=" + c.tokens.Sign(purpose, sub, ttl)
}

// UnsubscribeURL is the one-click unsubscribe address of a subscriber
// (GET shows a page, POST unsubscribes: RFC 8058).
func (c *Composer) UnsubscribeURL(sub int64) string {
	return c.tokenURL("/unsubscribe", PurposeUnsubscribe, sub, LinkTTL)
}

// PreferencesURL is where a subscriber changes what they receive.
func (c *Composer) PreferencesURL(sub int64) string {
	return c.tokenURL("/preferences", PurposePreferences, sub, LinkTTL)
}

// ConfirmURL is the confirmation link of a pending subscriber.
func (c *Composer) ConfirmURL(sub int64) string {
	return c.tokenURL("/confirm", PurposeConfirm, sub, ConfirmTTL)
}

// listID names the alert list (RFC 2919) so that mail filters can sort it.
func (c *Composer) listID() string { return "clausewatch alerts <alerts." + c.host + ">" }

// messageID is stable for a delivery, so that if a message were ever sent
// twice (an operator resending an unknown delivery) mail clients that
// deduplicate by Message-ID show it once.
func (c *Composer) messageID(key string) string { return key + "@" + c.host }

// blockKey identifies a change rendered for one language and topic set.
type blockKey struct {
	change     int64
	classifier string
	lang       string
	topics     string
}

// rendered is one change of one document, ready to be put into emails:
// its headline, then the clauses that matter, then the rest in a sentence.
type rendered struct {
	ac       *data.AlertChange
	headline string        // one line, in the subscriber's language
	severity diff.Severity // of the whole change
	topics   []string      // topics of the change the subscriber follows (all when they follow all)
	blocks   []block       // the what-matters entries shown, most severe first
	rest     string        // the other material clause changes, summed up in one sentence
}

type block struct {
	text string
	html template.HTML
}

func (b block) size() int { return len(b.text) + len(b.html) }

// maxMatters bounds the what-matters entries an email shows for one change:
// the point of the list is that a reader sees in a minute what matters;
// whatever else changed is summed up and linked.
const maxMatters = 10

// maxMeanings bounds the plain-language sentences under one entry.
const maxMeanings = 3

func overlaps(a, b []string) bool {
	for _, x := range a {
		if slices.Contains(b, x) {
			return true
		}
	}
	return false
}

func intersect(a, b []string) []string {
	var out []string
	for _, x := range a {
		if slices.Contains(b, x) && !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}

// whatMatters returns the entries an email shows first for a change: the
// classifier's what-matters list (cs.Matters, most severe first) with the
// clause indices checked against cs.Changes, because a stored change set
// written by other rules must not crash an email. A subscriber who follows
// some topics sees the entries about them; when none is, the clause edits
// about them; when there are none either (the change matched on the whole
// set only), every entry. A change classified before the
// classifier made that list gets one from its material clause changes, the
// tagged ones first and most severe first.
func whatMatters(cs *diff.ChangeSet, subTopics []string) []diff.Matter {
	var all []diff.Matter
	for _, e := range cs.Matters {
		var idx []int
		for _, i := range e.Changes {
			if i >= 0 && i < len(cs.Changes) && !slices.Contains(idx, i) {
				idx = append(idx, i)
			}
		}
		if len(idx) > 0 {
			e.Changes = idx
			all = append(all, e)
		}
	}
	if len(all) == 0 {
		all = mattersFromChanges(cs)
	}
	if len(subTopics) > 0 {
		mine := slices.DeleteFunc(slices.Clone(all), func(e diff.Matter) bool { return !overlaps(e.Topics, subTopics) })
		if len(mine) == 0 {
			// The list is about other topics: the clause edits with a
			// followed topic come instead, as the reader asked for them.
			mine = slices.DeleteFunc(mattersFromChanges(cs), func(e diff.Matter) bool { return !overlaps(e.Topics, subTopics) })
		}
		if len(mine) > 0 {
			all = mine
		}
	}
	if len(all) > maxMatters {
		all = all[:maxMatters]
	}
	return all
}

// mattersFromChanges makes a what-matters list for a change set that has
// none: one entry per material clause change with topics (every material
// one when none has topics), most severe first, in reading order among
// equals.
func mattersFromChanges(cs *diff.ChangeSet) []diff.Matter {
	var out []diff.Matter
	for _, tagged := range []bool{true, false} {
		for i, ch := range cs.Changes {
			if ch.Material && (len(ch.Topics) > 0) == tagged {
				out = append(out, diff.Matter{Changes: []int{i}, Severity: ch.Severity, Topics: ch.Topics})
			}
		}
		if len(out) > 0 {
			break
		}
	}
	slices.SortStableFunc(out, func(a, b diff.Matter) int { return b.Severity.Rank() - a.Severity.Rank() })
	return out
}

// render decodes and renders a change for a language and topic set, or
// returns the cached rendering.
func (c *Composer) render(ac *data.AlertChange, m *messages, subTopics []string) (*rendered, error) {
	key := blockKey{ac.Change.ID, ac.Change.ClassifierVersion, m.lang, strings.Join(subTopics, ",")}
	c.mu.Lock()
	r, ok := c.blocks[key]
	c.mu.Unlock()
	if ok {
		return r, nil
	}
	var cs diff.ChangeSet
	if err := json.Unmarshal(ac.Change.ChangeSet, &cs); err != nil {
		return nil, fmt.Errorf("notify: decode change set of change %d: %w", ac.Change.ID, err)
	}
	service := ac.Document.Service
	r = &rendered{ac: ac, severity: cs.Severity, headline: oneLine(labels.Headline(service, cs, m.lang))}
	if len(subTopics) == 0 {
		r.topics = cs.Topics
	} else {
		r.topics = intersect(cs.Topics, subTopics)
	}
	shown := map[int]bool{}
	for n, e := range whatMatters(&cs, subTopics) {
		b, err := c.renderMatter(&cs, e, n+1, service, m)
		if err != nil {
			return nil, fmt.Errorf("notify: render change %d: %w", ac.Change.ID, err)
		}
		r.blocks = append(r.blocks, b)
		for _, i := range e.Changes {
			shown[i] = true
		}
	}
	r.rest = m.rest(&cs, shown)
	c.mu.Lock()
	if len(c.blocks) >= 256 {
		clear(c.blocks)
	}
	c.blocks[key] = r
	c.mu.Unlock()
	return r, nil
}

// span is a piece of a clause for the templates: Mark is "del", "ins" or "".
type span struct {
	Text string
	Mark string
}

// sides returns the old and new clause texts as spans, with the changed
// words marked.
func sides(ch diff.Change) (old, new []span) {
	if len(ch.Words) > 0 {
		for _, w := range ch.Words {
			t := clean(w.Text)
			switch w.Op {
			case diff.OpDelete:
				old = append(old, span{t, "del"})
			case diff.OpInsert:
				new = append(new, span{t, "ins"})
			default:
				old = append(old, span{t, ""})
				new = append(new, span{t, ""})
			}
		}
		return old, new
	}
	if ch.Old != nil {
		old = []span{{clean(ch.Old.Text), "del"}}
	}
	if ch.New != nil {
		new = []span{{clean(ch.New.Text), "ins"}}
	}
	return old, new
}

// clean replaces control characters, which have no place in a clause and
// could break the text part's lines.
func clean(s string) string {
	if !strings.ContainsFunc(s, unicode.IsControl) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
}

// oneLine makes s fit on one line of a header field or a heading: every
// run of white space or control characters becomes one space. A headline
// is written from the classifier's vocabulary, but a company it names and
// the service name (from the configuration) are free text, and a line
// break in them would end the Subject field and start another.
func oneLine(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }), " ")
}

type topicLine struct {
	Name   string
	Quotes []string
}

// topicLines names the topics of an entry with the phrases of its clause
// edit that carry them. Phrases the classifier marks as context (words the
// edit left alone) explain a clause on its page but gave the change no
// topic, so they are not quoted as the reason for an alert.
func topicLines(ch diff.Change, topics []string, m *messages) []topicLine {
	var out []topicLine
	for _, t := range topics {
		l := topicLine{Name: labels.Topic(t, m.lang)}
		for _, e := range ch.Evidence {
			if e.Topic == t && !e.Context && e.Text != "" && !slices.Contains(l.Quotes, clean(e.Text)) && len(l.Quotes) < 3 {
				l.Quotes = append(l.Quotes, clean(e.Text))
			}
		}
		out = append(out, l)
	}
	return out
}

// meanings says in plain words what the sharing deltas of an entry's
// clauses change, one sentence each as a headline would ("WhatsApp dropped
// its promise not to share your account information with Meta"), most
// severe first.
func meanings(cs *diff.ChangeSet, e diff.Matter, service, lang string) []string {
	ds := slices.Clone(cs.Sharing)
	slices.SortStableFunc(ds, func(a, b diff.SharingDelta) int { return b.Severity.Rank() - a.Severity.Rank() })
	var out []string
	for _, d := range ds {
		if !slices.Contains(e.Changes, d.Change) {
			continue
		}
		s := oneLine(labels.Headline(service, diff.ChangeSet{Material: true, Sharing: []diff.SharingDelta{d}}, lang))
		if !slices.Contains(out, s) && len(out) < maxMeanings {
			out = append(out, s)
		}
	}
	return out
}

// severity colours, for the left border of a change in HTML.
func sevColor(s diff.Severity) string {
	switch s {
	case diff.SeverityCritical:
		return "#82071e"
	case diff.SeverityHigh:
		return "#cf222e"
	case diff.SeverityMedium:
		return "#bf8700"
	case diff.SeverityLow:
		return "#0969da"
	}
	return "#8c959f"
}

// changeData is one what-matters entry for the change template.
type changeData struct {
	Number   int
	Section  string
	Kind     string
	Count    string // "The same edit in 24 clauses; one is shown." or ""
	SevLabel string
	Severity string
	Color    string
	Meaning  []string
	Before   string
	After    string
	Old, New []span
	Topics   []topicLine
}

// renderMatter renders a what-matters entry as its first clause edit, with
// how many clauses share the edit, what it means for who gets the data,
// and the topics with the phrases that carry them.
func (c *Composer) renderMatter(cs *diff.ChangeSet, e diff.Matter, n int, service string, m *messages) (block, error) {
	ch := cs.Changes[e.Changes[0]]
	old, new := sides(ch)
	sev := e.Severity
	if sev == "" {
		sev = ch.Severity
	}
	topics := e.Topics
	if len(topics) == 0 {
		topics = ch.Topics
	}
	d := changeData{
		Number:   n,
		Section:  clean(sectionTitle(ch.Section())),
		Kind:     m.kind(ch.Kind),
		SevLabel: m.severity,
		Color:    sevColor(sev),
		Meaning:  meanings(cs, e, service, m.lang),
		Before:   m.before,
		After:    m.after,
		Old:      old,
		New:      new,
		Topics:   topicLines(ch, topics, m),
	}
	if k := len(e.Changes); k > 1 {
		d.Count = fmt.Sprintf(m.sameEdit, k)
	}
	if sev != "" {
		d.Severity = labels.Severity(sev, m.lang)
	}
	var h bytes.Buffer
	if err := c.changeHTML.Execute(&h, d); err != nil {
		return block{}, err
	}
	var t strings.Builder
	fmt.Fprintf(&t, "## %d. %s\n%s", d.Number, d.Section, d.Kind)
	if d.Severity != "" {
		fmt.Fprintf(&t, " - %s: %s", m.severity, d.Severity)
	}
	t.WriteString("\n")
	if d.Count != "" {
		t.WriteString(d.Count + "\n")
	}
	for _, s := range d.Meaning {
		fmt.Fprintf(&t, "%s: %s\n", m.meaning, s)
	}
	writeSide := func(label string, ss []span) {
		if len(ss) == 0 {
			return
		}
		fmt.Fprintf(&t, "%s: ", label)
		if len(ss) == 1 {
			// A clause added or removed whole: its text as it
			// stands, to be quoted, without the markers of a word
			// diff; the kind above says what happened to it.
			t.WriteString(ss[0].Text + "\n")
			return
		}
		for _, s := range ss {
			switch s.Mark {
			case "del":
				t.WriteString("[-" + s.Text + "-]")
			case "ins":
				t.WriteString("{+" + s.Text + "+}")
			default:
				t.WriteString(s.Text)
			}
		}
		t.WriteString("\n")
	}
	writeSide(m.before, old)
	writeSide(m.after, new)
	if len(d.Topics) > 0 {
		fmt.Fprintf(&t, "%s: ", m.topics)
		for k, tl := range d.Topics {
			if k > 0 {
				t.WriteString("; ")
			}
			t.WriteString(tl.Name)
			for _, q := range tl.Quotes {
				fmt.Fprintf(&t, " \u201c%s\u201d", q)
			}
		}
		t.WriteString("\n")
	}
	t.WriteString("\n")
	return block{text: t.String(), html: template.HTML(h.String())}, nil //nolint:gosec // built by html/template above
}

func sectionTitle(s []string) string {
	if len(s) == 0 {
		return "\u2014"
	}
	return strings.Join(s, " \u203a ")
}

// DocumentName is how emails and webhooks name a document
// (labels.DocumentName).
func DocumentName(d data.Document) string {
	return labels.DocumentName(d.ID, d.Service, d.Title, d.Region)
}

// truncate shortens s to n characters, ending with an ellipsis.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimRightFunc(string(r[:n-1]), unicode.IsSpace) + "\u2026"
}

// docSection is one change's part of an alert or digest, under the name of
// its document.
type docSection struct {
	Name string // the document; "" when the change before was of the same one
	// Headline is the change's headline, shown in a digest (an alert's is
	// its heading); Lead names its severity and topics.
	Headline string
	Lead     string
	Color    string
	Blocks   []template.HTML
	Omitted  string // "3 more changes did not fit..." or ""
	OmitLink string
	Rest     string // the other clause changes in one sentence
	Links    []docLink
}

type docLink struct {
	Text, URL, Note string
}

type emailData struct {
	Lang, Title, Heading, Intro string
	Docs                        []docSection
	Why                         string
	Legend                      string
	PrefsLabel, PrefsURL        string
	UnsubLabel, UnsubURL        string
	// Action is a single call to action (the confirmation link).
	ActionLabel, ActionURL string
	Paragraphs             []string
}

// subjectOf is the subject of an email about r: its severity in brackets
// and its headline ("[critical] WhatsApp dropped its promise not to share
// your account information with Meta"), so that an inbox tells at a glance
// which change to open first; suffix ("(+2 more changes)") is kept whole
// when the headline is cut.
func subjectOf(r *rendered, m *messages, suffix string) string {
	s := r.headline
	if r.severity != "" {
		s = "[" + labels.Severity(r.severity, m.lang) + "] " + s
	}
	if suffix == "" {
		return truncate(s, maxSubject)
	}
	return truncate(s, maxSubject-1-utf8.RuneCountInString(suffix)) + " " + suffix
}

// lead names a change's severity and the topics it touches that the
// subscriber follows: "Severity: critical · Topics: data sharing".
func lead(r *rendered, m *messages) string {
	var parts []string
	if r.severity != "" {
		parts = append(parts, m.severity+": "+labels.Severity(r.severity, m.lang))
	}
	if len(r.topics) > 0 {
		parts = append(parts, m.topics+": "+m.topicList(r.topics))
	}
	return strings.Join(parts, " \u00b7 ")
}

// Alert composes the immediate alert about one change for a subscriber: the
// subject and the heading are the change's headline, the body shows the
// clauses that matter first, then the rest in brief, then how to cite it.
// key makes the Message-ID (the dispatcher passes the delivery id).
func (c *Composer) Alert(sub *data.Subscriber, key string, ac *data.AlertChange, now time.Time) (*Email, error) {
	m := messagesFor(sub.Lang)
	r, err := c.render(ac, m, sub.Topics)
	if err != nil {
		return nil, err
	}
	name := oneLine(DocumentName(ac.Document))
	d := c.frame(sub, m, subjectOf(r, m, ""))
	d.Heading = r.headline
	d.Intro = fmt.Sprintf(m.intro, m.date(ac.Change.DetectedAt), name)
	if eff := ac.Change.EffectiveDate.New; labels.Upcoming(eff, now) {
		if t, err := time.Parse(time.DateOnly, eff); err == nil {
			d.Intro += " " + fmt.Sprintf(m.takesEffect, m.day(t))
		}
	}
	return c.finish(sub, m, key, now, d, []*rendered{r}, false)
}

// Digest composes the daily email with a day's changes for a subscriber,
// one entry per change grouped by document in the order given (oldest
// first). Its subject is the most severe change's, with how many more there
// are.
func (c *Composer) Digest(sub *data.Subscriber, key string, acs []*data.AlertChange, now time.Time) (*Email, error) {
	if len(acs) == 0 {
		return nil, errors.New("notify: digest without changes")
	}
	m := messagesFor(sub.Lang)
	var rs []*rendered
	docs := map[string]bool{}
	top := 0
	for i, ac := range acs {
		r, err := c.render(ac, m, sub.Topics)
		if err != nil {
			return nil, err
		}
		rs = append(rs, r)
		docs[ac.Document.ID] = true
		if r.severity.Rank() > rs[top].severity.Rank() {
			top = i
		}
	}
	suffix := ""
	if n := len(acs) - 1; n > 0 {
		suffix = fmt.Sprintf(m.subjectMore, n, m.changes(n))
	}
	d := c.frame(sub, m, subjectOf(rs[top], m, suffix))
	d.Heading = fmt.Sprintf(m.headingDigest, len(acs), m.changes(len(acs)), len(docs), m.documents(len(docs)))
	d.Intro = fmt.Sprintf(m.introDigest, len(acs), m.changes(len(acs)), m.date(acs[0].Change.DetectedAt))
	return c.finish(sub, m, key, now, d, rs, true)
}

// frame fills what every alert email has: title, footer and links.
func (c *Composer) frame(sub *data.Subscriber, m *messages, subject string) emailData {
	d := emailData{
		Lang: m.lang, Title: subject, Legend: m.legend,
		PrefsLabel: m.preferences, PrefsURL: c.PreferencesURL(sub.ID),
		UnsubLabel: m.unsubscribe, UnsubURL: c.UnsubscribeURL(sub.ID),
	}
	if len(sub.Topics) == 0 {
		d.Why = m.whyAll
	} else {
		d.Why = fmt.Sprintf(m.why, m.topicList(sub.Topics))
	}
	return d
}

// finish lays out the changes within the size cap and builds both parts and
// the headers. Each change shows its lead (and, in a digest, its headline),
// its what-matters entries while they fit, the rest in a sentence, and the
// citation: the change page, both versions and the archived page.
func (c *Composer) finish(sub *data.Subscriber, m *messages, key string, now time.Time, d emailData, rs []*rendered, digest bool) (*Email, error) {
	budget := c.maxSize - 6<<10 // frame, headers and MIME overhead
	var text strings.Builder
	fmt.Fprintf(&text, "%s\n\n%s\n\n%s\n\n", d.Heading, d.Intro, m.legend)
	for i, r := range rs {
		if budget < minChangeSize {
			// Not even this change's links fit: the rest of a long
			// digest is counted per document and linked to its history.
			d.Docs = append(d.Docs, c.omittedDocs(m, rs[i:], &text)...)
			break
		}
		start := text.Len()
		sec := docSection{Name: oneLine(DocumentName(r.ac.Document)), Lead: lead(r, m), Color: sevColor(r.severity)}
		if i == 0 || rs[i-1].ac.Document.ID != r.ac.Document.ID {
			fmt.Fprintf(&text, "# %s\n\n", sec.Name)
		} else {
			sec.Name = ""
		}
		if digest {
			sec.Headline = r.headline
			fmt.Fprintf(&text, "%s\n", sec.Headline)
		}
		if sec.Lead != "" {
			fmt.Fprintf(&text, "%s\n", sec.Lead)
		}
		text.WriteString("\n")
		shown, clauses := 0, 0
		for _, b := range r.blocks {
			if budget-b.size()-minChangeSize < 0 {
				break
			}
			budget -= b.size()
			sec.Blocks = append(sec.Blocks, b.html)
			text.WriteString(b.text)
			clauses += len(b.text)
			shown++
		}
		change := c.changeURL(r.ac.Change.ID)
		if n := len(r.blocks) - shown; n > 0 {
			sec.Omitted = fmt.Sprintf(m.omitted, n, m.changes(n))
			sec.OmitLink = change
			fmt.Fprintf(&text, "%s %s\n\n", sec.Omitted, change)
		}
		if r.rest != "" {
			sec.Rest = r.rest
			fmt.Fprintf(&text, "%s\n\n", r.rest)
		}
		ch, snap := r.ac.Change, r.ac.Snapshot
		note := fmt.Sprintf(m.snapshot, snap.SHA256, m.date(snap.FetchedAt))
		sec.Links = []docLink{{Text: m.changePage, URL: change}}
		fmt.Fprintf(&text, "%s: %s\n", m.changePage, change)
		if ch.FromVersion > 0 && ch.ToVersion > 0 {
			before, after := fmt.Sprintf(m.versionBefore, r.ac.FromNumber), fmt.Sprintf(m.versionAfter, r.ac.ToNumber)
			sec.Links = append(sec.Links, docLink{Text: before, URL: c.versionURL(ch.FromVersion)}, docLink{Text: after, URL: c.versionURL(ch.ToVersion)})
			fmt.Fprintf(&text, "%s: %s\n%s: %s\n", before, c.versionURL(ch.FromVersion), after, c.versionURL(ch.ToVersion))
		}
		// The link reads as words; the sha256 that identifies the copy
		// follows it, whole, for whoever checks the citation.
		sec.Links = append(sec.Links, docLink{Text: fmt.Sprintf(m.snapshotLink, m.date(snap.FetchedAt)), URL: c.snapshotURL(snap.ID), Note: "sha256 " + snap.SHA256})
		fmt.Fprintf(&text, "%s: %s\n\n", note, c.snapshotURL(snap.ID))
		budget -= 2*(text.Len()-start-clauses) + htmlMarkup
		d.Docs = append(d.Docs, sec)
	}
	fmt.Fprintf(&text, "-- \n%s\n%s: %s\n%s: %s\n", d.Why, m.preferences, d.PrefsURL, m.unsubscribe, d.UnsubURL)
	html, err := c.alertHTML(d, rs, digest)
	if err != nil {
		return nil, err
	}
	return &Email{
		To: sub.Email, Subject: d.Title, Text: text.String(), HTML: html,
		MessageID: c.messageID(key), Date: now,
		Header: []HeaderField{
			{"List-Id", c.listID()},
			{"List-Unsubscribe", "<" + d.UnsubURL + ">"},
			{"List-Unsubscribe-Post", "List-Unsubscribe=One-Click"},
			{"Auto-Submitted", "auto-generated"},
		},
	}, nil
}

// pageKey identifies the HTML part of an alert but for its footer links:
// the change rendered for a language and topic set, and the lines that
// depend on the day.
type pageKey struct {
	r                          *rendered
	title, heading, intro, why string
}

// The footer links of an alert's HTML part while it is rendered for every
// subscriber at once; the real links are put in their place.
const (
	prefsMark = "https://clausewatch.invalid/cw-preferences-link"
	unsubMark = "https://clausewatch.invalid/cw-unsubscribe-link"
)

// alertHTML renders the HTML part of an alert email. It is the same for
// every subscriber who gets the change in the same language and topic set
// except for the preferences and unsubscribe links, so it is rendered once
// around them and the links are put in for each subscriber: a change fanned
// out to thousands is not laid out thousands of times. Digests, different
// for each subscriber, and links the template would escape are rendered
// whole.
func (c *Composer) alertHTML(d emailData, rs []*rendered, digest bool) (string, error) {
	if digest || len(rs) != 1 || !plainURL(d.PrefsURL) || !plainURL(d.UnsubURL) {
		return c.pageHTML(d)
	}
	key := pageKey{rs[0], d.Title, d.Heading, d.Intro, d.Why}
	c.mu.Lock()
	parts, ok := c.pages[key]
	c.mu.Unlock()
	if !ok {
		p := d
		p.PrefsURL, p.UnsubURL = prefsMark, unsubMark
		h, err := c.pageHTML(p)
		if err != nil {
			return "", err
		}
		before, rest, ok1 := strings.Cut(h, prefsMark)
		middle, after, ok2 := strings.Cut(rest, unsubMark)
		if !ok1 || !ok2 || strings.Count(h, prefsMark) != 1 || strings.Count(h, unsubMark) != 1 {
			return c.pageHTML(d) // the template does not show each link once, in this order
		}
		parts = [3]string{before, middle, after}
		c.mu.Lock()
		if len(c.pages) >= 256 {
			clear(c.pages)
		}
		c.pages[key] = parts
		c.mu.Unlock()
	}
	return parts[0] + d.PrefsURL + parts[1] + d.UnsubURL + parts[2], nil
}

// pageHTML renders the HTML part of an email whole.
func (c *Composer) pageHTML(d emailData) (string, error) {
	var h bytes.Buffer
	if err := c.emailHTML.Execute(&h, d); err != nil {
		return "", fmt.Errorf("notify: render email: %w", err)
	}
	return h.String(), nil
}

// plainURL reports whether the HTML template writes u into an attribute
// as it is: only letters, digits and the few punctuation marks of an
// http(s) address with a base64url token.
func plainURL(u string) bool {
	for _, r := range u {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', strings.ContainsRune("-._~:/?=", r):
		default:
			return false
		}
	}
	return u != ""
}

// minChangeSize is about what a change costs in an email without any of
// its clauses: the document's name, its lead, the summary of the rest and
// the links that cite it, in both parts. A change is laid out only when
// the budget has that much left.
const minChangeSize = 2 << 10

// htmlMarkup is about what the HTML part adds to the text of a change's
// frame (tags, inline styles, each link twice); with the text itself it is
// what a laid-out change is charged beyond its clauses.
const htmlMarkup = 1 << 10

// omittedDocs sums up changes that did not fit at all: per document, in
// order of first appearance, how many and a link to its history page. Their
// number is bounded by the watched documents, not by the changes.
func (c *Composer) omittedDocs(m *messages, rs []*rendered, text *strings.Builder) []docSection {
	var ids []string
	byID := map[string]*docSection{}
	count := map[string]int{}
	for _, r := range rs {
		id := r.ac.Document.ID
		if count[id] == 0 {
			ids = append(ids, id)
			byID[id] = &docSection{Name: DocumentName(r.ac.Document), OmitLink: c.base + "/documents/" + url.PathEscape(id)}
		}
		count[id]++
	}
	secs := make([]docSection, 0, len(ids))
	for _, id := range ids {
		sec, n := byID[id], count[id]
		sec.Omitted = fmt.Sprintf(m.omittedDoc, n, m.changes(n))
		fmt.Fprintf(text, "# %s\n\n%s %s\n\n", sec.Name, sec.Omitted, sec.OmitLink)
		secs = append(secs, *sec)
	}
	return secs
}

// Confirmation composes the email that asks a pending subscriber to
// confirm; for a subscriber already confirmed it composes a note with the
// preferences and unsubscribe links instead, and changes nothing.
func (c *Composer) Confirmation(sub *data.Subscriber, docNames []string, key string, now time.Time) (*Email, error) {
	m := messagesFor(sub.Lang)
	d := emailData{Lang: m.lang}
	var text strings.Builder
	if sub.Status == data.SubscriberConfirmed {
		d.Title, d.Heading = m.subjectAlready, m.subjectAlready
		d.Paragraphs = []string{m.alreadyIntro, m.alreadyIgnore}
		d.PrefsLabel, d.PrefsURL = m.preferences, c.PreferencesURL(sub.ID)
		d.UnsubLabel, d.UnsubURL = m.unsubscribe, c.UnsubscribeURL(sub.ID)
		fmt.Fprintf(&text, "%s\n\n%s\n\n%s: %s\n%s: %s\n\n%s\n", d.Heading, m.alreadyIntro, m.preferences, d.PrefsURL, m.unsubscribe, d.UnsubURL, m.alreadyIgnore)
	} else {
		docs := m.allDocuments
		if len(docNames) > 0 {
			docs = strings.Join(docNames, "; ")
		}
		topics := m.topicList(sub.Topics)
		if len(sub.Topics) == 0 {
			topics = m.whyAllTopics()
		}
		intro := fmt.Sprintf(m.confirmIntro, topics, docs, m.frequency(sub.Frequency))
		expiry := fmt.Sprintf(m.confirmExpiry, m.date(now.Add(ConfirmTTL)))
		d.Title, d.Heading = m.subjectConfirm, m.subjectConfirm
		d.Paragraphs = []string{intro, m.confirmAction}
		d.ActionLabel, d.ActionURL = m.subjectConfirm, c.ConfirmURL(sub.ID)
		d.Why = expiry + " " + m.confirmIgnore
		fmt.Fprintf(&text, "%s\n\n%s\n\n%s\n%s\n\n%s\n%s\n", d.Heading, intro, m.confirmAction, d.ActionURL, expiry, m.confirmIgnore)
	}
	var h bytes.Buffer
	if err := c.emailHTML.Execute(&h, d); err != nil {
		return nil, fmt.Errorf("notify: render confirmation: %w", err)
	}
	e := &Email{
		To: sub.Email, Subject: d.Title, Text: text.String(), HTML: h.String(),
		MessageID: c.messageID(key), Date: now,
		Header: []HeaderField{{"List-Id", c.listID()}, {"Auto-Submitted", "auto-generated"}},
	}
	if d.UnsubURL != "" {
		e.Header = append(e.Header, HeaderField{"List-Unsubscribe", "<" + d.UnsubURL + ">"},
			HeaderField{"List-Unsubscribe-Post", "List-Unsubscribe=One-Click"})
	}
	return e, nil
}

func (m *messages) whyAllTopics() string {
	if m.lang == "es" {
		return "cualquier cambio relevante"
	}
	return "every material change"
}
