package notify_test

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/clausewatch/clausewatch/data"
	"github.com/clausewatch/clausewatch/notify"
	"github.com/clausewatch/clausewatch/web"
)

// site serves the web pages over the env's database.
func (e *env) site(t *testing.T) *httptest.Server {
	t.Helper()
	subs, err := web.NewSubscriptions(e.tokens, []string{"data-sharing", "retention", "advertising"}, e.disp.Kick, e.clk.now)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := web.New(e.db, e.clk.now, discard(), web.Options{BaseURL: baseURL, Subscriptions: subs})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return ts
}

func browser(t *testing.T) *http.Client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func get(t *testing.T, c *http.Client, u string) (int, string) {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func post(t *testing.T, c *http.Client, u string, form url.Values) (int, string) {
	t.Helper()
	resp, err := c.PostForm(u, form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// subscribeVia fills the form as a browser does and returns the answer.
func subscribeVia(t *testing.T, site string, form url.Values) (int, string) {
	t.Helper()
	c := browser(t)
	code, page := get(t, c, site+"/subscribe")
	m := csrfField.FindStringSubmatch(page)
	if code != 200 || m == nil || !strings.Contains(page, `value="data-sharing" checked`) {
		t.Fatalf("GET /subscribe = %d, want the form with a CSRF field and data-sharing ticked:\n%s", code, page)
	}
	form.Set("csrf", m[1])
	return post(t, c, site+"/subscribe", form)
}

// link finds a URL of the site in a text part.
func link(t *testing.T, text, path string) string {
	t.Helper()
	m := regexp.MustCompile(regexp.QuoteMeta(baseURL+path) + `\?token=[A-Za-z0-9_-]+`).FindString(text)
	if m == "" {
		t.Fatalf("no %s link in:\n%s", path, text)
	}
	return m
}

func TestSubscribeConfirmAlertUnsubscribe(t *testing.T) {
	e := newEnv(t, nil)
	site := e.site(t).URL
	local := func(u string) string { return strings.Replace(u, baseURL, site, 1) }
	ctx := context.Background()

	// Subscribe: every material change for one address, only retention for
	// another, the default data-sharing for a third.
	code, page := subscribeVia(t, site, url.Values{"email": {"Reporter@Example.org"}, "frequency": {"immediate"}, "lang": {"en"}})
	if code != 200 || !strings.Contains(page, "Check your inbox") {
		t.Fatalf("POST /subscribe = %d:\n%s", code, page)
	}
	subscribeVia(t, site, url.Values{"email": {"retention@example.org"}, "topic": {"retention"}, "lang": {"en"}})
	subscribeVia(t, site, url.Values{"email": {"sharing@example.org"}, "topic": {"data-sharing"}, "lang": {"es"}})
	// The same answer for an address asked twice: nothing to learn.
	code2, page2 := subscribeVia(t, site, url.Values{"email": {"reporter@example.org"}, "lang": {"en"}})
	if code2 != code || page2 != page {
		t.Errorf("a second request for the same address answered differently")
	}

	e.run(t)
	confirms := e.mb.to("reporter@example.org")
	if len(confirms) != 1 {
		t.Fatalf("%d confirmation emails for two requests before sending, want 1 (merged)", len(confirms))
	}
	p := parseMail(t, confirms[0].Data)
	if s := p.subject(t); s != "Confirm your clausewatch subscription" {
		t.Errorf("confirmation subject = %q", s)
	}
	confirm := link(t, p.Text, "/confirm")

	// Opening the link (as a mail scanner does) confirms nothing.
	c := browser(t)
	code, page = get(t, c, local(confirm))
	if code != 200 || !strings.Contains(page, `<form method="post" action="/confirm">`) {
		t.Fatalf("GET confirm link = %d:\n%s", code, page)
	}
	if s, err := e.db.SubscriberByEmail(ctx, "reporter@example.org"); err != nil || s.Status != data.SubscriberPending {
		t.Fatalf("after GET: %+v, %v; want still pending", s, err)
	}
	tok := strings.SplitN(confirm, "token=", 2)[1]
	if code, page = post(t, c, site+"/confirm", url.Values{"token": {tok}}); code != 200 || !strings.Contains(page, "You are subscribed") {
		t.Fatalf("POST /confirm = %d:\n%s", code, page)
	}
	for _, addr := range []string{"retention@example.org", "sharing@example.org"} {
		p := parseMail(t, e.mb.to(addr)[0].Data)
		tok := strings.SplitN(link(t, p.Text, "/confirm"), "token=", 2)[1]
		if code, _ := post(t, c, site+"/confirm", url.Values{"token": {tok}}); code != 200 {
			t.Fatalf("confirm %s = %d", addr, code)
		}
	}

	// `clausewatch check` records a data-sharing change in its own process.
	check := e.recorder(t)
	t0 := e.clk.now()
	record(t, check, "wa-eea", t0, shareFB, keep)
	res := record(t, check, "wa-eea", t0.Add(time.Hour), shareMeta, keep)
	e.disp.Kick()
	e.run(t)
	got := alerts(e.mb, "reporter@example.org")
	if len(got) != 1 {
		t.Fatalf("reporter got %d alerts, want exactly 1", len(got))
	}
	if n := len(alerts(e.mb, "retention@example.org")); n != 0 {
		t.Errorf("a topic not subscribed sent %d alerts", n)
	}
	want := 0
	if slices.Contains(res.Change.Topics, "data-sharing") {
		want = 1
	}
	if n := len(alerts(e.mb, "sharing@example.org")); n != want {
		t.Errorf("data-sharing subscriber got %d alerts for a change with topics %v, want %d", n, res.Change.Topics, want)
	}
	if want == 1 {
		es := parseMail(t, alerts(e.mb, "sharing@example.org")[0].Data)
		if s := es.subject(t); !strings.HasPrefix(s, "[crítica] WhatsApp ahora también comparte tu información con socios") {
			t.Errorf("Spanish subject = %q, want the severity and the headline in Spanish", s)
		}
		if !strings.Contains(es.Text, "Temas: cesión de datos “") || !strings.Contains(es.Text, "Gravedad: ") {
			t.Errorf("Spanish alert lacks the topic with its quoted evidence or the severity:\n%s", es.Text)
		}
	}
	alert := parseMail(t, got[0].Data)
	if !strings.Contains(alert.Text, "{+Meta+}") || alert.Header.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" {
		t.Errorf("alert:\n%s", alert.Text)
	}

	// One-click unsubscribe as a mail provider does it: POST to the
	// header's URL, no cookie, no CSRF token.
	unsub := strings.Trim(alert.Header.Get("List-Unsubscribe"), "<>")
	resp, err := http.Post(local(unsub), "application/x-www-form-urlencoded", strings.NewReader("List-Unsubscribe=One-Click"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("one-click unsubscribe = %d", resp.StatusCode)
	}
	record(t, check, "wa-eea", t0.Add(2*time.Hour), shareMeta, "We keep your messages for 30 days after they are delivered.")
	e.run(t)
	if n := len(alerts(e.mb, "reporter@example.org")); n != 1 {
		t.Errorf("after unsubscribing: %d alerts, want still 1", n)
	}
}

func TestSubscribeRefusesBadRequests(t *testing.T) {
	e := newEnv(t, nil)
	site := e.site(t).URL
	tests := []struct {
		name  string
		email string
		csrf  bool
		want  int
	}{
		{"header injection", "a@example.org\r\nBcc: victim@example.org", true, 400},
		{"newline", "a@example.org\nx", true, 400},
		{"display name", "Eve <eve@example.org>", true, 400},
		{"two addresses", "a@example.org, b@example.org", true, 400},
		{"no domain dot", "a@localhost", true, 400},
		{"too long", strings.Repeat("a", 250) + "@example.org", true, 400},
		{"no csrf token", "ok@example.org", false, 403},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var code int
			if tc.csrf {
				code, _ = subscribeVia(t, site, url.Values{"email": {tc.email}})
			} else {
				code, _ = post(t, browser(t), site+"/subscribe", url.Values{"email": {tc.email}})
			}
			if code != tc.want {
				t.Errorf("status %d, want %d", code, tc.want)
			}
		})
	}
	if ds := deliveries(t, e.db, ""); len(ds) != 0 {
		t.Errorf("refused requests queued %d emails", len(ds))
	}
	// A body over the limit is refused.
	code, _ := subscribeVia(t, site, url.Values{"email": {"big@example.org"}, "topic": {strings.Repeat("x", 80<<10)}})
	if code != http.StatusRequestEntityTooLarge {
		t.Errorf("80 KB form: status %d, want 413 (the limit is 64 KiB)", code)
	}
	// A forged or expired token is refused, GET and POST.
	for _, u := range []string{"/confirm?token=AAAA", "/unsubscribe?token=" + e.tokens.Sign(notify.PurposeConfirm, 1, time.Hour)} {
		if code, _ := get(t, browser(t), site+u); code != 400 {
			t.Errorf("GET %s = %d, want 400", u, code)
		}
	}
	e.clk.add(8 * 24 * time.Hour)
	old := e.tokens.Sign(notify.PurposeConfirm, 1, notify.ConfirmTTL)
	e.clk.add(8 * 24 * time.Hour)
	if code, page := post(t, browser(t), site+"/confirm", url.Values{"token": {old}}); code != 400 || !strings.Contains(page, "expired") {
		t.Errorf("expired confirmation = %d:\n%s", code, page)
	}
}

func TestSubscribeRateLimits(t *testing.T) {
	e := newEnv(t, nil)
	site := e.site(t).URL
	// Per address: three confirmation emails an hour, then silently none.
	for range 5 {
		if code, _ := subscribeVia(t, site, url.Values{"email": {"target@example.org"}}); code != 200 {
			t.Fatalf("status %d", code)
		}
	}
	if ds := deliveries(t, e.db, ""); len(ds) != 3 {
		t.Errorf("%d confirmation emails queued for one address in an hour, want 3", len(ds))
	}
	// Per client address: ten requests, then 429.
	last := 0
	for i := range 10 {
		last, _ = subscribeVia(t, site, url.Values{"email": {"person" + strings.Repeat("x", i) + "@example.org"}})
	}
	if last != http.StatusTooManyRequests {
		t.Errorf("15th request from one address: %d, want 429", last)
	}
}

func TestPreferencesAndExpiry(t *testing.T) {
	e := newEnv(t, nil)
	site := e.site(t).URL
	ctx := context.Background()
	subscribeVia(t, site, url.Values{"email": {"p@example.org"}, "topic": {"data-sharing"}})
	e.run(t)
	s, err := e.db.SubscriberByEmail(ctx, "p@example.org")
	if err != nil {
		t.Fatal(err)
	}
	tok := e.tokens.Sign(notify.PurposePreferences, s.ID, notify.LinkTTL)
	c := browser(t)
	if code, page := get(t, c, site+"/preferences?token="+tok); code != 200 || !strings.Contains(page, `value="data-sharing" checked`) {
		t.Fatalf("GET /preferences = %d:\n%s", code, page)
	}
	code, _ := post(t, c, site+"/preferences", url.Values{"token": {tok}, "topic": {"retention", "advertising"}, "frequency": {"daily"}, "lang": {"es"}})
	if code != 200 {
		t.Fatalf("POST /preferences = %d", code)
	}
	s, _ = e.db.Subscriber(ctx, s.ID)
	if s.Lang != "es" || s.Frequency != data.Daily || !slices.Equal(s.Topics, []string{"advertising", "retention"}) {
		t.Errorf("after saving: %+v", s)
	}
	// The subscription was never confirmed: after seven days it is gone.
	e.clk.add(8 * 24 * time.Hour)
	if n, err := e.db.PurgeUnconfirmed(ctx, e.clk.now().Add(-7*24*time.Hour)); err != nil || n != 1 {
		t.Fatalf("PurgeUnconfirmed = %d, %v", n, err)
	}
	if _, err := e.db.SubscriberByEmail(ctx, "p@example.org"); err == nil {
		t.Errorf("unconfirmed subscriber still stored")
	}
}
