// Package config reads clausewatch's YAML configuration: which documents to
// watch and how to fetch them, when to check, and where to send alerts.
//
// The file is read strictly. A typo in a key or a selector that does not
// parse would otherwise make the watcher silently watch nothing, and an
// operator who runs it unattended for years would never know. Every problem
// is reported at once, with the file, line and field it is at and what to do.
package config

import (
	_ "embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Defaults filled in when the file leaves a setting out.
const (
	defaultSchedule       = "17 */6 * * *" // every 6 hours, off the hour so as not to join everyone's :00 burst
	defaultBaseURL        = "http://localhost:8080"
	defaultTimeout        = 30 * time.Second
	defaultConnectTimeout = 10 * time.Second
	defaultMaxBody        = 10 << 20
	defaultMinGap         = 2 * time.Second
	defaultJitter         = 30 * time.Second
	defaultConcurrency    = 8
	defaultBrowserTabs    = 2
	maxConcurrency        = 64
	maxBrowserTabs        = 16
	defaultSMTPTLS        = "starttls"
	defaultWebhookFormat  = "json"
)

// Bounds of a document's confirm setting. Fewer than two fetches would
// accept every shrunk or grown text at once, which is what the gates are
// there to stop; more than maxConfirmFetches, or longer than
// maxConfirmAfter, would leave a document whose page really changed size
// without versions for longer than anyone would wait.
const (
	minConfirmFetches = 2
	maxConfirmFetches = 100
	maxConfirmAfter   = 30 * 24 * time.Hour
	// A change needs to be seen by at least one fetch (the one that found
	// it) and is told within maxSettleFetches; a presentation change waits
	// at most maxSettlePresentation, a season of a page's states.
	maxSettleFetches      = 100
	maxSettlePresentation = 90 * 24 * time.Hour
)

// maxFileSize bounds how much of a config file is read: a list of 20,000
// documents with titles, selectors and their own settings is a few
// megabytes, anything much larger is not a config.
const maxFileSize = 16 << 20

// defaultName is how the embedded default config is named in messages.
const defaultName = "default.yaml"

//go:embed default.yaml
var defaultYAML string

// Config is a validated configuration with every default filled in.
type Config struct {
	Schedule  string // cron spec for documents without their own schedule
	BaseURL   string // public address of the web UI, without a trailing slash; used in alerts and feeds
	SMTP      SMTP
	Webhooks  []Webhook
	Fetch     Fetch
	Documents []Document
	// History says whether documents that have no version yet start with
	// the public history bundled with clausewatch (package history), so a
	// new installation shows years of changes before its first fetch. The
	// embedded default config says `history: true`; a config that leaves
	// it out gets false, so a config written for tests or for other
	// documents never pays for loading it.
	History bool
}

// SMTP is the mail server alerts are sent through. Host is empty when email
// alerts are not configured. The credentials may come from the environment
// (see ApplyEnv) so that the file can be shared without secrets.
type SMTP struct {
	Host     string
	Port     int
	From     string
	Username string
	Password string
	TLS      string // none, starttls or tls
}

// Webhook is an address that receives each change as a POST.
type Webhook struct {
	URL    string
	Format string // json or slack
	Secret string // when set, requests are signed with it
}

// Fetch holds the settings of the HTTP and browser fetcher.
type Fetch struct {
	UserAgent      string        // empty: the scraper's own default
	Timeout        time.Duration // whole request, body included
	ConnectTimeout time.Duration
	MaxBody        int64         // bytes; larger pages are refused as suspect
	MinGap         time.Duration // least time between two requests to the same host
	Jitter         time.Duration // most random delay before each scheduled fetch
	BrowserPath    string        // empty: let chromedp find Chromium
	// Concurrency bounds the documents fetched at once, across hosts; one
	// host still gets one request at a time. It also bounds the pages held
	// in memory, whatever the number of documents.
	Concurrency int
	// BrowserTabs bounds the tabs open at once in the one Chromium that
	// renders browser: true documents.
	BrowserTabs int
}

// Document is one page to watch.
type Document struct {
	ID       string
	URL      string
	Service  string
	Title    string
	Region   string
	Language string // canonical BCP 47 tag, empty when not given
	Schedule string // empty: the top-level schedule
	Select   []string
	Remove   []string
	Browser  bool // render with headless Chromium because the text needs JavaScript
	// Confirm says when a text the size gates hold back becomes a version
	// after all. Parse fills in DefaultConfirm; the zero value, as in a
	// Document built by hand, means the default too.
	Confirm Confirm
	// Settle says when a change is told to subscribers and feeds. Parse
	// fills in DefaultSettle; the zero value means the default too.
	Settle Settle
}

// Settle is when a change has settled and alerts: once the new text has
// been read by Fetches fetches (the one that found it included), and, for a
// presentation change (a block of the page shown or hidden with the wording
// around it unchanged, see docs/capture.md), once it has held for
// Presentation. A page that flips back before then alerts nobody.
type Settle struct {
	Fetches      int
	Presentation time.Duration
}

// DefaultSettle is the settling a document gets when its config says
// nothing: the next fetch confirms an edit, and a presentation change must
// hold for 30 days.
func DefaultSettle() Settle { return Settle{Fetches: 2, Presentation: 30 * 24 * time.Hour} }

// SettleRule returns the document's settling, DefaultSettle when it has
// none (a Document not read from a file).
func (d Document) SettleRule() Settle {
	if d.Settle.Fetches == 0 {
		return DefaultSettle()
	}
	return d.Settle
}

// Confirm is when a text the gates hold back for its size (shrunk to less
// than half, grown to more than 2.5 times, or bloated by a repeated block)
// is accepted: once the same text has been read by Fetches consecutive
// fetches, the first and the last at least After apart. A page that really
// changed size keeps saying so; a broken capture rarely repeats itself
// byte for byte over a day, and the document never stays stuck behind a
// bad version.
type Confirm struct {
	Fetches int
	After   time.Duration
}

// DefaultConfirm is the confirmation a document gets when its config says
// nothing: 3 fetches over at least a day, so that with the default schedule
// (every 6 hours) a real change of size becomes a version within about a
// day and a half.
func DefaultConfirm() Confirm { return Confirm{Fetches: 3, After: 24 * time.Hour} }

// ConfirmRule returns the document's confirmation, DefaultConfirm when it
// has none (a Document not read from a file).
func (d Document) ConfirmRule() Confirm {
	if d.Confirm.Fetches == 0 {
		return DefaultConfirm()
	}
	return d.Confirm
}

// Parse reads and validates a config file's contents and fills in defaults.
// name is the file name shown in messages. On any problem it returns nil and
// an *Error listing all of them.
func Parse(name string, b []byte) (*Config, error) {
	w := &walker{problems: problems{file: name}}
	if len(b) > maxFileSize {
		w.addf(1, "", "the file is %d bytes, more than the %d allowed (a config file lists documents, not their contents)", len(b), maxFileSize)
		return nil, w.err()
	}
	root := w.parseYAML(b)
	if root == nil {
		return nil, w.err()
	}
	c := w.config(root)
	if err := w.err(); err != nil {
		return nil, err
	}
	return c, nil
}

// Load reads the config file at path and parses it. A file that cannot be
// read is reported as an *Error too, naming the file, so that start-up fails
// the same way whatever is wrong.
func Load(path string) (*Config, error) {
	b, err := readLimited(path)
	if err != nil {
		reason := err
		var pe *fs.PathError
		if errors.As(err, &pe) {
			reason = pe.Err
		}
		return nil, &Error{Problems: []Problem{{
			File:    path,
			Message: fmt.Sprintf("cannot read the config file: %v (check the path given with --config and its permissions)", reason),
			err:     err,
		}}}
	}
	return Parse(path, b)
}

func readLimited(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, maxFileSize+1))
}

