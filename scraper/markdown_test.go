package scraper

import (
	"regexp"
	"strings"
	"testing"
)

// The regular expressions the Markdown line scanners replaced; they are the
// specification each scanner is held to.
var (
	reATXHeading = regexp.MustCompile(`^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$`)
	reSetextH1   = regexp.MustCompile(`^ {0,3}=+[ \t]*$`)
	reSetextH2   = regexp.MustCompile(`^ {0,3}-+[ \t]*$`)
	reThematic   = regexp.MustCompile(`^ {0,3}(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})$`)
	reListItem   = regexp.MustCompile(`^([ \t]*)([-*+]|\d{1,9}[.)])(?:[ \t]+(.*))?$`)
	reFence      = regexp.MustCompile("^ {0,3}(```+|~~~+)")
	reQuoteLine  = regexp.MustCompile(`^ {0,3}> ?(.*)$`)
	reTableSep   = regexp.MustCompile(`^[ \t]*\|?[ \t]*:?-+:?[ \t]*(\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$`)
	reRefDef     = regexp.MustCompile(`^ {0,3}\[[^\]]+\]:[ \t]*\S+`)
	reLinkFrame  = regexp.MustCompile(`^[ \t]*(?:\]\([^)]*\))?[ \t]*\[?[ \t]*$`)
	reCellMarker = regexp.MustCompile(`^(?:#{1,6}|[-*+]|\d{1,9}[.)])[ \t]+`)
)

// checkLineScanners compares every line scanner with its expression on one
// line.
func checkLineScanners(t *testing.T, line string) {
	t.Helper()
	level, text, ok := atxHeading(line)
	if m := reATXHeading.FindStringSubmatch(line); (m != nil) != ok || ok && (len(m[1]) != level || m[2] != text) {
		t.Errorf("atxHeading(%q) = %d, %q, %v; expression says %q", line, level, text, ok, m)
	}
	if got, want := isSetext(line, '='), reSetextH1.MatchString(line); got != want {
		t.Errorf("isSetext(%q, '=') = %v, want %v", line, got, want)
	}
	if got, want := isSetext(line, '-'), reSetextH2.MatchString(line); got != want {
		t.Errorf("isSetext(%q, '-') = %v, want %v", line, got, want)
	}
	if got, want := isThematic(line), reThematic.MatchString(line); got != want {
		t.Errorf("isThematic(%q) = %v, want %v", line, got, want)
	}
	marker, text, ok := listItem(line)
	if m := reListItem.FindStringSubmatch(line); (m != nil) != ok || ok && (m[2] != marker || m[3] != text) {
		t.Errorf("listItem(%q) = %q, %q, %v; expression says %q", line, marker, text, ok, m)
	}
	open, ok := fence(line)
	if m := reFence.FindStringSubmatch(line); (m != nil) != ok || ok && m[1] != open {
		t.Errorf("fence(%q) = %q, %v; expression says %q", line, open, ok, m)
	}
	text, ok = quoteLine(line)
	if m := reQuoteLine.FindStringSubmatch(line); (m != nil) != ok || ok && m[1] != text {
		t.Errorf("quoteLine(%q) = %q, %v; expression says %q", line, text, ok, m)
	}
	if got, want := isTableSep(line), reTableSep.MatchString(line); got != want {
		t.Errorf("isTableSep(%q) = %v, want %v", line, got, want)
	}
	if got, want := isRefDef(line), reRefDef.MatchString(line); got != want {
		t.Errorf("isRefDef(%q) = %v, want %v", line, got, want)
	}
	if got, want := isLinkFrame(line), reLinkFrame.MatchString(line); got != want {
		t.Errorf("isLinkFrame(%q) = %v, want %v", line, got, want)
	}
	if got, want := trimCellMarker(line), reCellMarker.ReplaceAllString(line, ""); got != want {
		t.Errorf("trimCellMarker(%q) = %q, want %q", line, got, want)
	}
}

