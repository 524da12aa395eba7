package scraper

import (
	"html"
	"regexp"
	"strings"
	"sync"
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
	parseMarkdown(dropLinkFrames(lines), &sink, nil)
	return policy.Document{Blocks: sink.blocks}
}

// The line patterns below are read by hand-written scanners rather than
// regular expressions: they run on every line of every file, and an import
// of a long history spends most of its parsing time on them. Each scanner
// says, in its doc comment, the expression it is equivalent to;
// FuzzLineScanners holds them to those expressions.

// spaces returns how many of s's first bytes, at most max, are ' '.
func spaces(s string, max int) int {
	n := 0
	for n < len(s) && n < max && s[n] == ' ' {
		n++
	}
	return n
}

// isBlank reports whether s is only spaces and tabs.
func isBlank(s string) bool { return strings.TrimLeft(s, " \t") == "" }

// atxHeading reads `^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$`:
// a heading's level and its text without the closing hashes.
func atxHeading(line string) (level int, text string, ok bool) {
	i := spaces(line, 3)
	n := 0
	for i+n < len(line) && line[i+n] == '#' {
		n++
	}
	if n == 0 || n > 6 {
		return 0, "", false
	}
	rest := line[i+n:]
	if rest == "" {
		return n, "", true
	}
	if rest[0] != ' ' && rest[0] != '\t' {
		return 0, "", false
	}
	t := strings.TrimRight(strings.TrimLeft(rest, " \t"), " \t")
	// A closing sequence is a run of hashes after white space; without
	// that space the hashes are text.
	if h := strings.TrimRight(t, "#"); len(h) < len(t) && h != "" && (h[len(h)-1] == ' ' || h[len(h)-1] == '\t') {
		t = strings.TrimRight(h, " \t")
	}
	return n, t, true
}

// isSetext reads `^ {0,3}=+[ \t]*$` (c '=') and `^ {0,3}-+[ \t]*$` (c '-').
func isSetext(line string, c byte) bool {
	s := line[spaces(line, 3):]
	t := strings.TrimLeft(s, string(c))
	return len(t) < len(s) && isBlank(t)
}

// isThematic reads
// `^ {0,3}(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})$`: three or
// more of one of *, - and _, with spaces and tabs between them.
func isThematic(line string) bool {
	s := line[spaces(line, 3):]
	if s == "" || s[0] != '*' && s[0] != '-' && s[0] != '_' {
		return false
	}
	c, n := s[0], 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case c:
			n++
		case ' ', '\t':
		default:
			return false
		}
	}
	return n >= 3
}

// listItem reads `^([ \t]*)([-*+]|\d{1,9}[.)])(?:[ \t]+(.*))?$`: a list
// item's marker and its text.
func listItem(line string) (marker, text string, ok bool) {
	s := strings.TrimLeft(line, " \t")
	n := 0
	switch {
	case s == "":
		return "", "", false
	case s[0] == '-' || s[0] == '*' || s[0] == '+':
		n = 1
	default:
		for n < len(s) && isDigit(s[n]) {
			n++
		}
		if n == 0 || n > 9 || n == len(s) || s[n] != '.' && s[n] != ')' {
			return "", "", false
		}
		n++
	}
	rest := s[n:]
	if rest != "" && rest[0] != ' ' && rest[0] != '\t' {
		return "", "", false
	}
	return s[:n], strings.TrimLeft(rest, " \t"), true
}

// fence reads "^ {0,3}(```+|~~~+)": the run of backticks or tildes that
// opens a code block.
func fence(line string) (string, bool) {
	s := line[spaces(line, 3):]
	if s == "" || s[0] != '`' && s[0] != '~' {
		return "", false
	}
	n := 1
	for n < len(s) && s[n] == s[0] {
		n++
	}
	return s[:n], n >= 3
}

// quoteLine reads `^ {0,3}> ?(.*)$`: a block quote line without its marker.
func quoteLine(line string) (string, bool) {
	s := line[spaces(line, 3):]
	if s == "" || s[0] != '>' {
		return "", false
	}
	return strings.TrimPrefix(s[1:], " "), true
}

// isTableSep reads
// `^[ \t]*\|?[ \t]*:?-+:?[ \t]*(\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$`: the line
// of dashes under a table's header row.
func isTableSep(line string) bool {
	s := strings.Trim(line, " \t")
	s = strings.TrimPrefix(s, "|")
	s = strings.TrimSuffix(s, "|")
	if s == "" {
		return false
	}
	for cell := range strings.SplitSeq(s, "|") {
		c := strings.Trim(cell, " \t")
		c = strings.TrimPrefix(c, ":")
		c = strings.TrimSuffix(c, ":")
		if c == "" || strings.Trim(c, "-") != "" {
			return false
		}
	}
	return true
}

