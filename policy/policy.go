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
	// Sized up front: a 300 KB policy would otherwise regrow the buffer a
	// dozen times on every fetch and every imported file.
	n := 0
	for _, bl := range d.Blocks {
		n += len(bl.Text) + 1
	}
	var b strings.Builder
	b.Grow(n)
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
	// Hashed through a small buffer: converting a 300 KB canonical text to
	// []byte would copy it onto the heap on every fetch.
	h := sha256.New()
	var buf [8 << 10]byte
	for len(s) > 0 {
		n := copy(buf[:], s)
		h.Write(buf[:n])
		s = s[n:]
	}
	var sum [sha256.Size]byte
	return hex.EncodeToString(h.Sum(sum[:0]))
}

// Normalize folds the differences that are noise rather than change: every run
// of Unicode white space (including non-breaking spaces) becomes one space,
// zero-width and other invisible format characters are dropped, and the
// result is trimmed.
func Normalize(s string) string {
	// Most texts reach Normalize already normalized (extractors normalize
	// each block, and callers normalize again to be safe): they are
	// returned as they are, without a copy.
	if IsNormalized(s) {
		return s
	}
	return normalize(s)
}

// normalize is Normalize without the fast path.
func normalize(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for i := 0; i < len(s); {
		c := s[i]
		if c > ' ' && c < 0x7f {
			// A run of printable ASCII, most of every policy, is copied
			// whole.
			j := i + 1
			for j < len(s) && s[j] > ' ' && s[j] < 0x7f {
				j++
			}
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteString(s[i:j])
			i = j
			continue
		}
		if c < utf8.RuneSelf {
			// Other ASCII: no decoding, no table lookups.
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

// IsNormalized reports whether Normalize would return s unchanged, erring
// on the side of false: printable text with single inner spaces, no
// control, invisible or space characters and valid UTF-8. Printable ASCII
// is checked eight bytes at a time. Checking is several times cheaper than
// normalizing, and most extracted texts are already normalized.
func IsNormalized(s string) bool {
	if s == "" || s[0] == ' ' || s[len(s)-1] == ' ' {
		return s == ""
	}
	prevSpace := false
	for i := 0; i < len(s); {
		for i+8 <= len(s) {
			spaces, ok := asciiSpaces8(s[i : i+8])
			if !ok || spaces&(spaces<<8) != 0 || prevSpace && spaces&0x80 != 0 {
				break
			}
			prevSpace = spaces>>56 != 0
			i += 8
		}
		if i >= len(s) {
			break
		}
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
		if r == utf8.RuneError && size == 1 || isInvisible(r) || unicode.IsSpace(r) || r == '\u202f' || r == '\u2007' {
			return false
		}
		prevSpace = false
		i += size
	}
	return true
}

// asciiSpaces8 reports whether each of the eight bytes of b is in
// 0x20..0x7e (printable ASCII or the space) and, if so, returns a word with
// the high bit of each byte of b that is a space set and all other bits
// clear (b read little-endian).
func asciiSpaces8(b string) (spaces uint64, ok bool) {
	_ = b[7]
	x := uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
		uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	// With no high bit set in x, no borrow or carry crosses bytes: a byte
	// is below 0x20 when subtracting 0x20 sets its high bit, and 0x7f when
	// adding 0x01 does; a byte is not a space when adding 0x7f to it xor
	// 0x20 sets its high bit.
	if x&highs != 0 || (x-0x20*ones)&highs != 0 || (x+ones)&highs != 0 {
		return 0, false
	}
	return ^((x ^ 0x20*ones) + 0x7f*ones) & highs, true
}

// Normalized returns the document with every block text normalized, as the
// canonical text reads it, and that canonical text, in one pass over the
// texts: versions are stored, and compared, in this form. Paths are shared
// with d.
func (d Document) Normalized() (Document, string) {
	if d.Blocks == nil {
		return d, ""
	}
	n := 0
	for _, bl := range d.Blocks {
		n += len(bl.Text) + 1
	}
	var canon strings.Builder
	canon.Grow(n)
	blocks := make([]Block, len(d.Blocks))
	for i, b := range d.Blocks {
		b.Text = Normalize(b.Text)
		blocks[i] = b
		if b.Text != "" {
			canon.WriteString(b.Text)
			canon.WriteByte('\n')
		}
	}
	return Document{Blocks: blocks}, canon.String()
}
