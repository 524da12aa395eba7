package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/clausewatch/clausewatch/data"
)

// TestServeKilledWhileSending is the crash test of the alert outbox
// (DESIGN.md, invariant 4): `clausewatch serve` is killed with SIGKILL ten
// times while it sends one change's alert to 200 subscribers, and restarted
// each time. A kill must never make a message arrive twice, and every
// message that did not arrive must be one that `clausewatch deliveries`
// shows the operator as possibly delivered (unknown or sending), since
// nothing else tells them whom to write to.
//
// The kills land mid-send by construction, not by timing: the mail server
// holds one chosen DATA command until the test has killed the client, either
// after storing the message (the process dies before it hears the 250) or
// before (the message dies with the client), and every third kill is
// instead taken from wherever the process is when enough messages arrived.
func TestServeKilledWhileSending(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and restarts it 10 times")
	}
	if runtime.GOOS == "windows" {
		t.Skip("needs SIGKILL and SIGINT")
	}
	const (
		subscribers = 200
		kills       = 10
		// perRun is how many messages a run delivers before its kill; a
		// run takes at most perRun+fence (poll kills) plus the rows in
		// flight, so ten runs leave messages for the last one.
		perRun = 8
		fence  = 12
	)
	start := time.Now()
	ctx := context.Background()
	dir := t.TempDir()
	bin := buildClausewatch(t, dir)

	var (
		pageMu sync.Mutex
		page   = policyHTML
	)
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		pageMu.Lock()
		defer pageMu.Unlock()
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, page)
	}))
	defer site.Close()
	// The server is slow (20ms per message), so that the other messages
	// of the dispatcher's four connections are in flight at each kill.
	mb := startCrashMailbox(t, 20*time.Millisecond)
	cfg := writeFile(t, dir, "clausewatch.yaml", fmt.Sprintf(`base_url: https://clausewatch.test
fetch:
  min_gap: 0s
  jitter: 0s
  timeout: 5s
smtp:
  host: 127.0.0.1
  port: %d
  from: "Clausewatch <alerts@clausewatch.test>"
  tls: none
documents:
  - id: alpha
    url: %s/alpha
    select: main
    language: en
    settle:
      fetches: 1
`, mb.port(t), site.URL))
	dbPath := filepath.Join(dir, "cw.db")

	// The first version, then 200 confirmed subscribers whose
	// confirmation emails went out long ago, then a change that alerts at
	// once (settle: fetches: 1) and queues 200 alerts in its transaction.
	if code, stdout, stderr := cli(t, ctx, nil, "check", "--config", cfg, "--db", dbPath); code != exitOK {
		t.Fatalf("first check: exit %d, %q %q", code, stdout, stderr)
	}
	db := openDB(t, dbPath)
	emails := map[int64]string{} // subscriber id -> address
	for i := range subscribers {
		email := fmt.Sprintf("reader%03d@example.org", i)
		id, err := db.Subscribe(ctx, data.SubscribeRequest{Email: email, Lang: "en", Subscription: data.Subscription{Frequency: data.Immediate}})
		if err != nil {
			t.Fatal(err)
		}
		if err := db.Confirm(ctx, id); err != nil {
			t.Fatal(err)
		}
		emails[id] = email
	}
	markConfirmationsSent(t, db)
	pageMu.Lock()
	page = strings.Replace(policyHTML, "the Meta Companies", "the Meta Companies and our advertising partners", 1)
	pageMu.Unlock()
	if code, stdout, stderr := cli(t, ctx, nil, "check", "--config", cfg, "--db", dbPath); code != exitOK || !strings.Contains(stdout, "new-version") {
		t.Fatalf("second check: exit %d, %q %q; want a new version", code, stdout, stderr)
	}
	if n := deliveryCount(t, db, data.DeliveryPending); n != subscribers {
		t.Fatalf("%d alerts queued, want one per subscriber (%d): the change did not alert at once", n, subscribers)
	}

	var log syncBuffer
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("serve's logs:\n%s", log.String())
		}
	})
	// The kinds of kill, taken in turn. A held kill waits for the mail
	// server to hold the DATA command perRun messages into the run; a
	// polled kill is taken as soon as perRun messages arrived, wherever
	// the process is, with a hold further on as a fence in case the test
	// is slow to see them.
	killKinds := []struct {
		name  string
		at    int // hold the DATA command this many messages into the run
		point holdPoint
		poll  bool
	}{
		{"after the server stored a message", perRun, holdAfterStore, false},
		{"before the server stored a message", perRun, holdBeforeStore, false},
		{"when enough messages arrived", perRun + fence, holdAfterStore, true},
	}
	held := map[int64]bool{} // subscribers whose message a kill held
	for i := range kills {
		k := killKinds[i%len(killKinds)]
		mb.waitIdle(t)
		base := mb.arrivals()
		g := mb.arm(base+k.at, k.point)
		fmt.Fprintf(&log, "--- run %d (kill %s)\n", i+1, k.name)
		p := startServe(t, bin, cfg, dbPath, &log)
		p.waitUntil(t, func() bool {
			select {
			case <-g.hit:
				return true
			default:
				return k.poll && mb.arrivals() >= base+perRun
			}
		})
		p.kill(t)
		g.open()
		if rcpt, ok := g.heldFor(); ok {
			held[subscriberByEmail(emails, rcpt)] = true
		}
		if n := deliveryCount(t, db, data.DeliveryPending); n == 0 {
			t.Fatalf("run %d sent every message before its kill; the kills must land mid-send", i+1)
		}
	}
	// The last run sends what is left and stops cleanly.
	mb.waitIdle(t)
	fmt.Fprintf(&log, "--- run %d (to the end)\n", kills+1)
	p := startServe(t, bin, cfg, dbPath, &log)
	waitFor(t, func() bool { return deliveryCount(t, db, data.DeliveryPending) == 0 })
	p.stop(t)

	listed := listedMaybeDelivered(t, ctx, cfg, dbPath)
	all, err := db.Deliveries(ctx, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	received := mb.received()
	var alerts, duplicated, missing, unlisted, ambiguous int
	for _, d := range all {
		if d.Kind != data.KindAlert {
			continue
		}
		alerts++
		email := emails[d.SubscriberID]
		n := received[email]
		delete(received, email)
		switch {
		case n > 1:
			duplicated += n - 1
			t.Errorf("delivery %d (%s, %s): the message arrived %d times", d.ID, email, d.Status, n)
		case n == 0:
			missing++
			if !listed[d.ID] {
				unlisted++
				t.Errorf("delivery %d (%s, %s): the message never arrived and `clausewatch deliveries` does not list it", d.ID, email, d.Status)
			}
		}
		if listed[d.ID] {
			ambiguous++
		}
		switch {
		case d.Status == data.DeliverySent && n != 1:
			t.Errorf("delivery %d (%s) is marked sent but arrived %d times", d.ID, email, n)
		case d.Status == data.DeliveryPending || d.Status == data.DeliveryFailed || d.Status == data.DeliverySkipped:
			t.Errorf("delivery %d (%s) ended %s (%s)", d.ID, email, d.Status, d.LastError)
		case held[d.SubscriberID] && !listed[d.ID]:
			t.Errorf("delivery %d (%s): a kill held its message, yet it is not listed as possibly delivered", d.ID, email)
		}
	}
	if alerts != subscribers {
		t.Errorf("%d alert deliveries, want %d", alerts, subscribers)
	}
	for email, n := range received {
		t.Errorf("%d messages to %s, which no alert delivery is for", n, email)
	}
	if ambiguous < len(held) {
		t.Errorf("%d deliveries listed as possibly delivered, want at least the %d whose message a kill held", ambiguous, len(held))
	}
	t.Logf("%d kills: %d alerts, %d duplicated, %d never arrived (%d of them not listed), %d listed as unknown or sending (%d of them arrived); %v",
		kills, alerts, duplicated, missing, unlisted, ambiguous, ambiguous-(missing-unlisted), time.Since(start).Round(time.Second))
}

