package notify_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"net"
	"net/http"
	"net/mail"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/clausewatch/clausewatch/data"
	"github.com/clausewatch/clausewatch/internal/recordtest"
	"github.com/clausewatch/clausewatch/notify"
	"github.com/clausewatch/clausewatch/policy"
)

// mailbox is an SMTP server on loopback that keeps what it receives. It can
// be told to refuse the next messages with a temporary error.
type mailbox struct {
	mu     sync.Mutex
	msgs   []received
	refuse int // refuse this many DATA commands with 451
	store  bool
	count  int
	bytes  int // the size of the messages counted
	conns  int
	// answerDelay is how long the server takes to accept a message's
	// data, in nanoseconds: a relay on a network answers in milliseconds,
	// which the benchmarks can simulate (CW_BENCH_SMTP_DELAY).
	answerDelay atomic.Int64
	srv         *smtp.Server
	addr        string
}

type received struct {
	From string
	To   []string
	Data []byte
}

type session struct {
	mb   *mailbox
	from string
	to   []string
}

func (s *session) Reset()        { s.from, s.to = "", nil }
func (s *session) Logout() error { return nil }
func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	s.from = from
	return nil
}
func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.to = append(s.to, to)
	return nil
}
func (s *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	time.Sleep(time.Duration(s.mb.answerDelay.Load()))
	s.mb.mu.Lock()
	defer s.mb.mu.Unlock()
	if s.mb.refuse > 0 {
		s.mb.refuse--
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}
	}
	s.mb.count++
	s.mb.bytes += len(b)
	if s.mb.store {
		s.mb.msgs = append(s.mb.msgs, received{From: s.from, To: s.to, Data: b})
	}
	return nil
}

// startMailbox starts the server; store false keeps only a count (for the
// benchmark).
func startMailbox(tb testing.TB, store bool) *mailbox {
	tb.Helper()
	mb := &mailbox{store: store}
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		mb.mu.Lock()
		mb.conns++
		mb.mu.Unlock()
		return &session{mb: mb}, nil
	}))
	srv.Domain = "localhost"
	srv.ErrorLog = discardLogger{}
	srv.MaxMessageBytes = 10 << 20
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	mb.srv, mb.addr = srv, ln.Addr().String()
	go srv.Serve(ln) //nolint:errcheck // ends with Close
	tb.Cleanup(func() { srv.Close() })
	return mb
}

type discardLogger struct{}

func (discardLogger) Printf(string, ...any) {}
func (discardLogger) Println(...any)        {}

func (mb *mailbox) messages() []received {
	mb.mu.Lock()
	defer mb.mu.Unlock()
	return append([]received(nil), mb.msgs...)
}

func (mb *mailbox) to(addr string) []received {
	var out []received
	for _, m := range mb.messages() {
		for _, t := range m.To {
			if strings.EqualFold(t, addr) {
				out = append(out, m)
			}
		}
	}
	return out
}

func (mb *mailbox) sender(tb testing.TB) *notify.SMTP {
	tb.Helper()
	host, port, _ := net.SplitHostPort(mb.addr)
	p := 0
	for _, c := range port {
		p = p*10 + int(c-'0')
	}
	s, err := notify.NewSMTP(notify.SMTPConfig{Host: host, Port: p, From: "Clausewatch <alerts@clausewatch.test>", TLS: "none", Timeout: 10 * time.Second})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

// parsed is an email as a mail client reads it.
type parsed struct {
	Header mail.Header
	Text   string
	HTML   string
}

// parseMail parses a received message with net/mail and mime/multipart
// and returns its text and HTML parts, failing on anything unexpected.
func parseMail(t testing.TB, raw []byte) parsed {
	t.Helper()
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("net/mail cannot read the message: %v\n%s", err, raw)
	}
	mt, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/alternative" {
		t.Fatalf("Content-Type = %q (%v), want multipart/alternative", m.Header.Get("Content-Type"), err)
	}
	p := parsed{Header: m.Header}
	mr := multipart.NewReader(m.Body, params["boundary"])
	var order []string
	for {
		part, err := mr.NextPart() // decodes quoted-printable
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("multipart: %v", err)
		}
		b, err := io.ReadAll(part)
		if err != nil {
			t.Fatalf("read part: %v", err)
		}
		ct, cp, _ := mime.ParseMediaType(part.Header.Get("Content-Type"))
		if !strings.EqualFold(cp["charset"], "utf-8") {
			t.Errorf("part %s charset = %q, want UTF-8", ct, cp["charset"])
		}
		order = append(order, ct)
		switch ct {
		case "text/plain":
			p.Text = string(b)
		case "text/html":
			p.HTML = string(b)
		}
	}
	if strings.Join(order, ",") != "text/plain,text/html" {
		t.Errorf("parts = %v, want text/plain then text/html (the last is preferred)", order)
	}
	return p
}

