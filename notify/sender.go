package notify

// This file holds the only code that knows the mail library: the Sender
// interface the dispatcher uses, and its SMTP implementation over
// github.com/wneessen/go-mail.

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"strconv"
	"sync"
	"time"

	mail "github.com/wneessen/go-mail"
	"github.com/wneessen/go-mail/smtp"
)

// Email is a composed message, ready for a Sender: a text part, an HTML part
// sent as multipart/alternative, and the extra header fields in order.
type Email struct {
	To        string // one address, already validated
	Subject   string
	Text      string
	HTML      string
	MessageID string // without angle brackets, e.g. "d42.c7@clausewatch.example.org"
	Date      time.Time
	Header    []HeaderField // List-Id, List-Unsubscribe, ...
}

// HeaderField is one extra header field of an Email.
type HeaderField struct{ Name, Value string }

// Size returns roughly how many bytes the email takes on the wire, for the
// size cap.
func (e *Email) Size() int {
	n := len(e.Subject) + len(e.Text) + len(e.HTML) + len(e.MessageID) + 512
	for _, h := range e.Header {
		n += len(h.Name) + len(h.Value) + 4
	}
	return n
}

// Sender hands emails to a mail server. Send must be safe for concurrent
// use; its errors are *SendError so that the dispatcher knows whether to
// retry.
type Sender interface {
	Send(ctx context.Context, e *Email) error
	Close() error
}

// Outcome says what a failed send means for the message.
type Outcome int

// Outcomes of a failed send.
const (
	// Temporary: certainly not delivered; try again later.
	Temporary Outcome = iota
	// Permanent: refused for good (e.g. 550 no such mailbox); do not retry.
	Permanent
	// MaybeDelivered: the message was handed over but the server's answer
	// was lost; resending could deliver it twice.
	MaybeDelivered
)

func (o Outcome) String() string {
	switch o {
	case Permanent:
		return "permanent"
	case MaybeDelivered:
		return "maybe delivered"
	}
	return "temporary"
}

// SendError is a failed send with what it means for the message.
type SendError struct {
	Outcome Outcome
	Err     error
}

func (e *SendError) Error() string { return fmt.Sprintf("%s failure: %v", e.Outcome, e.Err) }
func (e *SendError) Unwrap() error { return e.Err }

// outcomeOf classifies any send error; errors that do not say are
// temporary, the safe choice for a message that was not handed over.
func outcomeOf(err error) Outcome {
	var se *SendError
	if errors.As(err, &se) {
		return se.Outcome
	}
	return Temporary
}

// SMTPConfig is how to reach the mail server.
type SMTPConfig struct {
	Host     string
	Port     int
	From     string // envelope and header sender, e.g. "Clausewatch <alerts@example.org>"
	Username string // empty: no authentication
	Password string
	TLS      string // "none", "starttls" (required, not opportunistic) or "tls" (implicit TLS)
	// TLSConfig overrides the TLS settings (tests use it to trust their
	// own certificate); nil verifies the server against the system roots.
	TLSConfig *tls.Config
	// Timeout bounds each connection step and command; 0 means 30s.
	Timeout time.Duration
	// MaxIdle bounds the connections kept open for reuse; 0 means 8.
	MaxIdle int
}

// idleConn is an open, authenticated SMTP connection waiting for reuse.
type idleConn struct {
	c     *smtp.Client
	since time.Time
}

// SMTP sends through one mail server and reuses its connections: each Send
// takes an idle connection (or dials one), runs one mail transaction on it
// and gives it back, so sending N messages costs far fewer than N TLS
// handshakes and logins.
type SMTP struct {
	client  *mail.Client
	from    string
	maxIdle int

	mu     sync.Mutex
	idle   []idleConn
	closed bool
}

// Idle connections older than these are checked with NOOP, or closed.
const (
	checkAfter = 5 * time.Second
	dropAfter  = 2 * time.Minute
)

// NewSMTP returns an SMTP sender. It does not connect until the first Send.
func NewSMTP(cfg SMTPConfig) (*SMTP, error) {
	if cfg.Host == "" {
		return nil, errors.New("notify: smtp: no host configured (smtp.host)")
	}
	if cfg.From == "" {
		return nil, errors.New("notify: smtp: no sender address configured (smtp.from)")
	}
	timeout := cfg.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	opts := []mail.Option{mail.WithTimeout(timeout), mail.WithoutNoop()}
	if cfg.Port != 0 {
		opts = append(opts, mail.WithPort(cfg.Port))
	}
	switch cfg.TLS {
	case "none":
		opts = append(opts, mail.WithTLSPolicy(mail.NoTLS))
	case "starttls", "":
		opts = append(opts, mail.WithTLSPolicy(mail.TLSMandatory))
	case "tls":
		opts = append(opts, mail.WithSSL())
	default:
		return nil, fmt.Errorf("notify: smtp: tls %q: want none, starttls or tls", cfg.TLS)
	}
	if cfg.TLSConfig != nil {
		opts = append(opts, mail.WithTLSConfig(cfg.TLSConfig))
	}
	if cfg.Username != "" {
		opts = append(opts, mail.WithSMTPAuth(mail.SMTPAuthAutoDiscover), mail.WithUsername(cfg.Username), mail.WithPassword(cfg.Password))
	}
	c, err := mail.NewClient(cfg.Host, opts...)
	if err != nil {
		return nil, fmt.Errorf("notify: smtp %s: %w", net.JoinHostPort(cfg.Host, strconv.Itoa(cfg.Port)), err)
	}
	maxIdle := cfg.MaxIdle
	if maxIdle <= 0 {
		maxIdle = 8
	}
	return &SMTP{client: c, from: cfg.From, maxIdle: maxIdle}, nil
}

