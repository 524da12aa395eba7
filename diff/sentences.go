package diff

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// isAbbreviation reports words (lower-cased) whose final period does not
// end a sentence, in English and Spanish. "etc." is not one: it ends a
// sentence when a capital follows ("photos, etc. We also"), and a lower-case
// word after it never splits anyway.
func isAbbreviation(w string) bool {
	switch w {
	case "e.g.", "i.e.", "eg.", "ie.", "cf.", "vs.", "viz.", "inc.", "ltd.", "co.", "corp.", "mr.",
		"mrs.", "ms.", "dr.", "prof.", "st.", "jr.", "art.", "arts.", "sec.",
		"para.", "p.", "pp.", "fig.", "vol.", "approx.", "dept.", "est.", "jan.", "feb.", "mar.",
		"apr.", "jun.", "jul.", "aug.", "sep.", "sept.", "oct.", "nov.", "dec.", "sr.", "sra.",
		"srta.", "sres.", "dña.", "d.", "ud.", "uds.", "ej.", "p.ej.", "núm.", "pág.", "págs.",
		"aprox.", "avda.", "admón.", "cía.", "dpto.", "ee.uu.", "s.a.", "s.l.", "apdo.":
		return true
	}
	return false
}

// SplitSentences cuts normalized text (single spaces, as policy.Normalize
// leaves it) into sentences; joining them with one space gives the text
// back. A sentence ends at ".", "!", "?" or "…" (possibly followed by closing
// quotes or brackets) when the next word starts with a capital letter or an
// opening "¿", "¡" or quote, except after a known abbreviation ("e.g.",
// "Inc.", "p. ej."), an initial or dotted acronym ("J.", "U.S."), or a bare
// number ("1."). Decimals and URLs hold no space, so they are never cut.
func SplitSentences(s string) []string {
	var out []string
	start := 0
	for i := 0; i < len(s); i++ {
		if s[i] != ' ' {
			continue
		}
		prev := s[start:i]
		if k := strings.LastIndexByte(prev, ' '); k >= 0 {
			prev = prev[k+1:]
		}
		next := s[i+1:]
		if k := strings.IndexByte(next, ' '); k >= 0 {
			next = next[:k]
		}
		if endsSentence(prev) && startsSentence(next) {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

// closers may follow the final punctuation of a sentence.
const closers = `)]}"'”’»`

func endsSentence(word string) bool {
	w := strings.TrimRight(word, closers)
	if w == "" {
		return false
	}
	last, _ := utf8.DecodeLastRuneInString(w)
	switch last {
	case '!', '?', '…':
		return true
	case '.':
	default:
		return false
	}
	if strings.HasSuffix(w, "..") && !strings.HasSuffix(w, "...") {
		return false
	}
	core := strings.TrimLeft(w, `([{"'“‘«¿¡`)
	lower := strings.ToLower(core)
	if isAbbreviation(lower) {
		return false
	}
	body := strings.TrimSuffix(core, ".")
	if body == "" {
		return false
	}
	// An initial ("J.") or a dotted acronym ("U.S.", "p.ej.").
	if isDottedAcronym(core) {
		return false
	}
	// A bare number: list numbering or "No. 5." style references.
	if strings.Trim(body, "0123456789") == "" {
		return false
	}
	return true
}

// isDottedAcronym reports words made of single letters each followed by a
// period, like "J.", "U.S." or "a.m.".
func isDottedAcronym(w string) bool {
	n := 0
	for w != "" {
		r, size := utf8.DecodeRuneInString(w)
		if !unicode.IsLetter(r) || len(w) <= size || w[size] != '.' {
			return false
		}
		w = w[size+1:]
		n++
	}
	return n > 0
}

func startsSentence(word string) bool {
	w := strings.TrimLeft(word, `([{"'“‘«`)
	if w == "" {
		return false
	}
	r, _ := utf8.DecodeRuneInString(w)
	return r == '¿' || r == '¡' || unicode.IsUpper(r)
}
