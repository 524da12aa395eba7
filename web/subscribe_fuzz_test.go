package web

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode"

	"github.com/clausewatch/clausewatch/notify"
)

// FuzzCheckEmail holds the address check to what the outbox relies on: an
// address it accepts is one address of one line, normalized, that the mail
// package reads back as itself and that the check accepts again.
//
//	go test -run '^$' -fuzz '^FuzzCheckEmail$' -fuzztime 1m ./web
func FuzzCheckEmail(f *testing.F) {
	for _, s := range []string{
		"reader@example.org", " Reader@Example.ORG ", "a@b", "a@b.", "a@.b", "x@y.z\r\nBcc: all@example.org",
		"\"quoted name\"@example.org", "Name <a@example.org>", "a@b.c, d@e.f", "(comment)a@example.org",
		"ñandú@example.org", "a@[127.0.0.1]", strings.Repeat("a", 250) + "@example.org", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		email, problem := checkEmail(raw)
		if problem != "" {
			if email != "" {
				t.Fatalf("checkEmail(%q) refused it (%s) but returned %q", raw, problem, email)
			}
			return
		}
		if email == "" || len(email) > maxEmailLen || strings.Count(email, "@") != 1 ||
			strings.ContainsFunc(email, func(r rune) bool { return unicode.IsControl(r) || unicode.IsSpace(r) }) {
			t.Fatalf("checkEmail(%q) accepted %q", raw, email)
		}
		if email != strings.ToLower(email) {
			t.Fatalf("checkEmail(%q) = %q, not normalized", raw, email)
		}
		if a, err := mail.ParseAddress(email); err != nil || a.Address != email || a.Name != "" {
			t.Fatalf("checkEmail(%q) = %q, which the mail package reads as %v, %v", raw, email, a, err)
		}
		if again, p := checkEmail(email); again != email || p != "" {
			t.Fatalf("checkEmail(%q) = %q, %q; want it accepted as it is", email, again, p)
		}
	})
}

// FuzzSubscribePost posts arbitrary forms to the subscription handlers,
// with and without a valid CSRF pair and a valid signed token: whatever
// the form, the answer is never a server error, and never a page holding
// a script (a reflected field not escaped).
//
//	go test -run '^$' -fuzz '^FuzzSubscribePost$' -fuzztime 1m ./web
func FuzzSubscribePost(f *testing.F) {
	e := newSubEnv(f, true)
	h := e.srv.Config.Handler
	// A CSRF pair, as the form page hands it out.
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/subscribe", nil))
	m := csrfValue.FindStringSubmatch(rec.Body.String())
	var cookie *http.Cookie
	for _, c := range rec.Result().Cookies() {
		if c.Name == csrfCookie {
			cookie = c
		}
	}
	if m == nil || cookie == nil {
		f.Fatalf("the form gave no CSRF pair: %d", rec.Code)
	}
	paths := []string{"/subscribe", "/confirm", "/unsubscribe", "/preferences"}
	tokens := []string{
		"",
		e.tokens.Sign(notify.PurposeConfirm, e.pending, time.Hour),
		e.tokens.Sign(notify.PurposeUnsubscribe, e.reader, time.Hour),
		e.tokens.Sign(notify.PurposePreferences, e.reader, time.Hour),
		e.tokens.Sign(notify.PurposeConfirm, 999999, time.Hour),
	}
	for _, s := range []struct {
		path, token uint8
		form        string
		csrf        bool
	}{
		{0, 0, "email=new%40example.org&lang=es&frequency=daily&document=whatsapp-privacy-policy-eea&topic=retention", true},
		{0, 0, "email=%3Cscript%3Ealert(1)%3C%2Fscript%3E%40example.org&lang=%22%3E%3Cscript%3E", true},
		{0, 0, "email=a%40b.c", false},
		{1, 1, "", false},
		{2, 2, "", false},
		{3, 3, "frequency=immediate&topic=data-sharing&topic=retention&document=nope", true},
		{3, 4, "email=x", true},
		{0, 0, "%zz&&==;email=\xff", true},
		{0, 0, "email=new%40example.org&documents=whatsapp-privacy-policy-eea%2C+nope%0A%3Cscript%3Ealert(1)%3C%2Fscript%3E", true},
		{3, 3, "documents=whatsapp-terms-of-service-eea+whatsapp-terms-of-service-eea&document=whatsapp-privacy-policy-eea&lang=es", true},
	} {
		f.Add(s.path, s.token, s.form, s.csrf)
	}
	var n atomic.Uint32
	f.Fuzz(func(t *testing.T, path, token uint8, form string, csrf bool) {
		body := form
		if tok := tokens[int(token)%len(tokens)]; tok != "" {
			body += "&token=" + url.QueryEscape(tok)
		}
		if csrf {
			body += "&csrf=" + url.QueryEscape(m[1])
		}
		req := httptest.NewRequest(http.MethodPost, paths[int(path)%len(paths)], strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if csrf {
			req.AddCookie(cookie)
		}
		// A different client each time, so that the rate limit per
		// address answers only when one client really posts too often.
		k := n.Add(1)
		req.RemoteAddr = fmt.Sprintf("10.%d.%d.%d:4321", k>>16&0xff, k>>8&0xff, k&0xff)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("POST %s %q: %d\n%s", req.URL.Path, body, rec.Code, rec.Body.String())
		}
		if strings.Contains(strings.ToLower(rec.Body.String()), "<script") {
			t.Fatalf("POST %s %q: the answer holds a script:\n%s", req.URL.Path, body, rec.Body.String())
		}
	})
}
