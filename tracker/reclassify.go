package tracker

import (
	"context"
	"fmt"

	"github.com/clausewatch/clausewatch/data"
	"github.com/clausewatch/clausewatch/topics"
)

// Reclassify compares again, and classifies with the current rules
// (topics.Version), every stored change that other rules classified, from
// the stored blocks of its two versions, and updates it in place. Change ids
// and versions stay the same and no alert is queued (invariant 5). Each
// change is updated on its own, so an interrupted run resumes where it
// stopped. It returns how many changes it updated.
func (t *Tracker) Reclassify(ctx context.Context) (int, error) {
	todo, err := t.db.ChangesNotClassifiedBy(ctx, topics.Version)
	if err != nil {
		return 0, fmt.Errorf("tracker: reclassify: %w", err)
	}
	langs := map[string]string{}
	var cur *data.Version
	done := 0
	for _, c := range todo {
		lang, ok := langs[c.DocumentID]
		if !ok {
			d, err := t.db.Document(ctx, c.DocumentID)
			if err != nil {
				return done, fmt.Errorf("tracker: reclassify change %d: %w", c.ID, err)
			}
			lang, langs[c.DocumentID] = d.Language, d.Language
		}
		// Consecutive changes share a version: the previous change's new
		// version is usually this one's old version, already read.
		old := cur
		if old == nil || old.ID != c.FromVersion {
			if old, err = t.db.Version(ctx, c.FromVersion); err != nil {
				return done, fmt.Errorf("tracker: reclassify change %d: %w", c.ID, err)
			}
		}
		if cur, err = t.db.Version(ctx, c.ToVersion); err != nil {
			return done, fmt.Errorf("tracker: reclassify change %d: %w", c.ID, err)
		}
		cs, err := t.classify(ctx, nil, c.DocumentID, c.FromVersion, old.Document(), cur.Document(), lang)
		if err != nil {
			return done, err
		}
		if err := t.db.UpdateClassification(ctx, c.ID, cs, topics.Version); err != nil {
			return done, fmt.Errorf("tracker: reclassify: %w", err)
		}
		done++
	}
	return done, nil
}