// Default returns the embedded default configuration, the documents of
// WhatsApp and Meta that clausewatch watches when given no --config. It is
// parsed on every call so that callers may modify their copy. It panics only
// if the embedded file is invalid, which a test rules out.
func Default() *Config {
	c, err := Parse(defaultName, []byte(defaultYAML))
	if err != nil {
		panic("config: embedded default.yaml is invalid:\n" + err.Error())
	}
	return c
}

// ApplyEnv lets the environment override the SMTP host and credentials, so
// that secrets need not be written into a file that is often shared or
// committed. Empty variables change nothing.
func (c *Config) ApplyEnv(getenv func(string) string) {
	if v := getenv("CLAUSEWATCH_SMTP_HOST"); v != "" {
		c.SMTP.Host = v
	}
	if v := getenv("CLAUSEWATCH_SMTP_USERNAME"); v != "" {
		c.SMTP.Username = v
	}
	if v := getenv("CLAUSEWATCH_SMTP_PASSWORD"); v != "" {
		c.SMTP.Password = v
	}
}

// Document returns the document with the given id.
func (c *Config) Document(id string) (Document, bool) {
	for _, d := range c.Documents {
		if d.ID == id {
			return d, true
		}
	}
	return Document{}, false
}

// EffectiveSchedule returns the document's own schedule, or the top-level one
// when it has none.
func (d Document) EffectiveSchedule(c *Config) string {
	if d.Schedule != "" {
		return d.Schedule
	}
	return c.Schedule
}

