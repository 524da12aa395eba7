package topics

import (
	"github.com/clausewatch/clausewatch/diff"
	"github.com/clausewatch/clausewatch/policy"
)

// Compare diffs two versions of a document clause by clause and classifies
// the result in lang ("" guesses it), the way every stored change is
// classified. Pages and the API that compare two versions call it too, so a
// pair of versions gets the same topics and severity wherever it is shown.
func Compare(old, new policy.Document, lang string) diff.ChangeSet {
	cs := diff.Compare(old, new)
	Annotate(&cs, lang)
	return cs
}
