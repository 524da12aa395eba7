package tracker

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/clausewatch/clausewatch/config"
	"github.com/clausewatch/clausewatch/data"
	"github.com/clausewatch/clausewatch/diff"
	"github.com/clausewatch/clausewatch/policy"
	"github.com/clausewatch/clausewatch/topics"
)

// A page does not always show the same text, and the archive keeps every
// text it showed; what readers are told is decided here, in three steps
// (docs/capture.md):
//
//   - classify marks the clauses the document held before (restored,
//     toggled) from its stored history, so that they carry no alert, and
//     says whether the change only showed or hid a block of the page
//     (diff.CaptureKind);
//   - a new change starts settling: it alerts once its text has been read
//     again (settleState, settles), so that a state the page flips out of
//     alerts nobody, and a presentation change must also hold for a longer
//     window;
//   - a capture variation never alerts.

// classify diffs old and new (with the import's Comparer when there is
// one), marks the clauses whose text the document held up to version head,
// classifies the change in lang, and says what kind of change it is.
func (t *Tracker) classify(ctx context.Context, imp *importer, docID string, head int64, old, new policy.Document, lang string) (diff.ChangeSet, error) {
	var cs diff.ChangeSet
	if imp != nil {
		cs = imp.cmp.Compare(old, new)
	} else {
		cs = diff.Compare(old, new)
	}
	arrived, gone := diff.CaptureTexts(cs)
	seen, toggled, err := t.db.TextHistory(ctx, docID, head, arrived, gone)
	if err != nil {
		return diff.ChangeSet{}, fmt.Errorf("tracker: classify change of %s: %w", docID, err)
	}
	diff.MarkCapture(&cs, seen, toggled)
	topics.Annotate(&cs, lang)
	cs.Capture = diff.CaptureKind(cs)
	if cs.Capture == diff.Variation {
		cs.Alert = false
	}
	return cs, nil
}

// settleState is the state a new change of doc starts in. A live fetch
// leaves it settling, unless the document settles on the first fetch (and
// the change is no presentation change). During an import the next file
// (c.next) is the archive's next fetch: the change settled if that file
// does not bring back the text before it (prevSHA) and, for a presentation
// change, is dated at least the presentation window later or keeps the
// block (blockKept); otherwise it was transient. The last file of an import is treated as a live fetch,
// for a later fetch to settle.
func settleState(doc config.Document, c candidate, cs diff.ChangeSet, prevSHA string, imp *importer) data.ChangeState {
	rule := doc.SettleRule()
	if imp == nil || !c.hasNext {
		if rule.Fetches <= 1 && cs.Capture != diff.Presentation {
			return data.Settled
		}
		return data.Settling
	}
	if policy.HashText(c.next) == prevSHA {
		return data.Transient
	}
	if cs.Capture == diff.Presentation && c.nextAt.Sub(c.obs.Fetch.StartedAt) < rule.Presentation && !blockKept(cs, c.next) {
		return data.Transient
	}
	return data.Settled
}

// blockKept reports whether the canonical text next still shows what the
// presentation change cs showed and still hides what it hid: an archive
// records a new file only when the text changes, so a block that the next
// file, a new version, keeps has held beyond it, however soon it came.
func blockKept(cs diff.ChangeSet, next string) bool {
	lines := map[string]bool{}
	for _, l := range strings.Split(next, "\n") {
		lines[l] = true
	}
	for _, c := range cs.Changes {
		switch {
		case !c.Material:
		case c.Kind == diff.Added && !lines[c.New.Text]:
			return false
		case c.Kind == diff.Removed && lines[c.Old.Text]:
			return false
		}
	}
	return true
}

// settles returns the id of doc's settling change that a fetch started at
// at, which read the text of the latest version head again, settles: the
// text has now been read by the document's number of fetches in a row, and
// a presentation change has held for its window. It returns 0 when there
// is none. A nil head (a 304) is read only when a change is settling, which
// spares the look-up on nearly every fetch.
func (t *Tracker) settles(ctx context.Context, doc config.Document, head *data.Version, at time.Time) (int64, error) {
	c, err := t.db.SettlingChange(ctx, doc.ID)
	if errors.Is(err, data.ErrNotFound) {
		return 0, nil
	}
	if err == nil && head == nil {
		head, err = t.db.LatestVersionInfo(ctx, doc.ID)
	}
	if err != nil {
		return 0, fmt.Errorf("tracker: settle %s: %w", doc.ID, err)
	}
	if c.ToVersion != head.ID {
		return 0, nil
	}
	rule := doc.SettleRule()
	if c.Capture == diff.Presentation && at.Sub(c.DetectedAt) < rule.Presentation {
		return 0, nil
	}
	run, err := t.db.TextRun(ctx, doc.ID, head.SHA256, at, rule.Fetches-1, 0)
	if err != nil {
		return 0, fmt.Errorf("tracker: settle %s: %w", doc.ID, err)
	}
	if run.N+1 < rule.Fetches {
		return 0, nil
	}
	return c.ID, nil
}
