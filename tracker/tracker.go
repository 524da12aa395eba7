// Package tracker runs the pipeline that turns a fetch into a stored version:
// fetch, extract, gate, record. The same code serves scheduled checks, the
// check command and imports, so an imported history passes the same gates as a
// live one.
package tracker

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/clausewatch/clausewatch/config"
	"github.com/clausewatch/clausewatch/data"
	"github.com/clausewatch/clausewatch/policy"
	"github.com/clausewatch/clausewatch/scraper"
)

// Tracker checks documents and records what it finds.
type Tracker struct {
	db      *data.DB
	http    scraper.Fetcher
	browser scraper.Fetcher
	now     func() time.Time
	log     *slog.Logger
	// notModified holds the 304s waiting to be written together; nil
	// unless DeferNotModified was called.
	notModified *notModifiedLog
}

// New returns a Tracker. browser may be nil when no Chromium is available;
// documents that need it then fail with a message saying so.
func New(db *data.DB, http, browser scraper.Fetcher, now func() time.Time, log *slog.Logger) *Tracker {
	return &Tracker{db: db, http: http, browser: browser, now: now, log: log}
}

// ErrNoBrowser is returned for a browser document when no browser is set up.
var ErrNoBrowser = errors.New("document needs a browser (browser: true) but no Chromium was found; install chromium or set CLAUSEWATCH_CHROMIUM")

// Check fetches doc once and records the attempt. It returns an error only
// when the attempt could not be recorded; a failed or suspect fetch is a
// result with that outcome, its class and its reason.
func (t *Tracker) Check(ctx context.Context, doc config.Document) (data.Result, error) {
	return t.check(ctx, doc, func() {})
}

// check is Check that calls fetched once the request is over (answered or
// failed), before the page is read and recorded: the pool then lets the
// next document of the same host be fetched while this one is recorded.
func (t *Tracker) check(ctx context.Context, doc config.Document, fetched func()) (data.Result, error) {
	var once sync.Once
	fetchDone := func() { once.Do(fetched) }
	defer fetchDone()
	fetcher := t.http
	req := scraper.Request{DocumentID: doc.ID, URL: doc.URL, Language: doc.Language}
	var val data.Validators
	if doc.Browser {
		fetcher = t.browser
		req.WaitFor = doc.Select
	} else {
		var err error
		if val, err = t.db.Validators(ctx, doc.ID); err != nil {
			return data.Result{}, fmt.Errorf("tracker: check %s: %w", doc.ID, err)
		}
		req.ETag, req.LastModified = val.ETag, val.LastModified
	}
	obs := data.Observation{Fetch: data.Fetch{DocumentID: doc.ID, URL: doc.URL, StartedAt: t.now().UTC()}}
	if fetcher == nil {
		obs.Fetch.Outcome, obs.Fetch.ErrorClass, obs.Fetch.Reason = data.Failed, "browser", ErrNoBrowser.Error()
		return t.store(ctx, obs)
	}
	resp, err := fetcher.Fetch(ctx, req)
	fetchDone()
	// An interrupt stops fetching, not the recording of what was fetched
	// (or of the fetch it stopped): that is quick, and the fetch log stays
	// whole.
	ctx = context.WithoutCancel(ctx)
	if err != nil {
		// The fetch keeps its URL and the class in their own columns, so
		// the reason is the scraper's plain account of the failure, which
		// names neither again.
		obs.Fetch.Outcome, obs.Fetch.Reason = data.Failed, err.Error()
		obs.Fetch.ErrorClass = "network"
		var se *scraper.Error
		if errors.As(err, &se) {
			obs.Fetch.ErrorClass, obs.Fetch.Reason = se.Class, se.Reason()
		}
		obs.Fetch.Duration = t.now().Sub(obs.Fetch.StartedAt)
		return t.store(ctx, obs)
	}
	f := &obs.Fetch
	f.StartedAt, f.Duration = resp.StartedAt.UTC(), resp.Duration
	f.FinalURL, f.Redirects, f.Status = resp.URL, resp.Redirects, resp.Status
	f.Bytes, f.Conditional = int64(len(resp.Body)), resp.Conditional
	if len(resp.Body) > 0 {
		obs.Snapshot = &data.Snapshot{
			DocumentID:  doc.ID,
			SHA256:      sha256Hex(resp.Body),
			URL:         resp.URL,
			Status:      resp.Status,
			Header:      resp.Header,
			ContentType: resp.Header.Get("Content-Type"),
			FetchedAt:   f.StartedAt,
			Body:        resp.Body,
		}
	}
	switch {
	case resp.Status == http.StatusNotModified && resp.Conditional:
		// A 304 reads the latest version's text again, which may settle
		// a change.
		f.Outcome = data.NotModified
		if !val.Settling && t.notModified != nil && val.VersionID != 0 {
			f.VersionID = val.VersionID
			return data.Result{Fetch: *f}, t.notModified.add(ctx, t, *f)
		}
		if val.Settling {
			var err error
			if obs.Settle, err = t.settles(ctx, doc, nil, f.StartedAt); err != nil {
				return data.Result{}, err
			}
		}
		return t.store(ctx, obs)
	case resp.Status < 200 || resp.Status > 299:
		f.Outcome, f.ErrorClass = data.Failed, reasonHTTPStatus
		f.Reason = fmt.Sprintf("HTTP %d %s", resp.Status, http.StatusText(resp.Status))
		return t.store(ctx, obs)
	}
	// A rendered page is UTF-8 whatever the server's header says; the
	// header itself stays on the snapshot as it was received.
	ct := resp.ContentType()
	var (
		d    policy.Document
		text string
	)
	rules := scraper.Rules{Select: doc.Select, Remove: doc.Remove}
	serr := checkContentType(ct)
	if serr == nil && len(resp.Body) == 0 {
		serr = suspect(reasonEmpty, "empty body")
	}
	if serr == nil {
		_, dec, _ := scraper.DecodeHTML(resp.Body, ct)
		serr = checkBody(resp.Body, dec)
	}
	if serr == nil {
		d, err = scraper.ExtractHTML(resp.Body, ct, rules)
		d, text, serr = checkExtracted(d, err)
	}
	title := ""
	if serr == nil {
		title = scraper.Title(resp.Body, ct)
		serr = checkErrorPage(title, text)
	}
	if serr == nil {
		serr = checkText(title, text)
	}
	if serr == nil {
		serr = checkLanguage(doc.Language, text)
	}
	return t.gateAndRecord(ctx, doc, candidate{obs: obs, doc: d, text: text, serr: serr, rules: rules}, nil)
}

// checkExtracted turns an extraction error or an empty result into a
// suspect verdict, and returns the document with its block texts normalized
// (as versions are stored and compared) and its canonical text for the
// other gates.
func checkExtracted(d policy.Document, err error) (policy.Document, string, *suspectError) {
	if errors.Is(err, scraper.ErrNoMatch) {
		return d, "", suspect(reasonNoMatch, "%v", err)
	}
	if err != nil {
		return d, "", suspect(reasonUnreadable, "%v", err)
	}
	d, text := d.Normalized()
	if text == "" {
		return d, "", suspect(reasonEmpty, "no text after extraction")
	}
	return d, text, nil
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
