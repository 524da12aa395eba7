package scraper

import (
	"html"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html/atom"

	"github.com/clausewatch/clausewatch/policy"
)

// ExtractMarkdown turns a Markdown file, such as an Open Terms Archive
// version, into the same kind of blocks ExtractHTML gives for the page the
// file was made from: headings with their level, paragraphs, list items and
// table rows, with link text kept and link targets, images and markup
// dropped. Keeping both extractions alike lets `import` seed a document's
// history from archived Markdown and go on with live HTML without a spurious
// change.
func ExtractMarkdown(body []byte) policy.Document {
	var sink blockSink
	lines := strings.Split(decodeText(body), "\n")
	parseMarkdown(dropLinkFrames(lines), &sink)
	return policy.Document{Blocks: sink.blocks}
}

var (
	atxHeading = regexp.MustCompile(`^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$`)
	setextH1   = regexp.MustCompile(`^ {0,3}=+[ \t]*$`)
	setextH2   = regexp.MustCompile(`^ {0,3}-+[ \t]*$`)
	thematic   = regexp.MustCompile(`^ {0,3}(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})$`)
	listItem   = regexp.MustCompile(`^([ \t]*)([-*+]|\d{1,9}[.)])(?:[ \t]+(.*))?$`)
	fence      = regexp.MustCompile("^ {0,3}(```+|~~~+)")
	quoteLine  = regexp.MustCompile(`^ {0,3}> ?(.*)$`)
	tableSep   = regexp.MustCompile(`^[ \t]*\|?[ \t]*:?-+:?[ \t]*(\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$`)
	refDef     = regexp.MustCompile(`^ {0,3}\[[^\]]+\]:[ \t]*\S+`)
	linkFrame  = regexp.MustCompile(`^[ \t]*(?:\]\([^)]*\))?[ \t]*\[?[ \t]*$`)
	cellMarker = regexp.MustCompile(`^(?:#{1,6}|[-*+]|\d{1,9}[.)])[ \t]+`)
)

// dropLinkFrames removes the lines that only open or close a link spanning
// several paragraphs, as Open Terms Archive writes block links:
//
//	[
//
//	What Products does this policy cover?
//
//	](https://example.com/...)[
//
// The text between them stays, as the paragraphs it is. A line that opens
// such a link before its text ("[Learn more") loses its bracket.
func dropLinkFrames(lines []string) []string {
	out := lines[:0:0]
	for _, l := range lines {
		t := strings.TrimSpace(l)
		if t != "" && linkFrame.MatchString(l) {
			out = append(out, "")
			continue
		}
		if strings.HasPrefix(t, "[") && !strings.Contains(t, "]") {
			// "[Learn more" whose "](url)" comes after a blank line.
			out = append(out, strings.TrimPrefix(t, "["))
			continue
		}
		out = append(out, l)
	}
	return out
}

func indentOf(line string) int {
	n := 0
	for _, r := range line {
		switch r {
		case ' ':
			n++
		case '\t':
			n += 4 - n%4
		default:
			return n
		}
	}
	return n
}

func isTableRow(lines []string, i int) bool {
	t := strings.TrimSpace(lines[i])
	if !strings.Contains(t, "|") {
		return false
	}
	if strings.HasPrefix(t, "|") {
		return true
	}
	return i+1 < len(lines) && tableSep.MatchString(lines[i+1]) && strings.Contains(lines[i+1], "|")
}

// startsBlock reports whether a line begins a block that interrupts a
// paragraph or a list item's lazy continuation.
func startsBlock(lines []string, i int) bool {
	l := lines[i]
	return atxHeading.MatchString(l) || thematic.MatchString(l) || quoteLine.MatchString(l) ||
		fence.MatchString(l) || isTableRow(lines, i)
}