// maybeDeliveredQueries returns the `clausewatch deliveries` arguments
// whose output together must list every delivery that may or may not have
// been delivered: the default listing, as an operator runs it, which shows
// unknown and sending rows with what to do.
func maybeDeliveredQueries() [][]string {
	return [][]string{nil}
}

// listedMaybeDelivered runs `clausewatch deliveries` as an operator would
// and returns the ids of the rows its text output lists as unknown or
// sending: the deliveries it tells the operator to check.
func listedMaybeDelivered(t *testing.T, ctx context.Context, cfg, dbPath string) map[int64]bool {
	t.Helper()
	listed := map[int64]bool{}
	for _, q := range maybeDeliveredQueries() {
		args := append([]string{"deliveries", "--config", cfg, "--db", dbPath}, q...)
		code, stdout, stderr := cli(t, ctx, nil, args...)
		if code != exitOK {
			t.Fatalf("%v: exit %d, %q", args, code, stderr)
		}
		for line := range strings.Lines(stdout) {
			f := strings.Fields(line)
			if len(f) == 0 {
				continue
			}
			id, err := strconv.ParseInt(f[0], 10, 64)
			if err != nil {
				continue
			}
			if slices.Contains(f, data.DeliveryUnknown) || slices.Contains(f, data.DeliverySending) {
				listed[id] = true
			}
		}
	}
	return listed
}

