package notify_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/clausewatch/clausewatch/data"
	"github.com/clausewatch/clausewatch/diff"
	"github.com/clausewatch/clausewatch/notify"
)

// classified builds a stored change the way the pipeline will once the
// classifier runs: topics and severity set on the set and on its changes,
// with evidence quoted from the new clause.
func classified(t testing.TB, doc data.Document, n int, topics ...string) *data.AlertChange {
	t.Helper()
	type ev struct {
		Topic string `json:"topic"`
		Side  string `json:"side"`
		Start int    `json:"start"`
		End   int    `json:"end"`
		Text  string `json:"text"`
	}
	type change struct {
		diff.Change
		Evidence []ev `json:"evidence"`
	}
	cs := struct {
		Material bool     `json:"material"`
		Topics   []string `json:"topics"`
		Severity string   `json:"severity"`
		Changes  []change `json:"changes"`
	}{Material: true, Topics: topics, Severity: "high"}
	for range n {
		newText := "We share your phone number with the Meta Companies for advertising."
		cs.Changes = append(cs.Changes, change{
			Change: diff.Change{
				Kind: diff.Modified, Material: true,
				Old:    &diff.Clause{ID: "c1", Section: []string{"Privacy Policy", "How We Share Information"}, Text: "We do not share your phone number."},
				New:    &diff.Clause{ID: "c1", Section: []string{"Privacy Policy", "How We Share Information"}, Text: newText},
				Words:  []diff.Span{{Op: diff.OpEqual, Text: "We "}, {Op: diff.OpDelete, Text: "do not share"}, {Op: diff.OpInsert, Text: "share"}, {Op: diff.OpEqual, Text: " your phone number"}, {Op: diff.OpInsert, Text: " with the Meta Companies for advertising"}, {Op: diff.OpEqual, Text: "."}},
				Topics: topics, Severity: "high",
			},
			Evidence: []ev{{Topic: "data-sharing", Side: "new", Start: 3, End: 48, Text: "share your phone number with the Meta Companies"}},
		})
	}
	b, err := json.Marshal(cs)
	if err != nil {
		t.Fatal(err)
	}
	return &data.AlertChange{
		Change:   data.Change{ID: 7, DocumentID: doc.ID, DetectedAt: time.Date(2026, 1, 4, 10, 20, 0, 0, time.UTC), Material: true, Topics: topics, Severity: "high", ChangeSet: b},
		Document: doc,
		Snapshot: data.Snapshot{ID: 12, SHA256: strings.Repeat("ab", 32), FetchedAt: time.Date(2026, 1, 4, 10, 20, 0, 0, time.UTC)},
	}
}

