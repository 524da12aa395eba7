package tracker

import (
	"fmt"
	"mime"
	"strings"
	"sync"
	"unicode"

	"github.com/clausewatch/clausewatch/policy"
)

// Reasons a fetch is suspect. They are stored as the fetch's error class, so
// they are stable strings an operator can filter on.
const (
	reasonHTTPStatus  = "http-status"
	reasonEmpty       = "empty"
	reasonContentType = "content-type"
	reasonNoMatch     = "no-match"
	reasonErrorPage   = "error-page"
	reasonShrunk      = "shrunk"
	reasonLanguage    = "language"
	reasonUnreadable  = "unreadable"
)

// suspectError is a gate's verdict: the fetch worked but its content must not
// become a version.
type suspectError struct {
	class, reason string
}

func (e *suspectError) Error() string { return e.class + ": " + e.reason }

func suspect(class, format string, args ...any) *suspectError {
	return &suspectError{class: class, reason: fmt.Sprintf(format, args...)}
}

// checkContentType refuses bodies that are not HTML or text: a PDF, an image
// or a JSON error from a CDN would otherwise be read as a policy.
func checkContentType(ct string) *suspectError {
	if ct == "" {
		return nil
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return suspect(reasonContentType, "unreadable Content-Type %q", ct)
	}
	if strings.HasPrefix(mt, "text/") || mt == "application/xhtml+xml" {
		return nil
	}
	return suspect(reasonContentType, "Content-Type %s is not HTML or text", mt)
}

// errorPhrases are what error, login and captcha pages say, in English and
// Spanish. A real policy may mention "access denied" in passing, so the
// phrases count only in the page title or in a short text.
var errorPhrases = []string{
	"page isn't available", "page is not available", "page not found", "not found",
	"404", "403 forbidden", "access denied", "something went wrong", "temporarily unavailable",
	"service unavailable", "captcha", "are you a robot", "verify you are human",
	"log in to continue", "log into facebook", "you must log in", "please log in", "sign in to continue",
	"esta página no está disponible", "página no encontrada", "acceso denegado",
	"algo salió mal", "inicia sesión para continuar",
}

// shortText is the length under which a whole page is checked for error
// phrases. Every tracked policy is far longer; error pages are shorter.
const shortText = 1500

// checkErrorPage catches an error page served with status 200.
func checkErrorPage(title, text string) *suspectError {
	lt := strings.ToLower(policy.Normalize(title))
	for _, p := range errorPhrases {
		if strings.Contains(lt, p) {
			return suspect(reasonErrorPage, "page title %q reads as an error page", title)
		}
	}
	if len(text) > shortText {
		return nil
	}
	lx := strings.ToLower(text)
	for _, p := range errorPhrases {
		if strings.Contains(lx, p) {
			return suspect(reasonErrorPage, "page text reads as an error page (%q)", p)
		}
	}
	return nil
}

// checkShrink refuses a text less than half as long as the last version: a
// policy rarely halves overnight, a broken template or a partial render does.
// A later observation of about the same length (within a factor of two)
// shows that the new size is real rather than one broken capture.
func checkShrink(newLen, lastLen, confirmLen int) *suspectError {
	if confirmLen > 0 && confirmLen*2 >= newLen && confirmLen <= newLen*2 {
		return nil
	}
	if lastLen > 0 && newLen*2 < lastLen {
		return suspect(reasonShrunk, "text shrank from %d to %d bytes (more than half)", lastLen, newLen)
	}
	return nil
}

// stopwords are frequent function words, enough to tell apart the languages
// the tracked policies come in.
var stopwords = map[string][]string{
	"en": {"the", "and", "of", "to", "you", "your", "we", "with", "for", "our", "that", "this", "is", "are"},
	"es": {"el", "la", "los", "las", "de", "y", "que", "en", "con", "para", "tu", "nuestros", "por", "del"},
	"fr": {"le", "la", "les", "des", "et", "vous", "nous", "avec", "pour", "vos", "est", "sont", "du", "une"},
	"pt": {"o", "os", "as", "de", "e", "que", "em", "com", "para", "você", "seus", "nós", "do", "da"},
	"de": {"der", "die", "das", "und", "sie", "wir", "mit", "für", "ihre", "ist", "sind", "den", "von", "zu"},
}

// stopwordLangs maps each stop word to the languages it belongs to; it is
// built on first use (most commands never guess a language) and only read.
var stopwordLangs = sync.OnceValue(func() map[string][]string {
	m := map[string][]string{}
	for lang, ws := range stopwords {
		for _, w := range ws {
			m[w] = append(m[w], lang)
		}
	}
	return m
})

// guessLanguage returns the language whose function words dominate the first
// 2,000 words of text, or "" when there are too few words to tell or no
// clear winner.
func guessLanguage(text string) string {
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

// checkLanguage refuses a text that reads as another language than the
// document's: a geo-redirect or a cookie-less request can serve the wrong
// translation, which would otherwise look like a complete rewrite.
func checkLanguage(want, text string) *suspectError {
	want, _, _ = strings.Cut(strings.ToLower(want), "-")
	if want == "" || stopwords[want] == nil {
		return nil
	}
	got := guessLanguage(text)
	if got != "" && got != want {
		return suspect(reasonLanguage, "text reads as %q, document language is %q", got, want)
	}
	return nil
}
