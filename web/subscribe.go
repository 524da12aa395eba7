package web

// The email subscription pages: subscribe (double opt-in), confirm,
// unsubscribe (RFC 8058 one-click) and preferences. Every link a subscriber
// receives carries an HMAC-signed token (notify.Tokens); only POST requests
// change anything, because mail scanners open links in emails.

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"net"
	"net/http"
	"net/mail"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/clausewatch/clausewatch/data"
	"github.com/clausewatch/clausewatch/notify"
)

// Subscriptions holds what the subscription pages need besides the
// database: the link signer, the topics offered, a way to wake the
// dispatcher, and the per-IP rate limiter. Pass it in Options; without it
// the pages answer 503 with a page that points to the feeds.
type Subscriptions struct {
	tokens *notify.Tokens
	topics []string
	kick   func()
	now    func() time.Time
	ips    *limiter
}

// NewSubscriptions returns the subscription pages' state. topics lists the
// topic names offered (topics.All()); kick, which may be nil, is called
// after a request queued an email so that it goes out at once.
func NewSubscriptions(tokens *notify.Tokens, topics []string, kick func(), now func() time.Time) (*Subscriptions, error) {
	if tokens == nil || now == nil || len(topics) == 0 {
		return nil, errors.New("web: subscriptions need tokens, a clock and the topic list")
	}
	if kick == nil {
		kick = func() {}
	}
	// Ten requests, then one every six minutes, per client address.
	return &Subscriptions{tokens: tokens, topics: topics, kick: kick, now: now, ips: newLimiter(10, 6*time.Minute, now)}, nil
}

// Limits of the forms. maxChosenDocuments bounds the documents one
// subscription names, so that a pasted list cannot make a request look up
// an unbounded number of ids; maxFormBytes leaves room for that many ids of
// a usual length, one to a line as a browser sends them (about 31 bytes
// each). maxShownIDs bounds the unknown ids an error message names, so
// that it stays readable.
const (
	maxFormBytes       = 64 << 10
	maxEmailLen        = 254
	csrfCookie         = "cw_csrf"
	maxChosenDocuments = 1000
	maxShownIDs        = 10
	maxShownIDRunes    = 80
)

// subPage is the Page of the subscribe template: Name says which of the
// subscription pages to show, and the title key follows from it.
type subPage struct {
	Name      string
	Error     string // what is wrong with Email, translated
	Email     string
	Token     string
	CSRF      string
	Documents []subChoice
	// DocumentInput is set when there are more documents than a form can
	// offer as boxes (maxDocumentChoices): the form then asks for their
	// ids in one text field, DocumentIDs, and DocumentsError says, in the
	// page's language, what is wrong with what was typed there.
	DocumentInput  bool
	DocumentIDs    string
	DocumentsError string
	Topics         []subChoice
	Daily          bool
	Langs          []subChoice // the language of the emails
}

type subChoice struct {
	Value, Label string
	Checked      bool
}

// titleKey is the catalogue key of the page's title and h1.
func (p *subPage) titleKey() string {
	if p.Name == "form" || p.Name == "off" {
		return "sub.title"
	}
	return "sub." + p.Name + ".title"
}

// subView starts the view of a subscription page. Its language is, in
// order: a ?lang= link (the language switch), lang (the subscriber's, or the
// one chosen in the form; "" for none), then the reader's as on every page.
// An answer to a POST has nothing to show at its URL for a GET, so its
// language switch links to the page of the form that was sent, with its
// token.
func (s *Server) subView(r *http.Request, lang string, p *subPage) *view {
	v := s.newView(r, p)
	if !v.setCookie && s.pages.i18n.known(lang) {
		v.Lang = lang
	}
	if r.Method == http.MethodPost {
		u := &url.URL{Path: r.URL.Path}
		// r.Form is nil when the body was not read (alertsOff): it stays so.
		if tok := r.Form.Get("token"); tok != "" {
			u.RawQuery = url.Values{"token": {tok}}.Encode()
		}
		v.switchURL = u
	}
	v.Title = v.T(p.titleKey())
	v.Description = v.T("sub.intro")
	if p.Name == "off" {
		v.Description = v.T("sub.off")
	}
	return v
}

