package data

import (
	"context"
	"errors"

	"github.com/clausewatch/clausewatch/topics"
)

// record stores obs the way tracker's pipeline hands observations to
// Record: a candidate document is compared with the latest version and
// classified first. (internal/recordtest does the same for other
// packages' tests; it cannot be imported here, since it imports data.)
func record(ctx context.Context, db *DB, obs Observation) (Result, error) {
	if obs.Document != nil {
		head, err := db.LatestVersion(ctx, obs.Fetch.DocumentID)
		switch {
		case errors.Is(err, ErrNotFound):
		case err != nil:
			return Result{}, err
		default:
			doc, err := db.Document(ctx, obs.Fetch.DocumentID)
			if err != nil {
				return Result{}, err
			}
			cs := topics.Compare(head.Document(), *obs.Document, doc.Language)
			obs.Head, obs.Change, obs.Classifier = head.ID, &cs, topics.Version
		}
	}
	return db.Record(ctx, obs)
}
