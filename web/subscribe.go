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
	"fmt"
	"html/template"
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
// the pages answer 404.
type Subscriptions struct {
	tokens *notify.Tokens
	topics []string
	kick   func()
	now    func() time.Time
	tmpl   *template.Template
	ips    *limiter
}

// NewSubscriptions returns the subscription pages' state. topics lists the
// topic names offered (topics.All()); kick, which may be nil, is called
// after a request queued an email so that it goes out at once.
func NewSubscriptions(tokens *notify.Tokens, topics []string, kick func(), now func() time.Time) (*Subscriptions, error) {
	if tokens == nil || now == nil || len(topics) == 0 {
		return nil, errors.New("web: subscriptions need tokens, a clock and the topic list")
	}
	t, err := template.New("subscribe.html").ParseFS(templateFiles, "templates/subscribe.html")
	if err != nil {
		return nil, fmt.Errorf("web: parse subscribe.html: %w", err)
	}
	if kick == nil {
		kick = func() {}
	}
	// Ten requests, then one every six minutes, per client address.
	return &Subscriptions{tokens: tokens, topics: topics, kick: kick, now: now, tmpl: t, ips: newLimiter(10, 6*time.Minute, now)}, nil
}

// Limits of the forms.
const (
	maxFormBytes = 16 << 10
	maxEmailLen  = 254
	csrfCookie   = "cw_csrf"
)

// subPage is what subscribe.html receives.
type subPage struct {
	Lang      string
	StyleURL  string
	T         map[string]string
	Name      string // which block to show
	Error     string
	Email     string
	Token     string
	CSRF      string
	Documents []subChoice
	Topics    []subChoice
	Daily     bool
	Langs     []subChoice
}

type subChoice struct {
	Value, Label string
	Checked      bool
}

func (s *Server) subs() (*Subscriptions, error) {
	if s.opts.Subscriptions == nil {
		return nil, notFound("email alerts are not configured on this server")
	}
	return s.opts.Subscriptions, nil
}

// render writes one of subscribe.html's pages with status.
func (s *Server) renderSub(w http.ResponseWriter, r *http.Request, status int, p *subPage) error {
	sub, _ := s.subs()
	if p.Lang == "" {
		p.Lang, _ = s.pages.i18n.pick(r)
	}
	p.T = subMessages[p.Lang]
	p.StyleURL = s.pages.styleURL
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	// Tokens in the URL must not leak to other sites through Referer.
	h.Set("Referrer-Policy", "no-referrer")
	w.WriteHeader(status)
	return sub.tmpl.ExecuteTemplate(w, "page", p)
}

// subscribeForm shows the form, with a fresh CSRF cookie.
func (s *Server) subscribeForm(w http.ResponseWriter, r *http.Request) error {
	if _, err := s.subs(); err != nil {
		return err
	}
	p := &subPage{Name: "form"}
	p.Lang, _ = s.pages.i18n.pick(r)
	if err := s.fillChoices(r, p, nil, []string{"data-sharing"}, p.Lang); err != nil {
		return err
	}
	p.CSRF = setCSRF(w, r)
	return s.renderSub(w, r, http.StatusOK, p)
}

// fillChoices lists the documents and topics with the given ones checked.
func (s *Server) fillChoices(r *http.Request, p *subPage, docs, topics []string, lang string) error {
	sub, err := s.subs()
	if err != nil {
		return err
	}
	all, err := s.db.Documents(r.Context())
	if err != nil {
		return err
	}
	for _, d := range all {
		p.Documents = append(p.Documents, subChoice{Value: d.ID, Label: notify.DocumentName(d), Checked: slices.Contains(docs, d.ID)})
	}
	for _, t := range sub.topics {
		label := s.pages.i18n.catalog[p.Lang]["topic."+t]
		if label == "" {
			label = strings.ReplaceAll(t, "-", " ")
		}
		p.Topics = append(p.Topics, subChoice{Value: t, Label: label, Checked: slices.Contains(topics, t)})
	}
	p.Langs = []subChoice{{"en", "English", lang == "en"}, {"es", "Español", lang == "es"}}
	return nil
}

