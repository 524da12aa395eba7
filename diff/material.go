package diff

import (
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"
)

// dateLead matches the start of the "Last modified" / "Effective" line that
// every policy update rewrites, in English and Spanish.
var dateLead = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?i)^\W*(last\s+(modified|updated|revised|revision)|date\s+of\s+last\s+(revision|update|modification)|effective(\s+date|\s+as\s+of|\s+from|\s+on)?|(this\s+policy\s+was\s+)?(updated|revised)(\s+on)?|fecha\s+de\s+(entrada\s+en\s+vigor|(la\s+)?última\s+(modificación|actualización|revisión))|última\s+(modificación|actualización|revisión)|en\s+vigor\s+desde|vigente\s+desde|actualizad[oa]\s+el|derni[eè]re\s+(modification|mise\s+[àa]\s+jour)|en\s+vigueur(\s+(depuis|le|à\s+compter\s+du))?|date\s+d['’]entr[ée]e\s+en\s+vigueur)\b`)
})

// maxDateLine bounds the length of a date line: a long clause that happens
// to start with "Effective" is a clause, not a date line.
const maxDateLine = 160

// monthNumber reads an English, Spanish or French month name or
// abbreviation, lower-cased.
func monthNumber(name string) (time.Month, bool) {
	switch name {
	case "january", "jan", "enero", "ene", "janvier", "janv":
		return time.January, true
	case "february", "feb", "febrero", "février", "fevrier", "févr", "fevr":
		return time.February, true
	case "march", "mar", "marzo", "mars":
		return time.March, true
	case "april", "apr", "abril", "abr", "avril", "avr":
		return time.April, true
	case "may", "mayo", "mai":
		return time.May, true
	case "june", "jun", "junio", "juin":
		return time.June, true
	case "july", "jul", "julio", "juillet", "juil":
		return time.July, true
	case "august", "aug", "agosto", "ago", "août", "aout":
		return time.August, true
	case "september", "sep", "sept", "septiembre", "setiembre", "septembre":
		return time.September, true
	case "october", "oct", "octubre", "octobre":
		return time.October, true
	case "november", "nov", "noviembre", "novembre":
		return time.November, true
	case "december", "dec", "diciembre", "dic", "décembre", "decembre", "déc":
		return time.December, true
	}
	return 0, false
}

