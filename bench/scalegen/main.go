// Command scalegen serves N distinct policy-like HTML pages on loopback, so
// that the scale benchmark (bench/scale.sh) can check thousands of
// documents that differ the way real policies differ: in their number of
// sections, their headings, lists and occasional tables, and their size
// (most 20-80 KB, a few up to 300 KB), each with site furniture (nav,
// footer) around a main element and a "Last updated" line.
//
// The text is recombined from the English policies of the shared corpus
// (sentences regrouped into paragraphs, the brand replaced by each
// service's own name), seeded by the document's index, so every run serves
// the same pages. Documents are spread over N/2 hosts (two per service, as
// in real collections): every 127.0.0.0/8 address reaches loopback on
// Linux, so document i lives at http://127.a.b.c:PORT/doc/i and a client
// that is polite per host is not serialised on one address. The server
// listens on all addresses of PORT and drops connections that do not come
// from loopback.
//
// Pages carry an ETag and Last-Modified and answer conditional requests
// with 304. The month (0 at start, -month) selects a deterministic edit
// history: month k is the base page with edits 1..k applied, each a few
// sentences replaced in every document and a new date line. POST
// /admin/month?k=K on 127.0.0.1 switches the month while running.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"hash/fnv"
	"html"
	"log"
	"math"
	"math/rand"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

func main() {
	n := flag.Int("n", 1000, "number of `documents`")
	listen := flag.String("listen", "0.0.0.0:0", "`address` to listen on; only loopback peers are served; the port is printed")
	corpus := flag.String("corpus", "../shared/corpus", "`directory` of the shared corpus")
	month := flag.Int("month", 0, "edit `month` to serve at start (0: the base pages)")
	urls := flag.String("urls", "", "write the documents' URLs, one a line, to this `file` and exit")
	port := flag.Int("port", 0, "port the URLs written by -urls name")
	dump := flag.Int("dump", -1, "write document `i` (at -month) to stdout and exit")
	flag.Parse()

	if *urls != "" {
		if err := writeURLs(*urls, *n, *port); err != nil {
			log.Fatalf("scalegen: %v", err)
		}
		return
	}
	pool, err := loadPool(*corpus)
	if err != nil {
		log.Fatalf("scalegen: %v", err)
	}
	if *dump >= 0 {
		os.Stdout.Write(pool.page(*dump, *month))
		return
	}
	s := &server{pool: pool, n: *n}
	s.month.Store(int64(*month))
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		log.Fatalf("scalegen: %v", err)
	}
	fmt.Println(ln.Addr().(*net.TCPAddr).Port)
	log.Fatal(http.Serve(loopbackOnly{ln}, s))
}

// host returns the loopback address of document i's host: documents 2h
// and 2h+1 share host h.
func host(i int) string {
	h := i/2 + 1
	return fmt.Sprintf("127.%d.%d.%d", 1+h>>16, (h>>8)&255, h&255)
}

func writeURLs(path string, n, port int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	for i := 0; i < n; i++ {
		fmt.Fprintf(w, "http://%s:%d/doc/%d\n", host(i), port, i)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return f.Close()
}

// loopbackOnly closes connections from outside loopback, since the
// listener is on every address.
type loopbackOnly struct{ net.Listener }

func (l loopbackOnly) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		if a, ok := c.RemoteAddr().(*net.TCPAddr); ok && a.IP.IsLoopback() {
			return c, nil
		}
		c.Close()
	}
}

type server struct {
	pool  *pool
	n     int
	month atomic.Int64
}

func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/admin/month" {
		k, err := strconv.Atoi(r.URL.Query().Get("k"))
		if r.Method != http.MethodPost || err != nil || k < 0 {
			http.Error(w, "POST /admin/month?k=K", http.StatusBadRequest)
			return
		}
		s.month.Store(int64(k))
		fmt.Fprintln(w, k)
		return
	}
	i, err := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/doc/"))
	if err != nil || i < 0 || i >= s.n || !strings.HasPrefix(r.URL.Path, "/doc/") {
		http.NotFound(w, r)
		return
	}
	k := int(s.month.Load())
	etag := fmt.Sprintf(`"d%d-m%d"`, i, k)
	modified := updated(i, k)
	w.Header().Set("ETag", etag)
	w.Header().Set("Last-Modified", modified.Format(http.TimeFormat))
	if inm := r.Header.Get("If-None-Match"); inm != "" {
		if strings.Contains(inm, etag) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
	} else if ims, err := http.ParseTime(r.Header.Get("If-Modified-Since")); err == nil && !modified.After(ims) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	body := s.pool.page(i, k)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.Write(body)
}