// buildClausewatch builds the command into dir once per test: the crash
// test needs a process it can kill, which the in-process cli cannot give.
func buildClausewatch(t *testing.T, dir string) string {
	t.Helper()
	gotool, err := exec.LookPath("go")
	if err != nil {
		t.Skipf("no go command to build clausewatch with: %v", err)
	}
	bin := filepath.Join(dir, "clausewatch")
	out, err := exec.Command(gotool, "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// markConfirmationsSent claims every queued confirmation email and marks it
// sent, as if a dispatcher had sent them before the change: the crash test
// counts alerts only.
func markConfirmationsSent(t *testing.T, db *data.DB) {
	t.Helper()
	ctx := context.Background()
	due, err := db.DueDeliveries(ctx, time.Now().Add(time.Minute), data.DueDelivery{}, 10000)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range due {
		c, err := db.ClaimDelivery(ctx, d.ID)
		if err != nil || c == nil {
			t.Fatalf("claim confirmation %d: %v, %v", d.ID, c, err)
		}
		if err := db.MarkSent(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
}

func deliveryCount(t *testing.T, db *data.DB, status string) int {
	t.Helper()
	counts, err := db.DeliveryCounts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return counts[status]
}

func subscriberByEmail(emails map[int64]string, email string) int64 {
	for id, e := range emails {
		if strings.EqualFold(e, email) {
			return id
		}
	}
	return 0
}

// serveProcess is a running `clausewatch serve`.
type serveProcess struct {
	cmd    *exec.Cmd
	exited chan struct{}
	err    error // cmd.Wait's, once exited is closed
}

// startServe starts serve on a free port with its log going to log. The
// process is killed at the end of the test if it is still running.
func startServe(t *testing.T, bin, cfg, dbPath string, log io.Writer) *serveProcess {
	t.Helper()
	cmd := exec.Command(bin, "serve", "--config", cfg, "--db", dbPath)
	cmd.Env = []string{"CLAUSEWATCH_LISTEN=127.0.0.1:0", "TMPDIR=" + t.TempDir()}
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &serveProcess{cmd: cmd, exited: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-p.exited
	})
	return p
}

// waitUntil polls cond until it holds, failing if serve exits first.
func (p *serveProcess) waitUntil(t *testing.T, cond func() bool) {
	t.Helper()
	waitFor(t, func() bool {
		select {
		case <-p.exited:
			t.Fatalf("serve exited early: %v", p.err)
		default:
		}
		return cond()
	})
}

// kill sends SIGKILL and waits until the process is gone.
func (p *serveProcess) kill(t *testing.T) {
	t.Helper()
	if err := p.cmd.Process.Kill(); err != nil && !errors.Is(err, os.ErrProcessDone) {
		t.Fatal(err)
	}
	<-p.exited
}

// stop asks serve to shut down as an operator does (SIGINT) and checks that
// it exits 0 after finishing the messages in flight.
func (p *serveProcess) stop(t *testing.T) {
	t.Helper()
	if err := p.cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	select {
	case <-p.exited:
		if p.err != nil {
			t.Errorf("serve after SIGINT: %v", p.err)
		}
	case <-time.After(time.Minute):
		t.Fatal("serve did not stop within a minute of SIGINT")
	}
}

// holdPoint is where the mail server holds a DATA command for a kill.
type holdPoint int

const (
	// holdAfterStore: the message is stored, the 250 not yet sent; the
	// client dies not knowing it was delivered.
	holdAfterStore holdPoint = iota
	// holdBeforeStore: the message is on the wire but not stored; it
	// dies with the client.
	holdBeforeStore
)

// hold is one armed hold of the crash mailbox: the DATA command that
// arrives as number at is held at point until open is called.
type hold struct {
	at      int
	point   holdPoint
	hit     chan struct{} // closed once a DATA command is held
	release chan struct{}
	once    sync.Once
	rcpt    string // the held message's recipient, set before hit closes
}

func (h *hold) open() { h.once.Do(func() { close(h.release) }) }

// heldFor returns the recipient of the held message, if one was held.
func (h *hold) heldFor() (string, bool) {
	select {
	case <-h.hit:
		return h.rcpt, true
	default:
		return "", false
	}
}

// crashMailbox is an SMTP server on loopback that counts the messages it
// stores per recipient and can hold one DATA command for a kill. (notify's
// test mailbox is in notify's _test files, which this package cannot
// import; this one adds the hold.)
type crashMailbox struct {
	delay time.Duration
	addr  string

	mu      sync.Mutex
	stored  map[string]int // recipient -> messages stored
	arrived int            // DATA commands whose body was read
	open    int            // connections open
	armed   *hold
}

func startCrashMailbox(t *testing.T, delay time.Duration) *crashMailbox {
	t.Helper()
	mb := &crashMailbox{delay: delay, stored: map[string]int{}}
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		mb.mu.Lock()
		mb.open++
		mb.mu.Unlock()
		return &crashSession{mb: mb}, nil
	}))
	srv.Domain = "localhost"
	srv.ErrorLog = discardSMTPLog{}
	srv.ReadTimeout, srv.WriteTimeout = time.Minute, time.Minute
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	mb.addr = ln.Addr().String()
	go srv.Serve(ln) //nolint:errcheck // ends with Close
	t.Cleanup(func() {
		mb.mu.Lock()
		if mb.armed != nil {
			mb.armed.open()
		}
		mb.mu.Unlock()
		srv.Close()
	})
	return mb
}

