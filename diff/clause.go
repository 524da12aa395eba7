package diff

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/clausewatch/clausewatch/policy"
)

// Clause is the unit the diff aligns: a heading, a paragraph, a list item, a
// table row, or one sentence of a long paragraph. ID follows the clause from
// version to version, so that a page can link to it and a reader can follow
// its history; Section lists the headings above it, outermost first (and
// ends with the heading itself for a heading).
type Clause struct {
	ID      string   `json:"id"`
	Section []string `json:"section"`
	Text    string   `json:"text"`
	// Block numbers, from 1, the long paragraph a sentence was cut from,
	// and is 0 for a clause that is a whole block. A paragraph removed or
	// added whole is reported as one change rather than one per sentence.
	// Change sets leave it 0.
	Block int `json:"block,omitempty"`
}

// longClause is the length, in characters, above which a paragraph or list
// item is cut into sentences. Policies write whole sections as one
// paragraph; aligning sentences keeps a one-word edit from showing the whole
// paragraph as changed, and lets a sentence that moves be seen as moving.
const longClause = 400

// Clauses cuts a document into clauses in reading order, with ids derived
// from their content (see NewID). Blocks that normalize to nothing are
// skipped, as policy.Document.Canonical skips them, so two documents with
// equal canonical text have equal clause texts.
func Clauses(d policy.Document) []Clause {
	out := clauses(d)
	assignIDs(out, nil)
	return out
}

// clauses cuts a document into clauses without ids.
func clauses(d policy.Document) []Clause {
	out := make([]Clause, 0, len(d.Blocks))
	block := 0
	for _, b := range d.Blocks {
		t := b.Text
		if !normalized(t) {
			t = policy.Normalize(t)
		}
		if t == "" {
			continue
		}
		section := append([]string{}, b.Path...)
		if b.Kind == policy.Heading {
			// A heading opens its section: it is read, and grouped, with
			// the clauses under it.
			section = append(section, t)
		}
		if (b.Kind == policy.Paragraph || b.Kind == policy.ListItem) && utf8.RuneCountInString(t) > longClause {
			sentences := SplitSentences(t)
			if len(sentences) > 1 {
				block++
				for _, s := range sentences {
					out = append(out, Clause{Section: section, Text: s, Block: block})
				}
				continue
			}
		}
		out = append(out, Clause{Section: section, Text: t})
	}
	return out
}

// NewID returns the id of a clause seen for the first time: a short hash of
// its section, its text and how many clauses with the same section and text
// come before it, so that the same version always gets the same ids and
// repeated boilerplate ("Learn more") gets distinct ones.
func NewID(section []string, text string, occurrence int) string {
	return occurrenceID(contentKey(new([]byte), section, text), occurrence)
}

// contentKey hashes a clause's section and text; buf is scratch space.
func contentKey(buf *[]byte, section []string, text string) [sha256.Size]byte {
	b := (*buf)[:0]
	for _, s := range section {
		b = append(b, s...)
		b = append(b, 0x1f)
	}
	b = append(b, 0x1e)
	b = append(b, text...)
	*buf = b
	return sha256.Sum256(b)
}

func occurrenceID(key [sha256.Size]byte, occurrence int) string {
	buf := strconv.AppendInt(key[:], int64(occurrence), 10)
	sum := sha256.Sum256(buf)
	return "c" + hex.EncodeToString(sum[:6])
}

// assignIDs gives every clause without an id a fresh one from NewID, unless
// that id is already taken (by a clause here or in taken), in which case the
// occurrence count is bumped until it is free. Hashing is the costly part,
// so it is done only for clauses that need an id.
func assignIDs(cs []Clause, taken map[string]bool) {
	used := make(map[string]bool, len(cs)+len(taken))
	for k := range taken {
		used[k] = true
	}
	for _, c := range cs {
		if c.ID != "" {
			used[c.ID] = true
		}
	}
	type key struct{ section, text string }
	seen := make(map[key]int, len(cs))
	var buf []byte
	var lastSection []string
	joined := ""
	for i := range cs {
		if !slices.Equal(cs[i].Section, lastSection) {
			lastSection = cs[i].Section
			joined = strings.Join(lastSection, "\x1f")
		}
		k := key{joined, cs[i].Text}
		n := seen[k]
		seen[k] = n + 1
		if cs[i].ID != "" {
			continue
		}
		content := contentKey(&buf, cs[i].Section, cs[i].Text)
		id := occurrenceID(content, n)
		for used[id] {
			n += 1 << 20 // out of the range real occurrence counts reach
			id = occurrenceID(content, n)
		}
		used[id] = true
		cs[i].ID = id
	}
}

// normalized reports whether policy.Normalize would return s unchanged: no
// white space but single inner ASCII spaces, no invisible characters, valid
// UTF-8. Extracted blocks are already normalized, and checking is several
// times cheaper than normalizing again. FuzzNormalized holds it to
// policy.Normalize.
func normalized(s string) bool {
	if s == "" || s[0] == ' ' || s[len(s)-1] == ' ' {
		return s == ""
	}
	prevSpace := false
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c == ' ' {
				if prevSpace {
					return false
				}
				prevSpace = true
			} else {
				if c < ' ' || c == 0x7f {
					return false
				}
				prevSpace = false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || unicode.IsSpace(r) || unicode.Is(unicode.Cf, r) ||
			r == '\u00a0' || r == '\u202f' || r == '\u2007' || r == '\u00ad' || r == '\u200b' || r == '\ufeff' {
			return false
		}
		prevSpace = false
		i += size
	}
	return true
}
