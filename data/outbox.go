package data

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"
)

// Delivery kinds, stored.
const (
	KindAlert   = "alert"   // one email per change, sent as soon as possible
	KindDigest  = "digest"  // one email per subscriber and day, with the day's changes
	KindConfirm = "confirm" // the answer to a subscription request
	KindWebhook = "webhook" // one POST per change and webhook
)

// Delivery statuses, stored.
const (
	DeliveryPending = "pending"
	DeliverySending = "sending"
	DeliverySent    = "sent"
	DeliveryFailed  = "failed"
	// DeliveryUnknown: the process stopped (or the connection broke) after
	// the message may have been accepted; it is not resent automatically,
	// because a resend could deliver it twice. RequeueDeliveries resends.
	DeliveryUnknown = "unknown"
	DeliverySkipped = "skipped"
)

// DeliveryStatuses returns every status of an outbox row, in the order a
// row passes through them, so that reports show each one, those no row is
// in too: an operator alerting on unknown deliveries needs a zero, not a
// missing series.
func DeliveryStatuses() []string {
	return []string{DeliveryPending, DeliverySending, DeliverySent, DeliveryFailed, DeliveryUnknown, DeliverySkipped}
}

// DigestHourUTC is when daily digests go out: a digest carries the changes
// recorded since the previous one, and is due at the first DigestHourUTC:00
// UTC after the change was recorded.
const DigestHourUTC = 7

// NextDigest returns the first digest time strictly after t.
func NextDigest(t time.Time) time.Time {
	t = t.UTC()
	d := time.Date(t.Year(), t.Month(), t.Day(), DigestHourUTC, 0, 0, 0, time.UTC)
	if !d.After(t) {
		d = d.AddDate(0, 0, 1)
	}
	return d
}

// enqueueAlerts writes, inside the transaction that records a change, one
// delivery per confirmed subscriber whose subscription matches the change's
// document and topics (every alerting change for an empty topic list) and
// one per active webhook. Only changes that alert (diff.ChangeSet.Alert)
// are enqueued. The UNIQUE
// keys make a second call for the same change a no-op.
func enqueueAlerts(ctx context.Context, tx *sql.Tx, changeID int64, docID, topicsJSON string, now time.Time) error {
	subs := `INSERT INTO deliveries (kind, change_id, subscriber_id, next_attempt_at, created_at)
SELECT CASE s.frequency WHEN 'daily' THEN 'digest' ELSE 'alert' END, ?1, u.id,
       CASE s.frequency WHEN 'daily' THEN ?3 ELSE ?4 END, ?4
FROM subscribers u JOIN subscriptions s ON s.subscriber_id = u.id
WHERE u.status = 'confirmed' AND ` + subscriptionMatches("?2", "?5") + `
ORDER BY u.id
ON CONFLICT DO NOTHING`
	at := formatTime(now)
	if _, err := tx.ExecContext(ctx, subs, changeID, docID, formatTime(NextDigest(now)), at, topicsJSON); err != nil {
		return fmt.Errorf("queue alerts for change %d: %w", changeID, err)
	}
	const hooks = `INSERT INTO deliveries (kind, change_id, webhook_id, next_attempt_at, created_at)
SELECT 'webhook', ?, id, ?, ? FROM webhooks WHERE active = 1 ORDER BY id
ON CONFLICT DO NOTHING`
	if _, err := tx.ExecContext(ctx, hooks, changeID, at, at); err != nil {
		return fmt.Errorf("queue webhooks for change %d: %w", changeID, err)
	}
	return nil
}

// subscriptionMatches is the SQL condition under which the subscription s
// asks for a change of document doc with the JSON topic list topics (SQL
// expressions): the same rule when a change is queued and, again, when its
// delivery is claimed, since preferences and topics may change in between.
func subscriptionMatches(doc, topics string) string {
	return `(s.documents = '[]' OR EXISTS (SELECT 1 FROM json_each(s.documents) d WHERE d.value = ` + doc + `))
  AND (s.topics = '[]' OR EXISTS (SELECT 1 FROM json_each(s.topics) t JOIN json_each(` + topics + `) c ON c.value = t.value))`
}