// updated is the date of document i's "Last updated" line at month k: a
// day in 2025 for the base page, a month later for each edit.
func updated(i, k int) time.Time {
	r := rand.New(rand.NewSource(int64(i)*7919 + 17))
	base := time.Date(2025, time.Month(1+r.Intn(12)), 1+r.Intn(28), 0, 0, 0, 0, time.UTC)
	return base.AddDate(0, k, 0)
}

// pool holds the corpus's sentences and headings.
type pool struct {
	sentences []string // full sentences, brand names replaced by "{S}"
	short     []string // short sentences, for list items and table cells
	headings  []string
}

var (
	linkRE  = regexp.MustCompile(`\[([^\]]*)\]\([^)]*\)`)
	brandRE = regexp.MustCompile(`\b(WhatsApp|Facebook|Instagram|Meta Platforms|Meta)\b`)
	splitRE = regexp.MustCompile(`([.!?])\s+([A-Z])`)
)

// loadPool reads the English Markdown policies of the corpus.
func loadPool(dir string) (*pool, error) {
	var files []string
	for _, d := range []string{"facebook-privacy-policy", "whatsapp-legal-page-global-2013-2020", "whatsapp-privacy-policy-eea",
		"whatsapp-privacy-policy-global", "whatsapp-terms-of-service-eea", "whatsapp-terms-of-service-global"} {
		m, err := filepath.Glob(filepath.Join(dir, d, "*.md"))
		if err != nil {
			return nil, err
		}
		files = append(files, m...)
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no Markdown policies under %s", dir)
	}
	sort.Strings(files)
	seenS, seenH := map[string]bool{}, map[string]bool{}
	p := &pool{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		for _, line := range strings.Split(string(b), "\n") {
			line = strings.TrimSpace(line)
			heading := strings.HasPrefix(line, "#")
			line = strings.TrimLeft(line, "#*-> \t")
			line = linkRE.ReplaceAllString(line, "$1")
			line = strings.NewReplacer("**", "", "__", "", "_", "", "*", "", "`", "", "\\", "").Replace(line)
			line = brandRE.ReplaceAllString(strings.TrimSpace(line), "{S}")
			if line == "" || strings.ContainsAny(line, "|<>=") {
				continue
			}
			if heading {
				if len(line) >= 4 && len(line) <= 90 && !seenH[line] {
					seenH[line] = true
					p.headings = append(p.headings, line)
				}
				continue
			}
			for _, s := range strings.Split(splitRE.ReplaceAllString(line, "$1\n$2"), "\n") {
				s = strings.TrimSpace(s)
				if len(s) < 25 || len(s) > 450 || seenS[s] || !strings.ContainsAny(s[len(s)-1:], ".!?:;") {
					continue
				}
				seenS[s] = true
				p.sentences = append(p.sentences, s)
				if len(s) < 110 {
					p.short = append(p.short, strings.TrimRight(s, ".:;"))
				}
			}
		}
	}
	if len(p.sentences) < 500 || len(p.headings) < 50 {
		return nil, fmt.Errorf("corpus too small: %d sentences, %d headings", len(p.sentences), len(p.headings))
	}
	return p, nil
}

// Block kinds of a generated document.
const (
	para = iota
	list
	table
)

type block struct {
	kind  int
	items [][]int // paragraph: one item of sentence indices; list: an item each; table: a row each
}

type section struct {
	heading int
	sub     int // a subheading before the second half, or -1
	blocks  []block
}

type doc struct {
	service  string
	sections []section
}

// seed mixes a document's index and a month into a generator seed.
func seed(i, k int) int64 {
	h := fnv.New64a()
	fmt.Fprintf(h, "%d/%d", i, k)
	return int64(h.Sum64() >> 1)
}

// targetSize draws a page size: log-normal around 40 KB, most pages 20-80
// KB, clipped to 5-300 KB.
func targetSize(r *rand.Rand) int {
	s := math.Exp(math.Log(40000) + 0.6*r.NormFloat64())
	return int(math.Max(5000, math.Min(300000, s)))
}

