package scraper

import (
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/PuerkitoBio/goquery"
	"github.com/andybalholm/cascadia"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/clausewatch/clausewatch/policy"
)

// Rules say which part of a page is the policy. Select and Remove are CSS
// selector lists taken from the document's configuration: Select picks the
// containers of the policy text (their union, in document order) and Remove
// drops boilerplate inside them, such as a table of contents.
type Rules struct {
	Select []string
	Remove []string
}

// ErrNoMatch is returned (wrapped) when none of the Select selectors matches an
// element. The pipeline treats it as a suspect fetch: the page changed its
// layout or served something else, and storing its text would record a
// bogus version.
var ErrNoMatch = errors.New("selector matched nothing")

// alwaysDrop lists the elements that never hold policy text: scripts and
// styles, navigation, media, form controls and buttons (media controls,
// toggles), and whatever the page hides from every reader (hidden,
// aria-hidden).
// Dropping them even without a Remove rule keeps banners and menus that
// change on every deployment out of the canonical text.
const alwaysDrop = "script, style, noscript, template, nav, svg, math, img, picture, video, audio, " +
	"iframe, object, embed, canvas, button, input, select, textarea, option, optgroup, datalist, " +
	"output, meter, progress, [hidden], [aria-hidden=true], " +
	// An element with role=button is a control, like a <button>, unless it
	// holds a heading: accordions make their section titles buttons.
	"[role=button]:not(:has(h1, h2, h3, h4, h5, h6, [role=heading]))"

var alwaysDropSel = sync.OnceValue(func() cascadia.Selector { return cascadia.MustCompile(alwaysDrop) })

// ExtractHTML turns an HTML page into the ordered blocks of its policy text.
// contentType is the Content-Type header the page was served with (it may be
// empty); the page is decoded from the charset it names, else from its meta
// tags, else as UTF-8 when the bytes are valid UTF-8.
func ExtractHTML(body []byte, contentType string, r Rules) (policy.Document, error) {
	doc, err := extractHTML(body, contentType, r)
	if err != nil {
		return doc, fmt.Errorf("scraper: extract html: %w", err)
	}
	return doc, nil
}

func extractHTML(body []byte, contentType string, r Rules) (policy.Document, error) {
	root, err := parseHTML(body, contentType)
	if err != nil {
		return policy.Document{}, err
	}
	doc := goquery.NewDocumentFromNode(root)
	roots, err := selectRoots(doc, r.Select)
	if err != nil {
		return policy.Document{}, err
	}
	for _, s := range r.Remove {
		sel, err := compileSelector("remove", s)
		if err != nil {
			return policy.Document{}, err
		}
		for _, n := range roots {
			removeMatching(n, sel)
		}
	}
	for _, n := range roots {
		removeMatching(n, alwaysDropSel())
	}
	w := &htmlWalker{}
	for _, n := range roots {
		w.block(n)
	}
	return policy.Document{Blocks: w.out.blocks}, nil
}

// Title returns the normalized text of the page's <title>. The pipeline
// compares it with known error-page titles, because many sites serve their
// "page not found" with status 200.
func Title(body []byte, contentType string) string {
	text, err := decodeHTML(body, contentType)
	if err != nil {
		return ""
	}
	// Tokenize only up to the first <title> outside SVG: it sits at the top
	// of the page, so this costs a fraction of a full parse.
	z := html.NewTokenizer(strings.NewReader(text))
	svg := 0
	for {
		switch z.Next() {
		case html.ErrorToken:
			return ""
		case html.StartTagToken:
			name, _ := z.TagName()
			switch string(name) {
			case "svg":
				svg++
			case "title":
				if svg == 0 {
					var b strings.Builder
					for z.Next() == html.TextToken {
						b.Write(z.Text())
					}
					return policy.Normalize(b.String())
				}
			}
		case html.EndTagToken:
			if name, _ := z.TagName(); string(name) == "svg" && svg > 0 {
				svg--
			}
		}
	}
}

// ExtractFile extracts a document from a local file, as `clausewatch import`
// and `diff` read them: .html and .htm files (and files whose bytes look like
// HTML) as HTML with the rules, .md and .markdown as Markdown, anything else
// as plain text.
func ExtractFile(name string, body []byte, r Rules) (policy.Document, error) {
	if isHTMLFile(name, body) {
		return extractFileHTML(name, body, r)
	}
	if ext := strings.ToLower(filepath.Ext(name)); ext == ".md" || ext == ".markdown" {
		return ExtractMarkdown(body), nil
	}
	return ExtractText(body), nil
}

func extractFileHTML(name string, body []byte, r Rules) (policy.Document, error) {
	doc, err := extractHTML(body, "", r)
	if err != nil {
		return doc, fmt.Errorf("scraper: extract %s: %w", name, err)
	}
	return doc, nil
}

