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

// maxSubject is the longest subject, in characters (RFC 5322's line length
// advice, and what phones show).
const maxSubject = 78

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
		changeHTML: changeHTML, emailHTML: emailHTML, blocks: map[blockKey]*rendered{},
	}, nil
}

// Link builders; the paths are the web package's routes.
func (c *Composer) changeURL(id int64) string {
	return c.base + "/changes/" + strconv.FormatInt(id, 10)
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

// csView is the stored change set as alerts read it. It decodes the JSON
// contract (docs/changeset.md) rather than only diff.ChangeSet so that the
// per-change evidence the classifier adds is read whatever Go type holds it.
type csView struct {
	Material      bool          `json:"material"`
	Summary       diff.Summary  `json:"summary"`
	EffectiveDate diff.Dates    `json:"effective_date"`
	Topics        []string      `json:"topics"`
	Severity      diff.Severity `json:"severity"`
	Changes       []changeView  `json:"changes"`
}

type changeView struct {
	diff.Change
	Evidence []evidence `json:"evidence"`
}

// evidence is a phrase that made the classifier tag a clause with a topic.
type evidence struct {
	Topic string `json:"topic"`
	Side  string `json:"side"` // "old" or "new"
	Start int    `json:"start"`
	End   int    `json:"end"`
	Text  string `json:"text"`
}

// blockKey identifies a change rendered for one language and topic set.
type blockKey struct {
	change     int64
	classifier string
	lang       string
	topics     string
}

// rendered is one change of one document, ready to be put into emails.
type rendered struct {
	ac       *data.AlertChange
	topics   []string // topics of the change the subscriber follows, for the subject
	severity diff.Severity
	blocks   []block // one per clause change shown, in reading order
}

type block struct {
	text string
	html template.HTML
}

func (b block) size() int { return len(b.text) + len(b.html) }

// relevant reports whether a change of the set concerns the subscribed
// topics (every material change when none are subscribed).
func relevant(ch changeView, subTopics []string) bool {
	if !ch.Material {
		return false
	}
	if len(subTopics) == 0 {
		return true
	}
	for _, t := range ch.Topics {
		if slices.Contains(subTopics, t) {
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
	var cs csView
	if err := json.Unmarshal(ac.Change.ChangeSet, &cs); err != nil {
		return nil, fmt.Errorf("notify: decode change set of change %d: %w", ac.Change.ID, err)
	}
	r = &rendered{ac: ac, severity: cs.Severity}
	if len(subTopics) == 0 {
		r.topics = cs.Topics
	} else {
		r.topics = intersect(cs.Topics, subTopics)
	}
	var shown []changeView
	for _, ch := range cs.Changes {
		if relevant(ch, subTopics) {
			shown = append(shown, ch)
		}
	}
	if len(shown) == 0 {
		// The change matched at the level of the whole set (the
		// classifier tagged the set but not its clauses): show every
		// material clause change rather than an empty email.
		for _, ch := range cs.Changes {
			if ch.Material {
				shown = append(shown, ch)
			}
		}
	}
	for _, ch := range shown {
		b, err := c.renderChange(ch, m, subTopics)
		if err != nil {
			return nil, fmt.Errorf("notify: render change %d: %w", ac.Change.ID, err)
		}
		r.blocks = append(r.blocks, b)
	}
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
func sides(ch changeView) (old, new []span) {
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

type topicLine struct {
	Name   string
	Quotes []string
}

func topicLines(ch changeView, m *messages, subTopics []string) []topicLine {
	var out []topicLine
	for _, t := range ch.Topics {
		if len(subTopics) > 0 && !slices.Contains(subTopics, t) {
			continue
		}
		l := topicLine{Name: labels.Topic(t, m.lang)}
		for _, e := range ch.Evidence {
			if e.Topic == t && e.Text != "" && !slices.Contains(l.Quotes, clean(e.Text)) {
				l.Quotes = append(l.Quotes, clean(e.Text))
			}
		}
		out = append(out, l)
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

type changeData struct {
	Section  string
	Kind     string
	SevLabel string
	Severity string
	Color    string
	Before   string
	After    string
	Old, New []span
	Topics   []topicLine
	Why      string
}

func (c *Composer) renderChange(ch changeView, m *messages, subTopics []string) (block, error) {
	old, new := sides(ch)
	sev := ch.Severity
	d := changeData{
		Section:  clean(sectionTitle(ch.Section())),
		Kind:     m.kind(ch.Kind),
		SevLabel: m.severity,
		Color:    sevColor(sev),
		Before:   m.before,
		After:    m.after,
		Old:      old,
		New:      new,
		Topics:   topicLines(ch, m, subTopics),
	}
	if sev != "" {
		d.Severity = labels.Severity(sev, m.lang)
	}
	var h bytes.Buffer
	if err := c.changeHTML.Execute(&h, d); err != nil {
		return block{}, err
	}
	var t strings.Builder
	fmt.Fprintf(&t, "## %s\n%s", d.Section, d.Kind)
	if d.Severity != "" {
		fmt.Fprintf(&t, " - %s: %s", m.severity, d.Severity)
	}
	t.WriteString("\n")
	writeSide := func(label string, ss []span) {
		if len(ss) == 0 {
			return
		}
		fmt.Fprintf(&t, "%s: ", label)
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
	for _, tl := range d.Topics {
		fmt.Fprintf(&t, "%s: %s", m.topics, tl.Name)
		for _, q := range tl.Quotes {
			fmt.Fprintf(&t, " \u201c%s\u201d", q)
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

// DocumentName is how emails name a document: its title, with the service
// in front when the title does not say it, and the region in brackets.
func DocumentName(d data.Document) string {
	name := d.Title
	switch {
	case name == "" && d.Service == "":
		name = d.ID
	case name == "":
		name = d.Service + " " + d.ID
	case d.Service != "" && !strings.Contains(strings.ToLower(name), strings.ToLower(d.Service)):
		name = d.Service + " " + name
	}
	if d.Region != "" {
		name += " (" + d.Region + ")"
	}
	return name
}

// truncate shortens s to n characters, ending with an ellipsis.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimRightFunc(string(r[:n-1]), unicode.IsSpace) + "\u2026"
}

// docSection is one document's part of an alert or digest.
type docSection struct {
	Name     string
	Blocks   []template.HTML
	Links    []docLink
	Omitted  string // "3 more changes did not fit..." or ""
	OmitLink string
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

// Alert composes the immediate alert about one change for a subscriber.
// key makes the Message-ID (the dispatcher passes the delivery id).
func (c *Composer) Alert(sub *data.Subscriber, key string, ac *data.AlertChange, now time.Time) (*Email, error) {
	m := messagesFor(sub.Lang)
	r, err := c.render(ac, m, sub.Topics)
	if err != nil {
		return nil, err
	}
	name := DocumentName(ac.Document)
	subject := fmt.Sprintf(m.subjectMaterial, name)
	if len(r.topics) > 0 {
		subject = fmt.Sprintf(m.subjectChanged, name, m.topicList(r.topics))
	}
	if utf8.RuneCountInString(subject) > maxSubject && len(r.topics) > 1 {
		// Name the first topic only rather than cut the sentence.
		subject = fmt.Sprintf(m.subjectChanged, name, labels.Topic(r.topics[0], m.lang)+"\u2026")
	}
	d := c.frame(sub, m, truncate(subject, maxSubject))
	d.Heading = fmt.Sprintf(m.headingChanged, name)
	d.Intro = fmt.Sprintf(m.intro, m.date(ac.Change.DetectedAt), name)
	return c.finish(sub, m, key, now, d, []*rendered{r})
}

// Digest composes the daily email with a day's changes for a subscriber,
// grouped by document in the order given (oldest first).
func (c *Composer) Digest(sub *data.Subscriber, key string, acs []*data.AlertChange, now time.Time) (*Email, error) {
	if len(acs) == 0 {
		return nil, errors.New("notify: digest without changes")
	}
	m := messagesFor(sub.Lang)
	var rs []*rendered
	docs := map[string]bool{}
	for _, ac := range acs {
		r, err := c.render(ac, m, sub.Topics)
		if err != nil {
			return nil, err
		}
		rs = append(rs, r)
		docs[ac.Document.ID] = true
	}
	subject := fmt.Sprintf(m.subjectDigest, len(acs), m.changes(len(acs)), len(docs), m.documents(len(docs)))
	d := c.frame(sub, m, truncate(subject, maxSubject))
	d.Heading = subject
	d.Intro = fmt.Sprintf(m.introDigest, len(acs), m.changes(len(acs)), m.date(acs[0].Change.DetectedAt))
	return c.finish(sub, m, key, now, d, rs)
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

// finish lays out the documents' changes within the size cap and builds
// both parts and the headers.
func (c *Composer) finish(sub *data.Subscriber, m *messages, key string, now time.Time, d emailData, rs []*rendered) (*Email, error) {
	budget := c.maxSize - 6<<10 // frame, headers and MIME overhead
	var text strings.Builder
	fmt.Fprintf(&text, "%s\n\n%s\n%s\n\n", d.Heading, d.Intro, m.legend)
	for i, r := range rs {
		if budget < minChangeSize {
			// Not even this change's links fit: the rest of a long
			// digest is counted per document and linked to its history.
			d.Docs = append(d.Docs, c.omittedDocs(m, rs[i:], &text)...)
			break
		}
		sec := docSection{Name: DocumentName(r.ac.Document)}
		if i == 0 || rs[i-1].ac.Document.ID != r.ac.Document.ID {
			fmt.Fprintf(&text, "# %s\n\n", sec.Name)
		} else {
			sec.Name = ""
		}
		shown := 0
		for _, b := range r.blocks {
			if budget-b.size() < 0 {
				break
			}
			budget -= b.size()
			sec.Blocks = append(sec.Blocks, b.html)
			text.WriteString(b.text)
			shown++
		}
		change := c.changeURL(r.ac.Change.ID)
		if n := len(r.blocks) - shown; n > 0 {
			sec.Omitted = fmt.Sprintf(m.omitted, n, m.changes(n))
			sec.OmitLink = change
			fmt.Fprintf(&text, "%s %s\n\n", sec.Omitted, change)
		}
		snap := r.ac.Snapshot
		note := fmt.Sprintf(m.snapshot, snap.SHA256, m.date(snap.FetchedAt))
		sec.Links = []docLink{{Text: m.changePage, URL: change}, {Text: note, URL: c.snapshotURL(snap.ID)}}
		fmt.Fprintf(&text, "%s: %s\n%s: %s\n\n", m.changePage, change, note, c.snapshotURL(snap.ID))
		budget -= minChangeSize
		d.Docs = append(d.Docs, sec)
	}
	fmt.Fprintf(&text, "-- \n%s\n%s: %s\n%s: %s\n", d.Why, m.preferences, d.PrefsURL, m.unsubscribe, d.UnsubURL)
	var h bytes.Buffer
	if err := c.emailHTML.Execute(&h, d); err != nil {
		return nil, fmt.Errorf("notify: render email: %w", err)
	}
	return &Email{
		To: sub.Email, Subject: d.Title, Text: text.String(), HTML: h.String(),
		MessageID: c.messageID(key), Date: now,
		Header: []HeaderField{
			{"List-Id", c.listID()},
			{"List-Unsubscribe", "<" + d.UnsubURL + ">"},
			{"List-Unsubscribe-Post", "List-Unsubscribe=One-Click"},
			{"Auto-Submitted", "auto-generated"},
		},
	}, nil
}

// minChangeSize is about what a change costs in an email without any of
// its clauses: the document's name, the summary of what did not fit and
// the two links, in both parts.
const minChangeSize = 1 << 10

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