// subs returns the subscription pages' state, nil when email alerts are
// not configured. Every subscription handler starts with it, because it also
// sets the Referrer-Policy of every answer of these routes, error pages
// included: their URLs carry signed tokens, which no Referer may carry
// anywhere.
func (s *Server) subs(w http.ResponseWriter) *Subscriptions {
	w.Header().Set("Referrer-Policy", "no-referrer")
	return s.opts.Subscriptions
}

// renderSub writes a subscription page in the site's layout. The pages
// carry an address, a CSRF token or a signed link, so no cache may keep
// them.
func (s *Server) renderSub(w http.ResponseWriter, r *http.Request, status int, v *view) error {
	return s.render(w, r, status, "subscribe", v, noStore)
}

// alertsOff answers every subscription route when email alerts are not
// configured: 503, and a page that points to the feeds instead. A POST body
// is not read.
func (s *Server) alertsOff(w http.ResponseWriter, r *http.Request) error {
	return s.renderSub(w, r, http.StatusServiceUnavailable, s.subView(r, "", &subPage{Name: "off"}))
}

// subscribeForm shows the form, with a fresh CSRF cookie.
func (s *Server) subscribeForm(w http.ResponseWriter, r *http.Request) error {
	sub := s.subs(w)
	if sub == nil {
		return s.alertsOff(w, r)
	}
	p := &subPage{Name: "form"}
	v := s.subView(r, "", p)
	if err := s.fillChoices(r, sub, v, p, nil, "", []string{"data-sharing"}, v.Lang); err != nil {
		return err
	}
	p.CSRF = setCSRF(w, r)
	return s.renderSub(w, r, http.StatusOK, v)
}

// fillChoices lists the documents and topics with the given ones checked,
// and the languages of the emails with emailLang selected. Topics are named
// in the page's language. No document given means every document: the
// preferences page then ticks every box, the subscribe form none, and both
// mean the same. With more documents than maxDocumentChoices, listing them
// would make a page nobody can use, so the form asks for ids instead:
// typed, as the reader sent it, or else the given ids one to a line.
func (s *Server) fillChoices(r *http.Request, sub *Subscriptions, v *view, p *subPage, docs []string, typed string, topics []string, emailLang string) error {
	list, many, err := s.db.DocumentsPage(r.Context(), "", maxDocumentChoices)
	if err != nil {
		return err
	}
	if p.DocumentInput = many; many {
		p.DocumentIDs = typed
		if typed == "" {
			p.DocumentIDs = strings.Join(docs, "\n")
		}
	} else {
		every := len(docs) == 0 && p.Name == "preferences"
		for i := range list {
			d := &list[i]
			p.Documents = append(p.Documents, subChoice{Value: d.ID, Label: documentTitle(d), Checked: every || slices.Contains(docs, d.ID)})
		}
	}
	for _, t := range sub.topics {
		p.Topics = append(p.Topics, subChoice{Value: t, Label: v.Topic(t), Checked: slices.Contains(topics, t)})
	}
	p.Langs = []subChoice{{"en", "English", emailLang == "en"}, {"es", "Español", emailLang == "es"}}
	return nil
}