var (
	monthDayYear = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?i)\b([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b`)
	})
	dayMonthYear = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?i)\b(\d{1,2})(?:st|nd|rd|th|er|º|°)?\s+(?:de\s+)?([a-záéíóúàâçèêëîïôûùü]+)\.?,?\s+(?:de(?:l)?\s+)?(\d{4})\b`)
	})
	isoDate = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\b(\d{4})-(\d{2})-(\d{2})\b`) })
)

// parseDate finds the first date in s written as "January 04, 2021",
// "4 January 2021", "4 de enero de 2021" or "2021-01-04", and returns it as
// YYYY-MM-DD with its byte span in s; ok is false when there is none.
func parseDate(s string) (date string, start, end int, ok bool) {
	type found struct {
		at, end int
		y, m, d int
	}
	var best *found
	try := func(at, end int, y, m, d string, month time.Month) {
		yy, err1 := strconv.Atoi(y)
		dd, err2 := strconv.Atoi(d)
		mm := int(month)
		if m != "" {
			var err error
			if mm, err = strconv.Atoi(m); err != nil {
				return
			}
		}
		if err1 != nil || err2 != nil || mm < 1 || mm > 12 || dd < 1 || yy < 1990 || yy > 2200 {
			return
		}
		t := time.Date(yy, time.Month(mm), dd, 0, 0, 0, 0, time.UTC)
		if t.Day() != dd || best != nil && best.at <= at {
			return
		}
		best = &found{at, end, yy, mm, dd}
	}
	for _, m := range monthDayYear().FindAllStringSubmatchIndex(s, -1) {
		if month, ok := monthNumber(strings.ToLower(s[m[2]:m[3]])); ok {
			try(m[0], m[1], s[m[6]:m[7]], "", s[m[4]:m[5]], month)
		}
	}
	for _, m := range dayMonthYear().FindAllStringSubmatchIndex(s, -1) {
		if month, ok := monthNumber(strings.ToLower(s[m[4]:m[5]])); ok {
			try(m[0], m[1], s[m[6]:m[7]], "", s[m[2]:m[3]], month)
		}
	}
	for _, m := range isoDate().FindAllStringSubmatchIndex(s, -1) {
		try(m[0], m[1], s[m[2]:m[3]], s[m[4]:m[5]], s[m[6]:m[7]], 0)
	}
	if best == nil {
		return "", 0, 0, false
	}
	return time.Date(best.y, time.Month(best.m), best.d, 0, 0, 0, 0, time.UTC).Format(time.DateOnly), best.at, best.end, true
}

// dateLineDate reports whether text is a "Last modified" / "Effective" line
// and returns the date it gives ("" when it gives none, as in a bare
// "Last updated" heading).
func dateLineDate(text string) (date string, ok bool) {
	if len(text) > maxDateLine || !dateLeadWord(text) {
		return "", false
	}
	lead := dateLead().FindStringIndex(text)
	if lead == nil {
		return "", false
	}
	rest := text[lead[1]:]
	d, start, end, found := parseDate(rest)
	if found {
		rest = rest[:start] + " " + rest[end:]
	}
	// Besides its lead and its date, a date line says little: "(archived
	// versions)", "of this Privacy Policy". "Effective immediately, we
	// share ..." and "Updated Terms" are clauses.
	if n := len(strings.Fields(loose(rest))); !found && n > 0 || n > maxDateLineWords {
		return "", false
	}
	return d, true
}

// dateLeadWord reports whether text starts with a word dateLead can start
// with: a cheap test that spares most clauses the expression.
func dateLeadWord(text string) bool {
	// Most clauses start with an ASCII word, read here without decoding
	// or lower-casing: EffectiveDate runs this on every clause of every
	// version until it finds a date line.
	n := 0
	for n < len(text) && isASCIILetter(text[n]) {
		n++
	}
	if n > 0 && (n == len(text) || text[n] < utf8.RuneSelf) {
		// The whole first word is ASCII letters (the byte after it is
		// ASCII and not a letter), which lower-case to ASCII.
		switch n {
		case 2:
			return strings.EqualFold(text[:n], "en")
		case 4:
			return strings.EqualFold(text[:n], "last") || strings.EqualFold(text[:n], "date") || strings.EqualFold(text[:n], "this")
		case 5:
			return strings.EqualFold(text[:n], "fecha")
		case 7:
			return strings.EqualFold(text[:n], "updated") || strings.EqualFold(text[:n], "revised") || strings.EqualFold(text[:n], "vigente")
		case 9:
			return strings.EqualFold(text[:n], "effective")
		case 11:
			return strings.EqualFold(text[:n], "actualizado") || strings.EqualFold(text[:n], "actualizada")
		}
		return false
	}
	w := strings.TrimLeftFunc(text, func(r rune) bool { return !unicode.IsLetter(r) })
	if k := strings.IndexFunc(w, func(r rune) bool { return !unicode.IsLetter(r) }); k >= 0 {
		w = w[:k]
	}
	switch strings.ToLower(w) {
	case "last", "date", "effective", "this", "updated", "revised", "fecha", "última", "en", "vigente", "actualizado", "actualizada", "dernière":
		return true
	}
	return false
}

func isASCIILetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

// maxDateLineWords bounds the words a date line has besides its lead and its
// date.
const maxDateLineWords = 6

// EffectiveDate returns the date of the first "Last modified" / "Effective"
// line among the clauses ("Last modified: January 04, 2021", "Effective
// March 20, 2025", "Fecha de entrada en vigor: 4 de enero de 2021") as
// YYYY-MM-DD, or "" when the version states none. It is the version's own
// date, which is what a journalist cites, not the day it was fetched.
func EffectiveDate(cs []Clause) string {
	for _, c := range cs {
		if d, ok := dateLineDate(c.Text); ok && d != "" {
			return d
		}
	}
	return ""
}

// dateHint is what a Comparer knows of effective dates from one
// comparison to the next, so that the next version's date is found
// without reading again the clauses before it that the last version had
// too, nor parsing again the line that gave it.
type dateHint struct {
	// oldKnown is set when old is the last new version, whose date
	// oldDate was found at clause oldAt (-1: none).
	oldKnown bool
	oldDate  string
	oldAt    int
	// newAt is where effectiveDates found new's date (-1: none).
	newAt int
	// text is the last line that gave a date, date that date ("" until
	// one did).
	text, date string
}

// effectiveDates returns EffectiveDate(old) and EffectiveDate(new).
func (h *dateHint) effectiveDates(old, new []Clause) Dates {
	var out Dates
	from := 0
	if h.oldKnown {
		out.Old = h.oldDate
		// The clauses new shares with old before their first difference
		// hold no date line before old's.
		p := 0
		for p < min(len(old), len(new)) && old[p].Text == new[p].Text {
			p++
		}
		if h.oldAt >= 0 && h.oldAt < p {
			h.newAt = h.oldAt
			out.New = h.oldDate
			return out
		}
		from = p
	} else {
		out.Old = EffectiveDate(old)
	}
	h.newAt = -1
	for k := from; k < len(new); k++ {
		t := new[k].Text
		if h.date != "" && t == h.text {
			h.newAt, out.New = k, h.date
			break
		}
		if d, ok := dateLineDate(t); ok && d != "" {
			h.text, h.date = t, d
			h.newAt, out.New = k, d
			break
		}
	}
	return out
}

// listMarker matches a leading list number or letter: "1.", "2)", "(a)",
// "iv.".
var listMarker = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^\(?(\d{1,3}|[a-zA-Z]|[ivxlcIVXLC]{1,5})[.)]\s+`) })