// parseMarkdown emits the blocks of lines into sink. It is a line-based
// reading of CommonMark and GFM that covers what policy archives use; nested
// list items become items of their own, in order.
func parseMarkdown(lines []string, sink *blockSink) {
	var para []string
	flushPara := func() {
		if len(para) > 0 {
			sink.add(policy.Paragraph, 0, mdInline(strings.Join(para, "\n")))
			para = para[:0]
		}
	}
	var item []string
	inList, blankInList := false, false
	listIndent := 0
	flushItem := func() {
		if len(item) > 0 {
			sink.add(policy.ListItem, 0, mdInline(strings.Join(item, "\n")))
		}
		item = item[:0]
	}

	for i := 0; i < len(lines); i++ {
		line := lines[i]
		trimmed := strings.TrimSpace(line)
		if trimmed == "" {
			flushPara()
			if inList {
				blankInList = true
			}
			continue
		}
		if inList {
			if m := listItem.FindStringSubmatch(line); m != nil && !thematic.MatchString(line) {
				flushItem()
				item = append(item, m[3])
				blankInList = false
				continue
			}
			block := startsBlock(lines, i)
			switch {
			case !blankInList && !block:
				item = append(item, line)
				continue
			case blankInList && indentOf(line) >= listIndent+2:
				item = append(item, line)
				blankInList = false
				continue
			}
			flushItem()
			inList, blankInList = false, false
		}

		switch m := fence.FindStringSubmatch(line); {
		case m != nil:
			flushPara()
			var code []string
			for i++; i < len(lines) && !strings.HasPrefix(strings.TrimSpace(lines[i]), m[1]); i++ {
				code = append(code, lines[i])
			}
			sink.add(policy.Paragraph, 0, strings.Join(code, " "))
			continue
		}
		if m := atxHeading.FindStringSubmatch(line); m != nil {
			flushPara()
			sink.add(policy.Heading, len(m[1]), mdInline(m[2]))
			continue
		}
		if len(para) > 0 && (setextH1.MatchString(line) || setextH2.MatchString(line)) {
			level := 2
			if setextH1.MatchString(line) {
				level = 1
			}
			sink.add(policy.Heading, level, mdInline(strings.Join(para, "\n")))
			para = para[:0]
			continue
		}
		if thematic.MatchString(line) {
			flushPara()
			continue
		}
		if quoteLine.MatchString(line) {
			flushPara()
			var inner []string
			for ; i < len(lines); i++ {
				m := quoteLine.FindStringSubmatch(lines[i])
				if m == nil {
					break
				}
				inner = append(inner, m[1])
			}
			i--
			parseMarkdown(inner, sink)
			continue
		}
		if isTableRow(lines, i) {
			flushPara()
			for ; i < len(lines) && strings.Contains(lines[i], "|") && strings.TrimSpace(lines[i]) != ""; i++ {
				if tableSep.MatchString(lines[i]) {
					continue
				}
				sink.add(policy.TableRow, 0, mdRow(lines[i]))
			}
			i--
			continue
		}
		if m := listItem.FindStringSubmatch(line); m != nil && (len(para) == 0 || m[3] != "" && (!isDigit(m[2][0]) || strings.HasPrefix(m[2], "1"))) {
			flushPara()
			inList, blankInList = true, false
			listIndent = indentOf(line)
			item = append(item[:0], m[3])
			continue
		}
		if len(para) == 0 && refDef.MatchString(line) {
			continue
		}
		para = append(para, line)
	}
	flushPara()
	flushItem()
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// mdRow turns a table row into cell texts joined with " | ", leaving out
// empty cells and the heading and list markers Open Terms Archive puts at
// the start of cells,
// as the HTML extraction of the same table does.
func mdRow(line string) string {
	line = protectEscapes(strings.TrimSpace(line))
	line = strings.TrimPrefix(line, "|")
	line = strings.TrimSuffix(line, "|")
	var cells []string
	for _, c := range strings.Split(line, "|") {
		c = cellMarker.ReplaceAllString(strings.TrimSpace(c), "")
		if t := policy.Normalize(mdInline(c)); t != "" {
			cells = append(cells, t)
		}
	}
	return strings.Join(cells, " | ")
}

// protectBase is where protected ASCII punctuation goes: a plane of private
// use characters that no policy text contains, so escaped characters survive
// the markup stripping and come back at the end.
const protectBase = 0xF0000

func protect(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r < 128 && unicode.IsPunct(r) || r < 128 && unicode.IsSymbol(r) {
			b.WriteRune(protectBase + r)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func unprotect(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= protectBase && r < protectBase+128 {
			return r - protectBase
		}
		return r
	}, s)
}

// protectEscapes replaces backslash escapes by their protected characters.
// A backslash before a line break is a hard break and becomes a space.
func protectEscapes(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\\' && i+1 < len(s) {
			n := s[i+1]
			if n < 128 && (unicode.IsPunct(rune(n)) || unicode.IsSymbol(rune(n))) {
				b.WriteRune(protectBase + rune(n))
				i++
				continue
			}
			if n == '\n' {
				b.WriteByte(' ')
				i++
				continue
			}
		}
		b.WriteByte(c)
	}
	return b.String()
}

var (
	codeSpan    = regexp.MustCompile("(`+)(.+?)(`+)")
	autolink    = regexp.MustCompile(`<([a-zA-Z][a-zA-Z0-9+.-]{1,31}:[^\s<>]*|[^\s<>@]+@[^\s<>@]+\.[^\s<>@]+)>`)
	htmlComment = regexp.MustCompile(`(?s)<!--.*?-->`)
	brMarker    = regexp.MustCompile(`(?i)<br\s*/?>(?:\s*(?:[-*+]|\d{1,9}[.)])\s+)?`)
	htmlTag     = regexp.MustCompile(`</?([a-zA-Z][a-zA-Z0-9-]*)(?:\s[^<>]*)?/?>`)
)