func composer(t testing.TB, max int) *notify.Composer {
	t.Helper()
	tokens, err := notify.NewTokens([]byte("0123456789abcdef0123456789abcdef"), func() time.Time { return time.Date(2026, 1, 4, 11, 0, 0, 0, time.UTC) })
	if err != nil {
		t.Fatal(err)
	}
	c, err := notify.NewComposer(baseURL, tokens, max)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestAlertContent(t *testing.T) {
	eea := data.Document{ID: "wa-eea", Service: "WhatsApp", Title: "WhatsApp Privacy Policy", Region: "EEA"}
	long := data.Document{ID: "wa", Service: strings.Repeat("WhatsApp Business Platform ", 6), Title: "WhatsApp Privacy Policy for Business Accounts and Channels"}
	injected := data.Document{ID: "wa", Service: "WhatsApp\r\nBcc: victim@example.org", Title: "WhatsApp Privacy Policy"}
	tests := []struct {
		name      string
		lang      string
		doc       data.Document
		subTopics []string
		topics    []string
		subject   string   // exact, when set
		text      []string // in the text part
		html      []string // in the HTML part
	}{
		{
			name: "english data sharing", lang: "en", doc: eea, subTopics: []string{"data-sharing"}, topics: []string{"data-sharing", "advertising"},
			subject: "[high] WhatsApp changed what it says about data sharing and advertising",
			text: []string{"## 1. Privacy Policy › How We Share Information", "Severity: high", "Before: We [-do not share-] your phone number.",
				"Now: We {+share+} your phone number{+ with the Meta Companies for advertising+}.", "Topics: data sharing \u201cshare your phone number with the Meta Companies\u201d",
				"https://clausewatch.test/changes/7", "https://clausewatch.test/snapshots/12", strings.Repeat("ab", 32), "4 January 2026, 10:20 UTC"},
			html: []string{`<del style="`, `>do not share</del>`, `<ins style="`, "&ldquo;share your phone number with the Meta Companies&rdquo;", "high"},
		},
		{
			name: "spanish", lang: "es", doc: eea, subTopics: []string{"data-sharing"}, topics: []string{"data-sharing"},
			subject: "[alta] WhatsApp cambió lo que dice sobre cesión de datos",
			text: []string{"Gravedad: alta", "Antes: We [-do not share-]", "Temas: cesión de datos", "Ver el cambio completo", "descargada el 4 de enero de 2026, 10:20 UTC",
				"Recibe este correo porque esta dirección se suscribió a las alertas de clausewatch sobre cesión de datos.", "Darse de baja: https://clausewatch.test/unsubscribe?token="},
			html: []string{`lang="es"`, "Elegir qué recibe", "Cláusula reformulada"},
		},
		{
			name: "a long service name is cut", lang: "en", doc: long, topics: []string{"data-sharing", "advertising", "international-transfers"},
		},
		{
			name: "a line break in the service name stays out of the headers", lang: "es", doc: injected, topics: []string{"data-sharing"},
			subject: "[alta] WhatsApp Bcc: victim@example.org cambió lo que dice sobre cesión de datos",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := composer(t, 0)
			sub := &data.Subscriber{ID: 3, Email: "journalist@example.org", Lang: tc.lang, Subscription: data.Subscription{Topics: tc.subTopics, Frequency: data.Immediate}}
			e, err := c.Alert(sub, "d9.alert", classified(t, tc.doc, 1, tc.topics...), time.Date(2026, 1, 4, 11, 0, 0, 0, time.UTC))
			if err != nil {
				t.Fatal(err)
			}
			if n := utf8.RuneCountInString(e.Subject); n > 120 {
				t.Errorf("Subject %q has %d characters, want at most 120", e.Subject, n)
			}
			if strings.ContainsAny(e.Subject, "\r\n") {
				t.Errorf("Subject %q holds a line break", e.Subject)
			}
			if tc.subject != "" && e.Subject != tc.subject {
				t.Errorf("Subject = %q, want %q", e.Subject, tc.subject)
			}
			heading, _, _ := strings.Cut(e.Text, "\n")
			_, headline, _ := strings.Cut(e.Subject, "] ")
			if !strings.HasPrefix(heading, strings.TrimSuffix(headline, "\u2026")) {
				t.Errorf("the text part opens with %q, not the subject's headline %q", heading, e.Subject)
			}
			for _, w := range tc.text {
				if !strings.Contains(e.Text, w) {
					t.Errorf("text lacks %q:\n%s", w, e.Text)
				}
			}
			for _, w := range tc.html {
				if !strings.Contains(e.HTML, w) {
					t.Errorf("HTML lacks %q", w)
				}
			}
			if e.MessageID != "d9.alert@clausewatch.test" {
				t.Errorf("MessageID = %q", e.MessageID)
			}
		})
	}
}

func TestAlertSizeCap(t *testing.T) {
	c := composer(t, 0)
	sub := &data.Subscriber{ID: 3, Email: "j@example.org", Lang: "en"}
	e, err := c.Alert(sub, "d1.alert", classified(t, data.Document{ID: "wa", Title: "WhatsApp Privacy Policy"}, 2000, "data-sharing"), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if e.Size() > notify.DefaultMaxSize {
		t.Errorf("email is %d bytes, over the %d cap", e.Size(), notify.DefaultMaxSize)
	}
	// Ten clauses are shown; the other 1,990 are counted, with the
	// sections they are in and the link to read them.
	if n := strings.Count(e.Text, "\n## "); n != 10 {
		t.Errorf("%d clauses shown, want 10", n)
	}
	if !strings.Contains(e.Text, "Also changed: 1990 more clauses (1990 reworded) in How We Share Information; every clause is on the change page.") ||
		!strings.Contains(e.Text, "See the whole change: https://clausewatch.test/changes/7") {
		t.Errorf("no summary of the rest with the link at the end:\n%s", e.Text[len(e.Text)-800:])
	}
	if !strings.Contains(e.Text, "Unsubscribe: https://") || !strings.Contains(e.HTML, "/unsubscribe?token=") {
		t.Errorf("the unsubscribe link was cut")
	}
}

func TestEscapesPolicyText(t *testing.T) {
	c := composer(t, 0)
	ac := classified(t, data.Document{ID: "x", Title: "<b>Evil</b> Policy"}, 1, "data-sharing")
	var cs map[string]any
	json.Unmarshal(ac.Change.ChangeSet, &cs)
	ch := cs["changes"].([]any)[0].(map[string]any)
	ch["new"].(map[string]any)["section"] = []string{`<script>alert(1)</script>`}
	ac.Change.ChangeSet, _ = json.Marshal(cs)
	e, err := c.Alert(&data.Subscriber{ID: 1, Email: "a@example.org", Lang: "en"}, "k", ac, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(e.HTML, "<script>") || strings.Contains(e.HTML, "<b>Evil") {
		t.Errorf("policy text reached the HTML unescaped")
	}
}

func TestTokens(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clk := func() time.Time { return now }
	tk, err := notify.NewTokens([]byte("0123456789abcdef0123456789abcdef"), clk)
	if err != nil {
		t.Fatal(err)
	}
	other, _ := notify.NewTokens([]byte("another secret, as long as the first"), clk)
	tok := tk.Sign(notify.PurposeConfirm, 42, notify.ConfirmTTL)
	tests := []struct {
		name    string
		tokens  *notify.Tokens
		purpose string
		token   string
		after   time.Duration
		wantID  int64
		wantErr error
	}{
		{"valid", tk, notify.PurposeConfirm, tok, time.Hour, 42, nil},
		{"other purpose", tk, notify.PurposeUnsubscribe, tok, 0, 0, notify.ErrTokenInvalid},
		{"other secret", other, notify.PurposeConfirm, tok, 0, 0, notify.ErrTokenInvalid},
		{"tampered", tk, notify.PurposeConfirm, "B" + tok[1:], 0, 0, notify.ErrTokenInvalid},
		{"truncated", tk, notify.PurposeConfirm, tok[:20], 0, 0, notify.ErrTokenInvalid},
		{"expired after 7 days", tk, notify.PurposeConfirm, tok, 7*24*time.Hour + time.Second, 0, notify.ErrTokenExpired},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			now = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Add(tc.after)
			id, err := tc.tokens.Verify(tc.purpose, tc.token)
			if id != tc.wantID || (tc.wantErr == nil) != (err == nil) || (tc.wantErr != nil && !errors.Is(err, tc.wantErr)) {
				t.Errorf("Verify = %d, %v; want %d, %v", id, err, tc.wantID, tc.wantErr)
			}
		})
	}
}

