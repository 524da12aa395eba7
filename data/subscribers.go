package data

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Subscriber statuses, stored.
const (
	SubscriberPending      = "pending"
	SubscriberConfirmed    = "confirmed"
	SubscriberUnsubscribed = "unsubscribed"
)

// Alert frequencies, stored.
const (
	Immediate = "immediate"
	Daily     = "daily"
)

// ErrRateLimited is returned by Subscribe when an address asked for too many
// confirmation emails lately, so that the form cannot be used to flood a
// mailbox.
var ErrRateLimited = errors.New("too many requests for this address")

// Subscriber is a person who asked for email alerts, with what they asked for.
type Subscriber struct {
	ID          int64
	Email       string // normalized: trimmed, lower case
	Lang        string // "en" or "es"
	Status      string // SubscriberPending, SubscriberConfirmed or SubscriberUnsubscribed
	CreatedAt   time.Time
	ConfirmedAt time.Time // zero until confirmed
	Subscription
}

// Subscription is what a subscriber receives.
type Subscription struct {
	// Documents lists document ids; empty means every document, including
	// documents added to the configuration later.
	Documents []string
	// Topics lists topic names; empty means every material change.
	Topics    []string
	Frequency string // Immediate or Daily
}

// SubscribeRequest is a filled-in subscription form.
type SubscribeRequest struct {
	Email string
	Lang  string
	Subscription
	// MaxConfirmations bounds the confirmation emails one address may be
	// sent per Window; 0 means 3.
	MaxConfirmations int
	Window           time.Duration // 0 means one hour
}

// NormalizeEmail trims and lower-cases an address, the form it is stored
// and compared in.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

func (s Subscription) check() error {
	if s.Frequency != Immediate && s.Frequency != Daily {
		return fmt.Errorf("frequency %q: want %s or %s", s.Frequency, Immediate, Daily)
	}
	return nil
}

func encodeList(l []string) (string, error) {
	if l == nil {
		l = []string{}
	}
	l = slices.Clone(l)
	slices.Sort(l)
	l = slices.Compact(l)
	b, err := json.Marshal(l)
	return string(b), err
}

// Subscribe records a subscription request and, in the same transaction,
// queues the email that answers it: a confirmation for a new, pending or
// unsubscribed address (whose preferences the request replaces), or, for an
// address already confirmed, a note with its preferences link (the request
// does not change a confirmed subscription, since anyone can type any
// address into the form). It returns ErrRateLimited when the address was
// sent MaxConfirmations emails within Window; the caller answers the same
// page either way so that the form tells nobody who is subscribed.
func (db *DB) Subscribe(ctx context.Context, req SubscribeRequest) (int64, error) {
	id, err := db.subscribe(ctx, req)
	if err != nil {
		return 0, fmt.Errorf("data: subscribe: %w", err)
	}
	return id, nil
}

