package topics

import (
	"math/rand"
	"strings"
	"testing"
)

// guessLanguageTokens is GuessLanguage written the plain way, over the
// first 2,000 words tokenize cuts: the specification GuessLanguage's own
// scan, its word limit and its verdict are held to.
func guessLanguageTokens(text string) string {
	toks := tokenize(text)
	toks = toks[:min(len(toks), 2000)]
	counts := map[string]int{}
	for _, tk := range toks {
		if l, ok := stopwords[tk.word]; ok {
			counts[l]++
		}
	}
	best := Languages()[0]
	for _, l := range Languages() {
		if counts[l] > counts[best] {
			best = l
		}
	}
	second := 0
	for _, l := range Languages() {
		if l != best {
			second = max(second, counts[l])
		}
	}
	if len(toks) < 50 || counts[best] < 2*second || counts[best]*20 < len(toks) {
		return ""
	}
	return best
}

// languageTexts are texts around the limits of GuessLanguage: the 50 words
// it needs, the 2,000 it reads (with the 2,000th word ended by a space, an
// apostrophe or an elision), and edits in and past what it reads.
func languageTexts() []string {
	en := strings.Repeat("We share your information with the Meta Companies and our partners. ", 400)
	es := strings.Repeat("Compartimos tu información con las demás empresas de Meta y con nuestros socios. ", 200)
	words := strings.Fields(en)
	// exact is exactly 2,000 words, the last one ending the text.
	exact := strings.Join(words[:2000], " ")
	// edge is 1,999 words and 99 "the": one more "the" as the 2,000th word
	// makes it English (100 of 2,000), anything else leaves it unknown.
	edge := strings.Repeat("the ", 99) + strings.Repeat("zz ", 1900)
	texts := []string{
		en, es, en + " los las el", en[:len(en)-40] + es, es[:3000] + en[3000:],
		exact, exact + " tail", exact + "s tail", exact + "s", exact + "x", exact + " more",
		exact + "' tail", exact + "'s tail", exact + "’s", exact + "'",
		edge + "the tail", edge + "thes tail", edge + "the", edge + "the's tail", edge + "the' tail",
		edge + "l'the tail", edge + "2021 the",
		strings.Repeat("the and of ", 20), strings.Repeat("the and of ", 20) + strings.Repeat("los las el ", 40),
		"We share.", "We share. ", "", "We", strings.Repeat("los ", 60), strings.Repeat("los ", 61),
		"the \xff and\u0301 of " + en, "the \xff and\u0301 of " + es,
		strings.Repeat("Nous partageons vos informations avec les autres entreprises de Meta et nos partenaires. ", 10),
		strings.Repeat("Wir teilen Ihre Daten mit den anderen Meta-Unternehmen und verkaufen sie nicht. ", 10),
		strings.Repeat("Nós não vendemos os seus dados e você pode excluir a sua conta. ", 10),
	}
	r := rand.New(rand.NewSource(1))
	text := en[:20000]
	for range 200 {
		// Spanish words and apostrophes spliced in anywhere, near the
		// read limit most often.
		at := r.Intn(len(text) + 1)
		if r.Intn(2) == 0 {
			at = min(len(text), max(0, len(exact)-200+r.Intn(400)))
		}
		text = text[:at] + []string{" los ", " las y ", "x", " ", "de ", "'", "’s ", " l'"}[r.Intn(8)] + text[at:]
		if r.Intn(10) == 0 {
			text = text[:r.Intn(len(text)+1)]
		}
		texts = append(texts, text)
	}
	return texts
}

// TestGuessLanguageSpec checks GuessLanguage against its specification,
// and that every text beginning with the bytes it says it read gets the
// same guess, which the tracker's cache of guesses relies on.
func TestGuessLanguageSpec(t *testing.T) {
	for i, text := range languageTexts() {
		lang, read := GuessLanguage(text)
		if want := guessLanguageTokens(text); lang != want {
			t.Fatalf("text %d: GuessLanguage = %q, want %q", i, lang, want)
		}
		if read < 0 || read > len(text) {
			t.Fatalf("text %d: read %d of %d bytes", i, read, len(text))
		}
		if read == len(text) {
			continue
		}
		for _, tail := range []string{"", "x", "s", "'", "'s", "’s tail", " l'x", " los las el de la", "\xff"} {
			if got, _ := GuessLanguage(text[:read] + tail); got != lang {
				t.Fatalf("text %d: the first %d bytes read %q, but followed by %q they read %q", i, read, lang, tail, got)
			}
		}
	}
}

func TestGuessLanguage(t *testing.T) {
	tests := []struct{ name, text, want string }{
		{"english", strings.Repeat("We share your information with the Meta Companies and our partners. ", 10), "en"},
		{"spanish", strings.Repeat("Compartimos tu información con las demás empresas de Meta y con nuestros socios. ", 10), "es"},
		{"french", strings.Repeat("Nous partageons vos informations avec les autres entreprises de Meta et nos partenaires. ", 10), "fr"},
		{"german", strings.Repeat("Wir teilen Ihre Daten mit den anderen Meta-Unternehmen und verkaufen sie nicht. ", 10), "de"},
		{"portuguese", strings.Repeat("Nós não vendemos os seus dados e você pode excluir a sua conta. ", 10), "pt"},
		{"too short", "We share your information with the Meta Companies.", ""},
		{"no clear winner", strings.Repeat("We share your data. Compartimos tus datos con nuestros socios. ", 10), ""},
		{"too few stop words", strings.Repeat("WhatsApp Meta Facebook Instagram Messenger 2021 ", 20) + "the and", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, _ := GuessLanguage(tt.text); got != tt.want {
				t.Errorf("GuessLanguage = %q, want %q", got, tt.want)
			}
			// Where GuessLanguage is sure, Language agrees with it.
			if got := Language(tt.text); tt.want != "" && got != tt.want {
				t.Errorf("Language = %q, want %q", got, tt.want)
			}
		})
	}
}