// TestDigestSizeCap: a digest carrying many changes (a document that
// flapped all day, or days of backlog after an outage) stays under the
// cap, with the changes that did not fit summed up and linked.
func TestDigestSizeCap(t *testing.T) {
	c := composer(t, 0)
	sub := &data.Subscriber{ID: 3, Email: "j@example.org", Lang: "es"}
	docs := []data.Document{{ID: "wa", Title: "WhatsApp Privacy Policy"}, {ID: "fb", Title: "Meta Privacy Policy"}}
	var acs []*data.AlertChange
	for i := range 400 {
		ac := classified(t, docs[i%2], 1, "data-sharing")
		ac.Change.ID = int64(100 + i)
		acs = append(acs, ac)
	}
	e, err := c.Digest(sub, "d1.digest", acs, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if e.Size() > notify.DefaultMaxSize {
		t.Errorf("digest is %d bytes, over the %d cap", e.Size(), notify.DefaultMaxSize)
	}
	if !strings.Contains(e.Text, baseURL+"/changes/100") || !strings.Contains(e.Text, "en el historial del documento: "+baseURL+"/documents/fb") {
		t.Errorf("the digest links neither the first change nor, for the rest, the documents' histories:\n%s", e.Text[len(e.Text)-1500:])
	}
	if !strings.Contains(e.Text, "Darse de baja: https://") || !strings.Contains(e.HTML, "/unsubscribe?token=") {
		t.Errorf("the unsubscribe link was cut")
	}
}

// TestAlertSaysWhenItTakesEffect checks that an alert about a text that
// applies later than the day it is sent says when it takes effect, in the
// subscriber's language, and says nothing of it once that day has come.
func TestAlertSaysWhenItTakesEffect(t *testing.T) {
	doc := data.Document{ID: "wa-eea", Service: "WhatsApp", Title: "WhatsApp Privacy Policy", Region: "EEA"}
	tests := []struct {
		name, lang, effective, want string
	}{
		{"later, in English", "en", "2026-02-08", "The new text takes effect on 8 February 2026."},
		{"later, in Spanish", "es", "2026-02-08", "El nuevo texto entra en vigor el 8 de febrero de 2026."},
		{"already in effect", "en", "2026-01-04", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ac := classified(t, doc, 1, "data-sharing")
			ac.Change.EffectiveDate = diff.Dates{Old: "2021-01-04", New: tc.effective}
			sub := &data.Subscriber{ID: 3, Email: "journalist@example.org", Lang: tc.lang, Subscription: data.Subscription{Frequency: data.Immediate}}
			e, err := composer(t, 0).Alert(sub, "d9.alert", ac, time.Date(2026, 1, 4, 11, 0, 0, 0, time.UTC))
			if err != nil {
				t.Fatal(err)
			}
			for _, part := range []string{e.Text, e.HTML} {
				said := strings.Contains(part, "takes effect") || strings.Contains(part, "entra en vigor")
				if tc.want == "" && said || tc.want != "" && !strings.Contains(part, tc.want) {
					t.Errorf("want %q in:\n%.600s", tc.want, part)
				}
			}
		})
	}
}
