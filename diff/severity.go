package diff

import (
	"fmt"
	"slices"
	"strings"
)

// Severity says how serious a change is. It is the one definition of the
// levels and their order, so that the classifier, the storage filter, the
// JSON API, the pages, the feeds and the emails cannot disagree on what "at
// least high" means. Its values are a contract (stored, and written as
// plain strings in JSON), so they never change.
type Severity string

// Severities, from least to most serious. Until topics are classified a
// material change is "low" and a cosmetic one "none"; the topics package
// raises them (see docs/topics.md): "medium" for edits that touch a topic,
// "high" when a sharing statement is removed or its purpose or condition
// changes, and "critical" when data goes to a recipient it did not go to
// before or a promise not to share is lost. A change not yet classified has
// the empty severity.
const (
	SeverityNone     Severity = "none"
	SeverityLow      Severity = "low"
	SeverityMedium   Severity = "medium"
	SeverityHigh     Severity = "high"
	SeverityCritical Severity = "critical"
)

// Severities lists every severity from the least to the most serious, so
// that forms, documentation and filters can offer them in their order. It
// returns a new slice, which the caller may change.
func Severities() []Severity {
	return []Severity{SeverityNone, SeverityLow, SeverityMedium, SeverityHigh, SeverityCritical}
}

// Rank orders severities from "none" (0) to "critical" (4), so that a
// reader can ask for changes at least as serious as one of them; an unknown
// or empty severity ranks -1, below every real one.
func (s Severity) Rank() int { return slices.Index(Severities(), s) }

// ParseSeverity reads a severity a user typed (an API parameter). When it
// is none of them it says which ones exist, so that a typo is rejected with
// a way out rather than silently selecting nothing. Case matters, as in the
// stored values.
func ParseSeverity(s string) (Severity, error) {
	all := Severities()
	if slices.Contains(all, Severity(s)) {
		return Severity(s), nil
	}
	names := make([]string, len(all))
	for i, sev := range all {
		names[i] = string(sev)
	}
	last := len(names) - 1
	return "", fmt.Errorf("unknown severity %q; use %s or %s", s, strings.Join(names[:last], ", "), names[last])
}
