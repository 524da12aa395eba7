package history

import (
	"bytes"
	"fmt"
	"strconv"
)

// A delta stores a text as the edits that turn the text before it (its
// base) into it, word by word: consecutive versions of a policy share most
// of their words, and gzip alone cannot see that, since it only looks 32 KB
// back and the texts are up to 220 KB long. Words, not lines, because a
// Markdown paragraph is one line and archives reformat whole documents
// (Meta's policy changed its list indentation everywhere in 2025). A word
// is a run of bytes ending with a space or "\n" (the text's last one may
// end without). A delta is a list of operations, each on its own line:
//
//	=N  copy the next N words of the base
//	-N  skip the next N words of the base
//	+N  the N words that follow, verbatim
//
// Words keep their spaces and newlines, so the text is rebuilt byte for
// byte: the snapshot recorded from it has the archive's sha256.

// applyDelta rebuilds a text from its base and its delta.
func applyDelta(base, delta []byte) ([]byte, error) {
	words := splitWords(base)
	var out bytes.Buffer
	out.Grow(len(base) + len(delta))
	pos := 0
	for len(delta) > 0 {
		op, rest, ok := bytes.Cut(delta, []byte("\n"))
		if !ok || len(op) < 2 {
			return nil, fmt.Errorf("delta: bad operation %q", truncate(op))
		}
		n, err := strconv.Atoi(string(op[1:]))
		if err != nil || n < 0 {
			return nil, fmt.Errorf("delta: bad count in %q", truncate(op))
		}
		delta = rest
		switch op[0] {
		case '=', '-':
			if pos+n > len(words) {
				return nil, fmt.Errorf("delta: %q runs past the base's %d words", truncate(op), len(words))
			}
			if op[0] == '=' {
				for _, l := range words[pos : pos+n] {
					out.Write(l)
				}
			}
			pos += n
		case '+':
			for range n {
				if len(delta) == 0 {
					return nil, fmt.Errorf("delta: %q runs past the end of the delta", truncate(op))
				}
				i := bytes.IndexAny(delta, " \n")
				if i < 0 {
					i = len(delta) - 1 // the text's last word, without a space
				}
				out.Write(delta[:i+1])
				delta = delta[i+1:]
			}
		default:
			return nil, fmt.Errorf("delta: bad operation %q", truncate(op))
		}
	}
	return out.Bytes(), nil
}

// splitWords cuts a text after each space and "\n"; the last word may
// end without one.
func splitWords(b []byte) [][]byte {
	var words [][]byte
	for len(b) > 0 {
		i := bytes.IndexAny(b, " \n")
		if i < 0 {
			i = len(b) - 1
		}
		words = append(words, b[:i+1:i+1])
		b = b[i+1:]
	}
	return words
}

// SplitWords is splitWords for the bundle's generator, which must cut
// texts into the same words.
func SplitWords(b []byte) [][]byte { return splitWords(b) }

func truncate(b []byte) string {
	if len(b) > 20 {
		b = b[:20]
	}
	return string(b)
}