// subscribe handles the form. Whatever the address's state, a valid request
// is answered with the same "check your inbox" page, so the form tells no
// one who is subscribed.
func (s *Server) subscribe(w http.ResponseWriter, r *http.Request) error {
	sub := s.subs(w)
	if sub == nil {
		return s.alertsOff(w, r)
	}
	lang, _ := s.pages.i18n.pick(r)
	if !sub.ips.allow(clientIP(r)) {
		w.Header().Set("Retry-After", "360")
		return httpError(http.StatusTooManyRequests, "%s", s.pages.i18n.tr(lang, "sub.err.ratelimit"))
	}
	if err := s.parseForm(w, r); err != nil {
		return err
	}
	if !checkCSRF(r) {
		return httpError(http.StatusForbidden, "%s", s.pages.i18n.tr(lang, "sub.err.csrf"))
	}
	f, err := s.readPrefs(r, sub)
	if err != nil {
		return err
	}
	req := f.req
	email, problem := checkEmail(r.PostFormValue("email"))
	if problem != "" || f.problem != "" {
		p := &subPage{Name: "form", Email: truncateRunes(r.PostFormValue("email"), maxEmailLen), Daily: req.Frequency == data.Daily}
		v := s.subView(r, req.Lang, p)
		if problem != "" {
			p.Error = v.T(problem)
		}
		if err := s.reshowPrefs(r, sub, v, p, f); err != nil {
			return err
		}
		p.CSRF = setCSRF(w, r)
		return s.renderSub(w, r, http.StatusBadRequest, v)
	}
	req.Email = email
	if _, err := s.db.Subscribe(r.Context(), req); err != nil && !errors.Is(err, data.ErrRateLimited) {
		return err
	}
	sub.kick()
	return s.renderSub(w, r, http.StatusOK, s.subView(r, req.Lang, &subPage{Name: "inbox"}))
}

// prefsForm is a subscription form as read: the request it makes, what
// was typed in its documents field, to show again, and, when some typed
// ids cannot be used, the catalogue key and arguments of the message that
// says so.
type prefsForm struct {
	req         data.SubscribeRequest
	typed       string
	problem     string
	problemArgs []any
}

// readPrefs reads the documents, topics, frequency and language fields,
// keeping only known topics. Documents come from the ticked boxes
// ("document") and from the ids typed in the text field ("documents"),
// separated by spaces, commas or new lines; they are looked up by id, so
// that no request reads every document. An unknown ticked box can only be
// forged and is dropped; an unknown typed id is a typing mistake, and the
// form is shown again naming it. No document, or every one while they are
// few enough to tick, means every document, also those added later.
func (s *Server) readPrefs(r *http.Request, sub *Subscriptions) (prefsForm, error) {
	lang := r.PostFormValue("lang")
	if !s.pages.i18n.known(lang) {
		lang, _ = s.pages.i18n.pick(r)
	}
	f := prefsForm{typed: r.PostFormValue("documents")}
	typed := strings.FieldsFunc(f.typed, func(c rune) bool { return c == ',' || unicode.IsSpace(c) })
	for i, id := range typed {
		typed[i] = pastedID(id)
	}
	isTyped := make(map[string]bool, len(typed))
	for _, id := range typed {
		isTyped[id] = true
	}
	var ids []string
	seen := map[string]bool{}
	for _, id := range slices.Concat(r.PostForm["document"], typed) {
		if seen[id] {
			continue
		}
		if len(ids) == maxChosenDocuments {
			f.problem, f.problemArgs = "sub.err.documents.many", []any{maxChosenDocuments}
			break
		}
		seen[id] = true
		ids = append(ids, id)
	}
	var docs []string
	if f.problem == "" && len(ids) > 0 {
		known, err := s.db.DocumentsByID(r.Context(), ids)
		if err != nil {
			return prefsForm{}, err
		}
		var unknown []string
		for _, id := range ids {
			switch {
			case known[id] != nil:
				docs = append(docs, id)
			case isTyped[id]:
				unknown = append(unknown, id)
			}
		}
		if len(unknown) > 0 {
			f.problem, f.problemArgs = "sub.err.documents.unknown", []any{shownIDs(unknown)}
			if len(unknown) > maxShownIDs {
				f.problem, f.problemArgs = "sub.err.documents.unknown.more", []any{shownIDs(unknown), len(unknown) - maxShownIDs}
			}
		}
	}
	if len(docs) > 0 && len(docs) <= maxDocumentChoices {
		// Every box ticked means every document, also those added later;
		// this holds only when the boxes were all the documents.
		list, many, err := s.db.DocumentsPage(r.Context(), "", maxDocumentChoices)
		if err != nil {
			return prefsForm{}, err
		}
		if !many && len(docs) == len(list) {
			docs = nil
		}
	}
	var topics []string
	for _, t := range r.PostForm["topic"] {
		if slices.Contains(sub.topics, t) && !slices.Contains(topics, t) {
			topics = append(topics, t)
		}
	}
	freq := data.Immediate
	if r.PostFormValue("frequency") == data.Daily {
		freq = data.Daily
	}
	f.req = data.SubscribeRequest{Lang: lang, Subscription: data.Subscription{Documents: docs, Topics: topics, Frequency: freq}}
	return f, nil
}

