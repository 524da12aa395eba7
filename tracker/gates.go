package tracker

import (
	"fmt"
	"mime"
	"slices"
	"strings"

	"github.com/clausewatch/clausewatch/policy"
	"github.com/clausewatch/clausewatch/topics"
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
// Later fetches of the same text show that the new size is real rather than
// one broken capture (see confirmHeld).
func checkShrink(newLen, lastLen int) *suspectError {
	if lastLen > 0 && newLen*2 < lastLen {
		return suspect(reasonShrunk, "text shrank from %d to %d bytes (more than half)", lastLen, newLen)
	}
	return nil
}

// guessLanguage is topics.GuessLanguage without the bytes it read: the
// language whose stop words clearly dominate the first 2,000 words of text,
// or "" when there are too few words to tell or no clear winner, so that the
// gate refuses a page only when it is sure.
func guessLanguage(text string) string {
	lang, _ := topics.GuessLanguage(text)
	return lang
}

// languageGuesser is guessLanguage for a sequence of texts that mostly
// begin alike, as the versions of one policy do: a text whose first read
// bytes are those the previous guess read gets that guess without reading
// it again. It is not safe for concurrent use.
type languageGuesser struct {
	read string // the bytes the last guess read
	full bool   // the last guess read its whole text
	lang string
}

func (g *languageGuesser) guess(text string) string {
	if g.read != "" && strings.HasPrefix(text, g.read) && (!g.full || len(text) == len(g.read)) {
		return g.lang
	}
	lang, n := topics.GuessLanguage(text)
	g.read, g.full, g.lang = text[:n], n == len(text), lang
	return lang
}

// checkLanguage refuses a text that reads as another language than the
// document's: a geo-redirect or a cookie-less request can serve the wrong
// translation, which would otherwise look like a complete rewrite.
func checkLanguage(want, text string) *suspectError {
	return checkLanguageWith(want, text, guessLanguage)
}

// checkLanguageWith is checkLanguage with the guess made by guess.
func checkLanguageWith(want, text string, guess func(string) string) *suspectError {
	want, _, _ = strings.Cut(strings.ToLower(want), "-")
	if want == "" || !slices.Contains(topics.Languages(), want) {
		return nil
	}
	got := guess(text)
	if got != "" && got != want {
		return suspect(reasonLanguage, "text reads as %q, document language is %q", got, want)
	}
	return nil
}
