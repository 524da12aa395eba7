-- 0003_alerts: email subscribers and their subscriptions, webhooks, the
-- server secret that signs links, and the outbox of deliveries.

-- Settings the service generates once and keeps, such as the HMAC secret
-- that signs confirmation and unsubscribe links ('hmac-secret').
CREATE TABLE settings (
    key        TEXT NOT NULL PRIMARY KEY,
    value      BLOB NOT NULL,
    created_at TEXT NOT NULL
) STRICT;

-- People who asked for email alerts. email is normalized (trimmed, lower
-- case). A pending subscriber has not confirmed yet and is deleted after a
-- while; an unsubscribed one is kept so that the address is not mailed again
-- until it subscribes anew. AUTOINCREMENT: ids are never reused, so a signed
-- link can never name another subscriber.
CREATE TABLE subscribers (
    id              INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    email           TEXT    NOT NULL UNIQUE,
    lang            TEXT    NOT NULL DEFAULT 'en' CHECK (lang IN ('en', 'es')),
    status          TEXT    NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'confirmed', 'unsubscribed')),
    created_at      TEXT    NOT NULL,
    confirmed_at    TEXT,
    unsubscribed_at TEXT,
    updated_at      TEXT    NOT NULL
) STRICT;
CREATE INDEX subscribers_by_status ON subscribers (status, created_at);

-- What a subscriber wants: one row per subscriber. documents and topics are
-- JSON arrays; an empty documents array means every document (also those
-- added later), an empty topics array every material change.
CREATE TABLE subscriptions (
    subscriber_id INTEGER NOT NULL PRIMARY KEY REFERENCES subscribers(id) ON DELETE CASCADE,
    documents     TEXT    NOT NULL DEFAULT '[]',
    topics        TEXT    NOT NULL DEFAULT '["data-sharing"]',
    frequency     TEXT    NOT NULL DEFAULT 'immediate' CHECK (frequency IN ('immediate', 'daily')),
    updated_at    TEXT    NOT NULL
) STRICT;

-- Webhooks, synced from the configuration (SyncWebhooks). A webhook dropped
-- from the configuration is deactivated, not deleted, so its deliveries keep
-- their history. The signing secret stays in the configuration.
CREATE TABLE webhooks (
    id         INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    url        TEXT    NOT NULL UNIQUE,
    format     TEXT    NOT NULL CHECK (format IN ('json', 'slack')),
    active     INTEGER NOT NULL DEFAULT 1,
    created_at TEXT    NOT NULL,
    updated_at TEXT    NOT NULL
) STRICT;

-- The outbox. Alerts are written in the same transaction as their change:
-- one row per (change, subscriber) and per (change, webhook), so that a
-- change is never lost and never delivered twice to anyone (the UNIQUE keys).
-- kind: 'alert' (immediate email), 'digest' (daily email, due at the next
-- digest time; one email carries all of a subscriber's due digest rows),
-- 'confirm' (confirmation email, no change), 'webhook'.
-- status: pending -> sending (claimed just before the SMTP transaction or
-- HTTP request) -> sent; back to pending with a later next_attempt_at after a
-- temporary failure; failed after a permanent one or too many attempts;
-- unknown when a process stopped while sending (the mail may or may not have
-- been accepted, so it is not resent without an operator); skipped when the
-- recipient unsubscribed or the webhook was removed before it went out.
CREATE TABLE deliveries (
    id              INTEGER NOT NULL PRIMARY KEY,
    kind            TEXT    NOT NULL CHECK (kind IN ('alert', 'digest', 'confirm', 'webhook')),
    change_id       INTEGER REFERENCES changes(id),
    subscriber_id   INTEGER REFERENCES subscribers(id) ON DELETE CASCADE,
    webhook_id      INTEGER REFERENCES webhooks(id),
    status          TEXT    NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'unknown', 'skipped')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT    NOT NULL,
    claimed_at      TEXT,
    last_error      TEXT    NOT NULL DEFAULT '',
    created_at      TEXT    NOT NULL,
    sent_at         TEXT,
    UNIQUE (change_id, subscriber_id),
    UNIQUE (change_id, webhook_id),
    CHECK ((subscriber_id IS NULL) <> (webhook_id IS NULL)),
    CHECK ((kind = 'webhook') = (webhook_id IS NOT NULL)),
    CHECK ((kind = 'confirm') = (change_id IS NULL))
) STRICT;
-- The dispatcher pages through due rows in (next_attempt_at, id) order.
CREATE INDEX deliveries_due ON deliveries (next_attempt_at, id) WHERE status = 'pending';
CREATE INDEX deliveries_by_subscriber ON deliveries (subscriber_id, kind, status);
CREATE INDEX deliveries_by_status ON deliveries (status, id);
