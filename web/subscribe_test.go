package web

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/clausewatch/clausewatch/data"
	"github.com/clausewatch/clausewatch/notify"
)

// The subscription pages are pages of the site: every one of them, in both
// languages, is checked like the history pages (layout, landmarks, one h1,
// headings, no inline code, no untranslated message, security headers). The
// whole flow with real emails is notify/e2e_test.go; these tests cover what
// the pages show and in which language.

// subEnv is a site with email alerts on a fresh database holding two
// documents and two subscribers: a pending Spanish one and a confirmed
// English one.
type subEnv struct {
	db      *data.DB
	tokens  *notify.Tokens
	srv     *httptest.Server
	pending int64 // pendiente@example.org, Spanish
	reader  int64 // reader@example.org, English, confirmed
}

func newSubEnv(t testing.TB, alerts bool) *subEnv {
	t.Helper()
	ctx := context.Background()
	db := openTestDB(t)
	if err := db.SyncDocuments(ctx, []data.Document{
		{ID: "whatsapp-privacy-policy-eea", URL: "https://www.whatsapp.com/legal/privacy-policy-eea", Service: "WhatsApp", Title: "Privacy Policy", Region: "EEA", Language: "en"},
		{ID: "whatsapp-terms-of-service-eea", URL: "https://www.whatsapp.com/legal/terms-of-service-eea", Service: "WhatsApp", Title: "Terms of Service", Region: "EEA", Language: "en"},
	}); err != nil {
		t.Fatal(err)
	}
	e := &subEnv{db: db}
	var err error
	if e.tokens, err = notify.NewTokens([]byte("a test secret of at least thirty-two bytes"), testClock); err != nil {
		t.Fatal(err)
	}
	var opts Options
	if alerts {
		if opts.Subscriptions, err = NewSubscriptions(e.tokens, []string{"data-sharing", "retention"}, nil, testClock); err != nil {
			t.Fatal(err)
		}
	}
	for _, s := range []struct {
		id    *int64
		email string
		lang  string
	}{{&e.pending, "pendiente@example.org", "es"}, {&e.reader, "reader@example.org", "en"}} {
		req := data.SubscribeRequest{Email: s.email, Lang: s.lang, Subscription: data.Subscription{Topics: []string{"retention"}, Frequency: data.Daily}}
		if *s.id, err = db.Subscribe(ctx, req); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Confirm(ctx, e.reader); err != nil {
		t.Fatal(err)
	}
	srv, err := New(db, testClock, slog.New(slog.DiscardHandler), opts)
	if err != nil {
		t.Fatal(err)
	}
	e.srv = httptest.NewServer(srv.Handler())
	t.Cleanup(e.srv.Close)
	return e
}

// browser is a client with a cookie jar, as a reader's browser.
func (e *subEnv) browser(t *testing.T) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// do sends a request (a form when form is not nil) with headers (name,
// value pairs) and returns the answer and its body.
func (e *subEnv) do(t *testing.T, c *http.Client, method, path string, form url.Values, headers ...string) (*http.Response, string) {
	t.Helper()
	var body *strings.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	} else {
		body = strings.NewReader("")
	}
	req, err := http.NewRequest(method, e.srv.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

// page sends a request and checks the answer as a page of the site.
func (e *subEnv) page(t *testing.T, c *http.Client, method, path string, form url.Values, status int, headers ...string) (*goquery.Document, *http.Response) {
	t.Helper()
	resp, body := e.do(t, c, method, path, form, headers...)
	return checkPage(t, method+" "+path, resp, body, status), resp
}

var csrfValue = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// csrf opens the form in c and returns its CSRF field.
func (e *subEnv) csrf(t *testing.T, c *http.Client) string {
	t.Helper()
	_, body := e.do(t, c, http.MethodGet, "/subscribe", nil)
	m := csrfValue.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no CSRF field in the form:\n%.2000s", body)
	}
	return m[1]
}

func (e *subEnv) status(t *testing.T, id int64) string {
	t.Helper()
	s, err := e.db.Subscriber(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return s.Status
}

// TestSubscriptionPages shows every subscription page, in English and in
// Spanish, and checks each as a page of the site, its h1 and what it must
// show.
func TestSubscriptionPages(t *testing.T) {
	type request struct {
		method, path string
		form         url.Values
		csrf         bool     // fill the form's CSRF field and cookie first
		headers      []string // name, value pairs
	}
	tests := []struct {
		name   string
		req    func(e *subEnv) request
		status int
		lang   string
		h1     string
		sel    []string // each must match
	}{
		{"form", func(*subEnv) request { return request{method: "GET", path: "/subscribe"} },
			200, "en", "Email alerts", []string{`meta[name=robots][content=noindex]`, `form.subscribe[method=post][action="/subscribe"] input[name=csrf]`,
				`input#email[name=email][type=email]`, `input[name=topic][value=data-sharing][checked]`, `input[name=document][value=whatsapp-terms-of-service-eea]`,
				`input[name=frequency][value=immediate][checked]`, `select#lang option[value=en][selected]`, `label[for=email]`, `label[for=lang]`}},
		{"form in Spanish", func(*subEnv) request {
			return request{method: "GET", path: "/subscribe", headers: []string{"Accept-Language", "es-ES,es;q=0.9"}}
		}, 200, "es", "Alertas por correo", []string{`select#lang option[value=es][selected]`, `input[name=topic][value=data-sharing][checked]`}},
		{"check your inbox", func(*subEnv) request {
			return request{method: "POST", path: "/subscribe", csrf: true, form: url.Values{"email": {"new@example.org"}, "lang": {"en"}}}
		}, 200, "en", "Check your inbox", nil},
		{"check your inbox in Spanish", func(*subEnv) request {
			return request{method: "POST", path: "/subscribe", csrf: true, form: url.Values{"email": {"nueva@example.org"}, "lang": {"es"}}}
		}, 200, "es", "Revise su correo", nil},
		{"email refused", func(*subEnv) request {
			return request{method: "POST", path: "/subscribe", csrf: true, form: url.Values{"email": {`<script>alert(1)</script>@example.org`}, "topic": {"retention"}, "frequency": {"daily"}, "lang": {"en"}}}
		}, 400, "en", "Email alerts", []string{`.alert[role=alert]#email-error`, `input#email[aria-invalid=true][aria-describedby=email-error]`,
			`input[name=csrf]`, `input[name=topic][value=retention][checked]`, `input[name=frequency][value=daily][checked]`}},
		{"email refused in Spanish", func(*subEnv) request {
			return request{method: "POST", path: "/subscribe", csrf: true, form: url.Values{"email": {"a@localhost"}, "lang": {"es"}}}
		}, 400, "es", "Alertas por correo", []string{`.alert[role=alert]:contains("No es una dirección de correo válida")`}},
		{"no CSRF token", func(*subEnv) request {
			return request{method: "POST", path: "/subscribe", form: url.Values{"email": {"a@example.org"}}, headers: []string{"Accept-Language", "es"}}
		}, 403, "es", "Error 403", []string{`.error-message:contains("El formulario ha caducado")`}},
		{"confirm button", func(e *subEnv) request {
			return request{method: "GET", path: "/confirm?token=" + e.tokens.Sign(notify.PurposeConfirm, e.pending, time.Hour)}
		}, 200, "es", "Confirme su suscripción", []string{`form[method=post][action="/confirm"] input[type=hidden][name=token]`, `main p:contains("pendiente@example.org")`}},
		{"confirm button, switched to English", func(e *subEnv) request {
			return request{method: "GET", path: "/confirm?lang=en&token=" + e.tokens.Sign(notify.PurposeConfirm, e.pending, time.Hour)}
		}, 200, "en", "Confirm your subscription", []string{`form[action="/confirm"] button`}},
		{"confirmed", func(e *subEnv) request {
			return request{method: "POST", path: "/confirm", form: url.Values{"token": {e.tokens.Sign(notify.PurposeConfirm, e.pending, time.Hour)}}}
		}, 200, "es", "Suscripción confirmada", []string{`main a[href^="/preferences?token="]`, `nav.langs a[hreflang=en][href^="/confirm?"][href*="token="]`}},
		{"damaged link", func(*subEnv) request { return request{method: "GET", path: "/confirm?token=AAAA"} },
			400, "en", "Error 400", []string{`.error-message:contains("This link is damaged")`}},
		{"expired link", func(e *subEnv) request {
			return request{method: "POST", path: "/confirm", form: url.Values{"token": {e.tokens.Sign(notify.PurposeConfirm, e.pending, -time.Hour)}}, headers: []string{"Accept-Language", "es"}}
		}, 400, "es", "Error 400", []string{`.error-message:contains("El enlace ha caducado")`}},
		{"unsubscribe button", func(e *subEnv) request {
			return request{method: "GET", path: "/unsubscribe?token=" + e.tokens.Sign(notify.PurposeUnsubscribe, e.reader, time.Hour)}
		}, 200, "en", "Unsubscribe", []string{`form[method=post][action="/unsubscribe"] input[name=token]`, `main p:contains("reader@example.org")`}},
		{"one-click unsubscribe", func(e *subEnv) request {
			return request{method: "POST", path: "/unsubscribe?token=" + e.tokens.Sign(notify.PurposeUnsubscribe, e.reader, time.Hour), form: url.Values{"List-Unsubscribe": {"One-Click"}}}
		}, 200, "en", "You are unsubscribed", []string{`main a[href="/subscribe"]`}},
		{"preferences", func(e *subEnv) request {
			return request{method: "GET", path: "/preferences?token=" + e.tokens.Sign(notify.PurposePreferences, e.reader, time.Hour)}
		}, 200, "en", "Your alerts", []string{`form.subscribe[action="/preferences"] input[type=hidden][name=token]`, `input[name=topic][value=retention][checked]`,
			`input[name=document][value=whatsapp-privacy-policy-eea][checked]`, `input[name=document][value=whatsapp-terms-of-service-eea][checked]`,
			`input[name=frequency][value=daily][checked]`}},
		{"preferences in Spanish", func(e *subEnv) request {
			return request{method: "GET", path: "/preferences?token=" + e.tokens.Sign(notify.PurposePreferences, e.pending, time.Hour)}
		}, 200, "es", "Sus alertas", []string{`label:contains("cesión de datos") input[name=topic][value=data-sharing]`}},
		{"saved", func(e *subEnv) request {
			return request{method: "POST", path: "/preferences", form: url.Values{"token": {e.tokens.Sign(notify.PurposePreferences, e.reader, time.Hour)}, "topic": {"data-sharing"}, "lang": {"es"}}}
		}, 200, "es", "Cambios guardados", []string{`main a[href^="/preferences?token="]`, `nav.langs a[hreflang=en][href^="/preferences?"][href*="token="]`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newSubEnv(t, true)
			req := tt.req(e)
			c := e.browser(t)
			if req.csrf {
				req.form.Set("csrf", e.csrf(t, c))
			}
			doc, resp := e.page(t, c, req.method, req.path, req.form, tt.status, req.headers...)
			if lang := doc.Find("html").AttrOr("lang", ""); lang != tt.lang || resp.Header.Get("Content-Language") != tt.lang {
				t.Errorf("html lang %q, Content-Language %q; want %q", lang, resp.Header.Get("Content-Language"), tt.lang)
			}
			if h1 := doc.Find("h1").Text(); h1 != tt.h1 {
				t.Errorf("h1 %q, want %q", h1, tt.h1)
			}
			if title := doc.Find("title").Text(); !strings.HasPrefix(title, tt.h1+" · ") {
				t.Errorf("title %q does not start with the h1", title)
			}
			for _, sel := range tt.sel {
				if doc.Find(sel).Length() == 0 {
					t.Errorf("no %s", sel)
				}
			}
			if n := doc.Find(`nav.langs a, nav.langs [aria-current]`).Length(); n != 2 {
				t.Errorf("language switch has %d entries, want 2", n)
			}
		})
	}
}

// TestSubscriptionPagesChangeOnlyOnPost checks that opening a link from an
// email changes nothing, and that the POST behind its button does.
func TestSubscriptionPagesChangeOnlyOnPost(t *testing.T) {
	e := newSubEnv(t, true)
	c := e.browser(t)
	confirm := e.tokens.Sign(notify.PurposeConfirm, e.pending, time.Hour)
	e.page(t, c, "GET", "/confirm?token="+confirm, nil, http.StatusOK)
	if s := e.status(t, e.pending); s != data.SubscriberPending {
		t.Fatalf("after GET /confirm: %s, want still pending", s)
	}
	e.page(t, c, "POST", "/confirm", url.Values{"token": {confirm}}, http.StatusOK)
	if s := e.status(t, e.pending); s != data.SubscriberConfirmed {
		t.Fatalf("after POST /confirm: %s, want confirmed", s)
	}
	unsub := e.tokens.Sign(notify.PurposeUnsubscribe, e.pending, time.Hour)
	e.page(t, c, "GET", "/unsubscribe?token="+unsub, nil, http.StatusOK)
	if s := e.status(t, e.pending); s != data.SubscriberConfirmed {
		t.Fatalf("after GET /unsubscribe: %s, want still confirmed", s)
	}
	// One-click (RFC 8058): a mail provider posts with no cookie and no
	// CSRF token; the token in the URL is the proof.
	e.page(t, http.DefaultClient, "POST", "/unsubscribe?token="+unsub, url.Values{"List-Unsubscribe": {"One-Click"}}, http.StatusOK)
	if s := e.status(t, e.pending); s != data.SubscriberUnsubscribed {
		t.Fatalf("after the one-click POST: %s, want unsubscribed", s)
	}
	// A confirmation link of an unsubscribed address confirms nothing.
	e.page(t, c, "POST", "/confirm", url.Values{"token": {confirm}}, http.StatusBadRequest)
	if s := e.status(t, e.pending); s != data.SubscriberUnsubscribed {
		t.Fatalf("confirming after unsubscribing: %s", s)
	}
}

// TestSubscribeAnswersAlike checks that the form answers the same page for
// a new address and for one already confirmed, so it tells nobody who is
// subscribed.
func TestSubscribeAnswersAlike(t *testing.T) {
	e := newSubEnv(t, true)
	var pages []string
	for _, email := range []string{"someone.new@example.org", "Reader@Example.org"} {
		c := e.browser(t)
		form := url.Values{"email": {email}, "lang": {"en"}, "csrf": {e.csrf(t, c)}}
		resp, body := e.do(t, c, "POST", "/subscribe", form)
		checkPage(t, "POST /subscribe "+email, resp, body, http.StatusOK)
		pages = append(pages, body)
	}
	if pages[0] != pages[1] {
		t.Errorf("the answers for a new and a subscribed address differ")
	}
}

// TestAlertsNotConfigured checks that without Options.Subscriptions every
// subscription route answers 503 with a page of the site that says so and
// links the feeds, in the reader's language, and reads no form.
func TestAlertsNotConfigured(t *testing.T) {
	e := newSubEnv(t, false)
	tests := []struct {
		name         string
		method, path string
		form         url.Values
		headers      []string
		lang, text   string
	}{
		{"form", "GET", "/subscribe", nil, nil, "en", "Email alerts are not configured on this server."},
		{"form in Spanish", "GET", "/subscribe", nil, []string{"Accept-Language", "es"}, "es", "Las alertas por correo no están configuradas en este servidor."},
		{"form sent", "POST", "/subscribe", url.Values{"email": {"a@example.org"}, "topic": {strings.Repeat("x", 20<<10)}}, nil, "en", "Email alerts are not configured"},
		{"confirm link", "GET", "/confirm?token=AAAA", nil, nil, "en", "Email alerts are not configured"},
		{"confirm", "POST", "/confirm", url.Values{"token": {"AAAA"}}, nil, "en", "Email alerts are not configured"},
		{"unsubscribe link", "GET", "/unsubscribe?token=AAAA&lang=es", nil, nil, "es", "no están configuradas"},
		{"one-click unsubscribe", "POST", "/unsubscribe?token=AAAA", url.Values{"List-Unsubscribe": {"One-Click"}}, nil, "en", "Email alerts are not configured"},
		{"preferences link", "GET", "/preferences?token=AAAA", nil, nil, "en", "Email alerts are not configured"},
		{"preferences", "POST", "/preferences", url.Values{"token": {"AAAA"}}, nil, "en", "Email alerts are not configured"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, _ := e.page(t, e.browser(t), tt.method, tt.path, tt.form, http.StatusServiceUnavailable, tt.headers...)
			if lang := doc.Find("html").AttrOr("lang", ""); lang != tt.lang {
				t.Errorf("lang %q, want %q", lang, tt.lang)
			}
			main := doc.Find("main")
			if !strings.Contains(main.Text(), tt.text) {
				t.Errorf("main does not say %q: %q", tt.text, main.Text())
			}
			for _, feed := range []string{"/feed.atom", "/feed.rss"} {
				if tt.lang == "es" {
					feed += "?lang=es" // the Spanish feeds
				}
				if main.Find(`a[href="`+feed+`"]`).Length() != 1 {
					t.Errorf("main does not link %s", feed)
				}
			}
			if main.Find("form").Length() != 0 {
				t.Errorf("the page offers a form that cannot work")
			}
		})
	}
}

// addDocuments stores n more documents, doc-0000, doc-0001 and so on, so
// that a form has as many documents to offer as a test needs.
func (e *subEnv) addDocuments(t *testing.T, n int) {
	t.Helper()
	docs := make([]data.Document, n)
	for i := range docs {
		docs[i] = data.Document{ID: fmt.Sprintf("doc-%04d", i), URL: fmt.Sprintf("https://example.com/privacy/%d", i),
			Service: "Example", Title: fmt.Sprintf("Policy %04d", i), Language: "en"}
	}
	if err := e.db.SyncDocuments(context.Background(), docs); err != nil {
		t.Fatal(err)
	}
}

// TestSubscribeDocumentChoices checks how the forms offer documents: as
// boxes while there are at most maxDocumentChoices, and as one field of
// typed ids beyond, where an unknown id is shown again with the form,
// named, in the page's language, and nothing is saved.
func TestSubscribeDocumentChoices(t *testing.T) {
	const many = maxDocumentChoices - 1 // with the env's two: one more than a form offers as boxes
	unknown15 := make([]string, 15)
	for i := range unknown15 {
		unknown15[i] = fmt.Sprintf("missing-%02d", i)
	}
	tooMany := make([]string, maxChosenDocuments+1)
	for i := range tooMany {
		tooMany[i] = fmt.Sprintf("service-%04d-privacy-policy-eea", i) // as long as real ids
	}
	type request struct {
		method, path string
		form         url.Values
		csrf         bool
		headers      []string
	}
	tests := []struct {
		name   string
		extra  int                           // documents added to the env's two
		setup  func(t *testing.T, e *subEnv) // before the request, may be nil
		req    func(e *subEnv) request
		status int
		sel    []string // each must match
		absent []string // none may match
		// who is the address whose documents are read back afterwards,
		// "" for none; want are its documents, nil for every one; gone
		// says the address must not be subscribed at all.
		who  string
		want []string
		gone bool
	}{
		{name: "few: the form offers boxes", extra: maxDocumentChoices - 2,
			req:    func(*subEnv) request { return request{method: "GET", path: "/subscribe"} },
			status: 200, sel: []string{`input[type=checkbox][name=document][value=doc-0000]`, `input[name=document][value=whatsapp-privacy-policy-eea]`},
			absent: []string{`#documents`, `[name=documents]`}},
		{name: "few: ticked boxes subscribe to those, forged ones dropped",
			req: func(*subEnv) request {
				return request{method: "POST", path: "/subscribe", csrf: true, form: url.Values{"email": {"new@example.org"}, "lang": {"en"},
					"document": {"whatsapp-privacy-policy-eea", "forged-id", "whatsapp-privacy-policy-eea"}}}
			}, status: 200, who: "new@example.org", want: []string{"whatsapp-privacy-policy-eea"}},
		{name: "few: every box ticked means every document",
			req: func(*subEnv) request {
				return request{method: "POST", path: "/subscribe", csrf: true, form: url.Values{"email": {"new@example.org"}, "lang": {"en"},
					"document": {"whatsapp-privacy-policy-eea", "whatsapp-terms-of-service-eea"}}}
			}, status: 200, who: "new@example.org", want: nil},
		{name: "many: the form asks for ids", extra: many,
			req:    func(*subEnv) request { return request{method: "GET", path: "/subscribe"} },
			status: 200, sel: []string{`form.subscribe textarea#documents[name=documents][aria-describedby=documents-hint]`, `label[for=documents]:contains("Document ids")`,
				`#documents-hint:contains("separated by spaces, commas or new lines")`},
			absent: []string{`input[name=document]`, `#documents[aria-invalid]`}},
		{name: "many: the form asks for ids in Spanish", extra: many,
			req: func(*subEnv) request {
				return request{method: "GET", path: "/subscribe", headers: []string{"Accept-Language", "es"}}
			}, status: 200, sel: []string{`label[for=documents]:contains("Identificadores de los documentos")`, `#documents-hint:contains("separados por espacios, comas o saltos de línea")`},
			absent: []string{`input[name=document]`}},
		{name: "many: typed ids and pasted addresses subscribe to exactly those", extra: many,
			req: func(*subEnv) request {
				return request{method: "POST", path: "/subscribe", csrf: true, form: url.Values{"email": {"new@example.org"}, "lang": {"en"},
					"documents": {"doc-0003, https://example.org/documents/whatsapp-privacy-policy-eea\r\ndoc-0003 /documents/doc-0150/,,\n"}}}
			}, status: 200, who: "new@example.org", want: []string{"doc-0003", "doc-0150", "whatsapp-privacy-policy-eea"}},
		{name: "many: an unknown typed id is named", extra: many,
			req: func(*subEnv) request {
				return request{method: "POST", path: "/subscribe", csrf: true, form: url.Values{"email": {"new@example.org"}, "lang": {"en"},
					"documents": {"doc-0003 no-such-doc"}, "topic": {"retention"}}}
			}, status: 400, sel: []string{`#documents-error.alert[role=alert]:contains("Unknown document ids: no-such-doc.")`,
				`textarea#documents[aria-invalid=true][aria-describedby="documents-hint documents-error"]:contains("doc-0003 no-such-doc")`,
				`input#email[value="new@example.org"]`, `input[name=csrf]`, `input[name=topic][value=retention][checked]`},
			absent: []string{`#email-error`, `input[name=document]`}, who: "new@example.org", gone: true},
		{name: "many: an unknown typed id is named in Spanish", extra: many,
			req: func(*subEnv) request {
				return request{method: "POST", path: "/subscribe", csrf: true, form: url.Values{"email": {"nueva@example.org"}, "lang": {"es"},
					"documents": {"no-such-doc"}}}
			}, status: 400, sel: []string{`#documents-error[role=alert]:contains("Identificadores de documento desconocidos: no-such-doc.")`,
				`textarea#documents:contains("no-such-doc")`},
			who: "nueva@example.org", gone: true},
		{name: "many: a long list of unknown ids is cut", extra: many,
			req: func(*subEnv) request {
				return request{method: "POST", path: "/subscribe", csrf: true, form: url.Values{"email": {"new@example.org"}, "lang": {"en"},
					"documents": {strings.Join(unknown15, "\n")}}}
			}, status: 400, sel: []string{`#documents-error:contains("missing-00, missing-01")`, `#documents-error:contains("missing-09 and 5 more.")`},
			absent: []string{`#documents-error:contains("missing-10")`}, who: "new@example.org", gone: true},
		{name: "many: both the address and the ids are wrong", extra: many,
			req: func(*subEnv) request {
				return request{method: "POST", path: "/subscribe", csrf: true, form: url.Values{"email": {"a@localhost"}, "lang": {"en"},
					"documents": {"no-such-doc"}}}
			}, status: 400, sel: []string{`#email-error[role=alert]`, `#documents-error[role=alert]:contains("no-such-doc")`}},
		{name: "many: too many ids", extra: many,
			req: func(*subEnv) request {
				return request{method: "POST", path: "/subscribe", csrf: true, form: url.Values{"email": {"new@example.org"}, "lang": {"en"},
					"documents": {strings.Join(tooMany, "\r\n")}}}
			}, status: 400, sel: []string{`#documents-error:contains("Choose at most 1000 documents")`}, who: "new@example.org", gone: true},
		{name: "many: a typo in a forged box is dropped, a typed one is not", extra: many,
			req: func(*subEnv) request {
				return request{method: "POST", path: "/subscribe", csrf: true, form: url.Values{"email": {"new@example.org"}, "lang": {"en"},
					"document": {"forged-id", "doc-0001"}, "documents": {"doc-0002"}}}
			}, status: 200, who: "new@example.org", want: []string{"doc-0001", "doc-0002"}},
		{name: "many: the preferences show the chosen ids", extra: many,
			setup: func(t *testing.T, e *subEnv) {
				s := data.Subscription{Documents: []string{"doc-0007", "whatsapp-terms-of-service-eea"}, Frequency: data.Daily}
				if err := e.db.UpdatePreferences(context.Background(), e.reader, "en", s); err != nil {
					t.Fatal(err)
				}
			},
			req: func(e *subEnv) request {
				return request{method: "GET", path: "/preferences?token=" + e.tokens.Sign(notify.PurposePreferences, e.reader, time.Hour)}
			}, status: 200, sel: []string{`form[action="/preferences"] textarea#documents:contains("doc-0007"):contains("whatsapp-terms-of-service-eea")`},
			absent: []string{`input[name=document]`}},
		{name: "many: the preferences of every document show no ids", extra: many,
			req: func(e *subEnv) request {
				return request{method: "GET", path: "/preferences?token=" + e.tokens.Sign(notify.PurposePreferences, e.reader, time.Hour)}
			}, status: 200, sel: []string{`textarea#documents:empty`}},
		{name: "many: typed ids are saved as preferences", extra: many,
			req: func(e *subEnv) request {
				return request{method: "POST", path: "/preferences", form: url.Values{"token": {e.tokens.Sign(notify.PurposePreferences, e.reader, time.Hour)},
					"lang": {"en"}, "documents": {"doc-0198 doc-0010"}}}
			}, status: 200, who: "reader@example.org", want: []string{"doc-0010", "doc-0198"}},
		{name: "many: an unknown id in the preferences is named in Spanish", extra: many,
			req: func(e *subEnv) request {
				return request{method: "POST", path: "/preferences", form: url.Values{"token": {e.tokens.Sign(notify.PurposePreferences, e.reader, time.Hour)},
					"lang": {"es"}, "documents": {"doc-0010 <b>x</b>"}}}
			}, status: 400, sel: []string{`form[action="/preferences"] input[name=token]`, `#documents-error:contains("desconocidos: <b>x</b>.")`,
				`textarea#documents:contains("doc-0010 <b>x</b>")`},
			absent: []string{`#documents-error b`}, who: "reader@example.org", want: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newSubEnv(t, true)
			e.addDocuments(t, tt.extra)
			if tt.setup != nil {
				tt.setup(t, e)
			}
			req := tt.req(e)
			c := e.browser(t)
			if req.csrf {
				req.form.Set("csrf", e.csrf(t, c))
			}
			doc, _ := e.page(t, c, req.method, req.path, req.form, tt.status, req.headers...)
			for _, sel := range tt.sel {
				if doc.Find(sel).Length() == 0 {
					t.Errorf("no %s", sel)
				}
			}
			for _, sel := range tt.absent {
				if n := doc.Find(sel).Length(); n != 0 {
					t.Errorf("%d of %s", n, sel)
				}
			}
			if tt.who == "" {
				return
			}
			s, err := e.db.SubscriberByEmail(context.Background(), tt.who)
			if tt.gone {
				if !errors.Is(err, data.ErrNotFound) {
					t.Errorf("%s is subscribed (%v), want not", tt.who, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(s.Documents, tt.want) && !(len(s.Documents) == 0 && len(tt.want) == 0) {
				t.Errorf("%s follows %q, want %q", tt.who, s.Documents, tt.want)
			}
		})
	}
}