// DueDelivery is a pending delivery whose time has come, as listed for the
// dispatcher: just enough to order, page and claim it.
type DueDelivery struct {
	ID            int64
	Kind          string
	NextAttemptAt time.Time
}

// The dispatcher's polling queries. INDEXED BY deliveries_due: without
// statistics SQLite prefers deliveries_by_status and sorts every pending row
// for each page, which makes paging through a change's audience quadratic.
const (
	dueDeliveriesQuery = `SELECT id, kind, next_attempt_at FROM deliveries INDEXED BY deliveries_due
WHERE status = 'pending' AND next_attempt_at <= ? AND (next_attempt_at, id) > (?, ?)
ORDER BY next_attempt_at, id LIMIT ?`
	nextDueQuery = `SELECT min(next_attempt_at) FROM deliveries INDEXED BY deliveries_due WHERE status = 'pending'`
)

// DueDeliveries returns up to limit pending deliveries due at now, in
// (NextAttemptAt, ID) order, starting after the cursor (the zero value
// starts at the beginning). The dispatcher pages through the outbox with it
// instead of loading the whole audience of a change.
func (db *DB) DueDeliveries(ctx context.Context, now time.Time, after DueDelivery, limit int) ([]DueDelivery, error) {
	cur := ""
	if !after.NextAttemptAt.IsZero() {
		cur = formatTime(after.NextAttemptAt)
	}
	rows, err := db.sql.QueryContext(ctx, dueDeliveriesQuery, formatTime(now), cur, after.ID, limit)
	if err != nil {
		return nil, fmt.Errorf("data: due deliveries: %w", err)
	}
	defer rows.Close()
	out := make([]DueDelivery, 0, limit)
	for rows.Next() {
		var d DueDelivery
		var at string
		if err := rows.Scan(&d.ID, &d.Kind, &at); err != nil {
			return nil, fmt.Errorf("data: due deliveries: %w", err)
		}
		if d.NextAttemptAt, err = parseTime(at); err != nil {
			return nil, fmt.Errorf("data: due deliveries: %w", err)
		}
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("data: due deliveries: %w", err)
	}
	return out, nil
}

// NextDue returns when the earliest pending delivery is due, or the zero
// time when none is pending, so that the dispatcher can sleep until then.
func (db *DB) NextDue(ctx context.Context) (time.Time, error) {
	var at sql.NullString
	if err := db.sql.QueryRowContext(ctx, nextDueQuery).Scan(&at); err != nil {
		return time.Time{}, fmt.Errorf("data: next due delivery: %w", err)
	}
	if !at.Valid {
		return time.Time{}, nil
	}
	t, err := parseTime(at.String)
	if err != nil {
		return time.Time{}, fmt.Errorf("data: next due delivery: %w", err)
	}
	return t, nil
}

// Claim is one or more deliveries taken by a dispatcher to send as one
// message: a single row, or for a digest (and for repeated confirmation
// requests) every due row of the subscriber.
type Claim struct {
	IDs  []int64
	Kind string
	// Attempt is the number of this try, 1 for the first.
	Attempt    int
	ChangeIDs  []int64     // the changes to deliver, oldest first; none for a confirmation
	Subscriber *Subscriber // set for email kinds
	Webhook    *Webhook    // set for webhooks
	// claimedAt marks the claim in the rows, so that marking the outcome
	// touches only the rows this claim took.
	claimedAt string
}

