package main

import (
	"github.com/clausewatch/clausewatch/config"
	"github.com/clausewatch/clausewatch/data"
	"github.com/clausewatch/clausewatch/scraper"
	"github.com/clausewatch/clausewatch/tracker"
)

// newTracker builds the fetchers and the tracker for docs. Chromium is
// started only when one of docs needs it; when it cannot be found those
// documents fail with a clear reason and the others are still checked. The
// returned function releases the browser.
func (e *env) newTracker(db *data.DB, docs []config.Document) (*tracker.Tracker, func()) {
	f := e.cfg.Fetch
	client := scraper.NewHTTPClient(f.ConnectTimeout, f.Timeout)
	httpf := scraper.NewHTTPFetcher(client, scraper.HTTPOptions{
		UserAgent: f.UserAgent,
		MaxBody:   f.MaxBody,
		MinGap:    f.MinGap,
		Now:       e.now,
	})
	var browser scraper.Fetcher
	closeBrowser := func() {}
	if needsBrowser(docs) {
		path, err := scraper.FindBrowser()
		if f.BrowserPath != "" {
			path, err = f.BrowserPath, nil
		}
		if err != nil {
			e.log.Warn("no browser found; documents with browser: true will fail", "err", err)
		} else {
			b := scraper.NewBrowserFetcher(scraper.BrowserOptions{ExecPath: path, Timeout: f.Timeout, UserAgent: f.UserAgent, Now: e.now})
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