// parseYAML parses b into its top-level node, reporting syntax errors at the
// line they are on. It returns nil when the file is not usable YAML.
func (w *walker) parseYAML(b []byte) *yaml.Node {
	docs, err := decodeAll(b)
	if err != nil {
		reported, msg := splitYAMLError(err)
		w.addf(syntaxErrorLine(b, reported, msg), "",
			"YAML syntax error: %s (check the indentation and quote values that contain \": \", \"#\" or start with a special character)", msg)
		return nil
	}
	if len(docs) > 1 {
		w.at(docs[1], "", "more than one YAML document in the file (remove the \"---\" line and what follows, or merge it into the first)")
	}
	if len(docs) == 0 || len(docs[0].Content) == 0 {
		// An empty file is an empty mapping: it then misses documents.
		return &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: 1}
	}
	root := resolve(docs[0].Content[0])
	if root.Kind != yaml.MappingNode {
		w.at(root, "", "the top level must be a mapping with keys such as documents: and schedule:, got %s (see the example config)", describe(root))
		return nil
	}
	return root
}

func (w *walker) config(root *yaml.Node) *Config {
	// topKeys are the keys allowed at the top level; keys starting with "x-" are
	// also allowed and ignored, as a place for YAML anchors shared by documents.
	topKeys := []string{"schedule", "base_url", "smtp", "webhooks", "fetch", "documents", "history"}
	c := &Config{
		Schedule: defaultSchedule,
		BaseURL:  defaultBaseURL,
		Fetch: Fetch{
			Timeout:        defaultTimeout,
			ConnectTimeout: defaultConnectTimeout,
			MaxBody:        defaultMaxBody,
			MinGap:         defaultMinGap,
			Jitter:         defaultJitter,
			Concurrency:    defaultConcurrency,
			BrowserTabs:    defaultBrowserTabs,
		},
	}
	// Extension keys are dropped before the strict walk.
	trimmed := *root
	trimmed.Content = nil
	for i := 0; i+1 < len(root.Content); i += 2 {
		if k := root.Content[i]; k.Kind == yaml.ScalarNode && strings.HasPrefix(k.Value, "x-") {
			continue
		}
		trimmed.Content = append(trimmed.Content, root.Content[i], root.Content[i+1])
	}
	m, _ := w.mapping(&trimmed, "", topKeys)

	if e, ok := m["schedule"]; ok {
		if s, ok := w.schedule(e.val, "schedule"); ok && s != "" {
			c.Schedule = s
		}
	}
	if e, ok := m["base_url"]; ok {
		if s, ok := w.str(e.val, "base_url"); ok && s != "" {
			if err := checkHTTPURL(s); err != nil {
				w.at(e.val, "base_url", "%s is not an absolute http(s) URL: %v (write the address people use to reach the web UI, e.g. https://clausewatch.example.org)", quote(s), err)
			} else {
				c.BaseURL = strings.TrimRight(s, "/")
			}
		}
	}
	if e, ok := m["history"]; ok {
		if b, ok := w.boolean(e.val, "history"); ok {
			c.History = b
		}
	}
	if e, ok := m["smtp"]; ok {
		c.SMTP = w.smtp(e.val)
	}
	if c.SMTP.TLS == "" {
		c.SMTP.TLS = defaultSMTPTLS
	}
	if c.SMTP.Port == 0 {
		c.SMTP.Port = defaultSMTPPort(c.SMTP.TLS)
	}
	if e, ok := m["webhooks"]; ok {
		c.Webhooks = w.webhooks(e.val)
	}
	if e, ok := m["fetch"]; ok {
		w.fetch(e.val, &c.Fetch)
	}
	if e, ok := m["documents"]; ok {
		c.Documents = w.documents(e.val)
	} else {
		w.addf(root.Line, "documents", "missing (list the pages to watch, each with at least id, url and select; see the example config)")
	}
	return c
}

