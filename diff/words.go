package diff

import (
	"unicode"
	"unicode/utf8"

	"github.com/sergi/go-diff/diffmatchpatch"
)

// Operations of a word span.
const (
	OpEqual  = "equal"
	OpInsert = "insert"
	OpDelete = "delete"
)

// Span is a run of text that both versions share (equal), or that only the
// new one (insert) or the old one (delete) has. The equal and delete spans
// of a change, in order, spell the old text exactly; the equal and insert
// spans the new one.
type Span struct {
	Op   string `json:"op"`
	Text string `json:"text"`
}

// maxTokens is how many distinct tokens idRune can give runes without
// wrapping; beyond it Words falls back to a character diff.
const maxTokens = 0x110000 - 0x4e00 - 0x800

// Words diffs two texts word by word: go-diff runs over one rune per
// distinct token (a word, a run of spaces or a punctuation mark), as its line
// mode does with lines, and semantic cleanup folds the short equal words
// trapped between edits into them, so that a rewritten phrase reads as one
// deletion and one insertion rather than as confetti.
func Words(old, new string) []Span {
	return words(diffmatchpatch.New(), old, new)
}

func words(dmp *diffmatchpatch.DiffMatchPatch, old, new string) []Span {
	if old == new {
		if old == "" {
			return []Span{}
		}
		return []Span{{OpEqual, old}}
	}
	ids := map[string]int{}
	var vocab []string
	encode := func(s string) []rune {
		var rs []rune
		for s != "" {
			n := tokenLen(s)
			tok := s[:n]
			s = s[n:]
			id, ok := ids[tok]
			if !ok {
				id = len(vocab)
				ids[tok] = id
				vocab = append(vocab, tok)
			}
			rs = append(rs, idRune(id))
		}
		return rs
	}
	ra, rb := encode(old), encode(new)
	if long := max(len(ra), len(rb)); long > maxDiffTokens || long > repetitiveTokens && long > repetition*len(vocab) {
		return ends(ra, rb, vocab)
	}
	var diffs []diffmatchpatch.Diff
	if len(vocab) < maxTokens {
		diffs = dmp.DiffCleanupSemantic(dmp.DiffMainRunes(ra, rb, false))
		for k := range diffs {
			diffs[k].Text = decode(diffs[k].Text, vocab)
		}
	} else {
		diffs = dmp.DiffCleanupSemantic(dmp.DiffMain(old, new, false))
	}
	out := make([]Span, 0, len(diffs))
	for _, d := range diffs {
		if d.Text == "" {
			continue
		}
		op := OpEqual
		switch d.Type {
		case diffmatchpatch.DiffInsert:
			op = OpInsert
		case diffmatchpatch.DiffDelete:
			op = OpDelete
		}
		if n := len(out); n > 0 && out[n-1].Op == op {
			out[n-1].Text += d.Text
			continue
		}
		out = append(out, Span{op, d.Text})
	}
	return deleteFirst(out)
}

// Bounds on the texts that Words diffs with go-diff. go-diff first looks
// for a long run both texts share (its half match), which takes time
// quadratic in the length of a repetitive text, such as one word repeated
// over a megabyte. A text longer than maxDiffTokens tokens, or longer than
// repetitiveTokens with fewer than one distinct token in repetition, is
// diffed by ends instead. The longest clause of the shared corpus is
// about a fifth of maxDiffTokens, with one distinct token in 14.
const (
	maxDiffTokens    = 65536
	repetitiveTokens = 16384
	repetition       = 32
)

// ends diffs two texts, as token ids, as the tokens they start and end
// with and one replaced middle: in time linear in their length, whatever
// they say, and exact, though coarser than go-diff.
func ends(ra, rb []rune, vocab []string) []Span {
	p := 0
	for p < len(ra) && p < len(rb) && ra[p] == rb[p] {
		p++
	}
	s := 0
	for s < len(ra)-p && s < len(rb)-p && ra[len(ra)-1-s] == rb[len(rb)-1-s] {
		s++
	}
	var out []Span
	for _, sp := range []struct {
		op string
		rs []rune
	}{
		{OpEqual, ra[:p]}, {OpDelete, ra[p : len(ra)-s]}, {OpInsert, rb[p : len(rb)-s]}, {OpEqual, ra[len(ra)-s:]},
	} {
		if len(sp.rs) > 0 {
			out = append(out, Span{sp.op, decode(string(sp.rs), vocab)})
		}
	}
	return out
}

// deleteFirst puts each deletion before the insertion next to it: readers
// expect what went before what came, and go-diff (or mirroring) may give
// the insertion first.
func deleteFirst(spans []Span) []Span {
	for k := 0; k+1 < len(spans); k++ {
		if spans[k].Op == OpInsert && spans[k+1].Op == OpDelete {
			spans[k], spans[k+1] = spans[k+1], spans[k]
		}
	}
	return spans
}

// decode turns the runes of a diff back into the tokens they stand for.
func decode(s string, vocab []string) string {
	n := 0
	for _, r := range s {
		n += len(vocab[runeID(r)])
	}
	b := make([]byte, 0, n)
	for _, r := range s {
		b = append(b, vocab[runeID(r)]...)
	}
	return string(b)
}

// runeID inverts idRune for ids below maxTokens.
func runeID(r rune) int {
	if r >= 0xd800+0x800 {
		r -= 0x800
	}
	return int(r - 0x4e00)
}

// tokenLen returns the length in bytes of the token s starts with: a run of
// letters and digits (with inner apostrophes, so "don't" is one word), a run
// of white space, or one other character.
func tokenLen(s string) int {
	r, size := utf8.DecodeRuneInString(s)
	switch {
	case isWordRune(r):
		n := size
		for n < len(s) {
			r, size := utf8.DecodeRuneInString(s[n:])
			if isWordRune(r) {
				n += size
				continue
			}
			if (r == '\'' || r == '’') && n+size < len(s) {
				if r2, _ := utf8.DecodeRuneInString(s[n+size:]); isWordRune(r2) {
					n += size
					continue
				}
			}
			break
		}
		return n
	case unicode.IsSpace(r):
		n := size
		for n < len(s) {
			r, size := utf8.DecodeRuneInString(s[n:])
			if !unicode.IsSpace(r) {
				break
			}
			n += size
		}
		return n
	}
	return size
}

func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		// No ASCII character is a nonspacing mark; this spares the
		// search of that table for every space and punctuation mark.
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

// rebuild returns the old and the new text that spans spell.
func rebuild(spans []Span) (old, new string) {
	var o, n []byte
	for _, s := range spans {
		if s.Op != OpInsert {
			o = append(o, s.Text...)
		}
		if s.Op != OpDelete {
			n = append(n, s.Text...)
		}
	}
	return string(o), string(n)
}