// ClaimDelivery takes the delivery id (and, for a digest or confirmation,
// the subscriber's other due rows of that kind) from pending to sending in
// one transaction, just before the message is sent. It returns nil when the
// row is no longer pending or not due (another dispatcher took it, or it was
// sent), and marks it skipped, returning nil, when its subscriber is no
// longer subscribed or its webhook was removed.
func (db *DB) ClaimDelivery(ctx context.Context, id int64) (*Claim, error) {
	var c *Claim
	err := db.write(ctx, func(tx *sql.Tx) error {
		c = nil
		var err error
		c, err = claim(ctx, tx, id, db.now())
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("data: claim delivery %d: %w", id, err)
	}
	return c, nil
}

// ClaimDeliveries marks the claims in sent as sent (as MarkSent), then
// claims several due deliveries, each as ClaimDelivery would, all in one
// transaction, and returns the new claims in the order of due: the
// dispatcher claims rows for the senders that are free and records the
// messages they just sent together, so that the fan-out of a change does
// not cost two transactions per email. The alerts, one row
// and one message each, are claimed with a couple of statements for the
// whole batch; the other kinds one by one. Every row is sending when this
// returns, before any of its messages is handed over.
func (db *DB) ClaimDeliveries(ctx context.Context, sent []*Claim, due []DueDelivery) ([]*Claim, error) {
	var out []*Claim
	err := db.write(ctx, func(tx *sql.Tx) error {
		out = out[:0]
		now := db.now()
		if err := db.markIn(ctx, tx, sent, markSent, formatTime(now)); err != nil {
			return fmt.Errorf("mark sent: %w", err)
		}
		var alerts []int64
		for _, d := range due {
			if d.Kind == KindAlert {
				alerts = append(alerts, d.ID)
				continue
			}
			c, err := claim(ctx, tx, d.ID, now)
			if err != nil {
				return fmt.Errorf("delivery %d: %w", d.ID, err)
			}
			if c != nil {
				out = append(out, c)
			}
		}
		if len(alerts) > 0 {
			cs, err := claimAlerts(ctx, db.stmtsOn(tx), alerts, now)
			if err != nil {
				return err
			}
			out = append(out, cs...)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("data: claim deliveries: %w", err)
	}
	order := make(map[int64]int, len(due))
	for i, d := range due {
		order[d.ID] = i
	}
	slices.SortFunc(out, func(a, b *Claim) int { return order[a.IDs[0]] - order[b.IDs[0]] })
	return out, nil
}

// Statements of claimAlerts; ?1 is the time of the claim, ?2 the JSON
// array of the delivery ids. The first two end with the subscription's
// condition. A row is claimed while its subscriber is confirmed and still
// asks for the change; the due rows left pending after the claim are those
// that no longer should go out, skipped with claim's reasons, in its order.
const (
	claimAlertsQuery = `UPDATE deliveries SET status = 'sending', attempts = attempts + 1, claimed_at = ?1
WHERE id IN (SELECT value FROM json_each(?2)) AND kind = 'alert' AND status = 'pending' AND next_attempt_at <= ?1
  AND EXISTS (SELECT 1 FROM subscribers u JOIN subscriptions s ON s.subscriber_id = u.id JOIN changes c ON c.id = deliveries.change_id
    WHERE u.id = deliveries.subscriber_id AND u.status = 'confirmed' AND c.alert = 1 AND `
	claimAlertsReturning = `)
RETURNING id, change_id, attempts, subscriber_id`
	skipAlertsQuery = `UPDATE deliveries SET status = 'skipped',
    last_error = CASE (SELECT u.status FROM subscribers u WHERE u.id = deliveries.subscriber_id)
        WHEN 'unsubscribed' THEN 'unsubscribed'
        WHEN 'confirmed' THEN 'no longer subscribed to this document or topic, or the change no longer alerts'
        ELSE 'subscriber not confirmed' END
WHERE id IN (SELECT value FROM json_each(?2)) AND kind = 'alert' AND status = 'pending' AND next_attempt_at <= ?1`
	alertSubscribersQuery = `SELECT ` + subscriberColumns + `
FROM subscribers u LEFT JOIN subscriptions s ON s.subscriber_id = u.id WHERE u.id IN (SELECT value FROM json_each(?))`
)

// claimAlerts is claim for a batch of alert rows, set-wise: it takes the
// rows whose subscriber still asks for the change from pending to sending,
// skips the others, and loads the subscribers. Its statements are prepared
// once per handle (q), since a fan-out runs them for every few emails.
func claimAlerts(ctx context.Context, q stmtQueryer, ids []int64, now time.Time) ([]*Claim, error) {
	at := formatTime(now)
	idsJSON, err := json.Marshal(ids)
	if err != nil {
		return nil, err
	}
	claimQuery := claimAlertsQuery + subscriptionMatches("c.document_id", "c.topics") + claimAlertsReturning
	rows, err := q.QueryContext(ctx, claimQuery, at, string(idsJSON))
	if err != nil {
		return nil, fmt.Errorf("claim alerts: %w", err)
	}
	var out []*Claim
	var subIDs []int64
	for rows.Next() {
		var id, change, sub int64
		var attempts int
		if err := rows.Scan(&id, &change, &attempts, &sub); err != nil {
			rows.Close()
			return nil, fmt.Errorf("claim alerts: %w", err)
		}
		out = append(out, &Claim{IDs: []int64{id}, Kind: KindAlert, Attempt: attempts, ChangeIDs: []int64{change},
			Subscriber: &Subscriber{ID: sub}, claimedAt: at})
		subIDs = append(subIDs, sub)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return nil, fmt.Errorf("claim alerts: %w", err)
	}
	if len(out) < len(ids) {
		if _, err := q.ExecContext(ctx, skipAlertsQuery, at, string(idsJSON)); err != nil {
			return nil, fmt.Errorf("skip alerts: %w", err)
		}
	}
	if len(out) == 0 {
		return nil, nil
	}
	subsJSON, err := json.Marshal(subIDs)
	if err != nil {
		return nil, err
	}
	rows, err = q.QueryContext(ctx, alertSubscribersQuery, string(subsJSON))
	if err != nil {
		return nil, fmt.Errorf("alert subscribers: %w", err)
	}
	defer rows.Close()
	subs := make(map[int64]*Subscriber, len(subIDs))
	for rows.Next() {
		s, err := scanSubscriber(rows)
		if err != nil {
			return nil, fmt.Errorf("alert subscribers: %w", err)
		}
		subs[s.ID] = s
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("alert subscribers: %w", err)
	}
	for _, c := range out {
		s, ok := subs[c.Subscriber.ID]
		if !ok {
			return nil, fmt.Errorf("subscriber %d: %w", c.Subscriber.ID, ErrNotFound)
		}
		c.Subscriber = s
	}
	return out, nil
}

func claim(ctx context.Context, tx *sql.Tx, id int64, now time.Time) (*Claim, error) {
	var kind, status, due string
	var subID, hookID sql.NullInt64
	err := tx.QueryRowContext(ctx, `SELECT kind, status, next_attempt_at, subscriber_id, webhook_id FROM deliveries WHERE id = ?`, id).
		Scan(&kind, &status, &due, &subID, &hookID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	at := formatTime(now)
	if status != DeliveryPending || due > at {
		return nil, nil
	}
	skip := func(reason string) (*Claim, error) {
		_, err := tx.ExecContext(ctx, `UPDATE deliveries SET status = 'skipped', last_error = ? WHERE id = ?`, reason, id)
		return nil, err
	}
	c := &Claim{Kind: kind, claimedAt: at}
	switch kind {
	case KindWebhook:
		var h Webhook
		err := tx.QueryRowContext(ctx, `SELECT id, url, format, active FROM webhooks WHERE id = ?`, hookID.Int64).Scan(&h.ID, &h.URL, &h.Format, &h.Active)
		if err != nil {
			return nil, fmt.Errorf("webhook %d: %w", hookID.Int64, err)
		}
		if !h.Active {
			return skip("webhook removed from the configuration")
		}
		c.Webhook = &h
	default:
		s, err := loadSubscriber(ctx, tx, subID.Int64)
		if err != nil {
			return nil, fmt.Errorf("subscriber %d: %w", subID.Int64, err)
		}
		switch {
		case s.Status == SubscriberUnsubscribed:
			return skip("unsubscribed")
		case kind != KindConfirm && s.Status != SubscriberConfirmed:
			return skip("subscriber not confirmed")
		}
		c.Subscriber = s
	}
	// The rows this claim takes: the one row, or for a digest or
	// confirmation every due row of the subscriber of that kind.
	where, args := `id = ?2`, []any{at, id}
	if kind == KindDigest || kind == KindConfirm {
		where, args = `subscriber_id = ?2 AND kind = ?3 AND status = 'pending' AND next_attempt_at <= ?1`, []any{at, subID.Int64, kind}
	}
	if kind == KindAlert || kind == KindDigest {
		// The subscriber may have narrowed their preferences, or the
		// change been reclassified, since the rows were queued.
		_, err := tx.ExecContext(ctx, `UPDATE deliveries SET status = 'skipped',
    last_error = 'no longer subscribed to this document or topic, or the change no longer alerts'
WHERE `+where+` AND NOT EXISTS (SELECT 1 FROM changes c JOIN subscriptions s ON s.subscriber_id = deliveries.subscriber_id
    WHERE c.id = deliveries.change_id AND c.alert = 1 AND `+subscriptionMatches("c.document_id", "c.topics")+`)`, args...)
		if err != nil {
			return nil, err
		}
	}
	rows, err := tx.QueryContext(ctx, `UPDATE deliveries SET status = 'sending', attempts = attempts + 1, claimed_at = ?1
WHERE `+where+` AND status = 'pending' RETURNING id, coalesce(change_id, 0), attempts`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var rid, change int64
		var attempts int
		if err := rows.Scan(&rid, &change, &attempts); err != nil {
			return nil, err
		}
		c.IDs = append(c.IDs, rid)
		if change != 0 {
			c.ChangeIDs = append(c.ChangeIDs, change)
		}
		c.Attempt = max(c.Attempt, attempts)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(c.IDs) == 0 {
		return nil, nil // every row was skipped
	}
	slices.Sort(c.IDs)
	slices.Sort(c.ChangeIDs)
	return c, nil
}

// mark updates the claims' rows, only while they still belong to them, in
// one transaction.
func (db *DB) mark(ctx context.Context, cs []*Claim, op, set string, args ...any) error {
	err := db.write(ctx, func(tx *sql.Tx) error { return db.markIn(ctx, tx, cs, set, args...) })
	if err != nil {
		ids := make([]int64, 0, len(cs))
		for _, c := range cs {
			if c != nil {
				ids = append(ids, c.IDs...)
			}
		}
		return fmt.Errorf("data: mark deliveries %v %s: %w", ids, op, err)
	}
	return nil
}

// markIn is mark inside the transaction tx.
func (db *DB) markIn(ctx context.Context, tx *sql.Tx, cs []*Claim, set string, args ...any) error {
	// Rows claimed together share their claim time: one statement each.
	byClaim := map[string][]int64{}
	var times []string
	for _, c := range cs {
		if c == nil || len(c.IDs) == 0 {
			continue
		}
		if _, ok := byClaim[c.claimedAt]; !ok {
			times = append(times, c.claimedAt)
		}
		byClaim[c.claimedAt] = append(byClaim[c.claimedAt], c.IDs...)
	}
	q := `UPDATE deliveries SET ` + set + ` WHERE status IN ('sending', 'unknown') AND claimed_at = ? AND id IN (SELECT value FROM json_each(?))`
	stmts := db.stmtsOn(tx)
	for _, at := range times {
		ids, err := json.Marshal(byClaim[at])
		if err != nil {
			return err
		}
		if _, err := stmts.ExecContext(ctx, q, append(slices.Clip(args), at, string(ids))...); err != nil {
			return err
		}
	}
	return nil
}

// markSent is the update of MarkSent; its argument is the time.
const markSent = `status = 'sent', sent_at = ?, last_error = ''`

// MarkSent records that the claims' messages were accepted by the mail
// server or the webhook receiver, in one transaction: the dispatcher marks
// its sent messages in batches.
func (db *DB) MarkSent(ctx context.Context, cs ...*Claim) error {
	return db.mark(ctx, cs, "sent", markSent, formatTime(db.now()))
}

// MarkRetry puts the claim's rows back in the queue after a temporary
// failure that certainly did not deliver the message, due again at next.
func (db *DB) MarkRetry(ctx context.Context, c *Claim, next time.Time, reason string) error {
	return db.mark(ctx, []*Claim{c}, "for retry", `status = 'pending', next_attempt_at = ?, last_error = ?`, formatTime(next), reason)
}

// MarkFailed gives up on the claim's rows after a permanent failure (or too
// many attempts), keeping the reason for the operator.
func (db *DB) MarkFailed(ctx context.Context, c *Claim, reason string) error {
	return db.mark(ctx, []*Claim{c}, "failed", `status = 'failed', last_error = ?`, reason)
}

// MarkUnknown records that the message may or may not have been delivered
// (the connection broke after it was handed over); it is not resent
// automatically.
func (db *DB) MarkUnknown(ctx context.Context, c *Claim, reason string) error {
	return db.mark(ctx, []*Claim{c}, "unknown", `status = 'unknown', last_error = ?`, reason)
}

// RecoverInterrupted marks as unknown the deliveries left sending by a
// process that stopped: claimed before cutoff (a live dispatcher finishes a
// message well within its lease). They are not resent automatically, since
// the stopped process may have handed the message over just before it
// stopped; an operator can resend them with RequeueDeliveries. It returns
// how many rows it marked.
func (db *DB) RecoverInterrupted(ctx context.Context, cutoff time.Time) (int, error) {
	var n int64
	err := db.write(ctx, func(tx *sql.Tx) error {
		r, err := tx.ExecContext(ctx, `UPDATE deliveries SET status = 'unknown',
    last_error = 'the process stopped while sending; the message may or may not have been delivered, so it is not resent automatically'
WHERE status = 'sending' AND claimed_at < ?`, formatTime(cutoff))
		if err != nil {
			return err
		}
		n, err = r.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("data: recover interrupted deliveries: %w", err)
	}
	return int(n), nil
}

// RequeueDeliveries puts failed or unknown deliveries back in the queue, due
// now and with a fresh count of attempts, so that a row gets the full
// backoff again: the operator's decision after fixing the mail server or
// checking that an unknown message did not arrive. It returns how many it
// requeued.
func (db *DB) RequeueDeliveries(ctx context.Context, ids []int64) (int, error) {
	var n int64
	err := db.write(ctx, func(tx *sql.Tx) error {
		for _, id := range ids {
			r, err := tx.ExecContext(ctx, `UPDATE deliveries SET status = 'pending', attempts = 0, next_attempt_at = ?, claimed_at = NULL
WHERE id = ? AND status IN ('failed', 'unknown')`, formatTime(db.now()), id)
			if err != nil {
				return err
			}
			k, err := r.RowsAffected()
			if err != nil {
				return err
			}
			n += k
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("data: requeue deliveries: %w", err)
	}
	return int(n), nil
}

// Delivery is one outbox row, for the operator.
type Delivery struct {
	ID            int64
	Kind          string
	ChangeID      int64 // 0 for a confirmation
	SubscriberID  int64 // 0 for a webhook
	WebhookID     int64 // 0 for an email
	Status        string
	Attempts      int
	NextAttemptAt time.Time
	LastError     string
	CreatedAt     time.Time
	SentAt        time.Time // zero until sent
}

// Deliveries returns the outbox rows with the given status (every status
// for ""), newest first, at most limit (no limit for 0 or less): failed and
// unknown deliveries are what an operator looks at.
func (db *DB) Deliveries(ctx context.Context, status string, limit int) ([]Delivery, error) {
	q := `SELECT id, kind, coalesce(change_id, 0), coalesce(subscriber_id, 0), coalesce(webhook_id, 0), status, attempts,
    next_attempt_at, last_error, created_at, coalesce(sent_at, '') FROM deliveries`
	var args []any
	if status != "" {
		q += ` WHERE status = ?`
		args = append(args, status)
	}
	q += ` ORDER BY id DESC`
	if limit > 0 {
		q += ` LIMIT ?`
		args = append(args, limit)
	}
	rows, err := db.sql.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("data: list deliveries: %w", err)
	}
	defer rows.Close()
	var out []Delivery
	for rows.Next() {
		var d Delivery
		var next, created, sent string
		if err := rows.Scan(&d.ID, &d.Kind, &d.ChangeID, &d.SubscriberID, &d.WebhookID, &d.Status, &d.Attempts,
			&next, &d.LastError, &created, &sent); err != nil {
			return nil, fmt.Errorf("data: list deliveries: %w", err)
		}
		if d.NextAttemptAt, err = parseTime(next); err == nil {
			if d.CreatedAt, err = parseTime(created); err == nil && sent != "" {
				d.SentAt, err = parseTime(sent)
			}
		}
		if err != nil {
			return nil, fmt.Errorf("data: list deliveries: %w", err)
		}
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("data: list deliveries: %w", err)
	}
	return out, nil
}

// DeliveryCounts returns how many deliveries are in each status, for
// metrics and the operator.
func (db *DB) DeliveryCounts(ctx context.Context) (map[string]int, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT status, count(*) FROM deliveries GROUP BY status`)
	if err != nil {
		return nil, fmt.Errorf("data: count deliveries: %w", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			return nil, fmt.Errorf("data: count deliveries: %w", err)
		}
		out[s] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("data: count deliveries: %w", err)
	}
	return out, nil
}

// AlertChange is a change with what an alert about it cites: its document
// and the archived snapshot of the new version.
type AlertChange struct {
	Change   Change
	Document Document
	// Snapshot is the raw page the new version was extracted from, without
	// its body: its id, sha256 and first fetch time are cited.
	Snapshot Snapshot
	// FromNumber and ToNumber are the two versions' numbers within the
	// document (Version.Number), as people name them.
	FromNumber, ToNumber int
}

// AlertChange returns a change with its document and new snapshot, or
// ErrNotFound.
func (db *DB) AlertChange(ctx context.Context, changeID int64) (*AlertChange, error) {
	c, err := scanChange(db.sql.QueryRowContext(ctx, `SELECT `+changeColumns+`, change_set FROM changes WHERE id = ?`, changeID))
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	var out *AlertChange
	if err == nil {
		out = &AlertChange{Change: *c}
		var d *Document
		if d, err = db.Document(ctx, c.DocumentID); err == nil {
			out.Document = *d
			var v, from *Version
			if v, err = loadVersion(ctx, db.sql, c.ToVersion, false); err == nil {
				out.ToNumber = v.Number
				var s *Snapshot
				if s, err = loadSnapshot(ctx, db.sql, v.SnapshotID, false); err == nil {
					out.Snapshot = *s
				}
			}
			if err == nil {
				if from, err = loadVersion(ctx, db.sql, c.FromVersion, false); err == nil {
					out.FromNumber = from.Number
				}
			}
		}
	}
	if err != nil {
		return nil, fmt.Errorf("data: alert change %d: %w", changeID, err)
	}
	return out, nil
}