// schedule reads and checks a cron spec.
func (w *walker) schedule(n *yaml.Node, field string) (string, bool) {
	s, ok := w.str(n, field)
	if !ok || s == "" {
		return "", ok
	}
	if err := checkCron(s); err != nil {
		var often tooOftenError
		if errors.As(err, &often) {
			w.at(n, field, "cron spec %s runs every %s, too often (use @every 1m or longer; policies change a few times a year and fast polling gets the watcher blocked)", quote(s), often.every)
			return "", false
		}
		w.at(n, field, "cron spec %s does not parse: %v (use five fields \"minute hour day month weekday\" such as \"17 */6 * * *\", or @hourly, @daily, @every 6h)", quote(s), err)
		return "", false
	}
	return s, true
}

// defaultSMTPPort is the port conventionally used with each TLS mode.
func defaultSMTPPort(tls string) int {
	switch tls {
	case "tls":
		return 465
	case "none":
		return 25
	}
	return 587
}

func (w *walker) smtp(n *yaml.Node) SMTP {
	smtpKeys := []string{"host", "port", "from", "username", "password", "tls"}
	var s SMTP
	m, ok := w.mapping(n, "smtp", smtpKeys)
	if !ok {
		return s
	}
	if e, ok := m["host"]; ok {
		s.Host, _ = w.str(e.val, "smtp.host")
	}
	if e, ok := m["port"]; ok {
		if p, ok := w.integer(e.val, "smtp.port"); ok {
			if p < 1 || p > 65535 {
				w.at(e.val, "smtp.port", "%d is out of range (use a port between 1 and 65535, usually 587 for starttls or 465 for tls)", p)
			} else {
				s.Port = p
			}
		}
	}
	if e, ok := m["from"]; ok {
		if v, ok := w.str(e.val, "smtp.from"); ok && v != "" {
			if err := checkEmail(v); err != nil {
				w.at(e.val, "smtp.from", "%s is not a mail address: %v (write e.g. \"Clausewatch <alerts@example.org>\")", quote(v), err)
			} else {
				s.From = v
			}
		}
	}
	if e, ok := m["username"]; ok {
		s.Username, _ = w.str(e.val, "smtp.username")
	}
	if e, ok := m["password"]; ok {
		s.Password, _ = w.str(e.val, "smtp.password")
	}
	if e, ok := m["tls"]; ok {
		if v, ok := w.str(e.val, "smtp.tls"); ok && v != "" {
			switch v {
			case "none", "starttls", "tls":
				s.TLS = v
			default:
				w.at(e.val, "smtp.tls", "%s is not one of none, starttls, tls (use starttls for port 587, tls for port 465)", quote(v))
			}
		}
	}
	return s
}

func (w *walker) webhooks(n *yaml.Node) []Webhook {
	webhookKeys := []string{"url", "format", "secret"}
	n = resolve(n)
	if isNull(n) {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		w.at(n, "webhooks", "expected a list, got %s (write each webhook as a \"- url: ...\" item)", describe(n))
		return nil
	}
	var out []Webhook
	for i, item := range n.Content {
		field := index("webhooks", i)
		m, ok := w.mapping(item, field, webhookKeys)
		if !ok {
			continue
		}
		hook := Webhook{Format: defaultWebhookFormat}
		if e, ok := m["url"]; ok {
			if v, ok := w.str(e.val, field+".url"); ok {
				if v == "" {
					w.at(e.val, field+".url", "empty (write the address that should receive changes)")
				} else if err := checkHTTPURL(v); err != nil {
					w.at(e.val, field+".url", "%s is not an absolute http(s) URL: %v (write it in full, starting with https://)", quote(v), err)
				}
				hook.URL = v
			}
		} else {
			w.at(resolve(item), field+".url", "missing (write the address that should receive changes)")
		}
		if e, ok := m["format"]; ok {
			if v, ok := w.str(e.val, field+".format"); ok && v != "" {
				switch v {
				case "json", "slack":
					hook.Format = v
				default:
					w.at(e.val, field+".format", "%s is not one of json, slack (use slack for Slack or Mattermost incoming webhooks, json otherwise)", quote(v))
				}
			}
		}
		if e, ok := m["secret"]; ok {
			hook.Secret, _ = w.str(e.val, field+".secret")
		}
		out = append(out, hook)
	}
	return out
}