// isRefDef reads `^ {0,3}\[[^\]]+\]:[ \t]*\S+`: a link reference
// definition, "[id]: https://...".
func isRefDef(line string) bool {
	s := line[spaces(line, 3):]
	if s == "" || s[0] != '[' {
		return false
	}
	k := strings.IndexByte(s, ']')
	if k < 2 || k+1 >= len(s) || s[k+1] != ':' {
		return false
	}
	s = strings.TrimLeft(s[k+2:], " \t")
	return s != "" && !strings.ContainsRune("\t\n\f\r ", rune(s[0]))
}

// isLinkFrame reads `^[ \t]*(?:\]\([^)]*\))?[ \t]*\[?[ \t]*$`: a line that
// only closes a link ("](https://...)") and perhaps opens the next ("[").
func isLinkFrame(line string) bool {
	s := strings.TrimLeft(line, " \t")
	if strings.HasPrefix(s, "](") {
		k := strings.IndexByte(s, ')')
		if k < 0 {
			return false
		}
		s = strings.TrimLeft(s[k+1:], " \t")
	}
	s = strings.TrimPrefix(s, "[")
	return isBlank(s)
}

// trimCellMarker drops what `^(?:#{1,6}|[-*+]|\d{1,9}[.)])[ \t]+` matches:
// the heading or list marker Open Terms Archive puts at the start of a
// table cell.
func trimCellMarker(s string) string {
	n := 0
	switch {
	case s == "":
		return s
	case s[0] == '#':
		for n < len(s) && s[n] == '#' {
			n++
		}
		if n > 6 {
			return s
		}
	case s[0] == '-' || s[0] == '*' || s[0] == '+':
		n = 1
	default:
		for n < len(s) && isDigit(s[n]) {
			n++
		}
		if n == 0 || n > 9 || n == len(s) || s[n] != '.' && s[n] != ')' {
			return s
		}
		n++
	}
	if n == len(s) || s[n] != ' ' && s[n] != '\t' {
		return s
	}
	return strings.TrimLeft(s[n:], " \t")
}

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
		if t != "" && isLinkFrame(l) {
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
	return i+1 < len(lines) && strings.Contains(lines[i+1], "|") && isTableSep(lines[i+1])
}

// startsBlock reports whether a line begins a block that interrupts a
// paragraph or a list item's lazy continuation.
func startsBlock(lines []string, i int) bool {
	l := lines[i]
	_, _, heading := atxHeading(l)
	_, quote := quoteLine(l)
	_, code := fence(l)
	return heading || isThematic(l) || quote || code || isTableRow(lines, i)
}

