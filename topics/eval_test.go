package topics

import (
	"bufio"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/clausewatch/clausewatch/internal/corpustest"
)

// segment is one line of OPP-115's dev.jsonl. The file is research-only
// data: it is read from the shared corpus and never copied into the project.
type segment struct {
	Policy     string `json:"policy"`
	Segment    int    `json:"segment"`
	Text       string `json:"text"`
	ThirdParty bool   `json:"third_party"`
}

func readSegments(t *testing.T) []segment {
	t.Helper()
	f, err := os.Open(filepath.Join(corpustest.Dir(t), "opp-115", "dev.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var segs []segment
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var s segment
		if err := json.Unmarshal(sc.Bytes(), &s); err != nil {
			t.Fatalf("opp-115/dev.jsonl line %d: %v", len(segs)+1, err)
		}
		segs = append(segs, s)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return segs
}

// grepRatio times `grep -c` for a sharing word over the same texts, as a
// yardstick for the classifier's speed that does not depend on the machine.
func grepRatio(t *testing.T, segs []segment, elapsed time.Duration) string {
	path, err := exec.LookPath("grep")
	if err != nil {
		return ""
	}
	var b strings.Builder
	for _, s := range segs {
		b.WriteString(s.Text)
		b.WriteByte('\n')
	}
	in := filepath.Join(t.TempDir(), "segments.txt")
	if err := os.WriteFile(in, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if err := exec.Command(path, "-c", "-i", "-E", "share|disclose|third part", in).Run(); err != nil {
		return ""
	}
	g := time.Since(start)
	return fmt.Sprintf("; grep -c over the same text took %v, ratio %.1f", g, float64(elapsed)/float64(g))
}

// score counts a binary classifier's outcomes.
type score struct{ tp, fp, fn, tn int }

func (s score) precision() float64 { return ratio(s.tp, s.tp+s.fp) }
func (s score) recall() float64    { return ratio(s.tp, s.tp+s.fn) }
func (s score) f1() float64 {
	p, r := s.precision(), s.recall()
	if p+r == 0 {
		return 0
	}
	return 2 * p * r / (p + r)
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func (s *score) add(got, want bool) {
	switch {
	case got && want:
		s.tp++
	case got:
		s.fp++
	case want:
		s.fn++
	default:
		s.tn++
	}
}

// heldOut reports whether a policy of the dev split belongs to its
// held-out part: the 32-bit FNV-1a hash of the policy's name is divisible by
// three. The rules are tuned looking only at the errors of the other part
// (the tuning part); of the held-out part only aggregate precision, recall
// and F1 are ever reported, so that its figure says how the rules do on
// policies nobody tuned them on. Hashing the name, rather than sorting or
// counting, keeps a policy on the same side whatever else the file holds.
// With the 72 policies of OPP-115's dev split, 26 policies (864 segments)
// are held out.
func heldOut(policy string) bool {
	h := fnv.New32a()
	h.Write([]byte(policy))
	return h.Sum32()%3 == 0
}

// part names the part of the dev split a policy belongs to.
func part(policy string) string {
	if heldOut(policy) {
		return "held-out"
	}
	return "tune"
}

// leads returns, for each segment, the segment that introduces it as a
// list item, or "": OPP-115 cuts a list into one segment per item, the
// lead-in ("... we may share your information with:") before them. An
// item's lead-in is the segment right before it when that one ends with a
// colon, or the lead-in of the segment before it when that one is an item
// too (short: under 400 bytes), for at most maxItems items.
func leads(segs []segment) []string {
	out := make([]string, len(segs))
	run := 0
	for k := 1; k < len(segs); k++ {
		prev := segs[k-1]
		if prev.Policy != segs[k].Policy {
			run = 0
			continue
		}
		switch {
		case strings.HasSuffix(strings.TrimSpace(prev.Text), ":"):
			out[k], run = prev.Text, 1
		case out[k-1] != "" && len(prev.Text) < 400 && run < maxItems:
			out[k] = out[k-1]
			run++
		}
	}
	return out
}

// TestOPP115DataSharing measures data-sharing against OPP-115's "Third
// Party Sharing/Collection" label on the two parts of the dev split (see
// heldOut) and on the whole. Set TOPICS_EVAL_ERRORS=tune to log the
// segments of the tuning part the rules get wrong, and how often each
// rule fires rightly there; the held-out part's errors are never logged.
func TestOPP115DataSharing(t *testing.T) {
	segs := readSegments(t)
	dump := os.Getenv("TOPICS_EVAL_ERRORS")
	if dump != "" && dump != "tune" {
		t.Fatalf("TOPICS_EVAL_ERRORS=%q: only the tuning part's errors may be read (TOPICS_EVAL_ERRORS=tune)", dump)
	}

	var all score
	parts := map[string]*score{"tune": {}, "held-out": {}}
	// listed scores ClassifyItem given each segment's lead-in (see
	// leads): what a caller that knows the list items would get.
	listed := map[string]*score{"tune": {}, "held-out": {}}
	lead := leads(segs)
	for k, s := range segs {
		_, withLead := Has(ClassifyItem(s.Text, lead[k], "en"), DataSharing)
		listed[part(s.Policy)].add(withLead, s.ThirdParty)
	}
	start := time.Now()
	for _, s := range segs {
		m, got := Has(Classify(s.Text, "en"), DataSharing)
		all.add(got, s.ThirdParty)
		p := part(s.Policy)
		parts[p].add(got, s.ThirdParty)
		if dump == p && got != s.ThirdParty {
			t.Logf("%s %s#%d got=%v negated=%v evidence=%v\n\t%s", map[bool]string{true: "FP", false: "FN"}[got], s.Policy, s.Segment, got, m.Negated, m.Evidence, s.Text)
		}
	}
	elapsed := time.Since(start)
	if dump != "" {
		// Which rules fire on the segments of the tuning part, and how
		// often rightly: a rule's precision on its own. On untagged
		// segments, which vetoes ("give/choice") removed a statement, and
		// how often the segment was labelled third_party anyway.
		type count struct{ right, wrong int }
		rules := map[string]*count{}
		for _, s := range segs {
			if part(s.Policy) != dump {
				continue
			}
			seen := map[string]bool{}
			toks := tokenize(s.Text)
			var vetoed []statement
			stmts := compiledLexicons()["en"].scan(toks, &vetoed)
			if len(stmts) == 0 {
				// A veto that left the segment untagged: "rule/veto".
				stmts = vetoed
			}
			for _, st := range stmts {
				for _, name := range []string{st.rule, st.rule + ":" + toks[st.parts[0].from].word} {
					if seen[name] {
						continue
					}
					seen[name] = true
					if rules[name] == nil {
						rules[name] = &count{}
					}
					if s.ThirdParty {
						rules[name].right++
					} else {
						rules[name].wrong++
					}
				}
			}
		}
		for name, c := range rules {
			t.Logf("rule %-9s fires on %3d segments, %3d labelled third_party (%.2f)", name, c.right+c.wrong, c.right, ratio(c.right, c.right+c.wrong))
		}
	}
	report := func(name string, s score) {
		t.Logf("%-10s segments=%4d P=%.3f R=%.3f F1=%.3f (tp=%d fp=%d fn=%d tn=%d)",
			name, s.tp+s.fp+s.fn+s.tn, s.precision(), s.recall(), s.f1(), s.tp, s.fp, s.fn, s.tn)
	}
	report("all", all)
	report("tune", *parts["tune"])
	report("held-out", *parts["held-out"])
	report("tune+list", *listed["tune"])
	report("held+list", *listed["held-out"])
	t.Logf("classified %d segments in %v (%.1f µs per segment)%s", len(segs), elapsed,
		float64(elapsed.Microseconds())/float64(len(segs)), grepRatio(t, segs, elapsed))
	// Floors, each the F1 the rules reached when the families of issue
	// 11 were added, less 0.015: on the tuning part 0.872; on the held-out
	// part 0.838, measured once, at the end, its errors never read (0.840
	// before the change: the new families bought recall, 0.871 to 0.900,
	// with precision, 0.811 to 0.783). The held-out floor is not a target
	// to tune to: a rule change that lowers it is read on the tuning part.
	floors := map[string]float64{"tune": 0.857, "held-out": 0.823}
	for _, p := range []string{"tune", "held-out"} {
		if f := parts[p].f1(); f < floors[p] {
			t.Errorf("data-sharing F1 on OPP-115 dev, %s part = %.3f, want >= %.3f", p, f, floors[p])
		}
	}
}