func (db *DB) subscribe(ctx context.Context, req SubscribeRequest) (int64, error) {
	email := NormalizeEmail(req.Email)
	if email == "" {
		return 0, errors.New("empty email address")
	}
	if req.Lang != "en" && req.Lang != "es" {
		return 0, fmt.Errorf("language %q: want en or es", req.Lang)
	}
	if err := req.check(); err != nil {
		return 0, err
	}
	docs, err := encodeList(req.Documents)
	if err != nil {
		return 0, err
	}
	topics, err := encodeList(req.Topics)
	if err != nil {
		return 0, err
	}
	max, window := req.MaxConfirmations, req.Window
	if max <= 0 {
		max = 3
	}
	if window <= 0 {
		window = time.Hour
	}
	now := db.now()
	var id int64
	err = db.write(ctx, func(tx *sql.Tx) error {
		var status string
		err := tx.QueryRowContext(ctx, `SELECT id, status FROM subscribers WHERE email = ?`, email).Scan(&id, &status)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			r, err := tx.ExecContext(ctx, `INSERT INTO subscribers (email, lang, status, created_at, updated_at) VALUES (?, ?, 'pending', ?, ?)`,
				email, req.Lang, formatTime(now), formatTime(now))
			if err != nil {
				return fmt.Errorf("insert subscriber: %w", err)
			}
			if id, err = r.LastInsertId(); err != nil {
				return err
			}
			status = SubscriberPending
		case err != nil:
			return fmt.Errorf("look up subscriber: %w", err)
		default:
			var recent int
			err := tx.QueryRowContext(ctx, `SELECT count(*) FROM deliveries WHERE subscriber_id = ? AND kind = 'confirm' AND created_at > ?`,
				id, formatTime(now.Add(-window))).Scan(&recent)
			if err != nil {
				return fmt.Errorf("count confirmations: %w", err)
			}
			if recent >= max {
				return ErrRateLimited
			}
		}
		if status != SubscriberConfirmed {
			// A new request replaces what an unconfirmed or former
			// subscriber asked for; it takes effect only once confirmed.
			if _, err := tx.ExecContext(ctx, `UPDATE subscribers SET lang = ?, status = 'pending', updated_at = ? WHERE id = ?`,
				req.Lang, formatTime(now), id); err != nil {
				return fmt.Errorf("update subscriber: %w", err)
			}
			if err := putSubscription(ctx, tx, id, docs, topics, req.Frequency, now); err != nil {
				return err
			}
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO deliveries (kind, subscriber_id, next_attempt_at, created_at) VALUES ('confirm', ?, ?, ?)`,
			id, formatTime(now), formatTime(now))
		if err != nil {
			return fmt.Errorf("queue confirmation: %w", err)
		}
		return nil
	})
	return id, err
}

func putSubscription(ctx context.Context, tx *sql.Tx, id int64, docs, topics, freq string, now time.Time) error {
	const q = `INSERT INTO subscriptions (subscriber_id, documents, topics, frequency, updated_at) VALUES (?, ?, ?, ?, ?)
ON CONFLICT (subscriber_id) DO UPDATE SET documents = excluded.documents, topics = excluded.topics,
    frequency = excluded.frequency, updated_at = excluded.updated_at`
	if _, err := tx.ExecContext(ctx, q, id, docs, topics, freq, formatTime(now)); err != nil {
		return fmt.Errorf("store subscription: %w", err)
	}
	return nil
}

// Confirm confirms a pending subscriber, so that alerts are queued for it
// from now on. Confirming twice is not an error; an unsubscribed subscriber
// is not resubscribed by an old confirmation link (ErrNotFound).
func (db *DB) Confirm(ctx context.Context, id int64) error {
	now := formatTime(db.now())
	err := db.write(ctx, func(tx *sql.Tx) error {
		r, err := tx.ExecContext(ctx, `UPDATE subscribers SET status = 'confirmed', confirmed_at = coalesce(confirmed_at, ?), updated_at = ?
WHERE id = ? AND status IN ('pending', 'confirmed')`, now, now, id)
		if err != nil {
			return err
		}
		if n, err := r.RowsAffected(); err != nil || n == 0 {
			return errors.Join(err, ErrNotFound)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("data: confirm subscriber %d: %w", id, err)
	}
	return nil
}

// Unsubscribe stops every alert to the subscriber at once, including alerts
// already queued (the dispatcher skips them). Unsubscribing twice is not an
// error.
func (db *DB) Unsubscribe(ctx context.Context, id int64) error {
	now := formatTime(db.now())
	err := db.write(ctx, func(tx *sql.Tx) error {
		r, err := tx.ExecContext(ctx, `UPDATE subscribers SET status = 'unsubscribed', unsubscribed_at = ?, updated_at = ? WHERE id = ?`, now, now, id)
		if err != nil {
			return err
		}
		if n, err := r.RowsAffected(); err != nil || n == 0 {
			return errors.Join(err, ErrNotFound)
		}
		_, err = tx.ExecContext(ctx, `UPDATE deliveries SET status = 'skipped', last_error = 'unsubscribed' WHERE subscriber_id = ? AND status = 'pending'`, id)
		return err
	})
	if err != nil {
		return fmt.Errorf("data: unsubscribe subscriber %d: %w", id, err)
	}
	return nil
}

// UpdatePreferences replaces a subscriber's subscription and language.
func (db *DB) UpdatePreferences(ctx context.Context, id int64, lang string, s Subscription) error {
	err := func() error {
		if lang != "en" && lang != "es" {
			return fmt.Errorf("language %q: want en or es", lang)
		}
		if err := s.check(); err != nil {
			return err
		}
		docs, err := encodeList(s.Documents)
		if err != nil {
			return err
		}
		topics, err := encodeList(s.Topics)
		if err != nil {
			return err
		}
		now := db.now()
		return db.write(ctx, func(tx *sql.Tx) error {
			r, err := tx.ExecContext(ctx, `UPDATE subscribers SET lang = ?, updated_at = ? WHERE id = ?`, lang, formatTime(now), id)
			if err != nil {
				return err
			}
			if n, err := r.RowsAffected(); err != nil || n == 0 {
				return errors.Join(err, ErrNotFound)
			}
			return putSubscription(ctx, tx, id, docs, topics, s.Frequency, now)
		})
	}()
	if err != nil {
		return fmt.Errorf("data: update preferences of subscriber %d: %w", id, err)
	}
	return nil
}

const subscriberColumns = `u.id, u.email, u.lang, u.status, u.created_at, coalesce(u.confirmed_at, ''),
    coalesce(s.documents, '[]'), coalesce(s.topics, '[]'), coalesce(s.frequency, 'immediate')`

func scanSubscriber(sc scanner) (*Subscriber, error) {
	var s Subscriber
	var created, confirmed, docs, topics string
	if err := sc.Scan(&s.ID, &s.Email, &s.Lang, &s.Status, &created, &confirmed, &docs, &topics, &s.Frequency); err != nil {
		return nil, err
	}
	var err error
	if s.CreatedAt, err = parseTime(created); err != nil {
		return nil, err
	}
	if confirmed != "" {
		if s.ConfirmedAt, err = parseTime(confirmed); err != nil {
			return nil, err
		}
	}
	if err := json.Unmarshal([]byte(docs), &s.Documents); err != nil {
		return nil, fmt.Errorf("decode documents of subscriber %d: %w", s.ID, err)
	}
	if err := json.Unmarshal([]byte(topics), &s.Topics); err != nil {
		return nil, fmt.Errorf("decode topics of subscriber %d: %w", s.ID, err)
	}
	return &s, nil
}

func loadSubscriber(ctx context.Context, q queryer, id int64) (*Subscriber, error) {
	s, err := scanSubscriber(q.QueryRowContext(ctx, `SELECT `+subscriberColumns+`
FROM subscribers u LEFT JOIN subscriptions s ON s.subscriber_id = u.id WHERE u.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	return s, err
}

// Subscriber returns one subscriber with its subscription, or ErrNotFound.
func (db *DB) Subscriber(ctx context.Context, id int64) (*Subscriber, error) {
	s, err := loadSubscriber(ctx, db.sql, id)
	if err != nil {
		return nil, fmt.Errorf("data: subscriber %d: %w", id, err)
	}
	return s, nil
}

// SubscriberByEmail returns the subscriber with that address (compared
// normalized), or ErrNotFound.
func (db *DB) SubscriberByEmail(ctx context.Context, email string) (*Subscriber, error) {
	s, err := scanSubscriber(db.sql.QueryRowContext(ctx, `SELECT `+subscriberColumns+`
FROM subscribers u LEFT JOIN subscriptions s ON s.subscriber_id = u.id WHERE u.email = ?`, NormalizeEmail(email)))
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("data: subscriber by email: %w", err)
	}
	return s, nil
}

// PurgeUnconfirmed deletes subscribers who never confirmed and asked before
// cutoff, with their queued confirmation emails: an address typed by
// someone else is forgotten. It returns how many it deleted.
func (db *DB) PurgeUnconfirmed(ctx context.Context, cutoff time.Time) (int, error) {
	var n int64
	err := db.write(ctx, func(tx *sql.Tx) error {
		r, err := tx.ExecContext(ctx, `DELETE FROM subscribers WHERE status = 'pending' AND confirmed_at IS NULL AND updated_at < ?`, formatTime(cutoff))
		if err != nil {
			return err
		}
		n, err = r.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("data: purge unconfirmed subscribers: %w", err)
	}
	return int(n), nil
}

// secretKey names the HMAC secret in the settings table.
const secretKey = "hmac-secret"

// Secret returns the server's HMAC secret, generating 32 random bytes and
// storing them on first use, so that signed links stay valid across
// restarts and across the processes that share the file.
func (db *DB) Secret(ctx context.Context) ([]byte, error) {
	var v []byte
	err := db.sql.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, secretKey).Scan(&v)
	if err == nil {
		return v, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("data: read secret: %w", err)
	}
	fresh := make([]byte, 32)
	if _, err := rand.Read(fresh); err != nil {
		return nil, fmt.Errorf("data: generate secret: %w", err)
	}
	err = db.write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value, created_at) VALUES (?, ?, ?) ON CONFLICT (key) DO NOTHING`,
			secretKey, fresh, formatTime(db.now())); err != nil {
			return err
		}
		// Another process may have stored one first: use that one.
		return tx.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, secretKey).Scan(&v)
	})
	if err != nil {
		return nil, fmt.Errorf("data: store secret: %w", err)
	}
	return v, nil
}

// Webhook is a configured webhook as stored.
type Webhook struct {
	ID     int64
	URL    string
	Format string // json or slack
	Active bool
}

// SyncWebhooks makes the stored webhooks match the configured ones: new URLs
// are added, known ones updated and reactivated, and those no longer
// configured deactivated (kept for their delivery history; their queued
// deliveries are skipped).
func (db *DB) SyncWebhooks(ctx context.Context, hooks []Webhook) error {
	now := formatTime(db.now())
	err := db.write(ctx, func(tx *sql.Tx) error {
		urls := make([]string, 0, len(hooks))
		for _, h := range hooks {
			if h.URL == "" {
				return errors.New("webhook without a url")
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO webhooks (url, format, active, created_at, updated_at) VALUES (?, ?, 1, ?, ?)
ON CONFLICT (url) DO UPDATE SET format = excluded.format, active = 1, updated_at = excluded.updated_at
WHERE (format, active) IS NOT (excluded.format, 1)`, h.URL, h.Format, now, now)
			if err != nil {
				return fmt.Errorf("webhook %s: %w", h.URL, err)
			}
			urls = append(urls, h.URL)
		}
		uj, err := json.Marshal(urls)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE webhooks SET active = 0, updated_at = ? WHERE active = 1 AND url NOT IN (SELECT value FROM json_each(?))`, now, string(uj))
		return err
	})
	if err != nil {
		return fmt.Errorf("data: sync webhooks: %w", err)
	}
	return nil
}