// pastedID is the document id in a pasted address of its page
// (https://host/documents/ID or /documents/ID/), or s as it was typed.
func pastedID(s string) string {
	if _, id, ok := strings.Cut(s, "/documents/"); ok {
		id, _, _ = strings.Cut(id, "/")
		if id != "" {
			return id
		}
	}
	return s
}

// shownIDs lists ids for an error message: the first maxShownIDs of them,
// each cut to maxShownIDRunes, so that a pasted list cannot make the
// message longer than the page; the message says how many more there are.
// The template escapes it.
func shownIDs(ids []string) string {
	shown := make([]string, 0, maxShownIDs)
	for _, id := range ids[:min(len(ids), maxShownIDs)] {
		if cut := truncateRunes(id, maxShownIDRunes); cut != id {
			id = cut + "…"
		}
		shown = append(shown, id)
	}
	return strings.Join(shown, ", ")
}

// reshowPrefs fills a form sent with a mistake with what was sent: the
// choices, what was typed in the documents field, and what is wrong with
// it in the page's language.
func (s *Server) reshowPrefs(r *http.Request, sub *Subscriptions, v *view, p *subPage, f prefsForm) error {
	if f.problem != "" {
		p.DocumentsError = v.T(f.problem, f.problemArgs...)
	}
	return s.fillChoices(r, sub, v, p, f.req.Documents, f.typed, f.req.Topics, f.req.Lang)
}

// checkEmail returns the normalized address, or the message key of what is
// wrong with it. Control characters (a newline would inject headers), a
// display name, comments or several addresses are refused.
func checkEmail(raw string) (string, string) {
	raw = strings.TrimSpace(raw)
	switch {
	case raw == "":
		return "", "sub.err.email.empty"
	case len(raw) > maxEmailLen:
		return "", "sub.err.email.long"
	case strings.ContainsFunc(raw, func(r rune) bool { return unicode.IsControl(r) || unicode.IsSpace(r) }):
		return "", "sub.err.email.invalid"
	}
	a, err := mail.ParseAddress(raw)
	if err != nil || a.Name != "" || a.Address != raw || strings.Count(raw, "@") != 1 {
		return "", "sub.err.email.invalid"
	}
	_, domain, _ := strings.Cut(raw, "@")
	if !strings.Contains(domain, ".") || strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, ".") {
		return "", "sub.err.email.invalid"
	}
	return data.NormalizeEmail(raw), ""
}

// tokenSubscriber verifies the token of a link page and returns the
// subscriber with the token. A bad, expired or orphaned token is an error
// page in the reader's language that says what to do.
func (s *Server) tokenSubscriber(r *http.Request, sub *Subscriptions, purpose string) (*data.Subscriber, string, error) {
	tok := r.FormValue("token")
	id, err := sub.tokens.Verify(purpose, tok)
	if err != nil {
		lang, _ := s.pages.i18n.pick(r)
		key := "sub.err.token.invalid"
		if errors.Is(err, notify.ErrTokenExpired) {
			key = "sub.err.token.expired"
		}
		return nil, "", badRequest("%s", s.pages.i18n.tr(lang, key))
	}
	sr, err := s.db.Subscriber(r.Context(), id)
	if errors.Is(err, data.ErrNotFound) {
		lang, _ := s.pages.i18n.pick(r)
		return nil, "", notFound("%s", s.pages.i18n.tr(lang, "sub.err.token.gone"))
	}
	if err != nil {
		return nil, "", err
	}
	return sr, tok, nil
}

