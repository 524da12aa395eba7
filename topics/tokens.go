package topics

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// token is one word of a clause: its byte range in the clause text, its
// folded form (lower case, accents dropped, curly apostrophes made straight)
// that lexicons are matched against, and the sentence it belongs to, because
// a sharing statement is read within one sentence.
type token struct {
	start, end int
	word       string
	sentence   int
	// question is set on the words of a sentence that ends with "?": a
	// question ("Do we share your information?") is a heading, not a
	// statement of practice.
	question bool
	// title is set on a word written with a capital first letter, which
	// folding loses: "Stripe, Inc." names a company, "limited to" does not.
	title bool
	// colon is set on the word before a colon, which ends the lead-in of
	// a list ("We may share your information with:"): the items after it
	// continue its sentence.
	colon bool
}

// tokenize cuts text into words. Letters, digits and inner apostrophes make
// a word; hyphens separate words, so "third-party" reads as "third party"
// and "opt-out" as "opt out". A French or Italian elision ("l'", "d'", "n'",
// "qu'") is a word of its own, so that "n'échangeons" carries the negation
// "n". Sentences end at ".", "!", "?" or ";" followed by a space and not
// closing a known abbreviation, and at line breaks. They also end at "•"
// and "|", which extraction writes between the items of a table cell, the
// cells of a row and touching links: each of those is a unit of its own, and
// a phrase read across two ("Device signals | Information you've shared")
// is one no page states.
func tokenize(text string) []token {
	toks := make([]token, 0, len(text)/5)
	var b strings.Builder
	sentence := 0
	i := 0
	for i < len(text) {
		r, size := utf8.DecodeRuneInString(text[i:])
		if isWordRune(r) {
			start := i
			var word string
			var end int
			word, end, i = readWord(text, start, &b)
			toks = append(toks, token{start: start, end: end, word: word, sentence: sentence, title: unicode.IsUpper(r)})
			continue
		}
		switch r {
		case '?', '¿':
			if r == '?' {
				for k := len(toks) - 1; k >= 0 && toks[k].sentence == sentence; k-- {
					toks[k].question = true
				}
			}
			sentence++
		case '.', '!', ';', '\n', '\r', '•', '|':
			if r != '.' || endsSentence(text, i, toks) {
				sentence++
			}
		case ':':
			if n := len(toks); n > 0 && (i+1 == len(text) || text[i+1] == ' ' || text[i+1] == '\n' || text[i+1] == '\t') {
				toks[n-1].colon = true // not "http://" or "10:30"
			}
		}
		i += size
	}
	return toks
}

// readWord reads the word that starts at text[start], a word rune, as
// tokenize cuts words, and returns it folded, where it ends, and where
// reading goes on: at its end, or past the apostrophe of an elision. What
// it reads depends on text[start:next] and at most two runes from next on
// (an apostrophe and the rune after it), which GuessLanguage relies on. b is
// scratch space, reset here.
func readWord(text string, start int, b *strings.Builder) (word string, end, next int) {
	i := start
	end = start
	b.Reset()
	// plain is set while the word is lower-case ASCII letters and digits,
	// which fold to themselves: the word is then the text itself, neither
	// copied nor allocated (most words of a policy are). Otherwise b holds
	// the folded word.
	plain := true
	for i < len(text) {
		r, size := utf8.DecodeRuneInString(text[i:])
		if isWordRune(r) {
			if plain && ('a' <= r && r <= 'z' || '0' <= r && r <= '9') {
				i += size
				end = i
				continue
			}
			if plain {
				plain = false
				b.WriteString(text[start:i])
			}
			foldInto(b, r)
			i += size
			end = i
			continue
		}
		if isApostrophe(r) && i+size < len(text) {
			if next, _ := utf8.DecodeRuneInString(text[i+size:]); isWordRune(next) {
				if plain {
					plain = false
					b.WriteString(text[start:i])
				}
				i += size
				if isElision(b.String()) {
					break // "n'échangeons": "n" is a word, the next starts after the apostrophe
				}
				b.WriteByte('\'')
				continue
			}
		}
		break
	}
	if plain {
		return text[start:end], end, i
	}
	return b.String(), end, i
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

func isApostrophe(r rune) bool { return r == '\'' || r == '\u2019' || r == '\u02bc' }

// isElision reports the clitics written with an apostrophe before a vowel in
// French ("l'", "d'", "n'", "qu'", "s'", "j'", "c'", "m'", "t'").
func isElision(w string) bool {
	switch w {
	case "l", "d", "n", "qu", "s", "j", "c", "m", "t":
		return true
	}
	return false
}

// abbreviations end with a period that does not end a sentence.
var abbreviations = map[string]bool{
	"e": true, "g": true, "i": true, "eg": true, "ie": true, "etc": true, "inc": true, "ltd": true,
	"co": true, "corp": true, "llc": true, "vs": true, "no": true, "u": true, "s": true, "p": true,
	"ej": true, "sr": true, "sra": true, "dr": true, "art": true, "mr": true, "ms": true,
}

// endsSentence reports whether the period at text[i] ends a sentence: it is
// followed by white space (or the end) and does not close an abbreviation or
// an initial.
func endsSentence(text string, i int, toks []token) bool {
	if i+1 < len(text) && text[i+1] != ' ' && text[i+1] != '\n' && text[i+1] != '\t' {
		return false
	}
	if n := len(toks); n > 0 && toks[n-1].end == i {
		return !abbreviations[toks[n-1].word]
	}
	return true
}

// foldInto writes r lower-cased and without its accent, so that lexicons
// match "información" and "informacion", "Übermittlung" and "ubermittlung".
func foldInto(b *strings.Builder, r rune) {
	if r < utf8.RuneSelf {
		if 'A' <= r && r <= 'Z' {
			r += 'a' - 'A'
		}
		b.WriteByte(byte(r))
		return
	}
	r = unicode.ToLower(r)
	switch r {
	case 'á', 'à', 'â', 'ä', 'ã', 'å':
		r = 'a'
	case 'é', 'è', 'ê', 'ë':
		r = 'e'
	case 'í', 'ì', 'î', 'ï':
		r = 'i'
	case 'ó', 'ò', 'ô', 'ö', 'õ':
		r = 'o'
	case 'ú', 'ù', 'û', 'ü':
		r = 'u'
	case 'ñ':
		r = 'n'
	case 'ç':
		r = 'c'
	case 'ß':
		b.WriteString("ss")
		return
	}
	b.WriteRune(r)
}

// fold returns s folded as tokens are; lexicon phrases go through it so
// that they can be written with their accents.
func fold(s string) string {
	var b strings.Builder
	for _, r := range s {
		if isApostrophe(r) {
			b.WriteByte('\'')
			continue
		}
		foldInto(&b, r)
	}
	return b.String()
}
