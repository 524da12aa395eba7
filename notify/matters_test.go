package notify_test

import (
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/clausewatch/clausewatch/data"
	"github.com/clausewatch/clausewatch/diff"
	"github.com/clausewatch/clausewatch/notify"
	"github.com/clausewatch/clausewatch/policy"
	"github.com/clausewatch/clausewatch/topics"
)

// whatsApp2020 and whatsApp2021 are trimmed from WhatsApp's European
// privacy policy before and after its January 2021 update (Open Terms
// Archive, ODC-By 1.0; text © WhatsApp): the update removed the promise
// that Facebook does not use WhatsApp account information for its ads,
// widened what WhatsApp shares with the Facebook Companies, and added the
// sharing to a list of legal bases. A line "# T" or "## T" is a heading,
// "- T" a list item, anything else a paragraph.
const (
	whatsApp2020 = `# WhatsApp Privacy Policy
## Information We Collect
Your Account Information. You provide your mobile phone number to create a WhatsApp account.
Usage And Log Information. We collect information about your activity on our Services, like service-related, diagnostic, and performance information.
## How We Work With Other Facebook Companies
As part of the Facebook Companies, WhatsApp receives information from, and shares information with, the Facebook Companies to help operate, provide, improve, understand, customize, support, and market our Services.
Nothing you share on WhatsApp, including your messages, photos, and account information, will be shared onto Facebook or any of our other family of apps for others to see, and nothing you post on those apps will be shared on WhatsApp for others to see, unless you choose to do so.
Today, Facebook does not use your WhatsApp account information to improve your Facebook product experiences or provide you more relevant Facebook ad experiences on Facebook.
## Our Legal Bases For Processing Information
- To provide measurement, analytics, and other business services.
- To promote safety, integrity, and security.
- To communicate with you about our Services.
## Retention
We keep your information for as long as we need it to provide our Services.`

	whatsApp2021 = `# WhatsApp Privacy Policy
## Information We Collect
Your Account Information. You provide your mobile phone number and basic information (including a profile name of your choice) to create a WhatsApp account.
Usage And Log Information. We collect information about your activity on our Services, like service-related, diagnostic, and performance information.
## How We Work With Other Facebook Companies
As part of the Facebook Companies, WhatsApp receives information from, and shares information with, the other Facebook Companies, including your account registration information, transaction data and information about how you interact with others, to help operate, provide, improve, understand, customize, support, and market our Services and their offerings.
## Our Legal Bases For Processing Information
- To provide measurement, analytics, and other business services, and to share information with the Facebook Companies.
- To promote safety, integrity, and security, and to share information with the Facebook Companies.
- To communicate with you about our Services, and to share information with the Facebook Companies.
## Retention
We keep your information for as long as we need it to provide our Services, and longer where the law requires it.
## Global Operations
WhatsApp shares information globally, both internally within the Facebook Companies, and externally with our partners.`
)

// policyDoc builds a document from the outline notation of whatsApp2020.
func policyDoc(outline string) *policy.Document {
	d := &policy.Document{}
	var path []string
	for _, line := range strings.Split(outline, "\n") {
		switch {
		case strings.HasPrefix(line, "# "):
			d.Blocks = append(d.Blocks, policy.Block{Kind: policy.Heading, Level: 1, Text: line[2:]})
			path = []string{line[2:]}
		case strings.HasPrefix(line, "## "):
			d.Blocks = append(d.Blocks, policy.Block{Kind: policy.Heading, Level: 2, Path: path[:1], Text: line[3:]})
			path = []string{path[0], line[3:]}
		case strings.HasPrefix(line, "- "):
			d.Blocks = append(d.Blocks, policy.Block{Kind: policy.ListItem, Path: path, Text: line[2:]})
		default:
			d.Blocks = append(d.Blocks, policy.Block{Kind: policy.Paragraph, Path: path, Text: line})
		}
	}
	return d
}

// recordClassified stores a fetch of doc the way the pipeline does, with
// the change from the latest version diffed and classified by
// topics.Compare and then passed to classify, which adds what the rules do
// not yet say. It returns the result of storage.
func recordClassified(t testing.TB, db *data.DB, docID string, at time.Time, outline string, classify func(*diff.ChangeSet)) data.Result {
	t.Helper()
	ctx := context.Background()
	doc := policyDoc(outline)
	obs := data.Observation{
		Fetch:    data.Fetch{DocumentID: docID, StartedAt: at, URL: "https://www.whatsapp.com/legal/privacy-policy-eea", Status: 200},
		Snapshot: &data.Snapshot{Body: []byte("<main>" + outline + "</main>")},
		Document: doc,
	}
	if head, err := db.LatestVersion(ctx, docID); err == nil {
		cs := topics.Compare(head.Document(), *doc, "en")
		classify(&cs)
		obs.Head, obs.Change, obs.Classifier = head.ID, &cs, topics.Version
	}
	res, err := db.Record(ctx, obs)
	if err != nil {
		t.Fatalf("Record: %v", err)
	}
	return res
}

// classify2021 classifies the January 2021 change as the model
// says it must be until the classifier fills the model itself: the removed
// promise not to share account information with Facebook (Meta) and the
// removed promise not to show what you share on Facebook are critical, as
// is the wider sharing with the Facebook Companies; the phrase added to
// three legal bases is one entry "in 3 clauses"; the new section on global
// operations shares with partners. Everything else keeps what topics
// found.
func classify2021(t testing.TB) func(*diff.ChangeSet) {
	return func(cs *diff.ChangeSet) {
		t.Helper()
		find := func(kind, text string) int {
			for i, c := range cs.Changes {
				cl := c.New
				if kind == diff.Removed {
					cl = c.Old
				}
				if c.Kind == kind && cl != nil && strings.Contains(cl.Text, text) {
					return i
				}
			}
			t.Fatalf("no %s clause with %q in the diff", kind, text)
			return -1
		}
		quote := func(i int, side, phrase string) diff.Evidence {
			cl := cs.Changes[i].New
			if side == "old" {
				cl = cs.Changes[i].Old
			}
			at := strings.Index(cl.Text, phrase)
			return diff.Evidence{Topic: "data-sharing", Side: side, Start: at, End: at + len(phrase), Text: phrase}
		}
		promise := find(diff.Removed, "Facebook does not use your WhatsApp account information")
		nothing := find(diff.Removed, "Nothing you share on WhatsApp")
		work := find(diff.Modified, "including your account registration information")
		var bases []int
		for i, c := range cs.Changes {
			if c.Kind == diff.Modified && strings.HasSuffix(c.New.Text, "and to share information with the Facebook Companies.") {
				bases = append(bases, i)
			}
		}
		global := find(diff.Added, "WhatsApp shares information globally")
		if len(bases) != 3 {
			t.Fatalf("%d legal bases changed, want 3", len(bases))
		}
		tag := func(i int, sev diff.Severity, ev diff.Evidence, extra ...string) {
			c := &cs.Changes[i]
			c.Severity, c.Evidence = sev, []diff.Evidence{ev}
			c.Topics = append([]string{"data-sharing"}, extra...)
		}
		noUse := quote(promise, "old", "Facebook does not use your WhatsApp account information")
		noUse.Negated = true
		tag(promise, diff.SeverityCritical, noUse, "advertising")
		onto := quote(nothing, "old", "will be shared onto Facebook")
		onto.Negated = true
		tag(nothing, diff.SeverityCritical, onto)
		tag(work, diff.SeverityCritical, quote(work, "new", "including your account registration information, transaction data"))
		for _, i := range bases {
			tag(i, diff.SeverityHigh, quote(i, "new", "to share information with the Facebook Companies"), "legal-basis")
		}
		tag(global, diff.SeverityHigh, quote(global, "new", "externally with our partners"), "international-transfers")

		st := func(action string, data, recipients []string, negated bool) diff.Statement {
			return diff.Statement{Action: action, Data: data, Recipients: recipients, Negated: negated, Evidence: []diff.Quote{}}
		}
		was := st(diff.ActionShares, []string{"personal-information"}, []string{"meta-companies"}, false)
		was.Purpose = "service"
		widened := st(diff.ActionShares, []string{"account", "payments", "usage"}, []string{"meta-companies"}, false)
		widened.Purpose = "marketing"
		public := st(diff.ActionDiscloses, []string{"messages-content", "account"}, []string{"public"}, true)
		public.Condition = "choice"
		// Most severe first, and among equals the promise: the headline
		// tells the first of the most severe deltas.
		cs.Sharing = []diff.SharingDelta{
			{Op: diff.DeltaRemoved, Statement: st(diff.ActionShares, []string{"account"}, []string{"meta"}, true), Change: promise, Severity: diff.SeverityCritical},
			{Op: diff.DeltaRemoved, Statement: public, Change: nothing, Severity: diff.SeverityCritical},
			{Op: diff.DeltaChanged, Statement: widened, Was: &was, Change: work, Severity: diff.SeverityCritical},
		}
		for _, i := range bases {
			cs.Sharing = append(cs.Sharing, diff.SharingDelta{Op: diff.DeltaAdded, Statement: st(diff.ActionShares, nil, []string{"meta-companies"}, false), Change: i, Severity: diff.SeverityHigh})
		}
		cs.Sharing = append(cs.Sharing, diff.SharingDelta{Op: diff.DeltaAdded, Statement: st(diff.ActionShares, nil, []string{"meta-companies", "partners"}, false), Change: global, Severity: diff.SeverityHigh})
		cs.Matters = []diff.Matter{
			{Changes: []int{promise}, Severity: diff.SeverityCritical, Topics: []string{"data-sharing", "advertising"}},
			{Changes: []int{nothing}, Severity: diff.SeverityCritical, Topics: []string{"data-sharing"}},
			{Changes: []int{work}, Severity: diff.SeverityCritical, Topics: []string{"data-sharing"}},
			{Changes: bases, Severity: diff.SeverityHigh, Topics: []string{"data-sharing", "legal-basis"}},
			{Changes: []int{global}, Severity: diff.SeverityHigh, Topics: []string{"data-sharing", "international-transfers"}},
		}
		seen := map[string]bool{}
		cs.Topics = []string{}
		for _, c := range cs.Changes {
			for _, tp := range c.Topics {
				if c.Material && !seen[tp] {
					seen[tp] = true
					cs.Topics = append(cs.Topics, tp)
				}
			}
		}
		cs.Severity, cs.Alert = diff.SeverityCritical, true
	}
}

// TestCriticalAlertOverSMTP records WhatsApp's January 2021 change,
// classified as critical, and reads the emails it produces as a mail
// client does, from an SMTP server in the test: the subject carries the
// severity and the headline, the body opens with the headline, the
// critical clauses come first with what they mean, the same edit in three
// clauses is shown once, the rest is summed up with a link, and the
// citation (versions, sha256, archived page) stays.
func TestCriticalAlertOverSMTP(t *testing.T) {
	e := newEnv(t, nil)
	e.subscribe(t, "reporter@example.org", "en", data.Immediate, "data-sharing")
	e.subscribe(t, "periodista@example.org", "es", data.Immediate, "data-sharing")
	e.subscribe(t, "resumen@example.org", "es", data.Daily)
	e.subscribe(t, "retention@example.org", "en", data.Immediate, "retention")
	e.run(t) // the confirmation emails
	check := e.recorder(t)
	t0 := e.clk.now()
	recordClassified(t, check, "wa-eea", t0, whatsApp2020, nil)
	res := recordClassified(t, check, "wa-eea", t0.Add(time.Hour), whatsApp2021, classify2021(t))
	if res.Change == nil || res.Change.Severity != diff.SeverityCritical || !res.Change.Alert {
		t.Fatalf("change = %+v, want a critical change that alerts", res.Change)
	}
	e.disp.Kick()
	e.run(t)
	e.clk.t = data.NextDigest(e.clk.now())
	e.run(t)

	const (
		promise = "Today, Facebook does not use your WhatsApp account information"
		nothing = "Nothing you share on WhatsApp"
		work    = "including your account registration information"
		bases   = "{+, and to share information with the Facebook Companies+}."
	)
	citation := []string{baseURL + "/changes/" + itoa(res.Change.ID), baseURL + "/snapshots/" + itoa(res.Snapshot.ID), res.Snapshot.SHA256,
		baseURL + "/versions/" + itoa(res.Change.FromVersion), baseURL + "/versions/" + itoa(res.Change.ToVersion)}
	tests := []struct {
		name    string
		to      string
		subject string
		opens   string   // the text part's first line
		order   []string // in the text part, in this order
		text    []string
		html    []string
	}{
		{
			name: "english alert", to: "reporter@example.org",
			subject: "[critical] WhatsApp dropped its promise not to share your account information with Meta",
			opens:   "WhatsApp dropped its promise not to share your account information with Meta",
			order: []string{"WhatsApp dropped its promise not to share your account information with Meta\n",
				"## 1. WhatsApp Privacy Policy › How We Work With Other Facebook Companies\nRemoved - Severity: critical\nWhat it means: WhatsApp dropped its promise not to share your account information with Meta\nBefore: " + promise,
				"## 2. ", nothing, "## 3. ", work, "## 4. ", "The same edit in 3 clauses; one is shown.", bases, "## 5. ",
				"Also changed: ", "See the whole change: "},
			text: append([]string{"Severity: critical · Topics: data sharing", "Topics: data sharing \u201cFacebook does not use your WhatsApp account information\u201d; advertising\n",
				"What it means: WhatsApp now also shares your account information, payment and transaction information and 1 more with the Meta Companies to market to you",
				"Version v1 (before): ", "Version v2 (now): "}, citation...),
			html: []string{"<h1 style=\"margin:0 0 8px 0;font-size:20px;line-height:1.3;\">WhatsApp dropped its promise not to share your account information with Meta</h1>", "1. WhatsApp Privacy Policy › How We Work With Other Facebook Companies"},
		},
		{
			name: "spanish alert", to: "periodista@example.org",
			subject: "[crítica] WhatsApp retiró su promesa de no compartir la información de tu cuenta con Meta",
			opens:   "WhatsApp retiró su promesa de no compartir la información de tu cuenta con Meta",
			order: []string{"WhatsApp retiró su promesa de no compartir la información de tu cuenta con Meta\n",
				"## 1. ", "Cláusula suprimida - Gravedad: crítica\nQué significa: WhatsApp retiró su promesa de no compartir la información de tu cuenta con Meta\nAntes: " + promise,
				"## 2. ", nothing, "## 3. ", work, "## 4. ", "La misma modificación en 3 cláusulas; se muestra una.", "## 5. ",
				"También cambiaron otras ", "Ver el cambio completo: "},
			text: append([]string{"Gravedad: crítica · Temas: cesión de datos", "Versión v1 (antes)", "Versión v2 (ahora)"}, citation...),
			html: []string{`lang="es"`, ">WhatsApp retiró su promesa de no compartir la información de tu cuenta con Meta</h1>"},
		},
		{
			name: "spanish digest", to: "resumen@example.org",
			subject: "[crítica] WhatsApp retiró su promesa de no compartir la información de tu cuenta con Meta",
			opens:   "Resumen diario de clausewatch: 1 cambio en 1 documento",
			order: []string{"Resumen diario de clausewatch: 1 cambio en 1 documento\n", "# WhatsApp Privacy Policy (EEA)\n\nWhatsApp retiró su promesa de no compartir la información de tu cuenta con Meta\nGravedad: crítica",
				"## 1. ", promise, "## 2. ", nothing, "También cambiaron otras "},
			text: citation,
			html: []string{">WhatsApp retiró su promesa de no compartir la información de tu cuenta con Meta</h3>"},
		},
		{
			// Someone who follows retention alone sees the retention
			// clause, which the what-matters list leaves to the rest;
			// the subject still tells the change's story.
			name: "retention only", to: "retention@example.org",
			subject: "[critical] WhatsApp dropped its promise not to share your account information with Meta",
			opens:   "WhatsApp dropped its promise not to share your account information with Meta",
			order:   []string{"## 1. WhatsApp Privacy Policy › Retention", "{+, and longer where the law requires it+}", "Also changed: "},
			text:    citation,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := alerts(e.mb, tc.to)
			if len(got) != 1 {
				t.Fatalf("%d emails, want 1", len(got))
			}
			p := parseMail(t, got[0].Data)
			p.Text = strings.ReplaceAll(p.Text, "\r\n", "\n")
			if s := p.subject(t); s != tc.subject {
				t.Errorf("Subject = %q, want %q", s, tc.subject)
			}
			if len(p.Header["Bcc"]) != 0 {
				t.Errorf("a Bcc header reached the message")
			}
			at := 0
			for _, w := range tc.order {
				k := strings.Index(p.Text[at:], w)
				if k < 0 {
					t.Fatalf("text lacks %q after offset %d:\n%s", w, at, p.Text)
				}
				at += k + len(w)
			}
			if first, _, _ := strings.Cut(p.Text, "\n"); first != tc.opens {
				t.Errorf("the text part opens with %q, want %q", first, tc.opens)
			}
			for _, w := range tc.text {
				if !strings.Contains(p.Text, w) {
					t.Errorf("text lacks %q:\n%s", w, p.Text)
				}
			}
			for _, w := range tc.html {
				if !strings.Contains(p.HTML, w) {
					t.Errorf("HTML lacks %q", w)
				}
			}
			// The HTML part shows the clauses in the text part's order.
			if i, j := strings.Index(p.HTML, "Facebook does not use"), strings.Index(p.HTML, "information globally"); tc.name != "retention only" && (i < 0 || j >= 0 && j < i) {
				t.Errorf("in the HTML part the removed promise (at %d) does not come first (global operations at %d)", i, j)
			}
			if regexp.MustCompile(`\{\+[^}]*Facebook does not use`).MatchString(p.Text) {
				t.Errorf("a removed clause is quoted with diff markers")
			}
		})
	}

	t.Run("webhook payloads", func(t *testing.T) {
		ac, err := e.db.AlertChange(context.Background(), res.Change.ID)
		if err != nil {
			t.Fatal(err)
		}
		body, err := e.composer.WebhookBody(notify.FormatJSON, 9, ac)
		if err != nil {
			t.Fatal(err)
		}
		var p notify.WebhookPayload
		if err := json.Unmarshal(body, &p); err != nil {
			t.Fatal(err)
		}
		if !p.Alert || p.Headline != "WhatsApp dropped its promise not to share your account information with Meta" || len(p.Sharing) != 7 ||
			p.Sharing[0].Op != diff.DeltaRemoved || !p.Sharing[0].Negated || p.Sharing[3].Data == nil {
			t.Errorf("payload alert %v, headline %q, sharing %+v", p.Alert, p.Headline, p.Sharing)
		}
		slack, err := e.composer.WebhookBody(notify.FormatSlack, 9, ac)
		if err != nil {
			t.Fatal(err)
		}
		var msg map[string]string
		if err := json.Unmarshal(slack, &msg); err != nil {
			t.Fatal(err)
		}
		first, _, _ := strings.Cut(msg["text"], "\n")
		if first != "*WhatsApp dropped its promise not to share your account information with Meta* (severity: critical)" ||
			!strings.Contains(msg["text"], "\n• _WhatsApp Privacy Policy › How We Work With Other Facebook Companies_ — Removed: Today, Facebook does not use") {
			t.Errorf("slack text:\n%s", msg["text"])
		}
	})
}
