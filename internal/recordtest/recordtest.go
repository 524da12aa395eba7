// Package recordtest records observations for tests the way tracker's
// pipeline does: a candidate document is compared with the document's
// latest version and classified before storage is asked to record it.
// Tests of the packages that read stored changes (web, notify) build their
// histories with it, without fetching.
package recordtest

import (
	"context"
	"errors"

	"github.com/clausewatch/clausewatch/data"
	"github.com/clausewatch/clausewatch/topics"
)

// Record stores obs in db. When obs carries a Document and the document has
// a version, it sets obs.Head and obs.Change (topics.Compare in the
// document's language) first.
func Record(ctx context.Context, db *data.DB, obs data.Observation) (data.Result, error) {
	if obs.Document != nil {
		head, err := db.LatestVersion(ctx, obs.Fetch.DocumentID)
		switch {
		case errors.Is(err, data.ErrNotFound):
		case err != nil:
			return data.Result{}, err
		default:
			doc, err := db.Document(ctx, obs.Fetch.DocumentID)
			if err != nil {
				return data.Result{}, err
			}
			cs := topics.Compare(head.Document(), *obs.Document, doc.Language)
			obs.Head, obs.Change, obs.Classifier = head.ID, &cs, topics.Version
		}
	}
	return db.Record(ctx, obs)
}
