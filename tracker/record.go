package tracker

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/clausewatch/clausewatch/config"
	"github.com/clausewatch/clausewatch/data"
	"github.com/clausewatch/clausewatch/policy"
	"github.com/clausewatch/clausewatch/scraper"
	"github.com/clausewatch/clausewatch/topics"
)

// candidate is one fetch on its way to storage: the attempt, and the
// document it read with its canonical text and the verdicts of the gates
// that need no stored version.
type candidate struct {
	obs  data.Observation
	doc  policy.Document // block texts normalized
	text string          // doc's canonical text
	// rules are the extraction rules doc was read with; the latest
	// version's snapshot is read again with them (see reread).
	rules scraper.Rules
	serr  *suspectError
	// lang is the language gate's verdict, applied after serr (import
	// computes it on the reading goroutine).
	lang *suspectError
	// next is the text of the file after this one during an import, which
	// may confirm a text the size gates hold back (see confirmHeld);
	// hasNext says there is such a file and it passed the other gates.
	next    string
	nextAt  time.Time
	hasNext bool
}

// ErrOutOfOrder is returned by Import for a file dated before the latest
// stored version of its document: a history is recorded oldest first.
var ErrOutOfOrder = errors.New("file older than the latest stored version")

// gateAndRecord applies the gates that need the latest stored version
// (size; superseded) to c and records it: a new version with its
// classified change, an unchanged or superseded fetch, or a suspect one.
// The change is computed against the latest version before storage is
// asked to record it; when another writer stores a version in between,
// storage refuses (data.ErrHeadMoved) and the comparison is made again
// with the new latest version. cmp, when set, is the Comparer of an
// import, which diffs a sequence of versions faster; importing also turns
// a file older than the latest version into an error instead of a
// superseded fetch.
func (t *Tracker) gateAndRecord(ctx context.Context, doc config.Document, c candidate, imp *importer) (data.Result, error) {
	serr := c.serr
	if serr == nil {
		serr = c.lang
	}
	// sha is the canonical text's hash, computed once and only when needed:
	// every fetch that read a text logs it (Record fills it for versions),
	// so that a held-back text can be confirmed from the fetch log.
	var sha string
	textSHA := func() string {
		if sha == "" {
			sha = policy.HashText(c.text)
		}
		return sha
	}
	for {
		obs := c.obs
		head, err := t.db.LatestVersionInfo(ctx, doc.ID)
		if errors.Is(err, data.ErrNotFound) {
			head, err = nil, nil
		}
		if err != nil {
			return data.Result{}, fmt.Errorf("tracker: check %s: %w", doc.ID, err)
		}
		var last *textRef
		if head != nil {
			last = &textRef{length: head.TextLength, sha256: head.SHA256}
		}
		verdict := serr
		if verdict == nil {
			verdict = checkSize(c.text, textSHA, last)
		}
		if sizeHeld(verdict) {
			ok, status, err := t.confirmHeld(ctx, doc, &c, textSHA(), last, imp)
			if err != nil {
				return data.Result{}, err
			}
			if ok {
				t.log.Info("held text confirmed", "document", doc.ID, "class", verdict.class, "reason", verdict.reason, "confirmed", status)
				verdict = nil
			} else {
				verdict = suspect(verdict.class, "%s; held until confirmed: %s", verdict.reason, status)
			}
		}
		if c.text != "" && (verdict != nil || head != nil && obs.Fetch.StartedAt.Before(head.FetchedAt)) {
			obs.Fetch.TextSHA256 = textSHA()
		}
		switch {
		case verdict != nil:
			obs.Fetch.Outcome, obs.Fetch.ErrorClass, obs.Fetch.Reason = data.Suspect, verdict.class, verdict.reason
			return t.store(ctx, obs)
		case head != nil && obs.Fetch.StartedAt.Before(head.FetchedAt):
			if imp != nil {
				return data.Result{}, fmt.Errorf("tracker: import into %s: file dated %s is older than version %d (fetched %s); import files oldest first (backfilling before existing history is not supported yet): %w",
					doc.ID, obs.Fetch.StartedAt.Format(time.RFC3339), head.ID, head.FetchedAt.Format(time.RFC3339), ErrOutOfOrder)
			}
			// Another check stored what the page said after this one
			// started: this text is older than the stored one.
			obs.Fetch.Outcome = data.Superseded
			obs.Fetch.Reason = fmt.Sprintf("version %d was fetched after this fetch started", head.ID)
			return t.store(ctx, obs)
		}
		obs.Document = &c.doc
		if head != nil {
			obs.Head = head.ID
			// Texts of different lengths differ without hashing them.
			if head.TextLength != len(c.text) || head.SHA256 != textSHA() {
				prev, err := t.db.LatestVersion(ctx, doc.ID)
				if err != nil {
					return data.Result{}, fmt.Errorf("tracker: check %s: %w", doc.ID, err)
				}
				if prev.ID != head.ID {
					continue // a version was stored meanwhile
				}
				old := prev.Document()
				if imp == nil || imp.last != prev.ID {
					old = t.reread(ctx, prev, c.rules, old)
				}
				cs, err := t.classify(ctx, imp, doc.ID, head.ID, old, c.doc, doc.Language)
				if err != nil {
					return data.Result{}, err
				}
				obs.Change, obs.Classifier = &cs, topics.Version
				obs.ChangeState = settleState(doc, c, cs, head.SHA256, imp)
			} else if obs.Settle, err = t.settles(ctx, doc, head, obs.Fetch.StartedAt); err != nil {
				return data.Result{}, err
			}
		}
		if imp == nil && head != nil && !obs.NoAlerts {
			if obs.NoAlerts, err = t.importedVersion(ctx, head); err != nil {
				return data.Result{}, err
			}
		}
		res, err := t.store(ctx, obs)
		if errors.Is(err, data.ErrHeadMoved) {
			t.log.Debug("latest version moved while comparing; comparing again", "document", doc.ID)
			continue
		}
		return res, err
	}
}

