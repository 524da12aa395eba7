package scraper

import (
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/clausewatch/clausewatch/policy"
)

// Sequence extracts the files of one document's history in order, as
// `clausewatch import` reads an archive. Consecutive versions of a policy
// mostly differ by a few words, so a Markdown file is parsed only from the
// last point before its first difference from the previous file up to the
// first point after its last one; the blocks of the lines around come from
// the previous file's parse. The result is the document ExtractFile gives
// for the same file.
//
// The returned documents share their block lists with the Sequence (the
// next file's parse copies from them) and their strings and Path slices with
// documents returned earlier: callers must treat them as read-only, as the
// import pipeline does. A Sequence is not safe for concurrent use.
type Sequence struct {
	last *mdParse
}

// ExtractFile is ExtractFile, reusing the previous Markdown file's parse.
func (s *Sequence) ExtractFile(name string, body []byte, r Rules) (policy.Document, error) {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".md", ".markdown":
		p := parseMarkdownAfter(s.last, decodeText(body))
		s.last = p
		// The block list itself (nil when empty, as ExtractMarkdown
		// gives): the next parse reads it, so it must not be changed.
		var blocks []policy.Block
		if len(p.blocks) > 0 {
			blocks = slices.Clip(p.blocks)
		}
		return policy.Document{Blocks: blocks}, nil
	}
	return ExtractFile(name, body, r)
}

// mdParse is the parse of one Markdown text with its resume points.
type mdParse struct {
	text   string
	blocks []policy.Block
	points []mdPoint // by off
}

// mdPoint is a point where parseMarkdown calls clean: the line starting at
// byte off of the text follows a blank line read outside a list, blocks
// blocks were emitted before it, with headings open.
type mdPoint struct {
	off      int
	blocks   int
	headings []heading // never changed (blockSink replaces its stack)
}

// parseMarkdownAfter parses text as ExtractMarkdown does (text already
// decoded), reusing prev, the parse of an earlier text, where the two
// texts agree.
//
// The parse starts at the last resume point of prev within the texts'
// common prefix (so every line before it, with the blank line it follows,
// is the same in both) with prev's blocks and open headings at that point.
// It stops at a resume point of its own within the common suffix when prev
// has a resume point at the same distance from the end with the same open
// headings: the parse of the rest would read the same lines from the same
// state, so prev's blocks after that point are taken instead.
func parseMarkdownAfter(prev *mdParse, text string) *mdParse {
	start := mdPoint{}
	var suffix int
	if prev != nil {
		prefix := commonPrefix(prev.text, text)
		suffix = commonSuffix(prev.text, text)
		// The last point at or before the first difference.
		k := sort.Search(len(prev.points), func(i int) bool { return prev.points[i].off > prefix })
		if k > 0 {
			start = prev.points[k-1]
		}
	}
	out := &mdParse{text: text}
	var sink blockSink
	if prev != nil {
		sink.blocks = make([]policy.Block, start.blocks, len(prev.blocks)+16)
		copy(sink.blocks, prev.blocks[:start.blocks])
		out.points = append(make([]mdPoint, 0, len(prev.points)+16), prev.points[:sort.Search(len(prev.points), func(i int) bool { return prev.points[i].off > start.off })]...)
	}
	sink.headings = start.headings
	// The blocks parsed here may be reused for many files after this one;
	// the first file's are kept with its text (one file).
	sink.own = prev != nil
	orig := strings.Split(text[start.off:], "\n")
	lines := dropLinkFrames(orig)
	// at and off walk orig: line at starts at byte off of text.
	at, off := 0, start.off
	delta := len(text) - len(prev.textOrEmpty())
	parseMarkdown(lines, &sink, func(i int) bool {
		for at <= i {
			off += len(orig[at]) + 1
			at++
		}
		if off > len(text) {
			return false // after the last line: nothing follows
		}
		out.points = append(out.points, mdPoint{off: off, blocks: len(sink.blocks), headings: sink.headings})
		if prev == nil || len(text)-off > suffix {
			return false
		}
		// text[off:] == prev.text[old:]
		old := off - delta
		j, found := sort.Find(len(prev.points), func(j int) int { return old - prev.points[j].off })
		if !found || !sameHeadings(prev.points[j].headings, sink.headings) {
			return false
		}
		sink.blocks = append(sink.blocks, prev.blocks[prev.points[j].blocks:]...)
		shift := len(sink.blocks) - len(prev.blocks)
		for _, p := range prev.points[j+1:] {
			out.points = append(out.points, mdPoint{off: p.off + delta, blocks: p.blocks + shift, headings: p.headings})
		}
		return true
	})
	out.blocks = sink.blocks
	return out
}

func (p *mdParse) textOrEmpty() string {
	if p == nil {
		return ""
	}
	return p.text
}

func sameHeadings(a, b []heading) bool {
	return slices.Equal(a, b)
}

// cmpChunk is the length compared at once before the byte-wise scan.
const cmpChunk = 1024

// commonPrefix returns the length of the longest common prefix of a and b.
func commonPrefix(a, b string) int {
	n := min(len(a), len(b))
	// Compared in chunks first: string equality is a vectorised memcmp.
	i := 0
	for i+cmpChunk <= n && a[i:i+cmpChunk] == b[i:i+cmpChunk] {
		i += cmpChunk
	}
	for i < n && a[i] == b[i] {
		i++
	}
	return i
}

// commonSuffix returns the length of the longest common suffix of a and b.
func commonSuffix(a, b string) int {
	n := min(len(a), len(b))
	i := 0
	for i+cmpChunk <= n && a[len(a)-i-cmpChunk:len(a)-i] == b[len(b)-i-cmpChunk:len(b)-i] {
		i += cmpChunk
	}
	for i < n && a[len(a)-1-i] == b[len(b)-1-i] {
		i++
	}
	return i
}
