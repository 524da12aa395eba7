package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"
)

// maxRefineBytes bounds the work spent finding the exact line of a YAML
// syntax error, which re-parses growing prefixes of the file; past it the
// line the YAML library reported is kept.
const maxRefineBytes = 32 << 20

// yamlLinePrefix matches the "line N: " the YAML library puts before most of
// its messages.
var yamlLinePrefix = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^line (\d+): `) })

// decodeAll parses every YAML document in b into nodes, so that a stray
// second document ("---") can be reported instead of silently ignored.
func decodeAll(b []byte) ([]*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(b))
	var docs []*yaml.Node
	for {
		var n yaml.Node
		err := dec.Decode(&n)
		if errors.Is(err, io.EOF) {
			return docs, nil
		}
		if err != nil {
			return docs, err
		}
		docs = append(docs, &n)
	}
}

// splitYAMLError separates the library's message from the line it reports
// (0 when it reports none).
func splitYAMLError(err error) (line int, msg string) {
	msg = strings.TrimPrefix(err.Error(), "yaml: ")
	if m := yamlLinePrefix().FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = msg[len(m[0]):]
	}
	return line, msg
}

// syntaxErrorLine finds the line a YAML syntax error is on. The library
// reports the line where the enclosing block started (counted from zero for
// some errors) or no line at all for errors on the first line, which sends
// people to the wrong place. The first prefix of the file that fails with
// the same message ends on the offending line; the search starts where the
// enclosing block does, since the error cannot be before it.
func syntaxErrorLine(b []byte, reported int, msg string) int {
	lines := bytes.SplitAfter(b, []byte("\n"))
	start := max(reported-1, 1)
	end, budget := 0, maxRefineBytes
	for i, l := range lines {
		end += len(l)
		if i+1 < start {
			continue
		}
		if budget -= end; budget < 0 {
			break
		}
		if _, err := decodeAll(b[:end]); err != nil {
			if _, m := splitYAMLError(err); m == msg {
				return i + 1
			}
		}
	}
	if reported > 0 {
		return reported
	}
	return 1
}

// resolve follows YAML aliases (*name) to the node they stand for.
func resolve(n *yaml.Node) *yaml.Node {
	for depth := 0; n != nil && n.Kind == yaml.AliasNode && depth < 100; depth++ {
		n = n.Alias
	}
	return n
}

// describe names what a node is, for "expected X, got Y" messages.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping of keys"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!null":
			return "nothing"
		case "!!bool":
			return "true/false"
		case "!!int", "!!float":
			return "a number"
		}
		return "a string"
	}
	return "an unsupported YAML node"
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

// entry is one key of a mapping with the node of its key (for the line of
// unknown or duplicate keys) and of its value.
type entry struct {
	key, val *yaml.Node
}

// walker turns the YAML node tree into a Config, recording every problem it
// meets and carrying on, so that one run reports them all.
type walker struct {
	problems
}

func (w *walker) at(n *yaml.Node, field, format string, args ...any) {
	w.addf(n.Line, field, format, args...)
}

// join builds a field path such as "documents[2].select".
func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func index(path string, i int) string {
	return fmt.Sprintf("%s[%d]", path, i)
}

// mapping reads the keys of a mapping node. Unknown keys are reported with
// the closest known key as a suggestion, duplicate keys with the line of the
// first. Merge keys ("<<: *defaults") are honoured, with explicit keys
// winning, so that a shared block of settings can be reused across documents.
// ok is false when n is not a mapping at all.
func (w *walker) mapping(n *yaml.Node, path string, known []string) (map[string]entry, bool) {
	n = resolve(n)
	if isNull(n) {
		return map[string]entry{}, true
	}
	if n.Kind != yaml.MappingNode {
		w.at(n, path, "expected a mapping with keys such as %s, got %s (indent the keys under %s)",
			quoteKeys(known, 3), describe(n), lastKey(path))
		return nil, false
	}
	out := map[string]entry{}
	w.collect(out, n, path, known, true, 0)
	return out, true
}

// maxMergeDepth bounds how deeply merge keys may refer to mappings that
// themselves merge others.
const maxMergeDepth = 10

// collect adds the keys of mapping n to out: its own keys first, then those
// of the mappings it merges with "<<", which do not override.
func (w *walker) collect(out map[string]entry, n *yaml.Node, path string, known []string, explicit bool, depth int) {
	var merges []*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind == yaml.ScalarNode && k.ShortTag() == "!!merge" {
			merges = append(merges, v)
			continue
		}
		w.addEntry(out, k, v, path, known, explicit)
	}
	for _, m := range merges {
		m = resolve(m)
		srcs := []*yaml.Node{m}
		if m.Kind == yaml.SequenceNode {
			srcs = m.Content
		}
		for _, src := range srcs {
			src = resolve(src)
			switch {
			case src.Kind != yaml.MappingNode:
				w.at(src, path, "a merge key (<<) must refer to a mapping, got %s (point it at an anchored mapping such as <<: *defaults)", describe(src))
			case depth >= maxMergeDepth:
				w.at(src, path, "merge keys (<<) nested more than %d deep (merge fewer levels)", maxMergeDepth)
			default:
				w.collect(out, src, path, known, false, depth+1)
			}
		}
	}
}

func (w *walker) addEntry(out map[string]entry, k, v *yaml.Node, path string, known []string, explicit bool) {
	k = resolve(k)
	if k.Kind != yaml.ScalarNode {
		w.at(k, path, "a key must be a plain name, got %s (write name: value)", describe(k))
		return
	}
	name := k.Value
	if prev, dup := out[name]; dup {
		if explicit {
			w.at(k, join(path, name), "key given twice, first at line %d (keep only one of them)", prev.key.Line)
		}
		return
	}
	if !slices.Contains(known, name) {
		if explicit || !w.seen(k) {
			w.at(k, join(path, name), "unknown key %q (%s)", name, suggest(name, known))
		}
		return
	}
	out[name] = entry{key: k, val: v}
}

// seen reports whether an unknown key merged in from an anchor was already
// reported where the anchor is defined, to avoid saying the same thing twice.
func (w *walker) seen(k *yaml.Node) bool {
	for _, p := range w.list {
		if p.Line == k.Line && strings.Contains(p.Message, strconv.Quote(k.Value)) {
			return true
		}
	}
	return false
}

// suggest proposes the closest known key when it is within two edits (a
// typo), and otherwise lists the keys that are allowed.
func suggest(name string, known []string) string {
	best, bestDist := "", 3
	for _, k := range known {
		if d := editDistance(strings.ToLower(name), k); d < bestDist {
			best, bestDist = k, d
		}
	}
	if best != "" {
		return fmt.Sprintf("did you mean %q?", best)
	}
	return "allowed keys here: " + strings.Join(known, ", ")
}

// editDistance is the Levenshtein distance between a and b, in runes.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

func quoteKeys(keys []string, max int) string {
	if len(keys) > max {
		keys = keys[:max]
	}
	return strings.Join(keys, ", ")
}

// lastKey is the last element of a field path, used to tell the user under
// which key to indent; the top level is called "the file".
func lastKey(path string) string {
	if path == "" {
		return "the top level"
	}
	if i := strings.LastIndex(path, "."); i >= 0 {
		path = path[i+1:]
	}
	return path + ":"
}

// str reads a scalar as text. Numbers are accepted as written because YAML
// turns an unquoted 2021 or 12345 into a number although the user meant the
// text; true/false is refused because "yes it's a string" is rarely what was
// meant. A null value reads as "" so that callers treat it as absent.
func (w *walker) str(n *yaml.Node, field string) (string, bool) {
	n = resolve(n)
	if n.Kind == yaml.ScalarNode {
		switch n.ShortTag() {
		case "!!null":
			return "", true
		case "!!bool":
			w.at(n, field, "expected a string, got %s (put it in quotes if you mean the text %q)", describe(n), n.Value)
			return "", false
		}
		return n.Value, true
	}
	w.at(n, field, "expected a string, got %s (write a single value on the same line as the key)", describe(n))
	return "", false
}

// strList reads either one string or a list of strings, so that the common
// case of a single CSS selector needs no list syntax.
func (w *walker) strList(n *yaml.Node, field string) ([]string, bool) {
	n = resolve(n)
	switch {
	case isNull(n):
		return nil, true
	case n.Kind == yaml.ScalarNode:
		s, ok := w.str(n, field)
		return []string{s}, ok
	case n.Kind == yaml.SequenceNode:
		out := make([]string, 0, len(n.Content))
		ok := true
		for i, item := range n.Content {
			item = resolve(item)
			if item.Kind != yaml.ScalarNode || item.ShortTag() == "!!null" {
				w.at(item, index(field, i), "expected a string, got %s (write one CSS selector per list item)", describe(item))
				ok = false
				continue
			}
			s, good := w.str(item, index(field, i))
			ok = ok && good
			out = append(out, s)
		}
		return out, ok
	}
	w.at(n, field, "expected a string or a list of strings, got %s (write a CSS selector, or a list of them)", describe(n))
	return nil, false
}

// boolean reads true or false. YAML 1.2 no longer treats yes/no as booleans,
// so they are refused with a hint rather than read as text.
func (w *walker) boolean(n *yaml.Node, field string) (bool, bool) {
	n = resolve(n)
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!bool" {
		var b bool
		if err := n.Decode(&b); err == nil {
			return b, true
		}
	}
	w.at(n, field, "expected true or false, got %s%s (write true or false)", describe(n), shortValue(n))
	return false, false
}

// integer reads a whole number.
func (w *walker) integer(n *yaml.Node, field string) (int, bool) {
	n = resolve(n)
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!int" {
		var i int
		if err := n.Decode(&i); err == nil {
			return i, true
		}
	}
	w.at(n, field, "expected a whole number, got %s%s (write digits only, e.g. 587)", describe(n), shortValue(n))
	return 0, false
}

// shortValue quotes a scalar's text for a message, after a space and
// truncated so that a pasted page does not flood the terminal; non-scalars
// print nothing.
func shortValue(n *yaml.Node) string {
	if n.Kind != yaml.ScalarNode || n.ShortTag() == "!!null" {
		return ""
	}
	return " " + quote(n.Value)
}

// quote prints a user-supplied value in Go quoting (which escapes control
// characters), cut to a readable length.
func quote(s string) string {
	const max = 80
	if r := []rune(s); len(r) > max {
		return strconv.Quote(string(r[:max])) + "..."
	}
	return strconv.Quote(s)
}