// subscribe handles the form. Whatever the address's state, a valid request
// is answered with the same "check your inbox" page, so the form tells no
// one who is subscribed.
func (s *Server) subscribe(w http.ResponseWriter, r *http.Request) error {
	sub, err := s.subs()
	if err != nil {
		return err
	}
	if !sub.ips.allow(clientIP(r)) {
		w.Header().Set("Retry-After", "360")
		return httpError(http.StatusTooManyRequests, "too many subscription requests from your address; try again in a few minutes")
	}
	if err := parseForm(w, r); err != nil {
		return err
	}
	if !checkCSRF(r) {
		return httpError(http.StatusForbidden, "the form expired or was sent from another site; reload the subscription page and send it again")
	}
	req, p, err := s.readPrefs(r)
	if err != nil {
		return err
	}
	email, problem := checkEmail(r.PostFormValue("email"))
	if problem != "" {
		p.Name, p.Error, p.Email = "form", subMessages[p.Lang][problem], truncateRunes(r.PostFormValue("email"), maxEmailLen)
		p.CSRF = setCSRF(w, r)
		return s.renderSub(w, r, http.StatusBadRequest, p)
	}
	req.Email = email
	if _, err := s.db.Subscribe(r.Context(), req); err != nil && !errors.Is(err, data.ErrRateLimited) {
		return err
	}
	sub.kick()
	return s.renderSub(w, r, http.StatusOK, &subPage{Name: "inbox", Lang: p.Lang})
}

// readPrefs reads the documents, topics, frequency and language fields,
// keeping only known documents and topics.
func (s *Server) readPrefs(r *http.Request) (data.SubscribeRequest, *subPage, error) {
	sub, _ := s.subs()
	lang := r.PostFormValue("lang")
	if lang != "en" && lang != "es" {
		lang, _ = s.pages.i18n.pick(r)
	}
	all, err := s.db.Documents(r.Context())
	if err != nil {
		return data.SubscribeRequest{}, nil, err
	}
	var docs, topics []string
	for _, d := range r.PostForm["document"] {
		if slices.ContainsFunc(all, func(x data.Document) bool { return x.ID == d }) && !slices.Contains(docs, d) {
			docs = append(docs, d)
		}
	}
	if len(docs) == len(all) {
		docs = nil // every document, including those added later
	}
	for _, t := range r.PostForm["topic"] {
		if slices.Contains(sub.topics, t) && !slices.Contains(topics, t) {
			topics = append(topics, t)
		}
	}
	freq := data.Immediate
	if r.PostFormValue("frequency") == data.Daily {
		freq = data.Daily
	}
	p := &subPage{Lang: lang, Daily: freq == data.Daily}
	if err := s.fillChoices(r, p, docs, topics, lang); err != nil {
		return data.SubscribeRequest{}, nil, err
	}
	return data.SubscribeRequest{Lang: lang, Subscription: data.Subscription{Documents: docs, Topics: topics, Frequency: freq}}, p, nil
}

// checkEmail returns the normalized address, or the message key of what is
// wrong with it. Control characters (a newline would inject headers), a
// display name, comments or several addresses are refused.
func checkEmail(raw string) (string, string) {
	raw = strings.TrimSpace(raw)
	switch {
	case raw == "":
		return "", "err.email.empty"
	case len(raw) > maxEmailLen:
		return "", "err.email.long"
	case strings.ContainsFunc(raw, func(r rune) bool { return unicode.IsControl(r) || unicode.IsSpace(r) }):
		return "", "err.email.invalid"
	}
	a, err := mail.ParseAddress(raw)
	if err != nil || a.Name != "" || a.Address != raw || strings.Count(raw, "@") != 1 {
		return "", "err.email.invalid"
	}
	_, domain, _ := strings.Cut(raw, "@")
	if !strings.Contains(domain, ".") || strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, ".") {
		return "", "err.email.invalid"
	}
	return data.NormalizeEmail(raw), ""
}

// tokenPage verifies the token of a link page and returns the subscriber.
func (s *Server) tokenSubscriber(r *http.Request, purpose string) (*data.Subscriber, string, error) {
	sub, err := s.subs()
	if err != nil {
		return nil, "", err
	}
	tok := r.FormValue("token")
	id, err := sub.tokens.Verify(purpose, tok)
	if err != nil {
		lang, _ := s.pages.i18n.pick(r)
		key := "err.token.invalid"
		if errors.Is(err, notify.ErrTokenExpired) {
			key = "err.token.expired"
		}
		return nil, "", badRequest("%s", subMessages[lang][key])
	}
	sr, err := s.db.Subscriber(r.Context(), id)
	if errors.Is(err, data.ErrNotFound) {
		lang, _ := s.pages.i18n.pick(r)
		return nil, "", notFound("%s", subMessages[lang]["err.token.gone"])
	}
	if err != nil {
		return nil, "", err
	}
	return sr, tok, nil
}

