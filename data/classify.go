package data

import (
	"context"
	"database/sql"
	"errors"

	"github.com/clausewatch/clausewatch/diff"
	"github.com/clausewatch/clausewatch/policy"
	"github.com/clausewatch/clausewatch/topics"
)

// classifiedChanges compares two versions and tags the change set with
// topics and severity in the document's language, so that every stored
// change carries what alerts, feeds and pages hinge on (does it touch data
// sharing?) and none of them recomputes it.
func classifiedChanges(old, new policy.Document, lang string) diff.ChangeSet {
	return classified(diff.Compare(old, new), lang)
}

// classified tags a change set with topics and severity in lang.
func classified(cs diff.ChangeSet, lang string) diff.ChangeSet {
	topics.Annotate(&cs, lang)
	return cs
}

// documentLanguage returns the language configured for a document, "" when
// none is set (the classifier then guesses) or the document is unknown
// (recording it fails later with ErrUnknownDocument).
func documentLanguage(ctx context.Context, q queryer, id string) (string, error) {
	var lang string
	err := q.QueryRowContext(ctx, `SELECT language FROM documents WHERE id = ?`, id).Scan(&lang)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return lang, err
}

// classifierVersion is stored with each change, so that Reclassify knows
// which changes the current rules have already tagged.
const classifierVersion = topics.Version