// lineCases are lines on the edges of each pattern.
var lineCases = map[string]string{
	"empty":                   "",
	"blank":                   " \t ",
	"heading":                 "## How we share information",
	"heading closed":          "### Meta Companies ###  ",
	"heading hashes only":     "# ##",
	"heading hash after text": "# Foo#",
	"heading inner hashes":    "# Foo ## bar",
	"heading closed twice":    "# Foo ## ##",
	"heading empty":           "#",
	"heading tab":             "#\tTabbed",
	"seven hashes":            "####### Too deep",
	"hash without space":      "#hashtag",
	"indented heading":        "   # Three spaces",
	"code-indented heading":   "    # Four spaces",
	"heading carriage return": "# Title\r",
	"setext 1":                "===  ",
	"setext 2":                " ---",
	"setext mixed":            "=-=",
	"thematic stars":          "* * *",
	"thematic underscores":    "___\t",
	"thematic two":            "--",
	"thematic mixed":          "*-*",
	"list dash":               "- We share data",
	"list star blank":         "*   ",
	"list number":             "12. Twelfth",
	"list paren":              "3) Third",
	"list ten digits":         "1234567890. Too long",
	"list no space":           "-dash",
	"list decimal":            "1.5 million",
	"list indented":           "\t  + nested",
	"fence backticks":         "```go",
	"fence tildes":            "  ~~~~",
	"fence short":             "``",
	"fence mixed":             "``~",
	"quote":                   "> quoted",
	"quote no space":          ">quoted",
	"quote indented":          "   >  two spaces",
	"table sep":               "| --- | :---: |",
	"table sep bare":          "---|---",
	"table sep colon only":    "| : |",
	"table sep empty cell":    "|-||",
	"table sep pipes":         "||",
	"table sep pipe":          "|",
	"table sep double colon":  "|::-|",
	"ref def":                 "[1]: https://example.com",
	"ref def empty label":     "[]: https://example.com",
	"ref def no target":       "[id]:   ",
	"ref def form feed":       "[id]: \fx",
	"link frame open":         "[",
	"link frame close":        "](https://example.com/a(b)",
	"link frame close open":   "  ](https://example.com) [ ",
	"link frame unclosed":     "](https://example.com",
	"link frame bracket":      "]",
	"link frame text":         "](x) more",
	"cell heading":            "### Why and how",
	"cell number":             "2. Second",
	"cell marker alone":       "-",
	"cell seven hashes":       "####### x",
	"invalid UTF-8":           "# \xff\xfe",
	"non-ASCII":               "- Información ## ",
}

func TestLineScanners(t *testing.T) {
	for name, line := range lineCases {
		t.Run(name, func(t *testing.T) { checkLineScanners(t, line) })
	}
}

// FuzzLineScanners holds each hand-written scanner to the regular
// expression it replaced.
//
//	go test -run '^$' -fuzz FuzzLineScanners -fuzztime 30s ./scraper
func FuzzLineScanners(f *testing.F) {
	for _, line := range lineCases {
		f.Add(line)
	}
	f.Fuzz(func(t *testing.T, line string) {
		if strings.Contains(line, "\n") {
			t.Skip("a line holds no newline: ExtractMarkdown splits the file at them")
		}
		checkLineScanners(t, line)
	})
}

var (
	reBRMarker = regexp.MustCompile(`(?i)<br\s*/?>(?:\s*(?:[-*+]|\d{1,9}[.)])\s+)?`)
	reAutolink = regexp.MustCompile(`<([a-zA-Z][a-zA-Z0-9+.-]{1,31}:[^\s<>]*|[^\s<>@]+@[^\s<>@]+\.[^\s<>@]+)>`)
)

// checkInlineScanners compares replaceBR with the expression it replaced,
// and checks that mayHoldAutolink never rules out a text the autolink
// expression matches.
func checkInlineScanners(t *testing.T, s string) {
	t.Helper()
	if got, want := replaceBR(s), reBRMarker.ReplaceAllString(s, " "); got != want {
		t.Errorf("replaceBR(%q) = %q, want %q", s, got, want)
	}
	if reAutolink.MatchString(s) && !mayHoldAutolink(s) {
		t.Errorf("mayHoldAutolink(%q) = false, but it holds an autolink", s)
	}
}

var inlineCases = map[string]string{
	"no tag":              "plain text",
	"break":               "one<br>two",
	"break upper":         "one<BR />two",
	"break spaced":        "one<br\t/>two",
	"break slash space":   "one<br / >two",
	"break list":          "<br>- item<br>2. second<br>* third",
	"break number no dot": "<br>2 two",
	"break ten digits":    "<br>1234567890. x",
	"break marker end":    "cell<br>-",
	"break marker tight":  "<br>-x",
	"break spaces marker": "<br>  +   spaced",
	"not break":           "<bra> <b> <brx/>",
	"break at end":        "end<br",
	"autolink url":        "see <https://example.com/a?b=c>",
	"autolink mail":       "write to <privacy@example.com>",
	"not autolink":        "<Your License to WhatsApp> <a b:c>",
	"nested":              "<<https://example.com>>",
}

func TestInlineScanners(t *testing.T) {
	for name, s := range inlineCases {
		t.Run(name, func(t *testing.T) { checkInlineScanners(t, s) })
	}
}

// FuzzInlineScanners holds replaceBR to the expression it replaced and
// mayHoldAutolink to being a safe pre-check.
//
//	go test -run '^$' -fuzz FuzzInlineScanners -fuzztime 30s ./scraper
func FuzzInlineScanners(f *testing.F) {
	for _, s := range inlineCases {
		f.Add(s)
	}
	f.Fuzz(checkInlineScanners)
}
