package topics

import (
	"encoding/json"
	"os"
	"slices"
	"testing"
)

// Temporary dev harness (removed before finishing): dumps predictions to /tmp.
func TestZZDump(t *testing.T) {
	segs := readSegments(t)
	var policies []string
	for _, s := range segs {
		if !slices.Contains(policies, s.Policy) {
			policies = append(policies, s.Policy)
		}
	}
	slices.Sort(policies)
	f, err := os.Create("/tmp/topics_f1/pred.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	enc := json.NewEncoder(f)
	for _, s := range segs {
		toks := tokenize(s.Text)
		var rules []string
		for _, st := range compiledLexicons["en"].sharing(toks) {
			rules = append(rules, st.rule+":"+toks[st.parts[0].from].word)
		}
		var vet []statement
		compiledLexicons["en"].scan(toks, &vet)
		var vetoes []string
		for _, st := range vet {
			vetoes = append(vetoes, st.rule+":"+toks[st.parts[0].from].word)
		}
		m, got := Has(Classify(s.Text, "en"), DataSharing)
		enc.Encode(map[string]any{"policy": s.Policy, "seg": s.Segment, "half": half(policies, s.Policy), "label": s.ThirdParty, "got": got, "rules": rules, "vetoes": vetoes, "neg": m.Negated, "ev": m.Evidence, "text": s.Text})
	}
}