// parseMarkdown emits the blocks of lines into sink. It is a line-based
// reading of CommonMark and GFM that covers what policy archives use; nested
// list items become items of their own, in order.
//
// clean, when set, is called after each blank line i read outside a list:
// there the parse holds nothing but the sink (no open paragraph, list item,
// fence, quote or table, and no look-ahead went past line i), so the blocks
// of the lines after i depend only on those lines and the sink's open
// headings. A Markdown sequence (see Sequence) resumes parses there; clean
// returns true to stop the parse.
func parseMarkdown(lines []string, sink *blockSink, clean func(i int) bool) {
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
			} else if clean != nil && clean(i) {
				return
			}
			continue
		}
		if inList {
			if _, text, ok := listItem(line); ok && !isThematic(line) {
				flushItem()
				item = append(item, text)
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

		if open, ok := fence(line); ok {
			flushPara()
			var code []string
			for i++; i < len(lines) && !strings.HasPrefix(strings.TrimSpace(lines[i]), open); i++ {
				code = append(code, lines[i])
			}
			sink.add(policy.Paragraph, 0, strings.Join(code, " "))
			continue
		}
		if level, text, ok := atxHeading(line); ok {
			flushPara()
			sink.add(policy.Heading, level, mdInline(text))
			continue
		}
		if len(para) > 0 && (isSetext(line, '=') || isSetext(line, '-')) {
			level := 2
			if isSetext(line, '=') {
				level = 1
			}
			sink.add(policy.Heading, level, mdInline(strings.Join(para, "\n")))
			para = para[:0]
			continue
		}
		if isThematic(line) {
			flushPara()
			continue
		}
		if _, ok := quoteLine(line); ok {
			flushPara()
			var inner []string
			for ; i < len(lines); i++ {
				text, ok := quoteLine(lines[i])
				if !ok {
					break
				}
				inner = append(inner, text)
			}
			i--
			parseMarkdown(inner, sink, nil)
			continue
		}
		if isTableRow(lines, i) {
			flushPara()
			for ; i < len(lines) && strings.Contains(lines[i], "|") && strings.TrimSpace(lines[i]) != ""; i++ {
				if isTableSep(lines[i]) {
					continue
				}
				sink.add(policy.TableRow, 0, mdRow(lines[i]))
			}
			i--
			continue
		}
		if marker, text, ok := listItem(line); ok && (len(para) == 0 || text != "" && (!isDigit(marker[0]) || strings.HasPrefix(marker, "1"))) {
			flushPara()
			inList, blankInList = true, false
			listIndent = indentOf(line)
			item = append(item[:0], text)
			continue
		}
		if len(para) == 0 && isRefDef(line) {
			continue
		}
		para = append(para, line)
	}
	flushPara()
	flushItem()
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// mdRow turns a table row into cell texts joined with cellBoundary, leaving
// out empty cells and the heading and list markers Open Terms Archive puts
// at the start of cells, as the HTML extraction of the same table does. The
// lines of a cell (its <br>, after which Open Terms Archive writes a cell's
// paragraphs and list items) are joined with itemBoundary.
func mdRow(line string) string {
	line = protectEscapes(strings.TrimSpace(line))
	line = strings.TrimPrefix(line, "|")
	line = strings.TrimSuffix(line, "|")
	var cells []string
	for _, c := range strings.Split(line, "|") {
		pieces := splitBR(trimCellMarker(strings.TrimSpace(c)))
		for i, p := range pieces {
			pieces[i] = mdInline(p)
		}
		if t := joinPieces(pieces); t != "" {
			cells = append(cells, t)
		}
	}
	return strings.Join(cells, cellBoundary)
}

// splitBR cuts s at its line break tags, each with the list marker that may
// follow it (see brEnd).
func splitBR(s string) []string {
	var pieces []string
	done := 0
	for i := 0; ; {
		k := strings.IndexByte(s[i:], '<')
		if k < 0 {
			break
		}
		i += k
		end := brEnd(s, i)
		if end < 0 {
			i++
			continue
		}
		pieces = append(pieces, s[done:i])
		i, done = end, end
	}
	return append(pieces, s[done:])
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
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' {
			k := strings.IndexByte(s[i:], '\\')
			if k < 0 {
				k = len(s) - i
			}
			b.WriteString(s[i : i+k])
			i += k - 1
			continue
		}
		if i+1 < len(s) {
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

// inlineExprs are the inline patterns still read by regular expressions;
// they are compiled on first use, so that commands which never read
// Markdown (and `diff` on a file without these characters) do not pay for
// them at start-up.
type inlineExprs struct {
	codeSpan, autolink, htmlComment, htmlTag *regexp.Regexp
}

var inline = sync.OnceValue(func() inlineExprs {
	return inlineExprs{
		codeSpan:    regexp.MustCompile("(`+)(.+?)(`+)"),
		autolink:    regexp.MustCompile(`<([a-zA-Z][a-zA-Z0-9+.-]{1,31}:[^\s<>]*|[^\s<>@]+@[^\s<>@]+\.[^\s<>@]+)>`),
		htmlComment: regexp.MustCompile(`(?s)<!--.*?-->`),
		htmlTag:     regexp.MustCompile(`</?([a-zA-Z][a-zA-Z0-9-]*)(?:\s[^<>]*)?/?>`),
	}
})

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
		re := inline().codeSpan
		s = re.ReplaceAllStringFunc(s, func(m string) string {
			sub := re.FindStringSubmatch(m)
			if len(sub[1]) != len(sub[3]) {
				return m
			}
			return protect(sub[2])
		})
	}
	if strings.IndexByte(s, '<') >= 0 {
		protected = true
		if mayHoldAutolink(s) {
			s = inline().autolink.ReplaceAllStringFunc(s, func(m string) string {
				return protect(m[1 : len(m)-1])
			})
		}
	}
	if strings.IndexByte(s, '[') >= 0 {
		s = links(s)
	}
	if strings.IndexByte(s, '<') >= 0 {
		if strings.Contains(s, "<!--") {
			s = inline().htmlComment.ReplaceAllString(s, "")
		}
		s = replaceBR(s)
	}
	if strings.IndexByte(s, '<') >= 0 {
		re := inline().htmlTag
		s = re.ReplaceAllStringFunc(s, func(m string) string {
			name := strings.ToLower(re.FindStringSubmatch(m)[1])
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
	// Three vectorised searches are cheaper than one ContainsAny.
	if strings.IndexByte(s, '*') >= 0 || strings.IndexByte(s, '_') >= 0 || strings.IndexByte(s, '~') >= 0 {
		s = stripEmphasis(s)
	}
	s = html.UnescapeString(s)
	// Protected characters are runs of four bytes starting 0xF3; without
	// one there is nothing to restore.
	if protected && strings.IndexByte(s, 0xF3) >= 0 {
		s = unprotect(s)
	}
	return s
}

// mayHoldAutolink reports whether s has a "<...>" whose inside holds no
// white space and a ":" or "@", which every autolink has: most "<" in
// policies open a <br>, and the autolink expression is costly on long table
// rows.
func mayHoldAutolink(s string) bool {
	for {
		i := strings.IndexByte(s, '<')
		if i < 0 {
			return false
		}
		s = s[i+1:]
		j := strings.IndexByte(s, '>')
		if j < 0 {
			return false
		}
		if in := s[:j]; !strings.ContainsAny(in, "\t\n\f\r <") && strings.ContainsAny(in, ":@") {
			return true
		}
	}
}

// isSpaceRE reports the characters \s stands for in a Go regular
// expression.
func isSpaceRE(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'
}

// replaceBR replaces each line break tag by a space, with the list marker
// that Open Terms Archive writes after it when a table cell holds a list:
// what `(?i)<br\s*/?>(?:\s*(?:[-*+]|\d{1,9}[.)])\s+)?` matches.
func replaceBR(s string) string {
	if pieces := splitBR(s); len(pieces) > 1 {
		return strings.Join(pieces, " ")
	}
	return s
}

// brEnd returns the end of the line break tag (and list marker) at s[i], or
// -1 when there is none.
func brEnd(s string, i int) int {
	j := i + 1
	if j+1 >= len(s) || s[j]|0x20 != 'b' || s[j+1]|0x20 != 'r' {
		return -1
	}
	j += 2
	for j < len(s) && isSpaceRE(s[j]) {
		j++
	}
	if j < len(s) && s[j] == '/' {
		j++
	}
	if j >= len(s) || s[j] != '>' {
		return -1
	}
	end := j + 1
	// The optional marker: white space, "-", "*", "+" or a number and "."
	// or ")", and at least one white space.
	k := end
	for k < len(s) && isSpaceRE(s[k]) {
		k++
	}
	switch n := 0; {
	case k < len(s) && (s[k] == '-' || s[k] == '*' || s[k] == '+'):
		k++
	default:
		for k+n < len(s) && isDigit(s[k+n]) {
			n++
		}
		if n == 0 || n > 9 || k+n >= len(s) || s[k+n] != '.' && s[k+n] != ')' {
			return end
		}
		k += n + 1
	}
	if k >= len(s) || !isSpaceRE(s[k]) {
		return end
	}
	for k < len(s) && isSpaceRE(s[k]) {
		k++
	}
	return k
}

// links replaces [text](target) by text, drops ![alt](src) images, and keeps
// the text of reference links [text][id]. Brackets that form no link stay.
// Two links that touch ("[Off-Facebook activity](…)[Cookie settings](…)")
// are kept apart by linkBoundary, as the HTML extraction keeps touching
// <a> elements apart.
func links(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	linkEnd := -1 // where the last link ended in s
	for i := 0; i < len(s); {
		if s[i] != '[' {
			k := strings.IndexByte(s[i:], '[')
			if k < 0 {
				k = len(s) - i
			}
			b.WriteString(s[i : i+k])
			i += k
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
			t := links(text)
			if i == linkEnd && needsBoundary(b.String(), strings.TrimLeft(t, "*_")) {
				b.WriteString(linkBoundary)
			}
			b.WriteString(t)
			linkEnd = next
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
	b.Grow(len(s))
	for i := 0; i < len(s); {
		c := s[i]
		if c != '*' && c != '_' && c != '~' {
			k := strings.IndexAny(s[i:], "*_~")
			if k < 0 {
				k = len(s) - i
			}
			b.WriteString(s[i : i+k])
			i += k
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
