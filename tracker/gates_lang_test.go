package tracker

import (
	"math/rand"
	"strings"
	"testing"
	"unicode"
)

// guessLanguageFields is guessLanguage as first written, with
// strings.FieldsFuncSeq: the specification guessLanguageRead's own word
// scanner is held to.
func guessLanguageFields(text string) string {
	counts := map[string]int{}
	words := 0
	for w := range strings.FieldsFuncSeq(text, func(r rune) bool { return !unicode.IsLetter(r) }) {
		words++
		for _, lang := range stopwordLangs()[strings.ToLower(w)] {
			counts[lang]++
		}
		if words >= 2000 {
			break
		}
	}
	best, second := "", 0
	for lang, n := range counts {
		if best == "" || n > counts[best] || (n == counts[best] && lang < best) {
			if best != "" {
				second = max(second, counts[best])
			}
			best = lang
		} else {
			second = max(second, n)
		}
	}
	if words < 50 || counts[best] < 2*second || counts[best]*20 < words {
		return ""
	}
	return best
}

// TestLanguageGuesser replays sequences of texts that share prefixes of
// every length around the 2,000 words guessLanguage reads, and checks
// guessLanguage and the cached languageGuesser against the specification.
func TestLanguageGuesser(t *testing.T) {
	en := strings.Repeat("We share your information with the Meta Companies and our partners. ", 400)
	es := strings.Repeat("Compartimos tu información con las demás empresas de Meta y con nuestros socios. ", 200)
	words := strings.Fields(en)
	// exact is exactly 2,000 words, the last one ending the text.
	exact := strings.Join(words[:2000], " ")
	// edge is 1,999 words and 99 "the": one more "the" as the 2,000th word
	// makes it English (100 of 2,000), anything else leaves it unknown.
	edge := strings.Repeat("the ", 99) + strings.Repeat("zz ", 1900)
	tests := []struct {
		name  string
		texts []string
	}{
		{"same text", []string{en, en, en}},
		{"edit after the words read", []string{en, en + " los las el", en[:len(en)-40] + es}},
		{"edit inside the words read", []string{en, es[:3000] + en[3000:], en}},
		{"2,000th word longer", []string{exact + " tail", exact + "s tail", exact + "s", exact}},
		{"text ends on the 2,000th word", []string{exact, exact + " more", exact, exact + "x"}},
		{"2,000th word decides", []string{edge + "the tail", edge + "thes tail", edge + "the", edge + "the tail"}},
		{"whole short text read, then extended", []string{strings.Repeat("the and of ", 20), strings.Repeat("the and of ", 20) + strings.Repeat("los las el ", 40)}},
		{"short texts", []string{"We share.", "We share. ", "", "We", strings.Repeat("los ", 60), strings.Repeat("los ", 61)}},
		{"invalid UTF-8 and marks", []string{"the \xff and\u0301 of " + en, "the \xff and\u0301 of " + es}},
	}
	r := rand.New(rand.NewSource(1))
	var random []string
	text := en[:20000]
	for range 200 {
		// Spanish words spliced in anywhere, near the read limit most often.
		at := r.Intn(len(text))
		if r.Intn(2) == 0 {
			at = min(len(text), max(0, len(exact)-200+r.Intn(400)))
		}
		text = text[:at] + []string{" los ", " las y ", "x", " ", "de "}[r.Intn(5)] + text[at:]
		if r.Intn(10) == 0 {
			text = text[:r.Intn(len(text))]
		}
		random = append(random, text)
	}
	tests = append(tests, struct {
		name  string
		texts []string
	}{"random edits", random})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var g languageGuesser
			for i, text := range tt.texts {
				want := guessLanguageFields(text)
				if got := guessLanguage(text); got != want {
					t.Fatalf("text %d: guessLanguage = %q, want %q", i, got, want)
				}
				if got := g.guess(text); got != want {
					t.Fatalf("text %d: languageGuesser = %q, want %q", i, got, want)
				}
			}
		})
	}
}
