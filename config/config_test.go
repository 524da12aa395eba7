package config

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/clausewatch/clausewatch/internal/corpustest"
)

// minimal is the smallest valid config; cases append to it or replace it.
const minimal = `documents:
  - id: a
    url: https://example.org/privacy
    select: main
`

// problemsOf parses src and returns its problems, failing the test if the
// error is not an *Error.
func problemsOf(t *testing.T, src string) []Problem {
	t.Helper()
	c, err := Parse("c.yaml", []byte(src))
	if err == nil {
		t.Fatalf("Parse accepted the config, want an error; got %+v", c)
	}
	if c != nil {
		t.Errorf("Parse returned a config along with the error")
	}
	var ce *Error
	if !errors.As(err, &ce) {
		t.Fatalf("error is %T, want *config.Error: %v", err, err)
	}
	return ce.Problems
}

func TestProblems(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want string // exact prefix of the single problem reported
	}{
		// YAML syntax: the line must be the one that is wrong, not where
		// the enclosing block starts.
		{"syntax: colon in value", "documents:\n  - id: a\n    url: https://example.org/p\n    select: div: x\n",
			`c.yaml:4: YAML syntax error: mapping values are not allowed in this context (`},
		{"syntax: on first line", "a: b: c\n",
			`c.yaml:1: YAML syntax error: mapping values are not allowed in this context (`},
		{"syntax: bad indentation", "documents:\n  - id: a\n    url: https://example.org/p\n   select: main\n",
			`c.yaml:4: YAML syntax error: did not find expected '-' indicator`},
		{"syntax: tab", "documents:\n  - id: a\n    url: https://example.org/p\n\tselect: main\n",
			`c.yaml:4: YAML syntax error: found a tab character`},
		{"syntax: unknown anchor", minimal + "    remove: *nope\n",
			`c.yaml:5: YAML syntax error: unknown anchor 'nope' referenced`},
		{"syntax: unclosed list", "documents:\n  - id: a\n    url: https://example.org/p\n    select: [main, div\n  - id: b\n",
			`c.yaml:4: YAML syntax error: did not find expected ',' or ']'`},
		{"syntax: error far below its block", "documents:\n" + strings.Repeat("  - id: a\n    url: https://example.org/p\n    select: main\n", 20) + "  - id: b\n    url: 'x'y\n",
			`c.yaml:63: YAML syntax error: did not find expected key (`},
		{"file too large", strings.Repeat("# padding\n", 1700000) + minimal,
			`c.yaml:1: the file is 17000075 bytes, more than the 16777216 allowed (`},
		{"second YAML document", minimal + "---\nschedule: '@daily'\n",
			`c.yaml:5: more than one YAML document in the file (`},
		{"top level is a list", "- id: a\n",
			`c.yaml:1: the top level must be a mapping with keys such as documents: and schedule:, got a list (`},

		// Keys.
		{"unknown top-level key, close to one", "schedul: '@daily'\n" + minimal,
			`c.yaml:1: schedul: unknown key "schedul" (did you mean "schedule"?)`},
		{"unknown document key, close to one", minimal + "    titel: Privacy\n",
			`c.yaml:5: documents[0].titel: unknown key "titel" (did you mean "title"?)`},
		{"unknown key, two edits away", minimal + "    remve_: nav\n",
			`c.yaml:5: documents[0].remve_: unknown key "remve_" (did you mean "remove"?)`},
		{"unknown key, nothing close", minimal + "    colour: red\n",
			`c.yaml:5: documents[0].colour: unknown key "colour" (allowed keys here: id, url, service, title, region, language, schedule, select, remove, browser, confirm, settle)`},
		{"unknown smtp key", "smtp:\n  hots: mail.example.org\n" + minimal,
			`c.yaml:2: smtp.hots: unknown key "hots" (did you mean "host"?)`},
		{"duplicate key", minimal + "    url: https://example.org/other\n",
			`c.yaml:5: documents[0].url: key given twice, first at line 3 (keep only one of them)`},

		// Types.
		{"browser is not a boolean", minimal + "    browser: \"yes\"\n",
			`c.yaml:5: documents[0].browser: expected true or false, got a string "yes" (`},
		{"url is a list", "documents:\n  - id: a\n    url: [https://example.org/p]\n    select: main\n",
			`c.yaml:3: documents[0].url: expected a string, got a list (`},
		{"title is a boolean", minimal + "    title: true\n",
			`c.yaml:5: documents[0].title: expected a string, got true/false (put it in quotes`},
		{"smtp is a string", "smtp: mail.example.org\n" + minimal,
			`c.yaml:1: smtp: expected a mapping with keys such as host, port, from, got a string (indent the keys under smtp:)`},
		{"smtp.port is text", "smtp:\n  port: submission\n" + minimal,
			`c.yaml:2: smtp.port: expected a whole number, got a string "submission" (`},
		{"documents is a mapping", "documents:\n  id: a\n",
			`c.yaml:2: documents: expected a list, got a mapping of keys (`},
		{"document is a string", "documents:\n  - whatsapp\n",
			`c.yaml:2: documents[0]: expected a mapping with keys such as id, url, service, got a string (`},
		{"select item is a list", minimal + "    remove:\n      - nav\n      - [footer]\n",
			`c.yaml:7: documents[0].remove[1]: expected a string, got a list (`},
		{"timeout without unit", "fetch:\n  timeout: 30\n" + minimal,
			`c.yaml:2: fetch.timeout: expected a duration, got a number "30" (write a number with a unit`},
		{"timeout not a duration", "fetch:\n  timeout: half a minute\n" + minimal,
			`c.yaml:2: fetch.timeout: "half a minute" is not a duration (`},
		{"negative jitter", "fetch:\n  jitter: -1s\n" + minimal,
			`c.yaml:2: fetch.jitter: "-1s" is negative (`},
		{"no concurrency", "fetch:\n  concurrency: 0\n" + minimal,
			`c.yaml:2: fetch.concurrency: 0 is out of range (use 1 to 64 documents fetched at once)`},
		{"too many tabs", "fetch:\n  browser_tabs: 100\n" + minimal,
			`c.yaml:2: fetch.browser_tabs: 100 is out of range (use 1 to 16 browser tabs open at once)`},
		{"max_body unknown unit", "fetch:\n  max_body: 10 parsecs\n" + minimal,
			`c.yaml:2: fetch.max_body: "10 parsecs" is not a size: unknown unit "parsecs" (`},
		{"max_body too large", "fetch:\n  max_body: 2GiB\n" + minimal,
			`c.yaml:2: fetch.max_body: "2GiB" is out of range (`},
		{"connect_timeout longer than timeout", "fetch:\n  timeout: 5s\n  connect_timeout: 10s\n" + minimal,
			`c.yaml:3: fetch.connect_timeout: 10s is longer than fetch.timeout 5s (`},
		{"unknown top-level key", "colour: red\n" + minimal,
			`c.yaml:1: colour: unknown key "colour" (allowed keys here: schedule, base_url, smtp, webhooks, fetch, documents, history)`},

		// Required fields: reported at the line of the document.
		{"missing id", "documents:\n  - url: https://example.org/p\n    select: main\n",
			`c.yaml:2: documents[0].id: missing (`},
		{"missing url", "documents:\n  - id: a\n    select: main\n",
			`c.yaml:2: documents[0].url: missing (`},
		{"missing select", "documents:\n  - id: a\n    url: https://example.org/p\n",
			`c.yaml:2: documents[0].select: missing (`},
		{"empty select list", minimal[:len(minimal)-len("    select: main\n")] + "    select: []\n",
			`c.yaml:4: documents[0].select: empty (`},
		{"empty url", "documents:\n  - id: a\n    url: \"\"\n    select: main\n",
			`c.yaml:3: documents[0].url: empty (`},
		{"missing documents", "schedule: '@daily'\n",
			`c.yaml:1: documents: missing (`},
		{"empty file", "",
			`c.yaml:1: documents: missing (`},
		{"empty documents list", "documents: []\n",
			`c.yaml:1: documents: the list is empty (`},
		{"documents with nothing", "documents:\n",
			`c.yaml:1: documents: the list is empty (`},

		// Values.
		{"duplicate id", minimal + "  - id: a\n    url: https://example.org/terms\n    select: main\n",
			`c.yaml:5: documents[1].id: duplicate id "a", already used by documents[0] at line 2 (`},
		{"id with capitals", "documents:\n  - id: WhatsApp\n    url: https://example.org/p\n    select: main\n",
			`c.yaml:2: documents[0].id: "WhatsApp" is not a valid id (`},
		{"id starting with a dash", "documents:\n  - id: -a\n    url: https://example.org/p\n    select: main\n",
			`c.yaml:2: documents[0].id: "-a" is not a valid id (`},
		{"id too long", "documents:\n  - id: " + strings.Repeat("a", 65) + "\n    url: https://example.org/p\n    select: main\n",
			`c.yaml:2: documents[0].id: "aaaa`},
		{"url without scheme", "documents:\n  - id: a\n    url: www.whatsapp.com/legal\n    select: main\n",
			`c.yaml:3: documents[0].url: "www.whatsapp.com/legal" is not an absolute http(s) URL: no scheme (`},
		{"url with ftp scheme", "documents:\n  - id: a\n    url: ftp://example.org/p\n    select: main\n",
			`c.yaml:3: documents[0].url: "ftp://example.org/p" is not an absolute http(s) URL: scheme "ftp" is not http or https (`},
		{"url without host", "documents:\n  - id: a\n    url: https:///p\n    select: main\n",
			`c.yaml:3: documents[0].url: "https:///p" is not an absolute http(s) URL: no host (`},
		{"bad top-level cron", "schedule: '61 * * * *'\n" + minimal,
			`c.yaml:1: schedule: cron spec "61 * * * *" does not parse: `},
		{"cron with six fields", "schedule: '0 17 */6 * * *'\n" + minimal,
			`c.yaml:1: schedule: cron spec "0 17 */6 * * *" does not parse: expected exactly 5 fields`},
		{"bad document cron", minimal + "    schedule: '@fortnightly'\n",
			`c.yaml:5: documents[0].schedule: cron spec "@fortnightly" does not parse: `},
		{"every too often", minimal + "    schedule: '@every 10s'\n",
			`c.yaml:5: documents[0].schedule: cron spec "@every 10s" runs every 10s, too often (`},
		{"time zone without spec", "schedule: CRON_TZ=UTC\n" + minimal,
			`c.yaml:1: schedule: cron spec "CRON_TZ=UTC" does not parse: `},
		{"bad select", "documents:\n  - id: a\n    url: https://example.org/p\n    select: \"div[\"\n",
			`c.yaml:4: documents[0].select: CSS selector "div[" does not parse: `},
		{"bad remove item", minimal + "    remove:\n      - nav\n      - \"div:has(> a)\"\n",
			`c.yaml:7: documents[0].remove[1]: CSS selector "div:has(> a)" does not parse: `},
		{"empty selector", minimal + "    remove: \" \"\n",
			`c.yaml:5: documents[0].remove: CSS selector " " does not parse: empty selector (`},
		{"bad language", minimal + "    language: english!\n",
			`c.yaml:5: documents[0].language: "english!" is not a language tag: `},
		{"smtp.tls unknown", "smtp:\n  tls: ssl\n" + minimal,
			`c.yaml:2: smtp.tls: "ssl" is not one of none, starttls, tls (`},
		{"smtp.port too high", "smtp:\n  port: 70000\n" + minimal,
			`c.yaml:2: smtp.port: 70000 is out of range (`},
		{"smtp.port zero", "smtp:\n  port: 0\n" + minimal,
			`c.yaml:2: smtp.port: 0 is out of range (`},
		{"smtp.from not an address", "smtp:\n  from: clausewatch\n" + minimal,
			`c.yaml:2: smtp.from: "clausewatch" is not a mail address: `},
		{"webhook url relative", "webhooks:\n  - url: /hook\n" + minimal,
			`c.yaml:2: webhooks[0].url: "/hook" is not an absolute http(s) URL: no scheme (`},
		{"webhook url missing", "webhooks:\n  - format: json\n" + minimal,
			`c.yaml:2: webhooks[0].url: missing (`},
		{"webhook format unknown", "webhooks:\n  - url: https://hooks.example.org/a\n  - url: https://hooks.example.org/b\n    format: xml\n" + minimal,
			`c.yaml:4: webhooks[1].format: "xml" is not one of json, slack (`},
		{"base_url relative", "base_url: /clausewatch\n" + minimal,
			`c.yaml:1: base_url: "/clausewatch" is not an absolute http(s) URL: no scheme (`},
		{"unknown key in an anchored document merged into another, reported once",
			"documents:\n  - &first\n    id: a\n    url: https://example.org/p\n    select: main\n    servise: X\n  - <<: *first\n    id: b\n",
			`c.yaml:6: documents[0].servise: unknown key "servise" (did you mean "service"?)`},
		{"nested merge keys", "x-base: &base\n  select: main\n  colour: red\nx-wa: &wa\n  <<: *base\n  service: WhatsApp\ndocuments:\n  - <<: *wa\n    id: a\n    url: https://example.org/p\n",
			`c.yaml:3: documents[0].colour: unknown key "colour" (allowed keys here: `},
		{"long value is cut", "documents:\n  - id: a\n    url: " + strings.Repeat("x", 200) + "\n    select: main\n",
			`c.yaml:3: documents[0].url: "` + strings.Repeat("x", 80) + `"... is not an absolute http(s) URL: no scheme (`},
		// Confirmation of held-back texts.
		{"confirm: one fetch", minimal + "    confirm: {fetches: 1}\n",
			`c.yaml:5: documents[0].confirm.fetches: 1 is out of range (use 2 to 100 consecutive fetches`},
		{"confirm: fetches not a number", minimal + "    confirm: {fetches: three}\n",
			`c.yaml:5: documents[0].confirm.fetches: expected a whole number, got a string "three" (`},
		{"confirm: after without unit", minimal + "    confirm:\n      after: 24\n",
			`c.yaml:6: documents[0].confirm.after: expected a duration, got a number`},
		{"confirm: after negative", minimal + "    confirm: {after: -1h}\n",
			`c.yaml:5: documents[0].confirm.after: "-1h" is negative (`},
		{"confirm: after too long", minimal + "    confirm: {after: 2000h}\n",
			`c.yaml:5: documents[0].confirm.after: 2000h0m0s is longer than 720h0m0s (`},
		{"confirm: unknown key", minimal + "    confirm: {fetch: 3}\n",
			`c.yaml:5: documents[0].confirm.fetch: unknown key "fetch" (did you mean "fetches"?)`},
		{"confirm: not a mapping", minimal + "    confirm: 3\n",
			`c.yaml:5: documents[0].confirm: expected a mapping with keys such as fetches, after, got a number (`},
		// Settling of changes.
		{"settle: no fetch", minimal + "    settle: {fetches: 0}\n",
			`c.yaml:5: documents[0].settle.fetches: 0 is out of range (use 1 to 100 fetches`},
		{"settle: presentation too long", minimal + "    settle: {presentation: 3000h}\n",
			`c.yaml:5: documents[0].settle.presentation: 3000h0m0s is longer than 2160h0m0s (`},
		{"settle: unknown key", minimal + "    settle: {window: 24h}\n",
			`c.yaml:5: documents[0].settle.window: unknown key "window" (`},
		{"unknown key merged from an anchor", "x-common: &common\n  servise: WhatsApp\ndocuments:\n  - <<: *common\n    id: a\n    url: https://example.org/p\n    select: main\n",
			`c.yaml:2: documents[0].servise: unknown key "servise" (did you mean "service"?)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps := problemsOf(t, tt.src)
			if len(ps) != 1 {
				t.Fatalf("got %d problems, want 1:\n%s", len(ps), (&Error{Problems: ps}).Error())
			}
			if got := ps[0].String(); !strings.HasPrefix(got, tt.want) {
				t.Errorf("problem:\n got  %s\n want %s...", got, tt.want)
			}
			if got := ps[0].Message; !strings.HasSuffix(got, ")") && !strings.HasSuffix(got, "?)") {
				t.Errorf("message %q does not end with what to do in parentheses", got)
			}
		})
	}
}

func TestSeveralProblemsReportedTogether(t *testing.T) {
	src := `schedule: every day
smtp:
  tls: ssl
documents:
  - id: whatsapp-privacy
    url: whatsapp.com/legal
    select: "div["
  - id: whatsapp-privacy
    url: https://www.whatsapp.com/legal/terms-of-service
    selct: main
`
	want := []string{
		`c.yaml:1: schedule: cron spec "every day" does not parse: `,
		`c.yaml:3: smtp.tls: "ssl" is not one of none, starttls, tls (`,
		`c.yaml:6: documents[0].url: "whatsapp.com/legal" is not an absolute http(s) URL: `,
		`c.yaml:7: documents[0].select: CSS selector "div[" does not parse: `,
		`c.yaml:8: documents[1].select: missing (`,
		`c.yaml:8: documents[1].id: duplicate id "whatsapp-privacy", already used by documents[0] at line 5 (`,
		`c.yaml:10: documents[1].selct: unknown key "selct" (did you mean "select"?)`,
	}
	ps := problemsOf(t, src)
	_, err := Parse("c.yaml", []byte(src))
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != len(want) || len(ps) != len(want) {
		t.Fatalf("got %d lines (%d problems), want %d:\n%s", len(lines), len(ps), len(want), err)
	}
	for i, w := range want {
		if !strings.HasPrefix(lines[i], w) {
			t.Errorf("line %d:\n got  %s\n want %s...", i+1, lines[i], w)
		}
		if lines[i] != ps[i].String() {
			t.Errorf("Error() line %d = %q, differs from Problems[%d] = %q", i+1, lines[i], i, ps[i].String())
		}
	}
}

func TestSelectStringOrList(t *testing.T) {
	tests := []struct {
		name       string
		select_    string
		remove     string
		wantSelect []string
		wantRemove []string
	}{
		{"string", `"#content-wrapper"`, ``, []string{"#content-wrapper"}, nil},
		{"flow list", `["#root", main]`, `nav`, []string{"#root", "main"}, []string{"nav"}},
		{"block list", "\n      - \"#root\"\n      - article", "\n      - nav\n      - 'a[href=\"#\"]'",
			[]string{"#root", "article"}, []string{"nav", `a[href="#"]`}},
		{"group in one string", `"h1, .policy"`, `[]`, []string{"h1, .policy"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := "documents:\n  - id: a\n    url: https://example.org/p\n    select: " + tt.select_ + "\n"
			if tt.remove != "" {
				src += "    remove: " + tt.remove + "\n"
			}
			c, err := Parse("c.yaml", []byte(src))
			if err != nil {
				t.Fatalf("Parse:\n%v\nsource:\n%s", err, src)
			}
			d := c.Documents[0]
			if !reflect.DeepEqual(d.Select, tt.wantSelect) {
				t.Errorf("Select = %q, want %q", d.Select, tt.wantSelect)
			}
			if !reflect.DeepEqual(d.Remove, tt.wantRemove) {
				t.Errorf("Remove = %q, want %q", d.Remove, tt.wantRemove)
			}
		})
	}
}

func TestDefaultsFilled(t *testing.T) {
	c, err := Parse("c.yaml", []byte(minimal))
	if err != nil {
		t.Fatal(err)
	}
	want := &Config{
		Schedule: "17 */6 * * *",
		BaseURL:  "http://localhost:8080",
		SMTP:     SMTP{Port: 587, TLS: "starttls"},
		Fetch: Fetch{
			Timeout:        30 * time.Second,
			ConnectTimeout: 10 * time.Second,
			MaxBody:        10 << 20,
			MinGap:         2 * time.Second,
			Jitter:         30 * time.Second,
			Concurrency:    8,
			BrowserTabs:    2,
		},
		Documents: []Document{{ID: "a", URL: "https://example.org/privacy", Select: []string{"main"}, Confirm: Confirm{Fetches: 3, After: 24 * time.Hour}, Settle: DefaultSettle()}},
	}
	if !reflect.DeepEqual(c, want) {
		t.Errorf("Parse(minimal) =\n%+v\nwant\n%+v", c, want)
	}
	if got := c.Documents[0].EffectiveSchedule(c); got != "17 */6 * * *" {
		t.Errorf("EffectiveSchedule = %q, want the top-level default", got)
	}
}

func TestSMTPPortFollowsTLS(t *testing.T) {
	tests := []struct {
		name, smtp string
		wantPort   int
		wantTLS    string
	}{
		{"tls", "smtp:\n  tls: tls\n", 465, "tls"},
		{"starttls", "smtp:\n  tls: starttls\n", 587, "starttls"},
		{"none", "smtp:\n  tls: none\n", 25, "none"},
		{"explicit port wins", "smtp:\n  tls: tls\n  port: 2465\n", 2465, "tls"},
		{"nothing", "", 587, "starttls"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Parse("c.yaml", []byte(tt.smtp+minimal))
			if err != nil {
				t.Fatal(err)
			}
			if c.SMTP.Port != tt.wantPort || c.SMTP.TLS != tt.wantTLS {
				t.Errorf("SMTP = %+v, want port %d tls %s", c.SMTP, tt.wantPort, tt.wantTLS)
			}
		})
	}
}

func TestFetchSettings(t *testing.T) {
	tests := []struct {
		name, fetch string
		want        Fetch
	}{
		{"lower timeout pulls the default connect timeout down", "fetch:\n  timeout: 5s\n",
			Fetch{Timeout: 5 * time.Second, ConnectTimeout: 5 * time.Second, MaxBody: 10 << 20, MinGap: 2 * time.Second, Jitter: 30 * time.Second, Concurrency: 8, BrowserTabs: 2}},
		{"max_body as a number of bytes", "fetch:\n  max_body: 65536\n",
			Fetch{Timeout: 30 * time.Second, ConnectTimeout: 10 * time.Second, MaxBody: 65536, MinGap: 2 * time.Second, Jitter: 30 * time.Second, Concurrency: 8, BrowserTabs: 2}},
		{"zero jitter and gap", "fetch:\n  jitter: 0s\n  min_gap: 0s\n  max_body: 1 MiB\n",
			Fetch{Timeout: 30 * time.Second, ConnectTimeout: 10 * time.Second, MaxBody: 1 << 20, Concurrency: 8, BrowserTabs: 2}},
		{"concurrency and browser tabs", "fetch:\n  concurrency: 32\n  browser_tabs: 1\n",
			Fetch{Timeout: 30 * time.Second, ConnectTimeout: 10 * time.Second, MaxBody: 10 << 20, MinGap: 2 * time.Second, Jitter: 30 * time.Second, Concurrency: 32, BrowserTabs: 1}},
		{"empty fetch block", "fetch:\n",
			Fetch{Timeout: 30 * time.Second, ConnectTimeout: 10 * time.Second, MaxBody: 10 << 20, MinGap: 2 * time.Second, Jitter: 30 * time.Second, Concurrency: 8, BrowserTabs: 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Parse("c.yaml", []byte(tt.fetch+minimal))
			if err != nil {
				t.Fatal(err)
			}
			if c.Fetch != tt.want {
				t.Errorf("Fetch = %+v, want %+v", c.Fetch, tt.want)
			}
		})
	}
}

func TestParseSize(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want int64
		ok   bool
	}{
		{"bytes", "1048576", 1 << 20, true},
		{"MiB", "10MiB", 10 << 20, true},
		{"space and lower case", "512 kib", 512 << 10, true},
		{"decimal MB", "2MB", 2000000, true},
		{"B", "100B", 100, true},
		{"fraction", "1.5MiB", 0, false},
		{"unknown unit", "3 furlongs", 0, false},
		{"overflow", "99999999999GiB", 0, false},
		{"empty", "", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseSize(tt.in)
			if (err == nil) != tt.ok || got != tt.want {
				t.Errorf("ParseSize(%q) = %d, %v; want %d, ok=%v", tt.in, got, err, tt.want, tt.ok)
			}
		})
	}
}

func TestParseValidFile(t *testing.T) {
	c, err := Load(filepath.Join("testdata", "valid.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	want := &Config{
		Schedule: "@every 6h",
		BaseURL:  "https://clausewatch.example.org",
		SMTP: SMTP{
			Host: "smtp.example.org", Port: 2525, From: "Clausewatch <alerts@example.org>",
			Username: "alerts@example.org", Password: "12345", TLS: "tls",
		},
		Webhooks: []Webhook{
			{URL: "https://hooks.example.org/clausewatch", Format: "json", Secret: "s3cret"},
			{URL: "https://hooks.slack.com/services/T000/B000/XXXX", Format: "slack"},
		},
		Fetch: Fetch{
			UserAgent:      "clausewatch-test (+https://clausewatch.example.org)",
			Timeout:        time.Minute,
			ConnectTimeout: 5 * time.Second,
			MaxBody:        512 << 10,
			MinGap:         0,
			Jitter:         10 * time.Second,
			BrowserPath:    "/usr/bin/chromium",
			Concurrency:    16,
			BrowserTabs:    3,
		},
		Documents: []Document{
			{
				ID: "whatsapp-privacy-policy-eea", URL: "https://www.whatsapp.com/legal/privacy-policy-eea?lang=en",
				Service: "WhatsApp", Title: "WhatsApp Privacy Policy", Region: "European Region", Language: "en",
				Select: []string{"#content-wrapper"}, Remove: []string{`p:haschild(a[href="#top-of-page"])`},
				Confirm: Confirm{Fetches: 3, After: 24 * time.Hour}, Settle: DefaultSettle(),
			},
			{
				ID: "whatsapp-privacy-policy-es", URL: "https://www.whatsapp.com/legal/privacy-policy?lang=es",
				Service: "WhatsApp", Title: "Política de privacidad de WhatsApp", Language: "es",
				Schedule: "CRON_TZ=Europe/Madrid 30 8 * * 1-5",
				Select:   []string{"#content-wrapper"}, Remove: nil,
				Confirm: Confirm{Fetches: 4, After: 36 * time.Hour},
				Settle:  Settle{Fetches: 3, Presentation: 30 * 24 * time.Hour},
			},
			{
				ID: "meta-privacy-policy", URL: "https://mbasic.facebook.com/privacy/policy/printable/",
				Service: "Meta", Browser: true,
				Select: []string{"#root", "main"}, Remove: []string{`a[href="#"]`},
				Confirm: Confirm{Fetches: 3, After: 0}, Settle: Settle{Fetches: 1, Presentation: 0},
			},
		},
	}
	if !reflect.DeepEqual(c, want) {
		t.Errorf("Load(valid.yaml) =\n%+v\nwant\n%+v", c, want)
	}
	es, ok := c.Document("whatsapp-privacy-policy-es")
	if !ok {
		t.Fatal("Document(whatsapp-privacy-policy-es) not found")
	}
	if got := es.EffectiveSchedule(c); got != "CRON_TZ=Europe/Madrid 30 8 * * 1-5" {
		t.Errorf("EffectiveSchedule = %q, want the document's own", got)
	}
	meta, _ := c.Document("meta-privacy-policy")
	if got := meta.EffectiveSchedule(c); got != "@every 6h" {
		t.Errorf("EffectiveSchedule = %q, want the top-level one", got)
	}
	if _, ok := c.Document("nope"); ok {
		t.Error("Document(nope) reported found")
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.yaml")
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(good, []byte(minimal), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bad, []byte("documents: []\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		path    string
		want    string // prefix of the error; empty for success
		notFind bool
	}{
		{"valid", good, "", false},
		{"missing file", filepath.Join(dir, "missing.yaml"), filepath.Join(dir, "missing.yaml") + ": cannot read the config file: no such file or directory (", true},
		{"directory", dir, dir + ": cannot read the config file: ", false},
		{"invalid content names the path", bad, bad + ":1: documents: the list is empty (", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Load(tt.path)
			if tt.want == "" {
				if err != nil || c == nil || len(c.Documents) != 1 {
					t.Fatalf("Load = %+v, %v; want one document", c, err)
				}
				return
			}
			var ce *Error
			if !errors.As(err, &ce) {
				t.Fatalf("Load error = %v (%T), want *config.Error", err, err)
			}
			if !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("Load error:\n got  %s\n want %s...", err, tt.want)
			}
			if got := errors.Is(err, fs.ErrNotExist); got != tt.notFind {
				t.Errorf("errors.Is(err, fs.ErrNotExist) = %v, want %v", got, tt.notFind)
			}
		})
	}
}

func TestApplyEnv(t *testing.T) {
	base := "smtp:\n  host: smtp.example.org\n  username: file-user\n  password: file-pass\n" + minimal
	tests := []struct {
		name string
		env  map[string]string
		want SMTP
	}{
		{"no env keeps the file", nil,
			SMTP{Host: "smtp.example.org", Port: 587, Username: "file-user", Password: "file-pass", TLS: "starttls"}},
		{"env overrides all three", map[string]string{
			"CLAUSEWATCH_SMTP_HOST": "mail.internal", "CLAUSEWATCH_SMTP_USERNAME": "env-user", "CLAUSEWATCH_SMTP_PASSWORD": "env-pass",
		}, SMTP{Host: "mail.internal", Port: 587, Username: "env-user", Password: "env-pass", TLS: "starttls"}},
		{"only the password", map[string]string{"CLAUSEWATCH_SMTP_PASSWORD": "env-pass"},
			SMTP{Host: "smtp.example.org", Port: 587, Username: "file-user", Password: "env-pass", TLS: "starttls"}},
		{"empty values change nothing", map[string]string{"CLAUSEWATCH_SMTP_HOST": "", "CLAUSEWATCH_SMTP_PASSWORD": ""},
			SMTP{Host: "smtp.example.org", Port: 587, Username: "file-user", Password: "file-pass", TLS: "starttls"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Parse("c.yaml", []byte(base))
			if err != nil {
				t.Fatal(err)
			}
			c.ApplyEnv(func(k string) string { return tt.env[k] })
			if c.SMTP != tt.want {
				t.Errorf("SMTP = %+v, want %+v", c.SMTP, tt.want)
			}
		})
	}
}

func TestDefault(t *testing.T) {
	c := Default()
	if c.Schedule != "17 */6 * * *" {
		t.Errorf("Schedule = %q", c.Schedule)
	}
	if c.SMTP.Host != "" || len(c.Webhooks) != 0 {
		t.Errorf("the default config must not send alerts anywhere: SMTP %+v, webhooks %+v", c.SMTP, c.Webhooks)
	}
	if !c.History {
		t.Error("the default config must load the bundled history")
	}
	tests := []struct {
		id, url, selector, service, title, region, language string
		browser                                             bool
	}{
		{"whatsapp-privacy-policy-eea", "https://www.whatsapp.com/legal/privacy-policy-eea?lang=en", "#content-wrapper",
			"WhatsApp", "WhatsApp Privacy Policy", "European Region", "en", false},
		{"whatsapp-privacy-policy", "https://www.whatsapp.com/legal/privacy-policy?lang=en", "#content-wrapper",
			"WhatsApp", "WhatsApp Privacy Policy", "Outside the European Region", "en", false},
		{"whatsapp-privacy-policy-es", "https://www.whatsapp.com/legal/privacy-policy?lang=es", "#content-wrapper",
			"WhatsApp", "Política de privacidad de WhatsApp", "Outside the European Region", "es", false},
		{"whatsapp-terms-of-service-eea", "https://www.whatsapp.com/legal/terms-of-service-eea?lang=en", "#content-wrapper",
			"WhatsApp", "WhatsApp Terms of Service", "European Region", "en", false},
		{"whatsapp-terms-of-service", "https://www.whatsapp.com/legal/terms-of-service?lang=en", "#content-wrapper",
			"WhatsApp", "WhatsApp Terms of Service", "Outside the European Region", "en", false},
		{"meta-privacy-policy", "https://mbasic.facebook.com/privacy/policy/printable/", "#root",
			"Meta", "Meta Privacy Policy", "Global", "en", true},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			d, ok := c.Document(tt.id)
			if !ok {
				t.Fatalf("document %s missing from the default config", tt.id)
			}
			got := []any{d.URL, d.Service, d.Title, d.Region, d.Language, d.Browser, d.Select}
			want := []any{tt.url, tt.service, tt.title, tt.region, tt.language, tt.browser, []string{tt.selector}}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("got  %v\nwant %v", got, want)
			}
			if len(d.Remove) == 0 {
				t.Error("no remove selectors: navigation would be recorded as policy text")
			}
		})
	}
	// Each call parses anew, so one caller's edits do not leak to another.
	c.Documents[0].ID = "changed"
	if Default().Documents[0].ID == "changed" {
		t.Error("Default() returned shared state")
	}
}

// TestDefaultSelectorsOnRealPages applies the default config's select and
// remove to real pages as whatsapp.com and facebook.com served them, and
// checks that navigation goes and policy text stays.
func TestDefaultSelectorsOnRealPages(t *testing.T) {
	dir := filepath.Join(corpustest.Dir(t), "snapshots")
	c := Default()
	tests := []struct {
		name, id, file string
		gone           []string // navigation that must not survive
		kept           []string // policy text that must survive, including in sections next to removed widgets
	}{
		{"whatsapp privacy eea", "whatsapp-privacy-policy-eea", "whatsapp-privacy-policy-eea-2025-03-15.html",
			[]string{"Back to top", "WhatsApp Legal InfoInformation We Collect"},
			[]string{"Last modified: January 04, 2021", "WhatsApp Legal Info", "Information You And We Share",
				"As part of the Facebook Companies, WhatsApp receives information from", "Updates To Our Policy"}},
		{"whatsapp terms eea", "whatsapp-terms-of-service-eea", "whatsapp-terms-of-service-eea-2022-09-18.html",
			[]string{"Back to top"},
			[]string{"WhatsApp Terms Of Service", "Privacy And Security Principles", "NO ACCESS TO EMERGENCY SERVICES",
				"Accessing WhatsApp's Terms in Different Languages"}},
		{"meta printable", "meta-privacy-policy", "meta-privacy-policy-printable-2022.html",
			[]string{"Return to top", "Explore the policy"},
			[]string{"What is the Privacy Policy and what does it cover?", "Effective July 26, 2022",
				"We at Meta want you to understand what information we collect", "Legal basis information",
				"How do the Meta Companies work together?"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, ok := c.Document(tt.id)
			if !ok {
				t.Fatalf("document %s missing", tt.id)
			}
			f, err := os.Open(filepath.Join(dir, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			page, err := goquery.NewDocumentFromReader(f)
			if err != nil {
				t.Fatal(err)
			}
			sel := page.Find(strings.Join(d.Select, ", "))
			if sel.Length() != 1 {
				t.Fatalf("select %q matched %d elements, want 1", d.Select, sel.Length())
			}
			before := len(strings.Fields(sel.Text()))
			for _, r := range d.Remove {
				sel.Find(r).Remove()
			}
			text := strings.Join(strings.Fields(sel.Text()), " ")
			after := len(strings.Fields(text))
			for _, s := range tt.gone {
				if strings.Contains(text, s) {
					t.Errorf("navigation %q survived the remove list", s)
				}
			}
			for _, s := range tt.kept {
				if !strings.Contains(text, s) {
					t.Errorf("policy text %q was removed or not selected", s)
				}
			}
			// Navigation is a small part of the page; removing more than
			// 5% of the words means a selector eats policy text.
			if after < before*95/100 || after == before {
				t.Errorf("remove took the text from %d to %d words; want a small, non-zero cut", before, after)
			}
		})
	}
}

func TestEditDistance(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"select", "select", 0},
		{"selct", "select", 1},
		{"slect", "select", 1},
		{"shedule", "schedule", 1},
		{"baseurl", "base_url", 1},
		{"títle", "title", 1},
		{"", "id", 2},
		{"colour", "url", 5},
	}
	for _, tt := range tests {
		t.Run(tt.a+"->"+tt.b, func(t *testing.T) {
			if got := editDistance(tt.a, tt.b); got != tt.want {
				t.Errorf("editDistance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
			}
		})
	}
}
