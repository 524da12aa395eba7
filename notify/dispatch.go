// Package notify delivers what clausewatch records: alert emails (one per
// change, or a daily digest), confirmation emails, and webhooks. Deliveries
// are rows of the outbox (data's deliveries table), written in the same
// transaction as the change; the Dispatcher polls them, so changes recorded
// by a separate `clausewatch check` process are delivered too.
//
// Exactly once, and what happens on a crash: a row is claimed (pending ->
// sending, committed) just before its SMTP transaction and marked sent
// after the server accepts it. So that a fan-out to thousands does not cost
// two transactions per email, the senders' claims and "sent" marks are
// grouped: one transaction marks sent what the senders finished and claims
// their next rows, and a sender gets its next row only once its "sent" is
// committed. A temporary failure before the message is handed over puts it
// back to pending with exponential backoff; a permanent one marks it failed
// with the server's answer. The one window that cannot be closed is between
// the server accepting the message and the commit of "sent" (with the
// grouping, until the next transaction commits): a process that dies there
// leaves the row sending, and a connection that breaks while waiting for
// the server's answer leaves the outcome unknown. Both end as status
// unknown, which is never resent automatically: a journalist gets each
// alert at most once, and the rare unknown rows (at most one per sender
// for a crash) are visible to the operator (data.DB.Deliveries) who can
// resend them (data.DB.RequeueDeliveries); the Message-ID is stable per
// delivery so a resend that does arrive twice is merged by most clients.
// Webhooks, whose receivers can deduplicate by X-Clausewatch-Delivery, are
// retried instead (at least once).
package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/clausewatch/clausewatch/data"
)

// Options configure a Dispatcher. DB, Composer, Now and Log are required;
// the zero value of the others is a sensible default.
type Options struct {
	DB       *data.DB
	Composer *Composer
	// Sender sends the emails; nil when email is not configured, in which
	// case email deliveries are left queued, untried, until a dispatcher
	// with a Sender runs (they would otherwise use up their attempts).
	Sender Sender
	// HTTP posts webhooks; nil means a client with a 30s timeout.
	HTTP *http.Client
	// WebhookSecrets maps a webhook URL to the secret its requests are
	// signed with (from the configuration, never stored).
	WebhookSecrets map[string]string
	Now            func() time.Time
	Log            *slog.Logger

	Concurrency  int           // messages sent at once; default 4
	PageSize     int           // outbox rows read per query; default 200
	PollInterval time.Duration // how often the outbox is checked; default 5s
	MaxAttempts  int           // tries before a delivery is marked failed; default 10
	BaseBackoff  time.Duration // wait after the first failure, doubled each time; default 1m
	MaxBackoff   time.Duration // default 6h
	// Lease is how long a claimed row may stay sending before it is
	// taken for the remains of a stopped process; default 10m (a send is
	// bounded by the SMTP and HTTP timeouts, well below it).
	Lease time.Duration
	// ExpireUnconfirmed is how long a subscription may wait for its
	// confirmation before it is deleted; default 7 days, the life of the
	// link.
	ExpireUnconfirmed time.Duration
}

// Dispatcher sends the outbox's due deliveries with bounded concurrency.
type Dispatcher struct {
	o    Options
	kick chan struct{}

	mu      sync.Mutex
	changes map[int64]*data.AlertChange // recently delivered changes, for fan-out
	cancel  context.CancelFunc
	done    chan struct{}
}

// NewDispatcher checks the options and fills in defaults.
func NewDispatcher(o Options) (*Dispatcher, error) {
	if o.DB == nil || o.Composer == nil || o.Now == nil || o.Log == nil {
		return nil, errors.New("notify: dispatcher needs a database, a composer, a clock and a logger")
	}
	if o.HTTP == nil {
		o.HTTP = &http.Client{Timeout: 30 * time.Second}
	}
	def := func(v *time.Duration, d time.Duration) {
		if *v <= 0 {
			*v = d
		}
	}
	if o.Concurrency <= 0 {
		o.Concurrency = 4
	}
	if o.PageSize <= 0 {
		o.PageSize = 200
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = 10
	}
	def(&o.PollInterval, 5*time.Second)
	def(&o.BaseBackoff, time.Minute)
	def(&o.MaxBackoff, 6*time.Hour)
	def(&o.Lease, 10*time.Minute)
	def(&o.ExpireUnconfirmed, 7*24*time.Hour)
	return &Dispatcher{o: o, kick: make(chan struct{}, 1), changes: map[int64]*data.AlertChange{}}, nil
}

