package notify_test

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/clausewatch/clausewatch/data"
	"github.com/clausewatch/clausewatch/internal/recordtest"
	"github.com/clausewatch/clausewatch/notify"
	"github.com/clausewatch/clausewatch/policy"
)

const (
	shareFB   = "We share information with the Facebook Companies to help us operate our Services."
	shareMeta = "We share information with the Meta Companies and our partners to help us operate our Services."
	keep      = "We keep your messages only until they are delivered."
	keepNoise = "We keep your messages only until they are delivered!"
)

// subscribe subscribes and confirms an address, returning its id.
func (e *env) subscribe(t testing.TB, email, lang, freq string, topics ...string) int64 {
	t.Helper()
	ctx := context.Background()
	id, err := e.db.Subscribe(ctx, data.SubscribeRequest{Email: email, Lang: lang,
		Subscription: data.Subscription{Topics: topics, Frequency: freq}})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.db.Confirm(ctx, id); err != nil {
		t.Fatal(err)
	}
	return id
}

func deliveries(t testing.TB, db *data.DB, status string) []data.Delivery {
	t.Helper()
	ds, err := db.Deliveries(context.Background(), status, 0)
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

func alerts(mb *mailbox, addr string) []received {
	var out []received
	for _, m := range mb.to(addr) {
		if !strings.Contains(string(m.Data), ".confirm@") {
			out = append(out, m)
		}
	}
	return out
}

func TestAlertOncePerMaterialChange(t *testing.T) {
	e := newEnv(t, nil)
	all := e.subscribe(t, "all@example.org", "en", data.Immediate)
	e.subscribe(t, "retention@example.org", "en", data.Immediate, "retention")
	e.subscribe(t, "sharing@example.org", "es", data.Immediate, "data-sharing")
	e.run(t) // the confirmation emails
	check := e.recorder(t)
	t0 := e.clk.now()

	record(t, check, "wa-eea", t0, shareFB, keep)
	e.run(t)
	if got := alerts(e.mb, "all@example.org"); len(got) != 0 {
		t.Fatalf("first version alerted: %d emails", len(got))
	}

	res := record(t, check, "wa-eea", t0.Add(time.Hour), shareMeta, keep)
	if res.Change == nil || !res.Change.Material {
		t.Fatalf("second version: change = %+v, want a material change", res.Change)
	}
	e.run(t)
	e.run(t) // a second pass must not send again
	got := alerts(e.mb, "all@example.org")
	if len(got) != 1 {
		t.Fatalf("all@: %d alerts, want exactly 1", len(got))
	}
	if n := len(alerts(e.mb, "retention@example.org")); n != 0 {
		t.Errorf("retention@ got %d alerts for a change not about retention", n)
	}
	wantSharing := 0
	if slices.Contains(res.Change.Topics, "data-sharing") {
		wantSharing = 1
	} else {
		t.Logf("the pipeline did not tag the change with data-sharing (topics %v); the data-sharing subscriber must get nothing", res.Change.Topics)
	}
	if n := len(alerts(e.mb, "sharing@example.org")); n != wantSharing {
		t.Errorf("sharing@ got %d alerts, want %d", n, wantSharing)
	}

	p := parseMail(t, got[0].Data)
	h := p.Header
	subject := p.subject(t)
	if utf8.RuneCountInString(subject) > 120 || !strings.HasPrefix(subject, "["+string(res.Change.Severity)+"] WhatsApp ") {
		t.Errorf("Subject = %q, want the severity and the headline, at most 120 characters", subject)
	}
	if to, err := h.AddressList("To"); err != nil || len(to) != 1 || to[0].Address != "all@example.org" {
		t.Errorf("To = %v (%v)", to, err)
	}
	if from, err := h.AddressList("From"); err != nil || from[0].Address != "alerts@clausewatch.test" {
		t.Errorf("From = %v (%v)", from, err)
	}
	if d, err := h.Date(); err != nil || d.IsZero() {
		t.Errorf("Date = %q (%v)", h.Get("Date"), err)
	}
	if !regexp.MustCompile(`^<d\d+\.alert@clausewatch\.test>$`).MatchString(h.Get("Message-Id")) {
		t.Errorf("Message-ID = %q", h.Get("Message-Id"))
	}
	if got := h.Get("List-Id"); got != "clausewatch alerts <alerts.clausewatch.test>" {
		t.Errorf("List-Id = %q", got)
	}
	unsub := h.Get("List-Unsubscribe")
	m := regexp.MustCompile(`^<(https://clausewatch\.test/unsubscribe\?token=([A-Za-z0-9_-]+))>$`).FindStringSubmatch(unsub)
	if m == nil {
		t.Fatalf("List-Unsubscribe = %q, want <https://...>", unsub)
	}
	if id, err := e.tokens.Verify(notify.PurposeUnsubscribe, m[2]); err != nil || id != all {
		t.Errorf("unsubscribe token names %d (%v), want %d", id, err, all)
	}
	if got := h.Get("List-Unsubscribe-Post"); got != "List-Unsubscribe=One-Click" {
		t.Errorf("List-Unsubscribe-Post = %q", got)
	}

	snap, err := e.db.Snapshot(context.Background(), res.Version.SnapshotID)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(snap.Body)
	for _, want := range []string{
		"Privacy Policy",        // section path
		"{+and our partners +}", // changed words marked
		"[-Facebook-]", "{+Meta+}",
		"/changes/" + itoa(res.Change.ID),                                        // the change page
		"/snapshots/" + itoa(res.Version.SnapshotID), hex.EncodeToString(sum[:]), // the archived copy
		m[1],                  // visible unsubscribe link
		"/preferences?token=", // and preferences link
	} {
		if !strings.Contains(p.Text, want) {
			t.Errorf("text part lacks %q:\n%s", want, p.Text)
		}
	}
	for _, want := range []string{`<del style="`, `<ins style="`, "Meta", hex.EncodeToString(sum[:]), `href="` + strings.ReplaceAll(m[1], "&", "&amp;")} {
		if !strings.Contains(p.HTML, want) {
			t.Errorf("HTML part lacks %q", want)
		}
	}
	for _, bad := range []string{"<style", "class=", "<script", "<link"} {
		if strings.Contains(p.HTML, bad) {
			t.Errorf("HTML part has %q: email HTML must use inline styles only", bad)
		}
	}
	if strings.Contains(p.Text, keep) {
		t.Errorf("the unchanged clause is in the alert:\n%s", p.Text)
	}

	// A cosmetic change and a noise-only fetch alert nobody.
	before := len(e.mb.messages())
	res = record(t, check, "wa-eea", t0.Add(2*time.Hour), shareMeta, keepNoise)
	if res.Change == nil || res.Change.Material {
		t.Fatalf("punctuation change: %+v, want a cosmetic change", res.Change)
	}
	record(t, check, "wa-eea", t0.Add(3*time.Hour), "  "+shareMeta+"\u00a0", keepNoise+"\u200b")
	e.run(t)
	if n := len(e.mb.messages()); n != before {
		t.Errorf("%d emails for cosmetic or noise-only fetches", n-before)
	}

	// A restarted dispatcher finds nothing left to send.
	d2, err := notify.NewDispatcher(notify.Options{DB: e.recorder(t), Composer: e.composer, Sender: e.mb.sender(t), Now: e.clk.now, Log: discard()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d2.RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := len(alerts(e.mb, "all@example.org")); n != 1 {
		t.Errorf("after a restart all@ has %d alerts, want 1", n)
	}
}

func itoa(i int64) string { return strconv.FormatInt(i, 10) }

func discard() *slog.Logger { return slog.New(slog.DiscardHandler) }

func docOf(paras ...string) *policy.Document {
	d := &policy.Document{Blocks: []policy.Block{{Kind: policy.Heading, Level: 1, Text: "Privacy Policy"}}}
	for _, p := range paras {
		d.Blocks = append(d.Blocks, policy.Block{Kind: policy.Paragraph, Path: []string{"Privacy Policy"}, Text: p})
	}
	return d
}

func TestImportSendsNoAlerts(t *testing.T) {
	e := newEnv(t, nil)
	e.subscribe(t, "all@example.org", "en", data.Immediate)
	e.run(t)
	check := e.recorder(t)
	t0 := e.clk.now()
	record(t, check, "wa-eea", t0, shareFB)
	res, err := recordtest.Record(context.Background(), check, data.Observation{
		Fetch:    data.Fetch{DocumentID: "wa-eea", StartedAt: t0.Add(time.Hour), URL: "file:///history/2021-01-04.md"},
		Snapshot: &data.Snapshot{Body: []byte(shareMeta)},
		Document: docOf(shareMeta),
		NoAlerts: true,
	})
	if err != nil || res.Change == nil || !res.Change.Material {
		t.Fatalf("Record: %+v, %v", res.Change, err)
	}
	e.run(t)
	if n := len(alerts(e.mb, "all@example.org")); n != 0 {
		t.Errorf("imported change sent %d alerts", n)
	}
	if ds := deliveries(t, e.db, ""); slices.ContainsFunc(ds, func(d data.Delivery) bool { return d.Kind != data.KindConfirm }) {
		t.Errorf("imported change queued deliveries: %+v", ds)
	}
}

func TestRefusedThenAcceptedDeliversOnceLater(t *testing.T) {
	e := newEnv(t, func(o *notify.Options) { o.BaseBackoff = time.Minute })
	e.subscribe(t, "all@example.org", "en", data.Immediate)
	e.run(t)
	check := e.recorder(t)
	t0 := e.clk.now()
	record(t, check, "wa-eea", t0, shareFB)
	record(t, check, "wa-eea", t0.Add(time.Hour), shareMeta)

	e.mb.mu.Lock()
	e.mb.refuse = 2
	e.mb.mu.Unlock()
	e.run(t)
	if n := len(alerts(e.mb, "all@example.org")); n != 0 {
		t.Fatalf("refused message counted as delivered: %d", n)
	}
	pend := deliveries(t, e.db, data.DeliveryPending)
	if len(pend) != 1 || pend[0].Attempts != 1 || !strings.Contains(pend[0].LastError, "451") || !pend[0].NextAttemptAt.After(e.clk.now()) {
		t.Fatalf("after a 451: pending = %+v, want 1 row, 1 attempt, the 451 kept, due later", pend)
	}
	e.run(t) // not due yet
	if e.mb.refuse != 2-1 {
		t.Fatalf("retried before its time: refusals left %d", e.mb.refuse)
	}
	e.clk.add(70 * time.Second)
	e.run(t) // second refusal: backoff doubles
	pend = deliveries(t, e.db, data.DeliveryPending)
	if len(pend) != 1 || pend[0].Attempts != 2 || pend[0].NextAttemptAt.Sub(e.clk.now()) < 2*time.Minute {
		t.Fatalf("after the second 451: %+v, want attempt 2 due in at least 2 minutes", pend)
	}
	e.clk.add(3 * time.Minute)
	e.run(t)
	e.run(t)
	if n := len(alerts(e.mb, "all@example.org")); n != 1 {
		t.Fatalf("after the server accepted: %d alerts, want 1", n)
	}
	sent := deliveries(t, e.db, data.DeliverySent)
	if !slices.ContainsFunc(sent, func(d data.Delivery) bool { return d.Kind == data.KindAlert && d.Attempts == 3 }) {
		t.Errorf("sent rows: %+v, want the alert sent at attempt 3", sent)
	}
}

func TestPermanentFailureIsKept(t *testing.T) {
	e := newEnv(t, func(o *notify.Options) { o.MaxAttempts = 2; o.BaseBackoff = time.Second })
	e.subscribe(t, "all@example.org", "en", data.Immediate)
	e.run(t)
	check := e.recorder(t)
	t0 := e.clk.now()
	record(t, check, "wa-eea", t0, shareFB)
	record(t, check, "wa-eea", t0.Add(time.Hour), shareMeta)
	e.mb.mu.Lock()
	e.mb.refuse = 100
	e.mb.mu.Unlock()
	for range 3 {
		e.run(t)
		e.clk.add(time.Minute)
	}
	failed := deliveries(t, e.db, data.DeliveryFailed)
	if len(failed) != 1 || failed[0].Attempts != 2 || !strings.Contains(failed[0].LastError, "gave up after 2 attempts") || !strings.Contains(failed[0].LastError, "451") {
		t.Fatalf("failed = %+v, want the alert failed after 2 attempts with the server's answer", failed)
	}
}

func TestInterruptedSendIsNotRepeated(t *testing.T) {
	e := newEnv(t, nil)
	e.subscribe(t, "all@example.org", "en", data.Immediate)
	e.run(t)
	check := e.recorder(t)
	t0 := e.clk.now()
	record(t, check, "wa-eea", t0, shareFB)
	record(t, check, "wa-eea", t0.Add(time.Hour), shareMeta)
	due, err := e.db.DueDeliveries(context.Background(), e.clk.now(), data.DueDelivery{}, 10)
	if err != nil || len(due) != 1 {
		t.Fatalf("due = %v, %v", due, err)
	}
	// A process claims the row and dies before recording the outcome: it
	// may have handed the message over.
	if c, err := check.ClaimDelivery(context.Background(), due[0].ID); err != nil || c == nil {
		t.Fatalf("claim: %v, %v", c, err)
	}
	e.run(t)
	e.clk.add(11 * time.Minute)
	if n, err := e.db.RecoverInterrupted(context.Background(), e.clk.now().Add(-10*time.Minute)); err != nil || n != 1 {
		t.Fatalf("RecoverInterrupted = %d, %v; want 1", n, err)
	}
	e.run(t)
	if n := len(alerts(e.mb, "all@example.org")); n != 0 {
		t.Fatalf("an interrupted delivery was resent automatically (%d emails)", n)
	}
	unknown := deliveries(t, e.db, data.DeliveryUnknown)
	if len(unknown) != 1 || !strings.Contains(unknown[0].LastError, "may or may not") {
		t.Fatalf("unknown = %+v", unknown)
	}
	// The operator checks and resends it.
	if n, err := e.db.RequeueDeliveries(context.Background(), []int64{unknown[0].ID}); err != nil || n != 1 {
		t.Fatalf("Requeue = %d, %v", n, err)
	}
	e.run(t)
	if n := len(alerts(e.mb, "all@example.org")); n != 1 {
		t.Fatalf("after requeue: %d alerts, want 1", n)
	}
}

func TestDailyDigestGroupsTheDay(t *testing.T) {
	e := newEnv(t, nil)
	e.subscribe(t, "daily@example.org", "es", data.Daily)
	e.run(t)
	check := e.recorder(t)
	t0 := e.clk.now() // 09:00 UTC
	record(t, check, "wa-eea", t0, shareFB)
	record(t, check, "wa-eea", t0.Add(time.Hour), shareMeta)
	record(t, check, "wa-terms", t0.Add(2*time.Hour), "You must be at least 13 years old.")
	record(t, check, "wa-terms", t0.Add(3*time.Hour), "You must be at least 16 years old to use WhatsApp.")
	e.clk.add(4 * time.Hour)
	e.run(t)
	if n := len(alerts(e.mb, "daily@example.org")); n != 0 {
		t.Fatalf("digest sent before its time: %d", n)
	}
	e.clk.t = data.NextDigest(e.clk.now())
	e.run(t)
	e.run(t)
	got := alerts(e.mb, "daily@example.org")
	if len(got) != 1 {
		t.Fatalf("%d digests, want 1", len(got))
	}
	p := parseMail(t, got[0].Data)
	subject := p.subject(t)
	if !strings.HasPrefix(subject, "[") || !strings.Contains(subject, "] WhatsApp ") || !strings.HasSuffix(subject, " (+1 cambio más)") {
		t.Errorf("Subject = %q, want the most severe change's severity and headline and how many more", subject)
	}
	for _, want := range []string{"Resumen diario de clausewatch: 2 cambios en 2 documentos", "WhatsApp Privacy Policy (EEA)", "WhatsApp Terms of Service", "{+16+}", "{+Meta+}", "Darse de baja", "Antes", "Ahora"} {
		if !strings.Contains(p.Text, want) {
			t.Errorf("digest lacks %q:\n%s", want, p.Text)
		}
	}
	if sent := deliveries(t, e.db, data.DeliverySent); len(slices.DeleteFunc(sent, func(d data.Delivery) bool { return d.Kind != data.KindDigest })) != 2 {
		t.Errorf("sent digest rows = %+v, want both changes marked sent", sent)
	}
}

func TestWebhooks(t *testing.T) {
	type hit struct {
		body []byte
		sig  string
		id   string
	}
	var mu sync.Mutex
	hits := map[string][]hit{}
	fail := 1
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		defer mu.Unlock()
		if r.URL.Path == "/json" && fail > 0 {
			fail--
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		hits[r.URL.Path] = append(hits[r.URL.Path], hit{b, r.Header.Get(notify.SignatureHeader), r.Header.Get(notify.DeliveryHeader)})
	}))
	defer srv.Close()
	e := newEnv(t, func(o *notify.Options) {
		o.HTTP = srv.Client()
		o.WebhookSecrets = map[string]string{srv.URL + "/json": "s3cret"}
	})
	if err := e.db.SyncWebhooks(context.Background(), []data.Webhook{{URL: srv.URL + "/json", Format: "json"}, {URL: srv.URL + "/slack", Format: "slack"}}); err != nil {
		t.Fatal(err)
	}
	check := e.recorder(t)
	t0 := e.clk.now()
	record(t, check, "wa-eea", t0, shareFB)
	res := record(t, check, "wa-eea", t0.Add(time.Hour), shareMeta)
	e.run(t)
	e.clk.add(2 * time.Minute)
	e.run(t)
	e.run(t)
	mu.Lock()
	defer mu.Unlock()
	if len(hits["/json"]) != 1 || len(hits["/slack"]) != 1 {
		t.Fatalf("hits: json %d, slack %d; want 1 each (json after one 503)", len(hits["/json"]), len(hits["/slack"]))
	}
	j := hits["/json"][0]
	if j.sig != notify.Sign("s3cret", j.body) || !strings.HasPrefix(j.sig, "sha256=") {
		t.Errorf("signature %q does not match the body", j.sig)
	}
	if hits["/slack"][0].sig != "" {
		t.Errorf("webhook without a secret was signed")
	}
	var p notify.WebhookPayload
	if err := json.Unmarshal(j.body, &p); err != nil {
		t.Fatal(err)
	}
	if p.Event != "change" || p.ChangeID != res.Change.ID || p.Document.ID != "wa-eea" || p.Document.Name != "WhatsApp Privacy Policy (EEA)" ||
		p.Links.Change != baseURL+"/changes/"+itoa(res.Change.ID) || p.Snapshot.SHA256 != res.Snapshot.SHA256 || p.Severity == "" ||
		len(p.Changes) != 1 || p.Changes[0].Old != shareFB || p.Changes[0].New != shareMeta || itoa(p.DeliveryID) != j.id {
		t.Errorf("json payload = %+v", p)
	}
	for _, field := range []string{`"alert":`, `"headline":"WhatsApp `, `"sharing":[`} {
		if !strings.Contains(string(j.body), field) {
			t.Errorf("json payload lacks %s: %s", field, j.body)
		}
	}
	var s map[string]string
	if err := json.Unmarshal(hits["/slack"][0].body, &s); err != nil || !strings.HasPrefix(s["text"], "*"+p.Headline+"*") ||
		!strings.Contains(s["text"], "WhatsApp Privacy Policy (EEA)") || !strings.Contains(s["text"], "<"+baseURL+"/changes/") {
		t.Errorf("slack body = %s (%v)", hits["/slack"][0].body, err)
	}
}

// TestNarrowedPreferencesApplyToQueuedAlerts: a subscriber who drops a
// document or topic after an alert about it was queued (a daily digest
// waits up to a day) does not receive it; what they still follow arrives.
func TestNarrowedPreferencesApplyToQueuedAlerts(t *testing.T) {
	tests := []struct {
		name  string
		prefs data.Subscription
	}{
		{"document dropped", data.Subscription{Documents: []string{"wa-terms"}, Frequency: data.Daily}},
		{"topic dropped", data.Subscription{Topics: []string{"children"}, Frequency: data.Daily}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, nil)
			ctx := context.Background()
			id := e.subscribe(t, "daily@example.org", "en", data.Daily)
			e.run(t)
			check := e.recorder(t)
			t0 := e.clk.now()
			record(t, check, "wa-eea", t0, shareFB)
			eea := record(t, check, "wa-eea", t0.Add(time.Hour), shareMeta)
			record(t, check, "wa-terms", t0.Add(2*time.Hour), "You must be at least 13 years old.")
			terms := record(t, check, "wa-terms", t0.Add(3*time.Hour), "You must be at least 16 years old to use WhatsApp.")
			if slices.Contains(terms.Change.Topics, "data-sharing") || (len(tc.prefs.Topics) > 0 && !slices.Contains(terms.Change.Topics, "children")) {
				t.Skipf("the classifier tags the terms change %v; this case needs it tagged children only", terms.Change.Topics)
			}
			if err := e.db.UpdatePreferences(ctx, id, "en", tc.prefs); err != nil {
				t.Fatal(err)
			}
			e.clk.t = data.NextDigest(e.clk.now())
			e.run(t)
			got := alerts(e.mb, "daily@example.org")
			if len(got) != 1 {
				t.Fatalf("%d digests, want 1 with the terms change only", len(got))
			}
			p := parseMail(t, got[0].Data)
			if strings.Contains(p.Text, "/changes/"+itoa(eea.Change.ID)) || strings.Contains(p.Text, "Meta") {
				t.Errorf("the digest carries the privacy policy change the subscriber dropped:\n%s", p.Text)
			}
			if !strings.Contains(p.Text, "/changes/"+itoa(terms.Change.ID)) {
				t.Errorf("the digest lacks the terms change:\n%s", p.Text)
			}
			skipped := deliveries(t, e.db, data.DeliverySkipped)
			if len(skipped) != 1 || skipped[0].ChangeID != eea.Change.ID {
				t.Errorf("skipped = %+v, want the privacy policy change's row", skipped)
			}
		})
	}
}

