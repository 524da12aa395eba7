package topics

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// lexiconSets returns every phrase list of every lexicon, and of their
// topic rules, with a few lists of stems of one byte or none, which let
// any word start a phrase.
func lexiconSets() map[string][]string {
	out := map[string][]string{
		"short stems": {"a*", "x", "data", "of the"},
		"empty stem":  {"* data", "we"},
	}
	for lang, l := range map[string]lexicon{"en": english, "es": spanish, "pt": portuguese, "fr": french, "de": german} {
		v := reflect.ValueOf(l)
		for i := range v.NumField() {
			f := v.Field(i)
			if f.Kind() != reflect.Slice || f.Type().Elem().Kind() != reflect.String {
				continue
			}
			var entries []string
			for k := range f.Len() {
				entries = append(entries, f.Index(k).String())
			}
			out[lang+" "+v.Type().Field(i).Name] = entries
		}
		for _, r := range l.topics {
			out[lang+" "+r.topic+" any"] = r.any
			out[lang+" "+r.topic+" with"] = r.with
		}
	}
	return out
}

// findPlain is lexset.find without the starts filter.
func (l *lexset) findPlain(toks []token) []hit {
	var hits []hit
	for i := range toks {
		best := hit{from: -1}
		w := toks[i].word
		for _, k := range l.exact[w] {
			best = l.better(best, k, toks, i)
		}
		for _, n := range l.lens {
			if n <= len(w) {
				for _, k := range l.stem[w[:n]] {
					best = l.better(best, k, toks, i)
				}
			}
		}
		if best.from >= 0 {
			hits = append(hits, best)
		}
	}
	return hits
}

// TestLexsetFilter holds find and has, which pass over the tokens whose
// first two bytes no phrase starts with, to the plain lookup of every
// token, on texts made of the phrases' own words (so that most phrases
// are found), of those words cut short or extended, and of other words.
func TestLexsetFilter(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	found := 0
	for name, entries := range lexiconSets() {
		l := compileSet(entries)
		var words []string
		for _, e := range entries {
			text, _, _ := strings.Cut(e, "=>")
			for _, w := range strings.Fields(text) {
				w = strings.TrimSuffix(w, "*")
				words = append(words, w, w+"s", w+"ing", strings.ToUpper(w))
				if len(w) > 1 {
					words = append(words, w[:1], w[:len(w)-1])
				}
			}
		}
		words = append(words, "we", "the", "é", "ñu", "zz", "a", "x", "of")
		for range 30 {
			var b strings.Builder
			for range 40 {
				b.WriteString(words[rng.IntN(len(words))])
				b.WriteString([]string{" ", " ", ", ", ". ", " "}[rng.IntN(5)])
			}
			toks := tokenize(b.String())
			got, want := l.find(toks), l.findPlain(toks)
			if !slices.Equal(got, want) {
				t.Fatalf("%s: find(%q) = %v, want %v", name, b.String(), got, want)
			}
			found += len(want)
			for i := range toks {
				h := hit{from: i, to: i + 1}
				plain := false
				for _, p := range l.findPlain(toks[i:]) {
					plain = plain || p.from == 0
				}
				if got := l.has(toks, h); got != plain {
					t.Fatalf("%s: has(%q at %d) = %v, want %v", name, b.String(), i, got, plain)
				}
			}
		}
	}
	if found == 0 {
		t.Fatal("no phrase found: the test compares nothing")
	}
}

// tokenizePlain is tokenize folding every word through the builder, as it
// did before plain lower-case ASCII words were taken from the text.
func tokenizePlain(text string) []token {
	toks := make([]token, 0, len(text)/5)
	var b strings.Builder
	sentence := 0
	i := 0
	for i < len(text) {
		r, size := utf8.DecodeRuneInString(text[i:])
		if isWordRune(r) {
			start, end := i, i
			b.Reset()
			for i < len(text) {
				r, size = utf8.DecodeRuneInString(text[i:])
				if isWordRune(r) {
					foldInto(&b, r)
					i += size
					end = i
					continue
				}
				if isApostrophe(r) && i+size < len(text) {
					if next, _ := utf8.DecodeRuneInString(text[i+size:]); isWordRune(next) {
						i += size
						if isElision(b.String()) {
							break
						}
						b.WriteByte('\'')
						continue
					}
				}
				break
			}
			first, _ := utf8.DecodeRuneInString(text[start:])
			toks = append(toks, token{start: start, end: end, word: b.String(), sentence: sentence, title: unicode.IsUpper(first)})
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
			if n := len(toks); n > 0 && (i+1 == len(text) || strings.ContainsRune(" \n\t", rune(text[i+1]))) {
				toks[n-1].colon = true
			}
		}
		i += size
	}
	return toks
}

// TestTokenizePlainWords holds tokenize to tokenizePlain on texts mixing
// lower- and upper-case ASCII, digits, accents, elisions and apostrophes
// of both kinds, abbreviations and questions.
func TestTokenizePlainWords(t *testing.T) {
	pieces := []string{"we", "share", "Data", "WITH", "n'échangeons", "l'app", "don't", "don’t", "it's", "qu'il", "e.g.", "Inc.",
		"3rd", "42", "información", "Übermittlung", "straße", "ÇA", "x", "é", "'", "’", "?", "¿", ".", ";", "\n", "•", "|", "-", "third-party",
		"mañana", "a1b2", "Z", "l'", "d'", "o'clock", "rock'n'roll", "K\u0301", "\u212a", ":", "http://x", "L'App"}
	rng := rand.New(rand.NewPCG(8, 1))
	for k := range 2000 {
		var b strings.Builder
		for range 1 + rng.IntN(12) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
			if rng.IntN(3) > 0 {
				b.WriteByte(' ')
			}
		}
		text := b.String()
		if got, want := tokenize(text), tokenizePlain(text); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("text %d %q:\n got %v\nwant %v", k, text, got, want)
		}
	}
}

// TestTokenizeSentenceBoundaries checks where sentences end, in particular
// at the separators extraction writes between table cells (" | ") and
// between the items of a cell or touching links (" • "), so that no phrase
// is read across them.
func TestTokenizeSentenceBoundaries(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []int // the sentence of each word
	}{
		{"period", "We share. You opt", []int{0, 0, 1, 1}},
		{"abbreviation", "e.g. vendors", []int{0, 0, 0}},
		{"cell boundary", "Device signals | Information shared", []int{0, 0, 1, 1}},
		{"item boundary", "other users’ • Device signals • Information shared", []int{0, 0, 1, 1, 2, 2}},
		{"hyphen is no boundary", "third-party apps", []int{0, 0, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []int
			for _, tok := range tokenize(tt.text) {
				got = append(got, tok.sentence)
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("sentences of %q = %v, want %v", tt.text, got, tt.want)
			}
		})
	}
}
