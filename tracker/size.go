package tracker

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/clausewatch/clausewatch/config"
	"github.com/clausewatch/clausewatch/policy"
)

// Reasons a fetch is held back for its size; with reasonShrunk they are the
// verdicts that confirmation can lift (see confirmHeld).
const (
	reasonGrown    = "grown"
	reasonRepeated = "repeated"
)

// Thresholds of the size gates. A policy rarely halves or grows two and a
// half times overnight; a partial render, a bloated capture or garbage does.
const (
	// growthNum/growthDen is the growth factor above which a text is
	// held back (2.5 times the last version's length).
	growthNum, growthDen = 5, 2
	// minRepeats is how often a block must occur to count as repeated,
	// and minRepeatLen how long it must be: short lines such as "Yes" in
	// a table or "Learn more" recur in real policies.
	minRepeats   = 5
	minRepeatLen = 20
)

// textRef is what the size gates need of the text a candidate is measured
// against: the latest version, or, during an import, the candidate a next
// file is checked against.
type textRef struct {
	length int
	sha256 string
}

// sizeHeld says whether a verdict is one the size gates gave, which
// repeated reading of the same text can lift: a page that really changed
// size keeps saying so, a broken capture rarely repeats itself byte for
// byte.
func sizeHeld(v *suspectError) bool {
	return v != nil && (v.class == reasonShrunk || v.class == reasonGrown || v.class == reasonRepeated)
}

// checkSize applies the size gates to text measured against last, nil
// when the document has no version yet: a first version has nothing to
// change size from (the wall and garbage gates judge it). A text identical
// to last is never held: it is what was accepted before. sha returns the
// text's hash, nil to compute it here; the pipeline passes the one it
// computes once per fetch.
func checkSize(text string, sha func() string, last *textRef) *suspectError {
	if last == nil {
		return nil
	}
	if sha == nil {
		sha = func() string { return policy.HashText(text) }
	}
	if len(text) == last.length && sha() == last.sha256 {
		return nil
	}
	if v := checkShrink(len(text), last.length); v != nil {
		return v
	}
	if last.length > 0 && len(text)*growthDen > last.length*growthNum {
		return suspect(reasonGrown, "text grew from %d to %d bytes (more than 2.5 times)", last.length, len(text))
	}
	return checkRepeated(text, last.length)
}

// checkRepeated holds back a text bloated by copies of the same blocks,
// such as a capture of Instagram's policy with its glossary repeated about
// 100 times, even when it grew less than the growth gate's factor: blocks
// of at least minRepeatLen bytes occurring at least minRepeats times whose
// extra copies make up more than a third of the text, when the text also
// grew from lastLen by at least half of those copies. The second condition
// keeps a policy that has long repeated a block (and was accepted with it)
// from being held on every edit.
func checkRepeated(text string, lastLen int) *suspectError {
	if 2*(len(text)-lastLen) <= len(text)/3 {
		return nil // cannot hold: the copies would have to be over a third of the text
	}
	extra, block, n := repeatedBytes(text)
	if extra*3 <= len(text) || 2*(len(text)-lastLen) <= extra {
		return nil
	}
	if len(block) > 60 {
		block = block[:60] + "…"
	}
	return suspect(reasonRepeated, "%d of %d bytes are repeated blocks (e.g. %q, %d times)", extra, len(text), block, n)
}

// repeatedBytes counts the bytes of text (one block per line) that are
// extra copies of blocks repeated at least minRepeats times, and names the
// most repeated one with its count.
func repeatedBytes(text string) (extra int, block string, n int) {
	counts := map[string]int{}
	for line := range strings.SplitSeq(text, "\n") {
		if len(line) >= minRepeatLen {
			counts[line]++
		}
	}
	for line, c := range counts {
		if c < minRepeats {
			continue
		}
		extra += (c - 1) * (len(line) + 1)
		if c > n || (c == n && line < block) {
			block, n = line, c
		}
	}
	return extra, block, n
}

// confirmHeld decides whether a text the size gates held back against last
// is confirmed all the same, and otherwise says what it still waits for.
// During an import the next file confirms it when that file passes the
// size gates measured against this text but not against last: the
// archive's next fetch says the new size is real. Otherwise, and for live fetches, the fetch log does: the text
// must have been read by doc's confirmation count of consecutive fetches,
// this one included, the first at least the confirmation time before this
// one. Reading the log, not memory, lets confirmation survive restarts and
// span separate `check` processes; the times are the fetches' own, taken
// from the injected clock.
func (t *Tracker) confirmHeld(ctx context.Context, doc config.Document, c *candidate, sha string, last *textRef, imp *importer) (bool, string, error) {
	if imp != nil && c.hasNext && checkSize(c.next, nil, &textRef{length: len(c.text), sha256: sha}) == nil && checkSize(c.next, nil, last) != nil {
		return true, "the next file has about the same size", nil
	}
	rule := doc.ConfirmRule()
	at := c.obs.Fetch.StartedAt
	run, err := t.db.TextRun(ctx, doc.ID, sha, at, rule.Fetches-1, rule.After)
	if err != nil {
		return false, "", fmt.Errorf("tracker: confirm %s: %w", doc.ID, err)
	}
	n, span := run.N+1, time.Duration(0)
	if run.N > 0 {
		span = at.Sub(run.First)
	}
	status := fmt.Sprintf("same text on %d consecutive fetches over %s, needs %d over at least %s", n, span, rule.Fetches, rule.After)
	return n >= rule.Fetches && span >= rule.After, status, nil
}