// importedVersion says whether version v was recorded from an imported
// copy (a file, or the bundled history). The first live fetch after such a
// version alerts nobody, neither for the change it finds nor for settling
// the import's last change: an archive's capture and a live page are
// captured differently (the archive filters the page its own way), so
// that change mixes real edits with differences of capture, and the
// change it settles is years old. Changes between live fetches alert as
// usual.
func (t *Tracker) importedVersion(ctx context.Context, v *data.Version) (bool, error) {
	snap, err := t.db.SnapshotInfo(ctx, v.SnapshotID)
	if err != nil {
		return false, fmt.Errorf("tracker: source of version %d: %w", v.ID, err)
	}
	return snap.Imported, nil
}

// reread extracts the snapshot of version prev again with today's
// extraction and rules, so that a change is computed between two texts
// read the same way: when extraction improves (page furniture dropped,
// glued link texts parted), the first fetch after the upgrade would
// otherwise differ from the stored text in every place the extraction
// changed, and alert people about a policy nobody edited. The new version
// is still stored as read; only the comparison uses the re-read text.
// stored is returned when the snapshot cannot be read again the same way.
func (t *Tracker) reread(ctx context.Context, prev *data.Version, rules scraper.Rules, stored policy.Document) policy.Document {
	snap, err := t.db.Snapshot(ctx, prev.SnapshotID)
	if err != nil {
		t.log.Warn("cannot read the latest version's snapshot again; comparing with its stored text", "version", prev.ID, "err", err)
		return stored
	}
	var d policy.Document
	if snap.Imported {
		d, err = scraper.ExtractFile(importedName(snap.ContentType), snap.Body, rules)
	} else {
		d, err = scraper.ExtractHTML(snap.Body, snap.ContentType, rules)
	}
	if err != nil {
		return stored
	}
	d, text := d.Normalized()
	if text == "" {
		return stored
	}
	return d
}

// store hands obs to storage and logs what was stored.
func (t *Tracker) store(ctx context.Context, obs data.Observation) (data.Result, error) {
	res, err := t.db.Record(ctx, obs)
	if err != nil {
		return res, fmt.Errorf("tracker: %w", err)
	}
	f := res.Fetch
	attrs := []any{"document", f.DocumentID, "outcome", f.Outcome, "status", f.Status, "bytes", f.Bytes, "duration", f.Duration}
	if f.Reason != "" {
		attrs = append(attrs, "class", f.ErrorClass, "reason", f.Reason)
	}
	if res.Change != nil {
		attrs = append(attrs, "change", res.Change.ID, "material", res.Change.Material, "state", res.Change.State)
		if res.Change.Capture != "" {
			attrs = append(attrs, "capture", res.Change.Capture)
		}
	}
	if res.Settled != 0 {
		attrs = append(attrs, "settled", res.Settled)
	}
	t.log.Info("fetch recorded", attrs...)
	return res, nil
}