// ExtractText splits plain text into paragraphs at blank lines.
func ExtractText(body []byte) policy.Document {
	var out blockSink
	var para []string
	flush := func() {
		out.add(policy.Paragraph, 0, strings.Join(para, " "))
		para = para[:0]
	}
	for _, line := range strings.Split(decodeText(body), "\n") {
		if strings.TrimSpace(line) == "" {
			flush()
			continue
		}
		para = append(para, line)
	}
	flush()
	return policy.Document{Blocks: out.blocks}
}

// decodeText returns a Markdown or text body as a string, with the rules
// of decodeTextAs.
func decodeText(body []byte) string {
	text, _ := decodeTextAs(body)
	return text
}

// metaCharset finds a charset declared in a meta tag anywhere in the head.
// charset.DetermineEncoding only looks at the first 1024 bytes, and real
// pages put kilobytes of inline script before their meta tags.
var metaCharset = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?i)<meta[^>]+charset\s*=\s*["']?\s*([a-z0-9_:.-]+)`)
})

// parseHTML decodes body to UTF-8 and parses it.
func parseHTML(body []byte, contentType string) (*html.Node, error) {
	text, err := decodeHTML(body, contentType)
	if err != nil {
		return nil, err
	}
	root, err := html.Parse(strings.NewReader(text))
	if err != nil {
		return nil, fmt.Errorf("parse: %w", err)
	}
	return root, nil
}

// decodeHTML decodes an HTML body to UTF-8 with the rules of decodeHTMLAs.
func decodeHTML(body []byte, contentType string) (string, error) {
	text, _, err := decodeHTMLAs(body, contentType)
	return text, err
}

func compileSelector(what, s string) (cascadia.SelectorGroup, error) {
	sel, err := cascadia.ParseGroup(s)
	if err != nil {
		return nil, fmt.Errorf("invalid %s selector %q (check the document's %s list): %w", what, s, what, err)
	}
	return sel, nil
}

// selectRoots returns the elements whose text makes the document: the union
// of the Select matches in document order, without elements nested in
// another match (whose text would otherwise appear twice).
func selectRoots(doc *goquery.Document, selects []string) ([]*html.Node, error) {
	root := doc.Nodes[0]
	if len(selects) == 0 {
		// Without a Select rule the first of these that matches wins, and
		// the whole body is the last resort.
		for _, s := range []string{"main", "article", "[role=main]"} {
			if nodes := topmost(cascadia.QueryAll(root, cascadia.MustCompile(s))); len(nodes) > 0 {
				return nodes, nil
			}
		}
		if body := cascadia.Query(root, cascadia.MustCompile("body")); body != nil {
			return []*html.Node{body}, nil
		}
		return []*html.Node{root}, nil
	}
	var group cascadia.SelectorGroup
	for _, s := range selects {
		sel, err := compileSelector("select", s)
		if err != nil {
			return nil, err
		}
		group = append(group, sel...)
	}
	nodes := topmost(cascadia.QueryAll(root, group))
	if len(nodes) == 0 {
		return nil, fmt.Errorf("select %q: %w", strings.Join(selects, ", "), ErrNoMatch)
	}
	return nodes, nil
}

// topmost drops the nodes that have an ancestor in the list; QueryAll returns
// nodes in document order, so an ancestor always comes before its
// descendants.
func topmost(nodes []*html.Node) []*html.Node {
	var out []*html.Node
	for _, n := range nodes {
		inside := false
		for _, m := range out {
			if contains(m, n) {
				inside = true
				break
			}
		}
		if !inside {
			out = append(out, n)
		}
	}
	return out
}

func contains(ancestor, n *html.Node) bool {
	for p := n.Parent; p != nil; p = p.Parent {
		if p == ancestor {
			return true
		}
	}
	return false
}

// removeMatching detaches every element under (and including descendants of)
// root that sel matches. root itself is kept: a Remove rule that matches the
// selected container would otherwise empty the document silently.
func removeMatching(root *html.Node, sel cascadia.Matcher) {
	for _, n := range cascadia.QueryAll(root, sel) {
		if n.Parent != nil && n != root {
			n.Parent.RemoveChild(n)
		}
	}
}