// Start runs the dispatcher in the background until Stop or ctx ends.
func (d *Dispatcher) Start(ctx context.Context) {
	ctx, cancel := context.WithCancel(ctx)
	d.mu.Lock()
	d.cancel, d.done = cancel, make(chan struct{})
	done := d.done
	d.mu.Unlock()
	go func() {
		defer close(done)
		d.loop(ctx)
	}()
}

// Stop stops polling and waits for the messages being sent to finish, so
// that none is left in the unknown state by a clean shutdown.
func (d *Dispatcher) Stop() {
	d.mu.Lock()
	cancel, done := d.cancel, d.done
	d.mu.Unlock()
	if cancel == nil {
		return
	}
	cancel()
	<-done
}

// Kick makes the dispatcher look at the outbox now rather than at the next
// poll, e.g. after a subscription request queued a confirmation.
func (d *Dispatcher) Kick() {
	select {
	case d.kick <- struct{}{}:
	default:
	}
}

func (d *Dispatcher) loop(ctx context.Context) {
	var lastHousekeeping time.Time
	for {
		if now := d.o.Now(); now.Sub(lastHousekeeping) >= time.Hour {
			d.housekeeping(ctx, now)
			lastHousekeeping = now
		}
		if _, err := d.RunOnce(ctx); err != nil && ctx.Err() == nil {
			d.o.Log.Error("delivering alerts", "err", err)
		}
		t := time.NewTimer(d.o.PollInterval)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-d.kick:
			t.Stop()
		case <-t.C:
		}
	}
}

// housekeeping marks deliveries left sending by a stopped process as
// unknown and forgets unconfirmed subscriptions past their link's life.
func (d *Dispatcher) housekeeping(ctx context.Context, now time.Time) {
	if n, err := d.o.DB.RecoverInterrupted(ctx, now.Add(-d.o.Lease)); err != nil {
		d.o.Log.Error("recovering interrupted deliveries", "err", err)
	} else if n > 0 {
		d.o.Log.Warn("deliveries interrupted by a stopped process are marked unknown and not resent; check them and requeue if needed", "count", n)
	}
	if n, err := d.o.DB.PurgeUnconfirmed(ctx, now.Add(-d.o.ExpireUnconfirmed)); err != nil {
		d.o.Log.Error("purging unconfirmed subscriptions", "err", err)
	} else if n > 0 {
		d.o.Log.Info("forgot unconfirmed subscriptions", "count", n)
	}
}

