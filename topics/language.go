package topics

import (
	"strings"
	"sync"
	"unicode/utf8"
)

// compiledLexicons returns every language's compiled lexicon, built on
// first use and only read afterwards: compiling takes about a millisecond,
// which every command would otherwise pay at start-up, also those that
// never classify a clause. Each lexicon gets the recipients and purposes
// that sharing statements name (withStatements).
var compiledLexicons = sync.OnceValue(func() map[string]*compiled {
	st := statementLexicons()
	return map[string]*compiled{
		"en": compileLexicon("en", withStatements(english, st["en"])),
		"es": compileLexicon("es", withStatements(spanish, st["es"])),
		"pt": compileLexicon("pt", withStatements(portuguese, st["pt"])),
		"fr": compileLexicon("fr", withStatements(french, st["fr"])),
		"de": compileLexicon("de", withStatements(german, st["de"])),
	}
})

// Languages returns the languages with a lexicon.
func Languages() []string { return []string{"en", "es", "pt", "fr", "de"} }

// lexiconFor picks the lexicon for lang ("es", "es-ES", "pt_BR"), guessing
// the language of text when lang is empty or has no lexicon.
func lexiconFor(text, lang string) *compiled {
	base, _, _ := strings.Cut(strings.ToLower(lang), "-")
	base, _, _ = strings.Cut(base, "_")
	lexicons := compiledLexicons()
	if c, ok := lexicons[base]; ok {
		return c
	}
	return lexicons[Language(text)]
}

// stopwords are frequent words that tell the languages apart; a word two
// languages share ("de", "la", "que") is listed under neither.
var stopwords = map[string]string{
	"the": "en", "and": "en", "of": "en", "to": "en", "we": "en", "you": "en", "your": "en", "with": "en",
	"is": "en", "are": "en", "this": "en", "that": "en", "for": "en", "our": "en", "or": "en", "it": "en",
	"el": "es", "los": "es", "las": "es", "y": "es", "del": "es", "tu": "es", "con": "es", "para": "es",
	"una": "es", "al": "es", "nuestros": "es", "sus": "es", "tus": "es", "es": "es", "como": "es", "lo": "es",
	"o": "pt", "os": "pt", "do": "pt", "da": "pt", "dos": "pt", "pela": "pt", "voce": "pt", "seu": "pt",
	"sua": "pt", "nao": "pt", "nossos": "pt", "ao": "pt", "pelo": "pt", "uma": "pt", "com": "pt", "em": "pt", "voces": "pt",
	"le": "fr", "les": "fr", "des": "fr", "et": "fr", "vous": "fr", "votre": "fr", "vos": "fr", "nous": "fr",
	"avec": "fr", "pour": "fr", "est": "fr", "du": "fr", "sont": "fr", "aux": "fr", "une": "fr", "qui": "fr",
	"der": "de", "die": "de", "das": "de", "und": "de", "wir": "de", "sie": "de", "ihre": "de", "mit": "de",
	"fur": "de", "nicht": "de", "ist": "de", "von": "de", "zu": "de", "den": "de", "ein": "de", "eine": "de",
}

// maxLanguageWords is how many words a guess reads: far more than it takes
// to tell a policy's language, and a bound on the work for a long one.
const maxLanguageWords = 2000

// countLanguages counts, among the first maxLanguageWords words of text
// (cut and folded as tokenize does), the stop words of each language. It
// also returns how many words it read, and how many leading bytes of text
// the counts depend on: the bytes up to the last word read and the two
// runes that ended it, or len(text) when that is all of it.
func countLanguages(text string) (counts map[string]int, words, read int) {
	counts = map[string]int{}
	var b strings.Builder
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		if !isWordRune(r) {
			i += size
			continue
		}
		var word string
		word, _, i = readWord(text, i, &b)
		words++
		if l, ok := stopwords[word]; ok {
			counts[l]++
		}
		if words == maxLanguageWords {
			// readWord looked at most two runes past i to end the word.
			read = i
			for range 2 {
				if read < len(text) {
					_, n := utf8.DecodeRuneInString(text[read:])
					read += n
				}
			}
			return counts, words, read
		}
	}
	return counts, words, len(text)
}

// Language guesses the language of text among those with a lexicon by
// counting frequent words peculiar to each in its first 2,000 words; it
// returns "en" when nothing tells. It is meant for picking the lexicon of
// a clause or a page whose language is not configured, which needs an
// answer even from a short phrase; GuessLanguage says when the answer is
// clear.
func Language(text string) string {
	counts, _, _ := countLanguages(text)
	best, n := "en", 0
	for _, l := range Languages() {
		if counts[l] > n {
			best, n = l, counts[l]
		}
	}
	return best
}

// GuessLanguage is Language for a verdict that must not be wrong: it
// returns "" rather than a doubtful answer, when text has fewer than 50
// words, when the leading language has fewer than twice the stop words of
// the next, or when they make less than one word in twenty of the words
// read. The fetch gates use it to refuse a page served in the wrong
// language, where a wrong verdict would throw a good version away.
//
// It also returns how many leading bytes of text the guess depends on: any
// text that begins with those bytes gets the same guess when read <
// len(text), and only the same text when read == len(text). That lets a
// caller guessing the versions of one policy, which mostly begin alike,
// skip those whose beginning it has seen.
func GuessLanguage(text string) (lang string, read int) {
	counts, words, read := countLanguages(text)
	best, second := "", 0
	for _, l := range Languages() {
		switch n := counts[l]; {
		case best == "" || n > counts[best]:
			if best != "" {
				second = counts[best]
			}
			best = l
		case n > second:
			second = n
		}
	}
	if words < 50 || counts[best] < 2*second || counts[best]*20 < words {
		return "", read
	}
	return best, read
}