// hangUpAfterAccepting is a minimal SMTP server on loopback that accepts
// each message (250 after the final dot) and then hangs up, as a server
// that closes idle or over-used connections does: the client's RSET that
// follows fails although the message was delivered.
func hangUpAfterAccepting(t *testing.T) (addr string, accepted func() int) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	var mu sync.Mutex
	n := 0
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				r := bufio.NewReader(c)
				fmt.Fprint(c, "220 localhost ESMTP\r\n")
				for {
					line, err := r.ReadString('\n')
					if err != nil {
						return
					}
					switch cmd := strings.ToUpper(strings.TrimSpace(line)); {
					case strings.HasPrefix(cmd, "EHLO"), strings.HasPrefix(cmd, "HELO"):
						fmt.Fprint(c, "250-localhost\r\n250 SMTPUTF8\r\n")
					case cmd == "DATA":
						fmt.Fprint(c, "354 go ahead\r\n")
						for {
							l, err := r.ReadString('\n')
							if err != nil {
								return
							}
							if l == ".\r\n" {
								break
							}
						}
						mu.Lock()
						n++
						mu.Unlock()
						fmt.Fprint(c, "250 2.0.0 queued\r\n")
						return // hang up before the client's RSET
					case cmd == "QUIT":
						fmt.Fprint(c, "221 bye\r\n")
						return
					default:
						fmt.Fprint(c, "250 ok\r\n")
					}
				}
			}()
		}
	}()
	return ln.Addr().String(), func() int {
		mu.Lock()
		defer mu.Unlock()
		return n
	}
}