// isBlockTag reports the elements that start a new block of text; text on
// either side of them never runs together. Everything else is inline.
func isBlockTag(a atom.Atom) bool {
	switch a {
	case atom.Address, atom.Article, atom.Aside, atom.Blockquote, atom.Body, atom.Caption,
		atom.Center, atom.Dd, atom.Details, atom.Dialog, atom.Dir, atom.Div, atom.Dl, atom.Dt,
		atom.Fieldset, atom.Figcaption, atom.Figure, atom.Footer, atom.Form, atom.H1, atom.H2,
		atom.H3, atom.H4, atom.H5, atom.H6, atom.Header, atom.Hgroup, atom.Hr, atom.Html,
		atom.Legend, atom.Li, atom.Main, atom.Menu, atom.Ol, atom.P, atom.Pre, atom.Section,
		atom.Summary, atom.Table, atom.Tbody, atom.Td, atom.Tfoot, atom.Th, atom.Thead, atom.Tr,
		atom.Ul:
		return true
	}
	return false
}

// headingLevel reports whether n is a heading and its level: h1-h6, or an
// element with role="heading" (aria-level, default 2 as ARIA says).
func headingLevel(n *html.Node) (int, bool) {
	if n.Type != html.ElementNode {
		return 0, false
	}
	switch n.DataAtom {
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		return int(n.Data[1] - '0'), true
	}
	if strings.EqualFold(attr(n, "role"), "heading") {
		if l, err := strconv.Atoi(strings.TrimSpace(attr(n, "aria-level"))); err == nil && l >= 1 {
			return min(l, 9), true
		}
		return 2, true
	}
	return 0, false
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func isBlock(n *html.Node) bool {
	if n.Type != html.ElementNode {
		return false
	}
	if _, ok := headingLevel(n); ok {
		return true
	}
	return isBlockTag(n.DataAtom)
}

// htmlWalker turns a DOM subtree into blocks. Text runs are gathered in buf
// until a block boundary flushes them as a paragraph.
type htmlWalker struct {
	out  blockSink
	buf  strings.Builder
	glue linkGlue
}

func (w *htmlWalker) flush() {
	w.out.add(policy.Paragraph, 0, w.buf.String())
	w.buf.Reset()
	w.glue = linkGlue{}
}

// linkGlue keeps the texts of two links that touch in the markup
// (<a>…</a><a>…</a>) apart: a row of links is a list of labels, and glued
// together they made words that no page shows ("Off-Facebook
// activityCookie settings").
type linkGlue struct {
	// closed is set when a link has just ended, with no text since.
	closed bool
	// pending is set when a link opened right after another one, until
	// its first text.
	pending bool
}

// open records the start of a link.
func (g *linkGlue) open() {
	g.pending = g.closed
	g.closed = false
}

// close records the end of a link.
func (g *linkGlue) close() { g.closed = true }

// write appends text to b, after linkBoundary when the text opens a link
// that touches the previous one and would glue to it.
func (g *linkGlue) write(b *strings.Builder, text string) {
	if g.pending && strings.TrimSpace(text) != "" {
		if needsBoundary(b.String(), text) {
			b.WriteString(linkBoundary)
		}
		g.pending = false
	}
	if text != "" {
		g.closed = false
	}
	b.WriteString(text)
}

// block walks n, whatever it is, flushing pending text around block
// elements.
func (w *htmlWalker) block(n *html.Node) {
	switch n.Type {
	case html.TextNode:
		w.glue.write(&w.buf, n.Data)
		return
	case html.ElementNode, html.DocumentNode:
	default:
		return
	}
	if n.Type == html.ElementNode {
		if level, ok := headingLevel(n); ok {
			w.flush()
			w.out.add(policy.Heading, level, textOf(n, false))
			return
		}
		switch n.DataAtom {
		case atom.Br:
			w.buf.WriteByte(' ')
			return
		case atom.Li:
			w.flush()
			w.out.add(policy.ListItem, 0, textOf(n, true))
			w.nested(n)
			return
		case atom.Tr:
			w.flush()
			w.row(n)
			return
		}
	}
	blk := isBlock(n)
	if blk {
		w.flush()
	}
	link := isUnit(n)
	if link {
		w.glue.open()
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		w.block(c)
	}
	if link {
		w.glue.close()
	}
	if blk {
		w.flush()
	}
}

// nested emits the lists inside a list item after the item itself, so that a
// nested list gives its own items and its text is not repeated in the
// parent's.
func (w *htmlWalker) nested(n *html.Node) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode {
			continue
		}
		if c.DataAtom == atom.Ul || c.DataAtom == atom.Ol || c.DataAtom == atom.Dl || c.DataAtom == atom.Table {
			w.block(c)
			continue
		}
		w.nested(c)
	}
}

