package topics

import (
	"strings"
	"sync"
)

// compiledLexicons returns every language's compiled lexicon, built on
// first use and only read afterwards: compiling takes about a millisecond,
// which every command would otherwise pay at start-up, also those that
// never classify a clause.
var compiledLexicons = sync.OnceValue(func() map[string]*compiled {
	return map[string]*compiled{
		"en": compileLexicon("en", english),
		"es": compileLexicon("es", spanish),
		"pt": compileLexicon("pt", portuguese),
		"fr": compileLexicon("fr", french),
		"de": compileLexicon("de", german),
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

// Language guesses the language of text among those with a lexicon by
// counting frequent words peculiar to each; it returns "en" when nothing
// tells. It is meant for a clause or a page whose language is not
// configured, not for short phrases of mixed languages.
func Language(text string) string {
	counts := map[string]int{}
	for _, t := range tokenize(text) {
		if l, ok := stopwords[t.word]; ok {
			counts[l]++
		}
	}
	best, n := "en", 0
	for _, l := range Languages() {
		if counts[l] > n {
			best, n = l, counts[l]
		}
	}
	return best
}