// TestAcceptedMessageIsNotResent: once the server answered 250 to the
// message, a failure of the RSET that go-mail sends afterwards must not
// make the dispatcher retry, which would deliver the alert twice.
func TestAcceptedMessageIsNotResent(t *testing.T) {
	e := newEnv(t, nil)
	e.subscribe(t, "all@example.org", "en", data.Immediate)
	e.run(t) // the confirmation, through the ordinary test server
	check := e.recorder(t)
	t0 := e.clk.now()
	record(t, check, "wa-eea", t0, shareFB)
	record(t, check, "wa-eea", t0.Add(time.Hour), shareMeta)

	addr, accepted := hangUpAfterAccepting(t)
	host, port, _ := net.SplitHostPort(addr)
	p, _ := strconv.Atoi(port)
	s, err := notify.NewSMTP(notify.SMTPConfig{Host: host, Port: p, From: "alerts@clausewatch.test", TLS: "none", Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	d, err := notify.NewDispatcher(notify.Options{DB: e.db, Composer: e.composer, Sender: s, Now: e.clk.now, Log: discard(), BaseBackoff: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if _, err := d.RunOnce(context.Background()); err != nil {
			t.Fatal(err)
		}
		e.clk.add(time.Hour)
	}
	if n := accepted(); n != 1 {
		t.Errorf("the server accepted the alert %d times, want 1", n)
	}
	sent := deliveries(t, e.db, data.DeliverySent)
	if !slices.ContainsFunc(sent, func(d data.Delivery) bool { return d.Kind == data.KindAlert && d.Attempts == 1 }) {
		t.Errorf("sent = %+v, want the alert marked sent after one attempt", sent)
	}
}

// TestEmailWaitsWhileUnconfigured: a dispatcher without a Sender (smtp.host
// unset, e.g. while the operator fixes the configuration) leaves email
// deliveries queued, however long it runs, instead of using up their
// attempts and failing them; webhooks still go out. Once email is
// configured, the alert is sent once.
func TestEmailWaitsWhileUnconfigured(t *testing.T) {
	e := newEnv(t, nil)
	e.subscribe(t, "all@example.org", "en", data.Immediate)
	e.run(t)
	check := e.recorder(t)
	t0 := e.clk.now()
	record(t, check, "wa-eea", t0, shareFB)
	record(t, check, "wa-eea", t0.Add(time.Hour), shareMeta)
	off, err := notify.NewDispatcher(notify.Options{DB: e.db, Composer: e.composer, Now: e.clk.now, Log: discard()})
	if err != nil {
		t.Fatal(err)
	}
	for range 12 {
		if _, err := off.RunOnce(context.Background()); err != nil {
			t.Fatal(err)
		}
		e.clk.add(7 * time.Hour)
	}
	pend := deliveries(t, e.db, data.DeliveryPending)
	if len(pend) != 1 || pend[0].Kind != data.KindAlert || pend[0].Attempts != 0 {
		t.Fatalf("after 3.5 days without email: pending = %+v, want the alert still queued, untried", pend)
	}
	e.run(t)
	if n := len(alerts(e.mb, "all@example.org")); n != 1 {
		t.Errorf("once email is configured: %d alerts, want 1", n)
	}
}