// row emits a table row as one block, its non-empty cells joined by " | ".
// A row used for layout (one cell holding blocks other than a heading, or
// any cell holding a nested table, as old and printable pages do for the
// whole page) is walked as ordinary content instead. A lone heading cell is
// a row: Open Terms Archive's Markdown keeps such captions in the table.
func (w *htmlWalker) row(tr *html.Node) {
	var cells []*html.Node
	for c := tr.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode && (c.DataAtom == atom.Td || c.DataAtom == atom.Th) {
			cells = append(cells, c)
		}
	}
	layout := len(cells) == 1 && hasDescendant(cells[0], func(n *html.Node) bool {
		_, heading := headingLevel(n)
		return isBlock(n) && !heading
	})
	for _, c := range cells {
		layout = layout || hasDescendant(c, func(n *html.Node) bool { return n.DataAtom == atom.Table })
	}
	if layout {
		for _, c := range cells {
			w.block(c)
		}
		return
	}
	var texts []string
	for _, c := range cells {
		if t := cellText(c); t != "" {
			texts = append(texts, t)
		}
	}
	w.out.add(policy.TableRow, 0, strings.Join(texts, cellBoundary))
}

// cellBoundary is written between the cells of a table row, and
// itemBoundary between the paragraphs, list items and lines of one cell.
// Both end a sentence for the topics tokenizer: a row stays one clause, but
// no phrase, evidence or statement runs from one cell or item into the
// next ("other users’ • Device signals • Information you’ve shared", not
// "other users’ Device signals Information you’ve shared").
const (
	cellBoundary = " | "
	itemBoundary = " • "
)

// cellText returns the normalized text of a table cell, its blocks and
// lines joined by itemBoundary.
func cellText(n *html.Node) string {
	return joinPieces(strings.Split(textWith(n, false, "\x00"), "\x00"))
}

// joinPieces normalizes pieces and joins the non-empty ones with
// itemBoundary.
func joinPieces(pieces []string) string {
	var out []string
	for _, p := range pieces {
		if p = policy.Normalize(p); p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, itemBoundary)
}

func hasDescendant(n *html.Node, match func(*html.Node) bool) bool {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode && (match(c) || hasDescendant(c, match)) {
			return true
		}
	}
	return false
}

// textOf returns the text inside n, with a space at every block boundary and
// <br>. With skipLists, nested lists and tables are left out: they are
// emitted as blocks of their own.
func textOf(n *html.Node, skipLists bool) string {
	return textWith(n, skipLists, " ")
}

// textWith is textOf writing brk at every block boundary and <br>. Cells
// use NUL, which the HTML parser never leaves in text, to find their
// pieces.
func textWith(n *html.Node, skipLists bool, brk string) string {
	var b strings.Builder
	var glue linkGlue
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			switch c.Type {
			case html.TextNode:
				glue.write(&b, c.Data)
			case html.ElementNode:
				if c.DataAtom == atom.Br {
					b.WriteString(brk)
					glue = linkGlue{}
					continue
				}
				if skipLists && (c.DataAtom == atom.Ul || c.DataAtom == atom.Ol || c.DataAtom == atom.Dl || c.DataAtom == atom.Table) {
					continue
				}
				blk := isBlock(c)
				if blk {
					b.WriteString(brk)
					glue = linkGlue{}
				}
				unit := isUnit(c)
				if unit {
					glue.open()
				}
				walk(c)
				if unit {
					glue.close()
				}
				if blk {
					b.WriteString(brk)
					glue = linkGlue{}
				}
			}
		}
	}
	walk(n)
	return b.String()
}

// blockSink collects blocks and keeps the stack of enclosing headings that
// gives each block its Path. HTML and Markdown extraction share it so that
// the same content yields the same document from either source.
type blockSink struct {
	blocks   []policy.Block
	headings []heading
	// own makes each block text a copy rather than a part of the source:
	// blocks that outlive their source (Sequence reuses them file after
	// file) would otherwise keep every source they came from in memory.
	own bool
}

type heading struct {
	level int
	text  string
}

// add appends a block with normalized text; empty text adds nothing, and
// neither does a paragraph or list item that is only page furniture
// ("Return to top", see isFurniture), whatever source it came from. A
// heading closes every open heading of the same or a deeper level.
func (s *blockSink) add(kind policy.Kind, level int, text string) {
	text = policy.Normalize(text)
	if text == "" || furnitureKind(kind) && isFurniture(text) {
		return
	}
	if s.own {
		text = strings.Clone(text)
	}
	open := s.headings
	if kind == policy.Heading {
		for len(open) > 0 && open[len(open)-1].level >= level {
			open = open[:len(open)-1]
		}
	}
	var path []string
	for _, h := range open {
		path = append(path, h.text)
	}
	s.blocks = append(s.blocks, policy.Block{Kind: kind, Level: level, Path: path, Text: text})
	if kind == policy.Heading {
		// A new stack rather than an append: the stacks a Markdown parse
		// remembers at its resume points (mdPoint) share their arrays and
		// must not change.
		h := make([]heading, len(open)+1)
		copy(h, open)
		h[len(open)] = heading{level, text}
		s.headings = h
	}
}