func (w *walker) fetch(n *yaml.Node, f *Fetch) {
	fetchKeys := []string{"user_agent", "timeout", "connect_timeout", "max_body", "min_gap", "jitter", "browser_path", "concurrency", "browser_tabs"}
	m, ok := w.mapping(n, "fetch", fetchKeys)
	if !ok {
		return
	}
	if e, ok := m["user_agent"]; ok {
		f.UserAgent, _ = w.str(e.val, "fetch.user_agent")
	}
	if e, ok := m["browser_path"]; ok {
		f.BrowserPath, _ = w.str(e.val, "fetch.browser_path")
	}
	durations := []struct {
		key      string
		dst      *time.Duration
		positive bool
	}{
		{"timeout", &f.Timeout, true},
		{"connect_timeout", &f.ConnectTimeout, true},
		{"min_gap", &f.MinGap, false},
		{"jitter", &f.Jitter, false},
	}
	for _, d := range durations {
		if e, ok := m[d.key]; ok {
			if v, ok := w.duration(e.val, "fetch."+d.key, d.positive); ok {
				*d.dst = v
			}
		}
	}
	if e, ok := m["max_body"]; ok {
		if v, ok := w.size(e.val, "fetch.max_body"); ok {
			f.MaxBody = v
		}
	}
	counts := []struct {
		key  string
		dst  *int
		max  int
		what string
	}{
		{"concurrency", &f.Concurrency, maxConcurrency, "documents fetched at once"},
		{"browser_tabs", &f.BrowserTabs, maxBrowserTabs, "browser tabs open at once"},
	}
	for _, c := range counts {
		if e, ok := m[c.key]; ok {
			if v, ok := w.integer(e.val, "fetch."+c.key); ok {
				if v < 1 || v > c.max {
					w.at(e.val, "fetch."+c.key, "%d is out of range (use 1 to %d %s)", v, c.max, c.what)
				} else {
					*c.dst = v
				}
			}
		}
	}
	if f.ConnectTimeout > f.Timeout {
		e, given := m["connect_timeout"]
		if !given {
			// Only the timeout was lowered: the default connect
			// timeout follows it rather than being an error.
			f.ConnectTimeout = f.Timeout
			return
		}
		w.addf(e.val.Line, "fetch.connect_timeout", "%s is longer than fetch.timeout %s (make it shorter; the timeout covers the whole request)", f.ConnectTimeout, f.Timeout)
	}
}

// duration reads a Go duration such as "30s" or "1m30s". A bare number is
// refused because it is ambiguous (seconds? milliseconds?).
func (w *walker) duration(n *yaml.Node, field string, positive bool) (time.Duration, bool) {
	n = resolve(n)
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!str" {
		w.at(n, field, "expected a duration, got %s%s (write a number with a unit, e.g. 30s, 2m or 1h30m)", describe(n), shortValue(n))
		return 0, false
	}
	d, err := time.ParseDuration(n.Value)
	if err != nil {
		w.at(n, field, "%s is not a duration (write a number with a unit, e.g. 30s, 2m or 1h30m)", quote(n.Value))
		return 0, false
	}
	switch {
	case d < 0:
		w.at(n, field, "%s is negative (use 0s or more)", quote(n.Value))
		return 0, false
	case positive && d == 0:
		w.at(n, field, "must be more than zero (e.g. 30s)")
		return 0, false
	}
	return d, true
}