// refNumber matches a footnote reference such as "[12]", which archives
// write for a page's glossary links and renumber whenever one is added.
var refNumber = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\[\d{1,3}\]`) })

// urlText matches a URL written in the text.
var urlText = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?i)\b(?:https?://|www\.)[^\s<>"]+`) })

// loose returns what a reader would call the words of s: its letters and
// digits, lower-cased, one space between words, after dropping a leading
// list marker and footnote references ("[12]") and reducing URLs to their host and path (a link's query, such
// as its tracking parameters, and its scheme are not the policy's words).
// Two texts with equal loose forms differ only cosmetically.
func loose(s string) string {
	// The checks before each expression skip it for most clauses: loose
	// runs on every clause of every change.
	if k := strings.IndexAny(s, ".)"); k >= 0 && k < 8 {
		s = listMarker().ReplaceAllString(s, "")
	}
	if strings.Contains(s, "[") {
		s = refNumber().ReplaceAllString(s, " ")
	}
	if !strings.Contains(s, "http") && !strings.Contains(s, "www.") && !strings.Contains(s, "WWW.") && !strings.Contains(s, "HTTP") {
		return letters(s)
	}
	s = urlText().ReplaceAllStringFunc(s, func(u string) string {
		u = strings.TrimRight(u, `.,;:!?)]}'’”`)
		if k := strings.IndexAny(u, "?#"); k >= 0 {
			u = u[:k]
		}
		u = strings.TrimPrefix(strings.TrimPrefix(strings.ToLower(u), "https://"), "http://")
		return strings.TrimSuffix(strings.TrimPrefix(u, "www."), "/")
	})
	return letters(s)
}

// letters keeps the letters and digits of s, lower-cased, one space between
// words.
func letters(s string) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(unicode.ToLower(r))
		case unicode.IsSpace(r):
			space = true
		}
	}
	return b.String()
}

// materialText reports whether changing old into new says something new.
// It does not when only whitespace, punctuation, case, quote style, list
// or footnote numbering or a URL's query changed, or when both are date lines ("Last
// modified: ..."): the new date is reported as effective_date instead.
// An empty side stands for an added or removed clause, which is cosmetic
// only when it has no words or is a date line.
func materialText(old, new string) bool {
	_, oldDate := dateLineDate(old)
	_, newDate := dateLineDate(new)
	switch {
	case old == "" && new == "":
		return false
	case old == "":
		return !newDate && loose(new) != ""
	case new == "":
		return !oldDate && loose(old) != ""
	case oldDate && newDate:
		return false
	}
	return loose(old) != loose(new)
}