// RunOnce sends every delivery due now, paging through the outbox, and
// returns how many deliveries it handled (sent, retried or failed). It
// stops taking new rows when ctx ends and waits for those being sent.
//
// The database work is grouped, as a group commit: one goroutine claims
// rows for the senders that are free and, in the same transaction, marks
// sent the messages they just finished, so that while one transaction runs
// the next one gathers the work of every sender that finished meanwhile. A
// sender waits for the transaction holding its "sent" before it gets its
// next row, so at any time no more rows than there are senders are sending
// (claimed, or accepted and not yet marked): a crash leaves no more
// deliveries unknown than sending one at a time per sender did. Failures
// are recorded by the sender at once.
func (d *Dispatcher) RunOnce(ctx context.Context) (int, error) {
	// Once claimed, a message is sent and its outcome recorded even if
	// the dispatcher is being stopped: abandoning it midway is what would
	// make its outcome unknown.
	work := context.WithoutCancel(ctx)
	// A sender asks for a row with the claim it just sent (nil when it
	// starts or its send failed); it has at most one ask or one claim
	// outstanding, so neither channel ever fills.
	asks := make(chan *data.Claim, d.o.Concurrency)
	claims := make(chan *data.Claim, d.o.Concurrency)
	var handled atomic.Int64
	var wg sync.WaitGroup
	for range d.o.Concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			asks <- nil
			for c := range claims {
				err := d.send(work, c)
				handled.Add(1)
				if err != nil {
					d.record(work, c, err)
					c = nil
				}
				asks <- c
			}
		}()
	}

	rows := d.dueRows(ctx)
	var sent []*data.Claim
	take := func(c *data.Claim) {
		if c != nil {
			sent = append(sent, c)
		}
	}
	idle := 0
	var err error
	for ctx.Err() == nil {
		if idle == 0 {
			take(<-asks)
			idle++
		}
	gather:
		for {
			select {
			case c := <-asks:
				take(c)
				idle++
			default:
				break gather
			}
		}
		var due []data.DueDelivery
		due, err = rows(idle)
		if err != nil || len(due) == 0 {
			break
		}
		for _, c := range d.claim(work, sent, due) {
			claims <- c
			idle--
		}
		sent = nil
	}
	close(claims)
	wg.Wait()
	close(asks)
	for c := range asks {
		take(c)
	}
	d.markSent(work, sent)
	return int(handled.Load()), err
}

// dueRows returns a function that returns the next n due deliveries this
// dispatcher can send, paging through the outbox, and none at its end.
func (d *Dispatcher) dueRows(ctx context.Context) func(n int) ([]data.DueDelivery, error) {
	now := d.o.Now()
	var cursor data.DueDelivery
	var page []data.DueDelivery
	end := false
	return func(n int) ([]data.DueDelivery, error) {
		var out []data.DueDelivery
		for len(out) < n {
			if len(page) == 0 {
				if end {
					break
				}
				var err error
				if page, err = d.o.DB.DueDeliveries(ctx, now, cursor, d.o.PageSize); err != nil {
					return nil, err
				}
				if len(page) == 0 {
					end = true
					break
				}
				cursor = page[len(page)-1]
			}
			p := page[0]
			page = page[1:]
			if d.o.Sender == nil && p.Kind != data.KindWebhook {
				continue
			}
			out = append(out, p)
		}
		return out, nil
	}
}

// markSent records sent claims on their own. If storing fails, the rows
// stay sending and later become unknown: never sent twice.
func (d *Dispatcher) markSent(ctx context.Context, sent []*data.Claim) {
	if len(sent) == 0 {
		return
	}
	if err := d.o.DB.MarkSent(ctx, sent...); err != nil {
		d.o.Log.Error("recording sent deliveries", "count", len(sent), "err", err)
	}
}

// claim marks the sent claims and claims a batch of due deliveries. If
// that fails, the sent claims are marked on their own and each row is
// tried alone, so that one row the database cannot claim does not hold up
// the others.
func (d *Dispatcher) claim(ctx context.Context, sent []*data.Claim, due []data.DueDelivery) []*data.Claim {
	cs, err := d.o.DB.ClaimDeliveries(ctx, sent, due)
	if err == nil {
		return cs
	}
	d.o.Log.Warn("claiming deliveries together failed; claiming them one by one", "count", len(due), "err", err)
	d.markSent(ctx, sent)
	cs = cs[:0]
	for _, p := range due {
		c, err := d.o.DB.ClaimDelivery(ctx, p.ID)
		if err != nil {
			d.o.Log.Error("claiming a delivery", "delivery", p.ID, "err", err)
			continue
		}
		if c != nil {
			cs = append(cs, c)
		}
	}
	return cs
}

