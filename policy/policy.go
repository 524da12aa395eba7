// Package policy holds the document model shared by the scraper, which builds
// it from fetched pages, and by storage and diffing, which consume it. Keeping
// it apart lets the scraper and the diff evolve without importing each other.
package policy

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Kind says what a block was in the source page. Clause alignment treats
// headings differently from body text, so the distinction is kept.
type Kind string

// The kinds of block an extracted document is made of.
const (
	Heading   Kind = "heading"
	Paragraph Kind = "paragraph"
	ListItem  Kind = "item"
	TableRow  Kind = "row"
)

// Block is one unit of policy text in reading order. Path lists the headings
// above it, outermost first, so that a clause can be quoted with its section
// ("How we share information > Meta Companies") even when it moves.
type Block struct {
	Kind  Kind     `json:"kind"`
	Level int      `json:"level,omitempty"`
	Path  []string `json:"path,omitempty"`
	Text  string   `json:"text"`
}

// Document is the structured text of one policy version.
type Document struct {
	Blocks []Block `json:"blocks"`
}

// Canonical returns the text that identifies a version: the normalized text of
// every block, one per line. Two fetches whose canonical texts are equal are
// the same version, whatever their markup, link targets or whitespace.
func (d Document) Canonical() string {
	var b strings.Builder
	for _, bl := range d.Blocks {
		t := Normalize(bl.Text)
		if t == "" {
			continue
		}
		b.WriteString(t)
		b.WriteByte('\n')
	}
	return b.String()
}

// Hash returns the hex sha256 of the canonical text.
func (d Document) Hash() string {
	return HashText(d.Canonical())
}

// HashText returns the hex sha256 of s; it is exported so that stored
// canonical texts can be checked against their recorded hash.
func HashText(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// Normalize folds the differences that are noise rather than change: every run
// of Unicode white space (including non-breaking spaces) becomes one space,
// zero-width and other invisible format characters are dropped, and the
// result is trimmed.
func Normalize(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			// ASCII, most of every policy: no decoding, no table lookups.
			i++
			if c == ' ' || (c >= '\t' && c <= '\r') {
				space = true
				continue
			}
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteByte(c)
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case isInvisible(r):
			continue
		case unicode.IsSpace(r) || r == '\u202f' || r == '\u2007':
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r) // an invalid byte becomes U+FFFD, as JSON would store it
	}
	return b.String()
}

// isInvisible reports characters that render as nothing: zero-width spaces and
// joiners, the byte order mark, soft hyphens and bidi marks. Pages sprinkle
// them between words and they change from one deployment to the next.
func isInvisible(r rune) bool {
	switch r {
	case '\u200b', '\u200c', '\u200d', '\u2060', '\ufeff', '\u00ad', '\u200e', '\u200f':
		return true
	}
	return unicode.Is(unicode.Cf, r)
}
