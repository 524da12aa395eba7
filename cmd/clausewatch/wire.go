package main

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/clausewatch/clausewatch/config"
	"github.com/clausewatch/clausewatch/data"
	"github.com/clausewatch/clausewatch/notify"
	"github.com/clausewatch/clausewatch/scraper"
	"github.com/clausewatch/clausewatch/topics"
	"github.com/clausewatch/clausewatch/tracker"
	"github.com/clausewatch/clausewatch/web"
)

// newTracker builds the fetchers and the tracker for docs. Chromium is
// started only when one of docs needs it; when it cannot be found those
// documents fail with a clear reason and the others are still checked. The
// returned function releases the browser.
func (e *env) newTracker(db *data.DB, docs []config.Document) (*tracker.Tracker, func()) {
	f := e.cfg.Fetch
	client := e.deps.client
	if client == nil {
		client = scraper.NewHTTPClient(f.ConnectTimeout, f.Timeout)
	}
	httpf := scraper.NewHTTPFetcher(client, scraper.HTTPOptions{
		UserAgent: f.UserAgent,
		MaxBody:   f.MaxBody,
		MinGap:    f.MinGap,
		Now:       e.now,
	})
	browser := e.deps.browser
	closeBrowser := func() {}
	if browser == nil && needsBrowser(docs) {
		path, err := scraper.FindBrowser()
		if f.BrowserPath != "" {
			path, err = f.BrowserPath, nil
		}
		if err != nil {
			e.log.Warn("no browser found; documents with browser: true will fail", "err", err)
		} else {
			b := scraper.NewBrowserFetcher(scraper.BrowserOptions{ExecPath: path, Timeout: f.Timeout, UserAgent: f.UserAgent, Now: e.now, Tabs: f.BrowserTabs})
			browser = b
			closeBrowser = func() {
				if err := b.Close(); err != nil {
					e.log.Warn("closing browser", "err", err)
				}
			}
		}
	}
	return tracker.New(db, httpf, browser, e.now, e.log), closeBrowser
}

func needsBrowser(docs []config.Document) bool {
	for _, d := range docs {
		if d.Browser {
			return true
		}
	}
	return false
}

// alerts is the email and webhook side of serve: the dispatcher that sends
// the outbox, and the subscription pages' state (nil when email is not
// configured, so the pages answer 404).
type alerts struct {
	dispatcher *notify.Dispatcher
	subs       *web.Subscriptions
	sender     *notify.SMTP
}

// newAlerts builds the link signer (secret from $CLAUSEWATCH_SECRET, else
// generated once and kept in the database), the composer, the SMTP sender
// when smtp.host is set, and the dispatcher; it stores the configured
// webhooks.
func (e *env) newAlerts(ctx context.Context, db *data.DB) (*alerts, error) {
	secret := []byte(e.getenv("CLAUSEWATCH_SECRET"))
	if len(secret) == 0 {
		var err error
		if secret, err = db.Secret(ctx); err != nil {
			return nil, err
		}
	}
	tokens, err := notify.NewTokens(secret, e.now)
	if err != nil {
		return nil, err
	}
	composer, err := notify.NewComposer(e.cfg.BaseURL, tokens, 0)
	if err != nil {
		return nil, err
	}
	hooks := make([]data.Webhook, 0, len(e.cfg.Webhooks))
	secrets := map[string]string{}
	for _, h := range e.cfg.Webhooks {
		hooks = append(hooks, data.Webhook{URL: h.URL, Format: h.Format})
		if h.Secret != "" {
			secrets[h.URL] = h.Secret
		}
	}
	if err := db.SyncWebhooks(ctx, hooks); err != nil {
		return nil, err
	}
	a := &alerts{}
	opts := notify.Options{
		DB: db, Composer: composer, Now: e.now, Log: e.log,
		HTTP: &http.Client{Timeout: 30 * time.Second}, WebhookSecrets: secrets,
	}
	if s := e.cfg.SMTP; s.Host != "" {
		if a.sender, err = notify.NewSMTP(notify.SMTPConfig{Host: s.Host, Port: s.Port, From: s.From, Username: s.Username, Password: s.Password, TLS: s.TLS}); err != nil {
			return nil, err
		}
		opts.Sender = a.sender
		if !strings.HasPrefix(e.cfg.BaseURL, "https://") {
			e.log.Warn("base_url is not https: mail providers ignore a List-Unsubscribe link that is not https", "base_url", e.cfg.BaseURL)
		}
	} else {
		e.log.Info("email alerts are off (no smtp.host); webhooks still run")
	}
	if a.dispatcher, err = notify.NewDispatcher(opts); err != nil {
		return nil, err
	}
	if a.sender != nil {
		if a.subs, err = web.NewSubscriptions(tokens, topics.All(), a.dispatcher.Kick, e.now); err != nil {
			return nil, err
		}
	}
	return a, nil
}

// stop waits for the messages being sent, then says QUIT to the mail server.
func (a *alerts) stop(e *env) {
	a.dispatcher.Stop()
	if a.sender != nil {
		if err := a.sender.Close(); err != nil {
			e.log.Warn("closing the mail connections", "err", err)
		}
	}
}