func (d *Dispatcher) send(ctx context.Context, c *data.Claim) error {
	key := "d" + strconv.FormatInt(c.IDs[0], 10) + "." + c.Kind
	now := d.o.Now()
	if c.Kind == data.KindWebhook {
		ac, err := d.alertChange(ctx, c.ChangeIDs[0])
		if err != nil {
			return &SendError{Outcome: Temporary, Err: err}
		}
		body, err := d.o.Composer.WebhookBody(c.Webhook.Format, c.IDs[0], ac)
		if err != nil {
			return &SendError{Outcome: Permanent, Err: err}
		}
		hctx, cancel := context.WithTimeout(ctx, time.Minute)
		defer cancel()
		return postWebhook(hctx, d.o.HTTP, c.Webhook.URL, d.o.WebhookSecrets[c.Webhook.URL], c.IDs[0], body)
	}
	var e *Email
	var err error
	switch c.Kind {
	case data.KindConfirm:
		var names []string
		for _, id := range c.Subscriber.Documents {
			doc, err := d.o.DB.Document(ctx, id)
			if err != nil {
				names = append(names, id)
				continue
			}
			names = append(names, DocumentName(*doc))
		}
		e, err = d.o.Composer.Confirmation(c.Subscriber, names, key, now)
	default:
		acs := make([]*data.AlertChange, 0, len(c.ChangeIDs))
		for _, id := range c.ChangeIDs {
			ac, err := d.alertChange(ctx, id)
			if err != nil {
				return &SendError{Outcome: Temporary, Err: err}
			}
			acs = append(acs, ac)
		}
		if c.Kind == data.KindDigest {
			e, err = d.o.Composer.Digest(c.Subscriber, key, acs, now)
		} else {
			e, err = d.o.Composer.Alert(c.Subscriber, key, acs[0], now)
		}
	}
	if err != nil {
		return &SendError{Outcome: Permanent, Err: err}
	}
	return d.o.Sender.Send(ctx, e)
}

// record stores the outcome of a failed send.
func (d *Dispatcher) record(ctx context.Context, c *data.Claim, err error) {
	var merr error
	switch out := outcomeOf(err); {
	case out == Permanent:
		d.o.Log.Warn("delivery failed for good", "deliveries", c.IDs, "kind", c.Kind, "err", err)
		merr = d.o.DB.MarkFailed(ctx, c, err.Error())
	case out == MaybeDelivered:
		d.o.Log.Warn("delivery outcome unknown; not resent automatically", "deliveries", c.IDs, "kind", c.Kind, "err", err)
		merr = d.o.DB.MarkUnknown(ctx, c, err.Error())
	case c.Attempt >= d.o.MaxAttempts:
		d.o.Log.Warn("delivery failed too many times; giving up", "deliveries", c.IDs, "kind", c.Kind, "attempts", c.Attempt, "err", err)
		merr = d.o.DB.MarkFailed(ctx, c, fmt.Sprintf("gave up after %d attempts: %v", c.Attempt, err))
	default:
		next := d.o.Now().Add(d.backoff(c.Attempt))
		d.o.Log.Info("delivery will be retried", "deliveries", c.IDs, "kind", c.Kind, "attempt", c.Attempt, "next", next, "err", err)
		merr = d.o.DB.MarkRetry(ctx, c, next, err.Error())
	}
	if merr != nil {
		d.o.Log.Error("recording a delivery outcome", "deliveries", c.IDs, "err", merr)
	}
}

// backoff doubles the wait with each attempt, up to MaxBackoff, with up to
// 10% jitter so that retries after an outage do not all come at once.
func (d *Dispatcher) backoff(attempt int) time.Duration {
	w := d.o.BaseBackoff
	for i := 1; i < attempt && w < d.o.MaxBackoff; i++ {
		w *= 2
	}
	w = min(w, d.o.MaxBackoff)
	return w + rand.N(w/10+1)
}

// alertChange loads a change with its document and snapshot, keeping the
// recent ones: a change fanned out to thousands of subscribers is read once.
func (d *Dispatcher) alertChange(ctx context.Context, id int64) (*data.AlertChange, error) {
	d.mu.Lock()
	ac, ok := d.changes[id]
	d.mu.Unlock()
	if ok {
		return ac, nil
	}
	ac, err := d.o.DB.AlertChange(ctx, id)
	if err != nil {
		return nil, err
	}
	d.mu.Lock()
	if len(d.changes) >= 64 {
		clear(d.changes)
	}
	d.changes[id] = ac
	d.mu.Unlock()
	return ac, nil
}