// mdInline reduces inline Markdown to its text: link text without targets,
// no images or empty anchors, no emphasis or code markers, no inline HTML
// tags, escapes and entities resolved.
func mdInline(s string) string {
	// Each step runs only when s holds the character it looks for: most
	// paragraphs of a policy are plain text, and the regular expressions
	// would otherwise dominate the import of a long history.
	protected := strings.IndexByte(s, '\\') >= 0
	if protected {
		s = protectEscapes(s)
	}
	if strings.IndexByte(s, '`') >= 0 {
		protected = true
		s = codeSpan.ReplaceAllStringFunc(s, func(m string) string {
			sub := codeSpan.FindStringSubmatch(m)
			if len(sub[1]) != len(sub[3]) {
				return m
			}
			return protect(sub[2])
		})
	}
	if strings.IndexByte(s, '<') >= 0 {
		protected = true
		s = autolink.ReplaceAllStringFunc(s, func(m string) string {
			return protect(m[1 : len(m)-1])
		})
	}
	if strings.IndexByte(s, '[') >= 0 {
		s = links(s)
	}
	if strings.IndexByte(s, '<') >= 0 {
		s = htmlComment.ReplaceAllString(s, "")
		s = brMarker.ReplaceAllString(s, " ")
		s = htmlTag.ReplaceAllStringFunc(s, func(m string) string {
			name := strings.ToLower(htmlTag.FindStringSubmatch(m)[1])
			a := atom.Lookup([]byte(name))
			switch {
			case a == 0:
				return m // not HTML, such as "<Your License to WhatsApp>"
			case isBlockTag(a):
				return " "
			}
			return ""
		})
	}
	if strings.ContainsAny(s, "*_~") {
		s = stripEmphasis(s)
	}
	s = html.UnescapeString(s)
	if protected {
		s = unprotect(s)
	}
	return s
}

// links replaces [text](target) by text, drops ![alt](src) images, and keeps
// the text of reference links [text][id]. Brackets that form no link stay.
func links(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		if s[i] != '[' {
			b.WriteByte(s[i])
			i++
			continue
		}
		end := matching(s, i, '[', ']')
		if end < 0 {
			b.WriteByte(s[i])
			i++
			continue
		}
		text := s[i+1 : end]
		image := i > 0 && s[i-1] == '!'
		next := end + 1
		switch {
		case next < len(s) && s[next] == '(':
			if close := matching(s, next, '(', ')'); close >= 0 {
				next = close + 1
			} else {
				b.WriteString(s[i:next])
				i = next
				continue
			}
		case next < len(s) && s[next] == '[':
			if close := matching(s, next, '[', ']'); close >= 0 {
				next = close + 1
			}
		default:
			// [text] alone: literal brackets, but its inside may hold links.
			b.WriteByte('[')
			b.WriteString(links(text))
			b.WriteByte(']')
			i = end + 1
			continue
		}
		if image {
			str := b.String()
			b.Reset()
			b.WriteString(strings.TrimSuffix(str, "!"))
		} else {
			b.WriteString(links(text))
		}
		i = next
	}
	return b.String()
}

// matching returns the index of the bracket closing the one at s[i], or -1.
func matching(s string, i int, open, close byte) int {
	depth := 0
	for j := i; j < len(s); j++ {
		switch s[j] {
		case open:
			depth++
		case close:
			depth--
			if depth == 0 {
				return j
			}
		}
	}
	return -1
}

// stripEmphasis removes runs of * and _ (and ~~) that delimit emphasis: a
// run next to text on at least one side. An underscore inside a word and an
// asterisk standing alone between spaces are text and stay.
func stripEmphasis(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		c := s[i]
		if c != '*' && c != '_' && c != '~' {
			b.WriteByte(c)
			i++
			continue
		}
		j := i
		for j < len(s) && s[j] == c {
			j++
		}
		prev, _ := utf8.DecodeLastRuneInString(s[:i])
		next, _ := utf8.DecodeRuneInString(s[j:])
		if i == 0 {
			prev = ' '
		}
		if j == len(s) {
			next = ' '
		}
		leftFlank := !unicode.IsSpace(next)
		rightFlank := !unicode.IsSpace(prev)
		remove := leftFlank || rightFlank
		switch c {
		case '_':
			if isWordRune(prev) && isWordRune(next) {
				remove = false
			}
		case '~':
			remove = remove && j-i == 2
		}
		if !remove {
			b.WriteString(s[i:j])
		}
		i = j
	}
	return b.String()
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }
