package diff

import (
	"slices"
	"unicode"
	"unicode/utf8"
)

// clauseFeatures returns the features of a clause's text, leaving out the
// date of a "Last modified" line so that the old and the new one pair up.
func clauseFeatures(text string) []uint64 {
	if _, ok := dateLineDate(text); ok {
		if _, start, end, found := parseDate(text); found {
			text = text[:start] + text[end:]
		}
	}
	return features(text)
}

// features returns the sorted, de-duplicated hashes of the pairs of
// consecutive words of text (of its only word, when it has one), with words
// lower-cased and reduced to letters and digits. Word pairs rather than words
// keep "the" and "we" from making every clause look like every other, while
// a one-word edit still leaves most pairs of a sentence intact.
func features(text string) []uint64 {
	var out []uint64
	var prev uint64
	n := 0
	var h uint64
	inWord := false
	emit := func() {
		if n > 0 {
			out = append(out, mix(prev, h))
		}
		prev = h
		n++
	}
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		i += size
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if !inWord {
				h = fnvOffset
				inWord = true
			}
			h = (h ^ uint64(unicode.ToLower(r))) * fnvPrime
			continue
		}
		if inWord && r != '\'' && r != '’' {
			emit()
			inWord = false
		}
	}
	if inWord {
		emit()
	}
	if n == 1 {
		out = append(out, mix(0, prev))
	}
	slices.Sort(out)
	return slices.Compact(out)
}

const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

// mix combines two word hashes into the hash of the pair, order-sensitive.
func mix(a, b uint64) uint64 {
	x := a*0x9e3779b97f4a7c15 ^ (b + 0x632be59bd9b4e019)
	x ^= x >> 31
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 29
	return x
}

// shared counts the hashes two sorted sets have in common.
func shared(a, b []uint64) int {
	n, i, j := 0, 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] < b[j]:
			i++
		case a[i] > b[j]:
			j++
		default:
			n++
			i++
			j++
		}
	}
	return n
}

// union returns the sorted union of two sorted sets.
func union(a, b []uint64) []uint64 {
	out := make([]uint64, 0, len(a)+len(b))
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] < b[j]:
			out = append(out, a[i])
			i++
		case a[i] > b[j]:
			out = append(out, b[j])
			j++
		default:
			out = append(out, a[i])
			i++
			j++
		}
	}
	out = append(out, a[i:]...)
	return append(out, b[j:]...)
}

// dice is the Sørensen–Dice similarity of two feature sets: 1 for equal
// sets, 0 for disjoint ones.
func dice(a, b []uint64) float64 {
	if len(a)+len(b) == 0 {
		return 0
	}
	return 2 * float64(shared(a, b)) / float64(len(a)+len(b))
}
