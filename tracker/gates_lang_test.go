package tracker

import (
	"math/rand"
	"strings"
	"testing"
)

// TestLanguageGuesser replays sequences of texts that share prefixes of
// every length around the 2,000 words guessLanguage reads, and checks the
// cached languageGuesser against guessLanguage itself. (topics holds
// GuessLanguage to its specification, and the bytes it says it read.)
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
		{"2,000th word before an apostrophe", []string{exact + "' tail", exact + "'s tail", exact + "'", exact + "' tail"}},
		{"text ends on the 2,000th word", []string{exact, exact + " more", exact, exact + "x"}},
		{"2,000th word decides", []string{edge + "the tail", edge + "thes tail", edge + "the", edge + "the tail", edge + "the's tail", edge + "l'the tail"}},
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
		text = text[:at] + []string{" los ", " las y ", "x", " ", "de ", "'", " l'"}[r.Intn(7)] + text[at:]
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
				want := guessLanguage(text)
				if got := g.guess(text); got != want {
					t.Fatalf("text %d: languageGuesser = %q, want %q", i, got, want)
				}
			}
		})
	}
}