// confirmPage shows the confirmation button; GET never confirms, because
// mail scanners open the links in emails.
func (s *Server) confirmPage(w http.ResponseWriter, r *http.Request) error {
	sub := s.subs(w)
	if sub == nil {
		return s.alertsOff(w, r)
	}
	sr, tok, err := s.tokenSubscriber(r, sub, notify.PurposeConfirm)
	if err != nil {
		return err
	}
	return s.renderSub(w, r, http.StatusOK, s.subView(r, sr.Lang, &subPage{Name: "confirm", Token: tok, Email: sr.Email}))
}

// confirm confirms the subscription.
func (s *Server) confirm(w http.ResponseWriter, r *http.Request) error {
	sub := s.subs(w)
	if sub == nil {
		return s.alertsOff(w, r)
	}
	if err := s.parseForm(w, r); err != nil {
		return err
	}
	sr, _, err := s.tokenSubscriber(r, sub, notify.PurposeConfirm)
	if err != nil {
		return err
	}
	if sr.Status == data.SubscriberUnsubscribed {
		return badRequest("%s", s.pages.i18n.tr(sr.Lang, "sub.err.token.gone"))
	}
	if err := s.db.Confirm(r.Context(), sr.ID); err != nil {
		return err
	}
	p := &subPage{Name: "confirmed", Token: sub.tokens.Sign(notify.PurposePreferences, sr.ID, notify.LinkTTL)}
	return s.renderSub(w, r, http.StatusOK, s.subView(r, sr.Lang, p))
}

// unsubscribePage shows the unsubscribe button.
func (s *Server) unsubscribePage(w http.ResponseWriter, r *http.Request) error {
	sub := s.subs(w)
	if sub == nil {
		return s.alertsOff(w, r)
	}
	sr, tok, err := s.tokenSubscriber(r, sub, notify.PurposeUnsubscribe)
	if err != nil {
		return err
	}
	return s.renderSub(w, r, http.StatusOK, s.subView(r, sr.Lang, &subPage{Name: "unsubscribe", Token: tok, Email: sr.Email}))
}

// unsubscribe unsubscribes. It is also the RFC 8058 one-click target: a mail
// provider POSTs "List-Unsubscribe=One-Click" to the URL of the
// List-Unsubscribe header, with no cookie and no CSRF token; the signed
// token in the URL is the proof.
func (s *Server) unsubscribe(w http.ResponseWriter, r *http.Request) error {
	sub := s.subs(w)
	if sub == nil {
		return s.alertsOff(w, r)
	}
	if err := s.parseForm(w, r); err != nil {
		return err
	}
	sr, _, err := s.tokenSubscriber(r, sub, notify.PurposeUnsubscribe)
	if err != nil {
		return err
	}
	if err := s.db.Unsubscribe(r.Context(), sr.ID); err != nil {
		return err
	}
	return s.renderSub(w, r, http.StatusOK, s.subView(r, sr.Lang, &subPage{Name: "unsubscribed"}))
}

// preferencesPage shows the subscriber's current choices; a subscription to
// every document shows them all ticked, or, with too many documents to
// tick, an empty documents field.
func (s *Server) preferencesPage(w http.ResponseWriter, r *http.Request) error {
	sub := s.subs(w)
	if sub == nil {
		return s.alertsOff(w, r)
	}
	sr, tok, err := s.tokenSubscriber(r, sub, notify.PurposePreferences)
	if err != nil {
		return err
	}
	p := &subPage{Name: "preferences", Token: tok, Email: sr.Email, Daily: sr.Frequency == data.Daily}
	v := s.subView(r, sr.Lang, p)
	if err := s.fillChoices(r, sub, v, p, sr.Documents, "", sr.Topics, sr.Lang); err != nil {
		return err
	}
	return s.renderSub(w, r, http.StatusOK, v)
}