// confirmPage shows the confirmation button; GET never confirms.
func (s *Server) confirmPage(w http.ResponseWriter, r *http.Request) error {
	sr, tok, err := s.tokenSubscriber(r, notify.PurposeConfirm)
	if err != nil {
		return err
	}
	return s.renderSub(w, r, http.StatusOK, &subPage{Name: "confirm", Lang: sr.Lang, Token: tok, Email: sr.Email})
}

// confirm confirms the subscription.
func (s *Server) confirm(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	sr, _, err := s.tokenSubscriber(r, notify.PurposeConfirm)
	if err != nil {
		return err
	}
	if sr.Status == data.SubscriberUnsubscribed {
		return badRequest("%s", subMessages[sr.Lang]["err.token.gone"])
	}
	if err := s.db.Confirm(r.Context(), sr.ID); err != nil {
		return err
	}
	sub, _ := s.subs()
	return s.renderSub(w, r, http.StatusOK, &subPage{Name: "confirmed", Lang: sr.Lang,
		Token: sub.tokens.Sign(notify.PurposePreferences, sr.ID, notify.LinkTTL)})
}

// unsubscribePage shows the unsubscribe button.
func (s *Server) unsubscribePage(w http.ResponseWriter, r *http.Request) error {
	sr, tok, err := s.tokenSubscriber(r, notify.PurposeUnsubscribe)
	if err != nil {
		return err
	}
	return s.renderSub(w, r, http.StatusOK, &subPage{Name: "unsubscribe", Lang: sr.Lang, Token: tok, Email: sr.Email})
}

// unsubscribe unsubscribes. It is also the RFC 8058 one-click target: a mail
// provider POSTs "List-Unsubscribe=One-Click" to the URL of the
// List-Unsubscribe header, with no cookie and no CSRF token; the signed
// token in the URL is the proof.
func (s *Server) unsubscribe(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	sr, _, err := s.tokenSubscriber(r, notify.PurposeUnsubscribe)
	if err != nil {
		return err
	}
	if err := s.db.Unsubscribe(r.Context(), sr.ID); err != nil {
		return err
	}
	return s.renderSub(w, r, http.StatusOK, &subPage{Name: "unsubscribed", Lang: sr.Lang})
}

// preferencesPage shows the subscriber's current choices.
func (s *Server) preferencesPage(w http.ResponseWriter, r *http.Request) error {
	sr, tok, err := s.tokenSubscriber(r, notify.PurposePreferences)
	if err != nil {
		return err
	}
	p := &subPage{Name: "preferences", Lang: sr.Lang, Token: tok, Email: sr.Email, Daily: sr.Frequency == data.Daily}
	docs := sr.Documents
	if len(docs) == 0 {
		all, err := s.db.Documents(r.Context())
		if err != nil {
			return err
		}
		for _, d := range all {
			docs = append(docs, d.ID)
		}
	}
	if err := s.fillChoices(r, p, docs, sr.Topics, sr.Lang); err != nil {
		return err
	}
	return s.renderSub(w, r, http.StatusOK, p)
}

// preferences saves the subscriber's new choices.
func (s *Server) preferences(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	sr, _, err := s.tokenSubscriber(r, notify.PurposePreferences)
	if err != nil {
		return err
	}
	req, _, err := s.readPrefs(r)
	if err != nil {
		return err
	}
	if err := s.db.UpdatePreferences(r.Context(), sr.ID, req.Lang, req.Subscription); err != nil {
		return err
	}
	return s.renderSub(w, r, http.StatusOK, &subPage{Name: "saved", Lang: req.Lang, Token: r.FormValue("token")})
}

// parseForm reads a POST body of at most maxFormBytes.
func parseForm(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return httpError(http.StatusRequestEntityTooLarge, "the form is larger than %d bytes", maxFormBytes)
		}
		return badRequest("the form could not be read")
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