var syllables = []string{"ka", "lo", "mi", "ra", "ve", "to", "zu", "ne", "pi", "sa", "do", "ly", "qu", "ar", "en", "ix", "or", "bel", "fin", "gra"}

// serviceName is the brand of document i's service, unique per service
// and without digits (a "404" in a title reads as an error page).
func serviceName(i int) string {
	h := i / 2
	r := rand.New(rand.NewSource(int64(h) + 99991))
	var b strings.Builder
	b.WriteString(syllables[r.Intn(len(syllables))])
	for {
		b.WriteString(syllables[h%len(syllables)])
		h /= len(syllables)
		if h == 0 {
			break
		}
	}
	s := b.String()
	return strings.ToUpper(s[:1]) + s[1:]
}

// base builds document i's month-0 structure.
func (p *pool) base(i int) doc {
	r := rand.New(rand.NewSource(seed(i, 0)))
	target := targetSize(r) - 3500 // furniture
	nsec := target/6000 + r.Intn(7) - 3
	nsec = max(5, min(60, nsec))
	d := doc{service: serviceName(i)}
	per := target / nsec
	for s := 0; s < nsec; s++ {
		sec := section{heading: r.Intn(len(p.headings)), sub: -1}
		if r.Intn(4) == 0 {
			sec.sub = r.Intn(len(p.headings))
		}
		for size := 0; size < per; {
			var b block
			switch x := r.Intn(20); {
			case x < 14:
				b = block{kind: para, items: [][]int{p.draw(r, 1+r.Intn(4), false)}}
			case x < 19:
				b = block{kind: list}
				for j := 0; j < 2+r.Intn(7); j++ {
					b.items = append(b.items, p.draw(r, 1, r.Intn(2) == 0))
				}
			default:
				b = block{kind: table}
				cols := 2 + r.Intn(3)
				for j := 0; j < 3+r.Intn(6); j++ {
					b.items = append(b.items, p.draw(r, cols, true))
				}
			}
			size += p.size(b)
			sec.blocks = append(sec.blocks, b)
		}
		d.sections = append(d.sections, sec)
	}
	return d
}

// draw picks n sentence indices; short ones index p.short, stored negated
// minus one so that one slice holds both.
func (p *pool) draw(r *rand.Rand, n int, short bool) []int {
	out := make([]int, n)
	for j := range out {
		if short {
			out[j] = -1 - r.Intn(len(p.short))
		} else {
			out[j] = r.Intn(len(p.sentences))
		}
	}
	return out
}

func (p *pool) sentence(x int) string {
	if x < 0 {
		return p.short[-1-x]
	}
	return p.sentences[x]
}

// size estimates the bytes a block renders to.
func (p *pool) size(b block) int {
	n := 40
	for _, it := range b.items {
		n += 30
		for _, x := range it {
			n += len(p.sentence(x)) + 12
		}
	}
	return n
}

// edit applies month k's edit to d: a few sentences replaced, now and then
// a paragraph added or a list item dropped.
func (p *pool) edit(d *doc, i, k int) {
	r := rand.New(rand.NewSource(seed(i, k)))
	for e := 0; e < 1+r.Intn(4); e++ {
		sec := &d.sections[r.Intn(len(d.sections))]
		b := &sec.blocks[r.Intn(len(sec.blocks))]
		it := b.items[r.Intn(len(b.items))]
		j := r.Intn(len(it))
		it[j] = p.draw(r, 1, it[j] < 0)[0]
	}
	sec := &d.sections[r.Intn(len(d.sections))]
	switch r.Intn(4) {
	case 0:
		at := r.Intn(len(sec.blocks) + 1)
		nb := block{kind: para, items: [][]int{p.draw(r, 1+r.Intn(3), false)}}
		sec.blocks = append(sec.blocks[:at], append([]block{nb}, sec.blocks[at:]...)...)
	case 1:
		b := &sec.blocks[r.Intn(len(sec.blocks))]
		if b.kind == list && len(b.items) > 2 {
			j := r.Intn(len(b.items))
			b.items = append(b.items[:j], b.items[j+1:]...)
		}
	}
}