// size reads a byte count, either a plain number or text like "10MiB".
func (w *walker) size(n *yaml.Node, field string) (int64, bool) {
	n = resolve(n)
	if n.Kind != yaml.ScalarNode || (n.ShortTag() != "!!str" && n.ShortTag() != "!!int") {
		w.at(n, field, "expected a size, got %s%s (write bytes or a size with a unit, e.g. 10MiB)", describe(n), shortValue(n))
		return 0, false
	}
	v, err := ParseSize(n.Value)
	if err != nil {
		w.at(n, field, "%s is not a size: %v (write bytes or a size with a unit: B, KB, KiB, MB, MiB, GB, GiB, e.g. 10MiB)", quote(n.Value), err)
		return 0, false
	}
	if v <= 0 || v > maxBodyLimit {
		w.at(n, field, "%s is out of range (use between 1 byte and 1GiB; 10MiB is plenty for a policy page)", quote(n.Value))
		return 0, false
	}
	return v, true
}

func (w *walker) documents(n *yaml.Node) []Document {
	n = resolve(n)
	if n.Kind != yaml.SequenceNode && !isNull(n) {
		w.at(n, "documents", "expected a list, got %s (write each document as a \"- id: ...\" item)", describe(n))
		return nil
	}
	if len(n.Content) == 0 {
		w.at(n, "documents", "the list is empty (add at least one document with id, url and select)")
		return nil
	}
	var out []Document
	firstID := map[string]int{} // id -> index of the first document using it
	idLine := map[string]int{}
	for i, item := range n.Content {
		d, idNode, ok := w.document(item, index("documents", i))
		if !ok {
			continue
		}
		if d.ID != "" {
			if j, dup := firstID[d.ID]; dup {
				w.at(idNode, index("documents", i)+".id", "duplicate id %s, already used by documents[%d] at line %d (give each document its own id)", quote(d.ID), j, idLine[d.ID])
			} else {
				firstID[d.ID] = i
				idLine[d.ID] = idNode.Line
			}
		}
		out = append(out, d)
	}
	return out
}

// document reads one entry of documents. It also returns the node of its id
// so that duplicates can be reported where they are.
func (w *walker) document(item *yaml.Node, field string) (Document, *yaml.Node, bool) {
	documentKeys := []string{"id", "url", "service", "title", "region", "language", "schedule", "select", "remove", "browser", "confirm", "settle"}
	d := Document{Confirm: DefaultConfirm(), Settle: DefaultSettle()}
	item = resolve(item)
	m, ok := w.mapping(item, field, documentKeys)
	if !ok {
		return d, nil, false
	}
	var idNode *yaml.Node
	if e, ok := m["id"]; ok {
		idNode = resolve(e.val)
		if v, ok := w.str(e.val, field+".id"); ok {
			switch {
			case v == "":
				w.at(e.val, field+".id", "empty (write a short unique name such as \"whatsapp-privacy-policy\")")
			case !idPattern().MatchString(v):
				w.at(e.val, field+".id", "%s is not a valid id (use 1 to 64 lowercase letters, digits and dashes, starting with a letter or digit, e.g. \"whatsapp-privacy-policy\")", quote(v))
			default:
				d.ID = v
			}
		}
	} else {
		w.at(item, field+".id", "missing (add a short unique name such as \"whatsapp-privacy-policy\")")
	}
	if e, ok := m["url"]; ok {
		if v, ok := w.str(e.val, field+".url"); ok {
			if v == "" {
				w.at(e.val, field+".url", "empty (write the address of the page to watch)")
			} else if err := checkHTTPURL(v); err != nil {
				w.at(e.val, field+".url", "%s is not an absolute http(s) URL: %v (write it in full, starting with https://)", quote(v), err)
			}
			d.URL = v
		}
	} else {
		w.at(item, field+".url", "missing (add the address of the page to watch)")
	}
	for _, opt := range []struct {
		key string
		dst *string
	}{{"service", &d.Service}, {"title", &d.Title}, {"region", &d.Region}} {
		if e, ok := m[opt.key]; ok {
			*opt.dst, _ = w.str(e.val, field+"."+opt.key)
		}
	}
	if e, ok := m["language"]; ok {
		if v, ok := w.str(e.val, field+".language"); ok && v != "" {
			if tag, err := checkLanguage(v); err != nil {
				w.at(e.val, field+".language", "%s is not a language tag: %v (use a BCP 47 tag such as en, es, pt-BR)", quote(v), err)
			} else {
				d.Language = tag
			}
		}
	}
	if e, ok := m["schedule"]; ok {
		d.Schedule, _ = w.schedule(e.val, field+".schedule")
	}
	if e, ok := m["select"]; ok {
		var ok bool
		d.Select, ok = w.selectors(e.val, field+".select")
		if ok && len(d.Select) == 0 {
			w.at(e.val, field+".select", "empty (give the CSS selector of the element that holds the policy text, e.g. \"#content-wrapper\")")
		}
	} else {
		w.at(item, field+".select", "missing (add the CSS selector of the element that holds the policy text, e.g. \"#content-wrapper\")")
	}
	if e, ok := m["remove"]; ok {
		d.Remove, _ = w.selectors(e.val, field+".remove")
	}
	if e, ok := m["browser"]; ok {
		d.Browser, _ = w.boolean(e.val, field+".browser")
	}
	if e, ok := m["confirm"]; ok {
		w.confirm(e.val, field+".confirm", &d.Confirm)
	}
	if e, ok := m["settle"]; ok {
		w.settle(e.val, field+".settle", &d.Settle)
	}
	return d, idNode, true
}

