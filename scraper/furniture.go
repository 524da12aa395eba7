package scraper

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/clausewatch/clausewatch/policy"
)

// Page furniture is the text of a page's controls rather than of its policy:
// "Play Video", "Return to top", a "Learn more" toggle, a skip link. It
// comes and goes with the page's layout and state, and when it entered the
// canonical text every such switch became a material change. Markup reveals
// most of it, and alwaysDrop removes those elements before any text is read;
// the lexicon below catches what markup does not reveal, chiefly in Markdown
// archives, where a button has become a plain link or paragraph.
//
// The lexicon only ever removes a whole block whose entire text is a
// furniture string. A sentence that merely contains "learn more" or "back to
// top" is policy text and is kept word for word: removing words inside a
// sentence would change what the policy says.

// isFurniture reports whether text, the whole normalized text of a
// paragraph or list item, is furniture. Case, trailing punctuation and
// arrows, and a trailing note marker ("Learn more[24]", as Open Terms
// Archive writes the links of Meta's expandable notes) do not matter.
func isFurniture(text string) bool {
	s := trimFurnitureTail(text)
	if s == "" || len(s) > 40 {
		return false
	}
	return furnitureString(strings.ToLower(s))
}

// trimFurnitureTail drops what may follow a control's label: a note marker
// such as "[24]", punctuation and arrows ("Learn more ›", "Back to top ↑",
// "Read more…").
func trimFurnitureTail(s string) string {
	for {
		t := strings.TrimRightFunc(s, func(r rune) bool {
			return unicode.IsSpace(r) || unicode.IsPunct(r) && r != ']' || unicode.IsSymbol(r)
		})
		if strings.HasSuffix(t, "]") {
			if i := strings.LastIndexByte(t, '['); i >= 0 && isDigits(t[i+1:len(t)-1]) {
				t = t[:i]
			}
		}
		if t == s {
			return t
		}
		s = t
	}
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

// furnitureString is the lexicon, in English and Spanish, of the labels of
// controls that pages print as text: media controls, back-to-top and skip
// links, expand and collapse toggles. s is lower case. It is a switch rather
// than a map so that no package state holds it. Only labels that are never a
// policy statement on their own belong here; headings are never checked.
func furnitureString(s string) bool {
	switch s {
	// Media controls.
	case "play video", "play", "pause", "pause video", "replay", "watch video", "mute", "unmute",
		"reproducir vídeo", "reproducir video", "reproducir", "pausa", "pausar", "pausar vídeo",
		"pausar video", "ver vídeo", "ver video", "silenciar", "activar sonido":
		return true
	// Back to top.
	case "back to top", "return to top", "go to top", "scroll to top", "top of page", "to top",
		"top", "back to the top", "return to the top",
		"volver arriba", "volver al inicio", "ir arriba", "ir al inicio", "subir",
		"volver al principio", "inicio de la página", "arriba":
		return true
	// Toggles of notes, tabs and accordions.
	case "learn more", "read more", "see more", "show more", "show less", "see less", "read less",
		"expand", "collapse", "expand all", "collapse all", "more", "less", "close",
		"más información", "saber más", "leer más", "ver más", "mostrar más", "mostrar menos",
		"ver menos", "leer menos", "expandir", "contraer", "expandir todo", "contraer todo",
		"cerrar", "más", "menos":
		return true
	// Skip links.
	case "skip to content", "skip to main content", "skip to navigation", "skip navigation",
		"skip to main", "jump to content",
		"saltar al contenido", "saltar al contenido principal", "ir al contenido",
		"ir al contenido principal", "omitir navegación", "saltar navegación":
		return true
	}
	return false
}

// furnitureKind reports the kinds of block the lexicon applies to:
// paragraphs and list items. A heading named "More" or "Close" is the
// policy's own structure, and a table row is data.
func furnitureKind(k policy.Kind) bool {
	return k == policy.Paragraph || k == policy.ListItem
}

// linkBoundary is written between two links (or inline blocks) whose texts
// touch, as in a row of settings links: "Off-Facebook activity • Cookie
// settings", never "Off-Facebook activityCookie settings". The bullet ends a
// sentence for the topics tokenizer, so no phrase runs from one link into
// the next.
const linkBoundary = " • "

// needsBoundary reports whether text written after prev would glue to it:
// prev ends in something other than white space or an opening bracket, and
// next starts with a letter or digit.
func needsBoundary(prev, next string) bool {
	if prev == "" || next == "" {
		return false
	}
	p, _ := utf8.DecodeLastRuneInString(prev)
	n, _ := utf8.DecodeRuneInString(next)
	if unicode.IsSpace(p) || strings.ContainsRune("([{\"'“‘¿¡/-", p) {
		return false
	}
	return unicode.IsLetter(n) || unicode.IsDigit(n)
}

// isUnit reports the inline elements whose text is a label of its own, kept
// apart from a touching neighbour by linkBoundary: links, form labels,
// elements with the role of a link, tab or item, and elements that their
// style attribute lays out as boxes (inline-block, flex), which a browser
// shows apart although no block element separates them.
func isUnit(n *html.Node) bool {
	if n.Type != html.ElementNode {
		return false
	}
	switch n.DataAtom {
	case atom.A, atom.Label:
		return true
	}
	switch strings.ToLower(strings.TrimSpace(attr(n, "role"))) {
	case "link", "tab", "menuitem", "listitem", "option", "cell", "gridcell":
		return true
	}
	style := attr(n, "style")
	if style == "" {
		return false
	}
	style = strings.ToLower(strings.Join(strings.Fields(style), ""))
	for _, d := range []string{"display:inline-block", "display:inline-flex", "display:block", "display:flex", "display:grid", "display:table-cell"} {
		if strings.Contains(style, d) {
			return true
		}
	}
	return false
}