// Send delivers one email. A connection that turns out to be dead before
// the transaction starts is replaced once, since nothing was handed over.
func (s *SMTP) Send(ctx context.Context, e *Email) error {
	msg, err := s.message(e)
	if err != nil {
		return &SendError{Outcome: Permanent, Err: fmt.Errorf("notify: build message for %s: %w", e.To, err)}
	}
	for try := 0; ; try++ {
		conn, reused, err := s.conn(ctx)
		if err != nil {
			return &SendError{Outcome: Temporary, Err: fmt.Errorf("notify: connect to mail server: %w", err)}
		}
		err = s.client.SendWithSMTPClient(conn, msg)
		if err == nil {
			s.release(conn)
			return nil
		}
		if msg.IsDelivered() {
			// The server accepted the message (250 after DATA); only
			// go-mail's RSET after it failed. Retrying would send it
			// twice, so this is a success on a connection not to reuse.
			s.discard(conn)
			return nil
		}
		var me *mail.SendError
		if !errors.As(err, &me) {
			s.discard(conn)
			return &SendError{Outcome: Temporary, Err: fmt.Errorf("notify: send to %s: %w", e.To, err)}
		}
		out := classify(me)
		// After a reply the connection is still in step (go-mail sent
		// RSET); after a broken read or write it is not.
		if me.ErrorCode() != 0 && (me.Reason == mail.ErrSMTPDataClose || me.Reason == mail.ErrSMTPRcptTo || me.Reason == mail.ErrSMTPMailFrom) {
			s.release(conn)
		} else {
			s.discard(conn)
		}
		if reused && try == 0 && out == Temporary && me.ErrorCode() == 0 && (me.Reason == mail.ErrConnCheck || me.Reason == mail.ErrSMTPMailFrom) {
			continue // a stale pooled connection; nothing was handed over
		}
		return &SendError{Outcome: out, Err: fmt.Errorf("notify: send to %s: %w", e.To, err)}
	}
}

// classify maps go-mail's error to what it means for the message. Only the
// end of DATA hands the message over: a broken connection there (no reply
// code) may have delivered it. A 5xx reply to RCPT or DATA refuses this
// message for good; a 5xx to MAIL FROM or at connection time is a problem of
// the server or the configuration, which may be fixed, so it is retried.
func classify(e *mail.SendError) Outcome {
	code := e.ErrorCode()
	switch {
	case e.Reason == mail.ErrSMTPDataClose && code == 0:
		return MaybeDelivered
	case code >= 500 && (e.Reason == mail.ErrSMTPRcptTo || e.Reason == mail.ErrSMTPDataClose || e.Reason == mail.ErrSMTPData):
		return Permanent
	}
	return Temporary
}

func (s *SMTP) message(e *Email) (*mail.Msg, error) {
	m := mail.NewMsg(mail.WithNoDefaultUserAgent())
	if err := m.From(s.from); err != nil {
		return nil, err
	}
	if err := m.To(e.To); err != nil {
		return nil, err
	}
	m.Subject(e.Subject)
	m.SetMessageIDWithValue(e.MessageID)
	m.SetDateWithValue(e.Date)
	for _, h := range e.Header {
		m.SetGenHeader(mail.Header(h.Name), h.Value)
	}
	m.SetBodyString(mail.TypeTextPlain, e.Text)
	m.AddAlternativeString(mail.TypeTextHTML, e.HTML)
	return m, nil
}

// conn returns an idle connection, checked with NOOP if it waited a while,
// or a new one; reused says which.
func (s *SMTP) conn(ctx context.Context) (*smtp.Client, bool, error) {
	now := time.Now()
	for {
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			return nil, false, errors.New("sender closed")
		}
		n := len(s.idle)
		if n == 0 {
			s.mu.Unlock()
			break
		}
		ic := s.idle[n-1]
		s.idle = s.idle[:n-1]
		s.mu.Unlock()
		age := now.Sub(ic.since)
		if age > dropAfter {
			s.client.CloseWithSMTPClient(ic.c) //nolint:errcheck // best effort QUIT
			continue
		}
		if age > checkAfter {
			if err := ic.c.Noop(); err != nil {
				ic.c.Close()
				continue
			}
		}
		return ic.c, true, nil
	}
	c, err := s.client.DialToSMTPClientWithContext(ctx)
	return c, false, err
}

func (s *SMTP) release(c *smtp.Client) {
	s.mu.Lock()
	if !s.closed && len(s.idle) < s.maxIdle {
		s.idle = append(s.idle, idleConn{c: c, since: time.Now()})
		s.mu.Unlock()
		return
	}
	s.mu.Unlock()
	s.client.CloseWithSMTPClient(c) //nolint:errcheck // best effort QUIT
}

func (s *SMTP) discard(c *smtp.Client) {
	if c != nil {
		c.Close()
	}
}

// Close says QUIT on every idle connection. Sends after Close fail.
func (s *SMTP) Close() error {
	s.mu.Lock()
	idle := s.idle
	s.idle, s.closed = nil, true
	s.mu.Unlock()
	var errs []error
	for _, ic := range idle {
		if err := s.client.CloseWithSMTPClient(ic.c); err != nil {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("notify: close smtp connections: %w", err)
	}
	return nil
}