// preferences saves the subscriber's new choices.
func (s *Server) preferences(w http.ResponseWriter, r *http.Request) error {
	sub := s.subs(w)
	if sub == nil {
		return s.alertsOff(w, r)
	}
	if err := s.parseForm(w, r); err != nil {
		return err
	}
	sr, tok, err := s.tokenSubscriber(r, sub, notify.PurposePreferences)
	if err != nil {
		return err
	}
	f, err := s.readPrefs(r, sub)
	if err != nil {
		return err
	}
	req := f.req
	if f.problem != "" {
		p := &subPage{Name: "preferences", Token: tok, Email: sr.Email, Daily: req.Frequency == data.Daily}
		v := s.subView(r, req.Lang, p)
		if err := s.reshowPrefs(r, sub, v, p, f); err != nil {
			return err
		}
		return s.renderSub(w, r, http.StatusBadRequest, v)
	}
	if err := s.db.UpdatePreferences(r.Context(), sr.ID, req.Lang, req.Subscription); err != nil {
		return err
	}
	return s.renderSub(w, r, http.StatusOK, s.subView(r, req.Lang, &subPage{Name: "saved", Token: tok}))
}

// parseForm reads a POST body of at most maxFormBytes; its refusals are in
// the reader's language.
func (s *Server) parseForm(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		lang, _ := s.pages.i18n.pick(r)
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return httpError(http.StatusRequestEntityTooLarge, "%s", s.pages.i18n.tr(lang, "sub.err.toolarge", maxFormBytes))
		}
		return badRequest("%s", s.pages.i18n.tr(lang, "sub.err.form"))
	}
	return nil
}

// setCSRF sets a fresh random value in a SameSite=Strict cookie and returns
// it for the form's hidden field: a form posted from another site carries
// neither (double-submit cookie).
func setCSRF(w http.ResponseWriter, r *http.Request) string {
	b := make([]byte, 18)
	rand.Read(b) //nolint:errcheck // crypto/rand.Read never fails
	v := base64.RawURLEncoding.EncodeToString(b)
	http.SetCookie(w, &http.Cookie{Name: csrfCookie, Value: v, Path: "/subscribe", HttpOnly: true,
		Secure: r.TLS != nil, SameSite: http.SameSiteStrictMode, MaxAge: 2 * 3600})
	return v
}

// checkCSRF compares the form's token with the cookie, and refuses a
// request whose Origin names another site.
func checkCSRF(r *http.Request) bool {
	if o := r.Header.Get("Origin"); o != "" {
		u, err := url.Parse(o)
		if err != nil || u.Host != r.Host {
			return false
		}
	}
	c, err := r.Cookie(csrfCookie)
	f := r.PostFormValue("csrf")
	return err == nil && c.Value != "" && subtle.ConstantTimeCompare([]byte(c.Value), []byte(f)) == 1
}

// clientIP is the address the request came from. X-Forwarded-For is not
// trusted: anyone can send it.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func truncateRunes(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n])
	}
	return s
}

// limiter is a token bucket per key: burst requests at once, then one per
// every interval. Idle buckets are forgotten.
type limiter struct {
	mu       sync.Mutex
	burst    float64
	interval time.Duration
	now      func() time.Time
	buckets  map[string]*bucket
}

type bucket struct {
	tokens float64
	at     time.Time
}

func newLimiter(burst int, interval time.Duration, now func() time.Time) *limiter {
	return &limiter{burst: float64(burst), interval: interval, now: now, buckets: map[string]*bucket{}}
}

func (l *limiter) allow(key string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if len(l.buckets) > 10000 {
		for k, b := range l.buckets {
			if now.Sub(b.at) > time.Duration(l.burst)*l.interval {
				delete(l.buckets, k)
			}
		}
	}
	b, ok := l.buckets[key]
	if !ok {
		b = &bucket{tokens: l.burst, at: now}
		l.buckets[key] = b
	}
	b.tokens = min(l.burst, b.tokens+float64(now.Sub(b.at))/float64(l.interval))
	b.at = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}