func (mb *crashMailbox) port(t *testing.T) int {
	t.Helper()
	_, p, _ := net.SplitHostPort(mb.addr)
	n, err := strconv.Atoi(p)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// arm makes the DATA command that arrives as number at be held at point,
// releasing any earlier hold.
func (mb *crashMailbox) arm(at int, point holdPoint) *hold {
	h := &hold{at: at, point: point, hit: make(chan struct{}), release: make(chan struct{})}
	mb.mu.Lock()
	defer mb.mu.Unlock()
	if mb.armed != nil {
		mb.armed.open()
	}
	mb.armed = h
	return h
}

func (mb *crashMailbox) arrivals() int {
	mb.mu.Lock()
	defer mb.mu.Unlock()
	return mb.arrived
}

func (mb *crashMailbox) received() map[string]int {
	mb.mu.Lock()
	defer mb.mu.Unlock()
	out := make(map[string]int, len(mb.stored))
	for k, v := range mb.stored {
		out[k] = v
	}
	return out
}

// waitIdle waits until the killed process's connections are closed and
// their last DATA commands done, so that the next run's arrivals are its
// own.
func (mb *crashMailbox) waitIdle(t *testing.T) {
	t.Helper()
	waitFor(t, func() bool {
		mb.mu.Lock()
		defer mb.mu.Unlock()
		return mb.open == 0
	})
}

type crashSession struct {
	mb *crashMailbox
	to []string
}

func (s *crashSession) Reset() { s.to = nil }

func (s *crashSession) Logout() error {
	s.mb.mu.Lock()
	s.mb.open--
	s.mb.mu.Unlock()
	return nil
}

func (s *crashSession) Mail(string, *smtp.MailOptions) error { return nil }

func (s *crashSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.to = append(s.to, strings.ToLower(to))
	return nil
}

// Data reads the message, takes its time as a slow server does, and stores
// it, unless this is the armed DATA command: that one is held, before or
// after storing, until the test has killed the client.
func (s *crashSession) Data(r io.Reader) error {
	if _, err := io.Copy(io.Discard, r); err != nil {
		return err
	}
	time.Sleep(s.mb.delay)
	mb := s.mb
	mb.mu.Lock()
	mb.arrived++
	h := mb.armed
	if h == nil || h.at != mb.arrived {
		mb.store(s.to)
		mb.mu.Unlock()
		return nil
	}
	if h.point == holdAfterStore {
		mb.store(s.to)
	}
	h.rcpt = strings.Join(s.to, ",")
	mb.mu.Unlock()
	close(h.hit)
	<-h.release
	if h.point == holdBeforeStore {
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "lost"}
	}
	return nil
}

// store counts a message for its recipients; mb.mu is held.
func (mb *crashMailbox) store(to []string) {
	for _, rcpt := range to {
		mb.stored[rcpt]++
	}
}

type discardSMTPLog struct{}

func (discardSMTPLog) Printf(string, ...any) {}
func (discardSMTPLog) Println(...any)        {}