// settle reads a document's settle mapping into s, which holds the
// defaults for what it leaves out.
func (w *walker) settle(n *yaml.Node, field string, s *Settle) {
	m, ok := w.mapping(n, field, []string{"fetches", "presentation"})
	if !ok {
		return
	}
	if e, ok := m["fetches"]; ok {
		if v, ok := w.integer(e.val, field+".fetches"); ok {
			if v < 1 || v > maxSettleFetches {
				w.at(e.val, field+".fetches", "%d is out of range (use 1 to %d fetches of the new text; 1 alerts on the first fetch, 2 waits for the next one)", v, maxSettleFetches)
			} else {
				s.Fetches = v
			}
		}
	}
	if e, ok := m["presentation"]; ok {
		if v, ok := w.duration(e.val, field+".presentation", false); ok {
			if v > maxSettlePresentation {
				w.at(e.val, field+".presentation", "%s is longer than %s (a block of the policy that really appeared would wait that long for its alert; use e.g. 720h for 30 days)", v, maxSettlePresentation)
			} else {
				s.Presentation = v
			}
		}
	}
}

// confirm reads a document's confirm mapping into c, which holds the
// defaults for what it leaves out.
func (w *walker) confirm(n *yaml.Node, field string, c *Confirm) {
	m, ok := w.mapping(n, field, []string{"fetches", "after"})
	if !ok {
		return
	}
	if e, ok := m["fetches"]; ok {
		if v, ok := w.integer(e.val, field+".fetches"); ok {
			if v < minConfirmFetches || v > maxConfirmFetches {
				w.at(e.val, field+".fetches", "%d is out of range (use %d to %d consecutive fetches of the same text; fewer than %d would accept every shrunk or grown page at once)",
					v, minConfirmFetches, maxConfirmFetches, minConfirmFetches)
			} else {
				c.Fetches = v
			}
		}
	}
	if e, ok := m["after"]; ok {
		if v, ok := w.duration(e.val, field+".after", false); ok {
			if v > maxConfirmAfter {
				w.at(e.val, field+".after", "%s is longer than %s (a page that really changed size would wait that long for its version; use e.g. 24h)", v, maxConfirmAfter)
			} else {
				c.After = v
			}
		}
	}
}

// selectors reads a string or list of CSS selectors and checks that each
// parses. ok is false when any of them was reported.
func (w *walker) selectors(n *yaml.Node, field string) ([]string, bool) {
	list, ok := w.strList(n, field)
	if !ok {
		return nil, false
	}
	n = resolve(n)
	var out []string
	for i, s := range list {
		f, line := field, n.Line
		if n.Kind == yaml.SequenceNode {
			f, line = index(field, i), resolve(n.Content[i]).Line
		}
		if err := checkSelector(s); err != nil {
			w.addf(line, f, "CSS selector %s does not parse: %v (fix the selector; goquery would silently match nothing)", quote(s), err)
			ok = false
			continue
		}
		out = append(out, s)
	}
	return out, ok
}