func (p parsed) subject(t testing.TB) string {
	t.Helper()
	s, err := new(mime.WordDecoder).DecodeHeader(p.Header.Get("Subject"))
	if err != nil {
		t.Fatalf("decode subject: %v", err)
	}
	return s
}

// clock is a settable test clock shared by the database and dispatcher.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// env is a database with two documents, a composer and a dispatcher that
// sends through the test mailbox.
type env struct {
	db       *data.DB
	path     string
	clk      *clock
	mb       *mailbox
	tokens   *notify.Tokens
	composer *notify.Composer
	disp     *notify.Dispatcher
}

const baseURL = "https://clausewatch.test"

var docs = []data.Document{
	{ID: "wa-eea", URL: "https://www.whatsapp.com/legal/privacy-policy-eea", Service: "WhatsApp", Title: "WhatsApp Privacy Policy", Region: "EEA", Language: "en"},
	{ID: "wa-terms", URL: "https://www.whatsapp.com/legal/terms-of-service", Service: "WhatsApp", Title: "WhatsApp Terms of Service", Language: "en"},
}

func newEnv(t testing.TB, opts func(*notify.Options)) *env {
	t.Helper()
	ctx := context.Background()
	e := &env{clk: &clock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}, mb: startMailbox(t, true)}
	e.path = filepath.Join(t.TempDir(), "cw.db")
	db, err := data.Open(ctx, e.path, e.clk.now)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	e.db = db
	if err := db.SyncDocuments(ctx, docs); err != nil {
		t.Fatal(err)
	}
	secret, err := db.Secret(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if e.tokens, err = notify.NewTokens(secret, e.clk.now); err != nil {
		t.Fatal(err)
	}
	if e.composer, err = notify.NewComposer(baseURL, e.tokens, 0); err != nil {
		t.Fatal(err)
	}
	o := notify.Options{
		DB: db, Composer: e.composer, Sender: e.mb.sender(t), Now: e.clk.now,
		Log: slog.New(slog.DiscardHandler), HTTP: &http.Client{Timeout: 5 * time.Second},
	}
	if opts != nil {
		opts(&o)
	}
	if e.disp, err = notify.NewDispatcher(o); err != nil {
		t.Fatal(err)
	}
	return e
}

// run delivers everything due now.
func (e *env) run(t testing.TB) int {
	t.Helper()
	n, err := e.disp.RunOnce(context.Background())
	if err != nil {
		t.Fatalf("RunOnce: %v", err)
	}
	return n
}

// recorder is a second handle on the same file, as `clausewatch check`
// running from cron has.
func (e *env) recorder(t testing.TB) *data.DB {
	t.Helper()
	db, err := data.Open(context.Background(), e.path, e.clk.now)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// record stores a fetch of doc with the given paragraphs under headings.
func record(t testing.TB, db *data.DB, docID string, at time.Time, paras ...string) data.Result {
	t.Helper()
	d := &policy.Document{Blocks: []policy.Block{{Kind: policy.Heading, Level: 1, Text: "Privacy Policy"}}}
	body := "<h1>Privacy Policy</h1>"
	for _, p := range paras {
		d.Blocks = append(d.Blocks, policy.Block{Kind: policy.Paragraph, Path: []string{"Privacy Policy"}, Text: p})
		body += "<p>" + p + "</p>"
	}
	res, err := recordtest.Record(context.Background(), db, data.Observation{
		Fetch:    data.Fetch{DocumentID: docID, StartedAt: at, URL: "https://www.whatsapp.com/legal/privacy-policy-eea", Status: 200},
		Snapshot: &data.Snapshot{Body: []byte(body)},
		Document: d,
	})
	if err != nil {
		t.Fatalf("Record: %v", err)
	}
	return res
}
