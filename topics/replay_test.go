package topics

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/clausewatch/clausewatch/diff"
	"github.com/clausewatch/clausewatch/internal/corpustest"
	"github.com/clausewatch/clausewatch/policy"
	"github.com/clausewatch/clausewatch/scraper"
)

// TestReplayFigures replays the policy histories of the corpus, each
// version compared with the one before as the pipeline would, and logs how
// many clause changes would alert a data-sharing subscriber and how their
// severities are distributed: the figures docs/topics.md quotes. It checks
// nothing but that the histories are there; run it with -v to read them.
func TestReplayFigures(t *testing.T) {
	histories := []struct {
		name string
		dirs []string
	}{
		{"facebook", []string{"facebook-privacy-policy"}},
		{"whatsapp-eea", []string{"whatsapp-privacy-policy-eea"}},
		{"whatsapp-global", []string{"whatsapp-legal-page-global-2013-2020", "whatsapp-privacy-policy-global"}},
	}
	corpus := corpustest.Dir(t)
	for _, h := range histories {
		t.Run(h.name, func(t *testing.T) {
			var paths []string
			for _, d := range h.dirs {
				ps, err := filepath.Glob(filepath.Join(corpus, d, "*.md"))
				if err != nil {
					t.Fatal(err)
				}
				slices.Sort(ps)
				paths = append(paths, ps...)
			}
			if len(paths) < 2 {
				t.Fatalf("%d versions of %s, want at least two", len(paths), h.name)
			}
			var sets, alerting, sharingSets int
			var material, sharing int
			bySeverity := map[diff.Severity]int{}
			setSeverity := map[diff.Severity]int{}
			prev := readPolicy(t, paths[0])
			for _, p := range paths[1:] {
				next := readPolicy(t, p)
				cs := Compare(prev, next, "en")
				prev = next
				if !cs.Material {
					continue
				}
				sets++
				setSeverity[cs.Severity]++
				if len(cs.Topics) > 0 {
					alerting++
				}
				if slices.Contains(cs.Topics, DataSharing) {
					sharingSets++
				}
				for _, c := range cs.Changes {
					if !c.Material {
						continue
					}
					material++
					bySeverity[c.Severity]++
					if slices.Contains(c.Topics, DataSharing) {
						sharing++
					}
				}
			}
			t.Logf("%s: %d versions, %d material change sets (%d alerting, %d with data-sharing; severities %s)",
				h.name, len(paths), sets, alerting, sharingSets, severities(setSeverity))
			t.Logf("%s: %d material clause changes, %d with data-sharing; severities %s",
				h.name, material, sharing, severities(bySeverity))
		})
	}
}

func readPolicy(t *testing.T, path string) policy.Document {
	t.Helper()
	body, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return scraper.ExtractMarkdown(body)
}

// severities spells counts by severity, the most serious first.
func severities(n map[diff.Severity]int) string {
	var parts []string
	for _, sev := range slices.Backward(diff.Severities()) {
		parts = append(parts, fmt.Sprintf("%s=%d", sev, n[sev]))
	}
	return strings.Join(parts, " ")
}
