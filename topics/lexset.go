package topics

import (
	"slices"
	"strings"
)

// A phrase is one lexicon entry: words matched one after the other against
// folded tokens. A word ending in "*" matches any word it begins ("shar*"
// matches "share", "shared", "sharing"). An entry written "words => key"
// names what it stands for, so that "Facebook Companies" and "empresas de
// Meta" both count as the recipient "meta-companies" when severity asks
// whether a recipient is new.
type phrase struct {
	words  []string
	prefix []bool
	key    string
}

// lexset is a compiled list of phrases, indexed by their first word so that
// a clause is scanned once, whatever the size of the list.
type lexset struct {
	phrases []phrase
	exact   map[string][]int
	stem    map[string][]int
	lens    []int // the lengths of the stems, longest first
	// starts marks the startKey of every phrase's first word (a stem
	// shorter than two bytes sets every bit): a token whose key is not
	// marked starts no phrase, and is passed over without the map
	// lookups, which were most of the cost of classifying a clause
	// against the forty-odd sets of a lexicon.
	starts [startBits / 64]uint64
}

// startBits is the size of a lexset's starts filter.
const startBits = 1024

// startKey hashes the first two bytes of a word (its only byte, for a
// one-byte word) into the starts filter: a phrase word and the token
// words it matches, whole or as a stem of two bytes or more, begin with
// the same bytes.
func startKey(w string) uint {
	switch len(w) {
	case 0:
		return 0
	case 1:
		return (uint(w[0])*37 + 511) % startBits
	}
	return (uint(w[0])*37 + uint(w[1])) % startBits
}

func (l *lexset) mayStart(w string) bool {
	k := startKey(w)
	return l.starts[k/64]&(1<<(k%64)) != 0
}

func (l *lexset) mark(w string, prefix bool) {
	if prefix && len(w) < 2 {
		// Any word may begin with a stem this short.
		for k := range l.starts {
			l.starts[k] = ^uint64(0)
		}
		return
	}
	k := startKey(w)
	l.starts[k/64] |= 1 << (k % 64)
}

// hit is a phrase found in a clause: tokens [from, to) and its key.
type hit struct {
	from, to int
	key      string
}

func compileSet(entries []string) *lexset {
	l := &lexset{exact: map[string][]int{}, stem: map[string][]int{}}
	for _, e := range entries {
		text, key, _ := strings.Cut(e, "=>")
		text, key = strings.TrimSpace(text), strings.TrimSpace(key)
		var p phrase
		for _, w := range strings.Fields(fold(text)) {
			star := strings.HasSuffix(w, "*")
			p.words = append(p.words, strings.TrimSuffix(w, "*"))
			p.prefix = append(p.prefix, star)
		}
		if len(p.words) == 0 {
			continue
		}
		if key == "" {
			key = strings.Join(p.words, " ")
		}
		p.key = key
		idx := len(l.phrases)
		l.phrases = append(l.phrases, p)
		l.mark(p.words[0], p.prefix[0])
		if p.prefix[0] {
			l.stem[p.words[0]] = append(l.stem[p.words[0]], idx)
			if !slices.Contains(l.lens, len(p.words[0])) {
				l.lens = append(l.lens, len(p.words[0]))
			}
		} else {
			l.exact[p.words[0]] = append(l.exact[p.words[0]], idx)
		}
	}
	slices.Sort(l.lens)
	slices.Reverse(l.lens)
	return l
}

// find returns the phrases found in toks, the longest one at each position,
// in order. A phrase never spans two sentences.
func (l *lexset) find(toks []token) []hit {
	var hits []hit
	for i := range toks {
		if h, ok := l.at(toks, i); ok {
			hits = append(hits, h)
		}
	}
	return hits
}

// better returns phrase k's match at token i if it is longer than best.
func (l *lexset) better(best hit, k int, toks []token, i int) hit {
	if to, ok := l.phrases[k].matchAt(toks, i); ok && (best.from < 0 || to > best.to) {
		return hit{from: i, to: to, key: l.phrases[k].key}
	}
	return best
}

func (p phrase) matchAt(toks []token, i int) (int, bool) {
	if i+len(p.words) > len(toks) {
		return 0, false
	}
	s := toks[i].sentence
	for k, w := range p.words {
		t := toks[i+k]
		if t.sentence != s {
			return 0, false
		}
		if p.prefix[k] {
			if !strings.HasPrefix(t.word, w) {
				return 0, false
			}
		} else if t.word != w {
			return 0, false
		}
	}
	return i + len(p.words), true
}

// has reports whether one of the phrases of l starts at h's first token.
func (l *lexset) has(toks []token, h hit) bool {
	if h.from >= len(toks) {
		return false
	}
	w := toks[h.from].word
	if !l.mayStart(w) {
		return false
	}
	for _, k := range l.exact[w] {
		if _, ok := l.phrases[k].matchAt(toks, h.from); ok {
			return true
		}
	}
	for _, n := range l.lens {
		if n <= len(w) {
			for _, k := range l.stem[w[:n]] {
				if _, ok := l.phrases[k].matchAt(toks, h.from); ok {
					return true
				}
			}
		}
	}
	return false
}

// at returns the longest phrase of l that starts at token i, as find
// would report it there.
func (l *lexset) at(toks []token, i int) (hit, bool) {
	if i < 0 || i >= len(toks) {
		return hit{}, false
	}
	w := toks[i].word
	if !l.mayStart(w) {
		return hit{}, false
	}
	best := hit{from: -1}
	for _, k := range l.exact[w] {
		best = l.better(best, k, toks, i)
	}
	for _, n := range l.lens {
		if n <= len(w) {
			for _, k := range l.stem[w[:n]] {
				best = l.better(best, k, toks, i)
			}
		}
	}
	return best, best.from >= 0
}
