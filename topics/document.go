package topics

import (
	"github.com/clausewatch/clausewatch/diff"
	"github.com/clausewatch/clausewatch/policy"
)

// Said is one statement a document makes about who gets which data, with
// the clause that makes it.
type Said struct {
	Statement diff.Statement
	Clause    string
}

// Statements reads a whole document in lang ("" guesses it) and lists
// each distinct statement it makes about who gets which data once (two
// clauses saying the same thing in other words, "Facebook Companies" and
// "Meta Companies", make one statement), in reading order, with the first
// clause that makes it. Setting two documents side by side needs what each
// says anywhere, not only in the clauses that differ: a statement one
// makes in a clause of its own and the other in a shared one is no
// difference.
func Statements(d policy.Document, lang string) []Said {
	clauses := diff.Clauses(d)
	if lang == "" {
		var sample []byte
		for _, c := range clauses {
			if len(sample) > 4000 {
				break
			}
			sample = append(append(sample, c.Text...), '\n')
		}
		lang = Language(string(sample))
	}
	r := readerFor("", lang)
	seen := map[string]bool{}
	var out []Said
	for _, c := range clauses {
		for _, s := range r.read(c.Text, tokenize(c.Text)).shares {
			if k := signature(s.Statement); !seen[k] {
				seen[k] = true
				out = append(out, Said{Statement: s.Statement, Clause: c.Text})
			}
		}
	}
	return out
}

// Signature is the key under which Statements counts two statements as
// one, for callers that compare the statements of two documents.
func Signature(s diff.Statement) string { return signature(s) }