// page renders document i at month k.
func (p *pool) page(i, k int) []byte {
	d := p.base(i)
	for m := 1; m <= k; m++ {
		p.edit(&d, i, m)
	}
	name := d.service
	kind := "Privacy Policy"
	if i%2 == 1 {
		kind = "Terms of Service"
	}
	fill := func(s string) string { return html.EscapeString(strings.ReplaceAll(s, "{S}", name)) }
	var b strings.Builder
	b.Grow(64 << 10)
	fmt.Fprintf(&b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>%s %s</title>\n", name, kind)
	b.WriteString(`<meta name="viewport" content="width=device-width, initial-scale=1"><link rel="stylesheet" href="/static/site.css">` + "\n")
	fmt.Fprintf(&b, "<script>window.__cfg={\"locale\":\"en_US\",\"page\":\"legal\",\"rev\":%d};</script></head>\n<body>\n", 1000+i)
	fmt.Fprintf(&b, "<header class=\"site-header\"><a class=\"logo\" href=\"/\">%s</a>\n<nav aria-label=\"Main\"><ul>", name)
	for _, l := range []string{"Features", "Pricing", "Download", "Business", "Developers", "Security", "Help Center", "Blog", "Careers", "Contact"} {
		fmt.Fprintf(&b, "<li><a href=\"/%s\">%s</a></li>", strings.ToLower(strings.ReplaceAll(l, " ", "-")), l)
	}
	b.WriteString("</ul></nav><button class=\"menu\" aria-label=\"Open menu\">Menu</button></header>\n")
	b.WriteString("<div class=\"layout\"><aside class=\"toc\"><p>On this page</p><ul>")
	for s, sec := range d.sections {
		fmt.Fprintf(&b, "<li><a href=\"#s%d\">%s</a></li>", s, fill(p.headings[sec.heading]))
	}
	b.WriteString("</ul></aside>\n<main id=\"content\">\n")
	fmt.Fprintf(&b, "<h1>%s %s</h1>\n<p class=\"updated\">Last updated: %s</p>\n", name, kind, updated(i, k).Format("January 2, 2006"))
	for s, sec := range d.sections {
		fmt.Fprintf(&b, "<section class=\"_9t0g\" id=\"s%d\"><h2>%s</h2>\n", s, fill(p.headings[sec.heading]))
		for j, bl := range sec.blocks {
			if sec.sub >= 0 && j == len(sec.blocks)/2 {
				fmt.Fprintf(&b, "<h3>%s</h3>\n", fill(p.headings[sec.sub]))
			}
			switch bl.kind {
			case para:
				b.WriteString("<div class=\"_9t0i\"><p>")
				for n, x := range bl.items[0] {
					if n > 0 {
						b.WriteByte(' ')
					}
					b.WriteString(fill(p.sentence(x)))
				}
				b.WriteString("</p></div>\n")
			case list:
				b.WriteString("<ul class=\"_9t0k\">")
				for _, it := range bl.items {
					fmt.Fprintf(&b, "<li><span>%s</span></li>", fill(p.sentence(it[0])))
				}
				b.WriteString("</ul>\n")
			case table:
				b.WriteString("<table class=\"_9t0t\"><tbody>")
				for _, row := range bl.items {
					b.WriteString("<tr>")
					for _, x := range row {
						fmt.Fprintf(&b, "<td>%s</td>", fill(p.sentence(x)))
					}
					b.WriteString("</tr>")
				}
				b.WriteString("</tbody></table>\n")
			}
		}
		b.WriteString("</section>\n")
	}
	b.WriteString("</main></div>\n<footer class=\"site-footer\"><nav aria-label=\"Legal\"><ul>")
	for _, l := range []string{"Privacy Policy", "Terms of Service", "Cookie Policy", "Accessibility", "Sitemap", "Status", "Press", "Brand Center"} {
		fmt.Fprintf(&b, "<li><a href=\"/legal/%s\">%s</a></li>", strings.ToLower(strings.ReplaceAll(l, " ", "-")), l)
	}
	fmt.Fprintf(&b, "</ul></nav><p>&copy; 2026 %s Inc.</p><button aria-label=\"Return to top\">Return to top</button></footer>\n", name)
	b.WriteString("<script src=\"/static/app.js\" async></script></body></html>\n")
	return []byte(b.String())
}