// subMessages are the subscription pages' texts.
var subMessages = map[string]map[string]string{
	"en": {
		"title":              "Email alerts",
		"intro":              "Get an email when a watched policy changes in a way that matters to you: what changed, clause by clause, and a link to the archived copy.",
		"email":              "Email address",
		"documents":          "Documents",
		"documents.hint":     "Leave all unticked to follow every document, also those added later.",
		"topics":             "Topics",
		"topics.hint":        "Leave all unticked to get every material change.",
		"frequency":          "How often",
		"immediate":          "An email for each change, as soon as it is noticed",
		"daily":              "One email a day with the day's changes",
		"language":           "Language of the emails",
		"subscribe":          "Subscribe",
		"inbox.title":        "Check your inbox",
		"inbox":              "If the address can receive alerts, an email is on its way with a link to confirm the subscription. Nothing is sent before you confirm; the link works for seven days.",
		"confirm.title":      "Confirm your subscription",
		"confirm":            "Press the button to start receiving clausewatch alerts at %s.",
		"confirm.button":     "Confirm my subscription",
		"confirmed.title":    "You are subscribed",
		"confirmed":          "You will receive alerts from now on. Every email has a link to change what you receive or to unsubscribe.",
		"preferences.link":   "Change what you receive",
		"unsubscribe.title":  "Unsubscribe",
		"unsubscribe":        "Press the button to stop all clausewatch alerts to %s.",
		"unsubscribe.button": "Unsubscribe",
		"unsubscribed.title": "You are unsubscribed",
		"unsubscribed":       "No more alerts will be sent to this address. You can subscribe again at any time.",
		"preferences.title":  "Your alerts",
		"preferences":        "Alerts for %s.",
		"save":               "Save",
		"saved.title":        "Saved",
		"saved":              "Your choices are saved and apply to the next changes.",
		"err.email.empty":    "Enter an email address.",
		"err.email.long":     "This address is too long.",
		"err.email.invalid":  "This is not an email address: write it as name@example.org, without spaces or a name.",
		"err.token.invalid":  "This link is damaged or was not sent by this site. Copy the whole link from the email, or subscribe again.",
		"err.token.expired":  "This link has expired. Subscribe again to get a new one.",
		"err.token.gone":     "This subscription no longer exists. Subscribe again if you want alerts.",
	},
	"es": {
		"title":              "Alertas por correo",
		"intro":              "Reciba un correo cuando una política vigilada cambie en lo que le importa: qué cambió, cláusula por cláusula, con enlace a la copia archivada.",
		"email":              "Correo electrónico",
		"documents":          "Documentos",
		"documents.hint":     "Si no marca ninguno, seguirá todos, también los que se añadan más adelante.",
		"topics":             "Temas",
		"topics.hint":        "Si no marca ninguno, recibirá todos los cambios relevantes.",
		"frequency":          "Frecuencia",
		"immediate":          "Un correo por cada cambio, en cuanto se detecta",
		"daily":              "Un correo al día con los cambios del día",
		"language":           "Idioma de los correos",
		"subscribe":          "Suscribirme",
		"inbox.title":        "Revise su correo",
		"inbox":              "Si la dirección puede recibir alertas, le llegará un correo con un enlace para confirmar la suscripción. No enviamos nada hasta que confirme; el enlace funciona durante siete días.",
		"confirm.title":      "Confirme su suscripción",
		"confirm":            "Pulse el botón para empezar a recibir las alertas de clausewatch en %s.",
		"confirm.button":     "Confirmar la suscripción",
		"confirmed.title":    "Suscripción confirmada",
		"confirmed":          "A partir de ahora recibirá las alertas. Cada correo incluye un enlace para elegir qué recibe o darse de baja.",
		"preferences.link":   "Elegir qué recibe",
		"unsubscribe.title":  "Darse de baja",
		"unsubscribe":        "Pulse el botón para dejar de recibir las alertas de clausewatch en %s.",
		"unsubscribe.button": "Darme de baja",
		"unsubscribed.title": "Se ha dado de baja",
		"unsubscribed":       "No enviaremos más alertas a esta dirección. Puede volver a suscribirse cuando quiera.",
		"preferences.title":  "Sus alertas",
		"preferences":        "Alertas para %s.",
		"save":               "Guardar",
		"saved.title":        "Cambios guardados",
		"saved":              "Sus preferencias se han guardado y se aplicarán a los próximos cambios.",
		"err.email.empty":    "Escriba una dirección de correo.",
		"err.email.long":     "La dirección es demasiado larga.",
		"err.email.invalid":  "No es una dirección de correo válida: escríbala como nombre@ejemplo.org, sin espacios ni nombre.",
		"err.token.invalid":  "El enlace está dañado o no lo envió este sitio. Copie el enlace completo del correo o vuelva a suscribirse.",
		"err.token.expired":  "El enlace ha caducado. Vuelva a suscribirse para recibir uno nuevo.",
		"err.token.gone":     "Esta suscripción ya no existe. Vuelva a suscribirse si quiere recibir alertas.",
	},
}
