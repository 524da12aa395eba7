package diff

import (
	"encoding/json"
	"testing"
)

func TestSeverityRank(t *testing.T) {
	for i, s := range Severities() {
		if got := s.Rank(); got != i {
			t.Errorf("%q.Rank() = %d, want %d", s, got, i)
		}
	}
	if got := SeverityCritical.Rank(); got != 4 {
		t.Errorf("critical ranks %d, want 4", got)
	}
	for _, s := range []Severity{"", "High", "severe"} {
		if got := s.Rank(); got != -1 {
			t.Errorf("%q.Rank() = %d, want -1", s, got)
		}
	}
	// Severities hands out a copy: changing it changes no rank.
	all := Severities()
	all[0] = SeverityCritical
	if SeverityNone.Rank() != 0 {
		t.Error("changing the slice Severities returned changed the ranks")
	}
}

func TestParseSeverity(t *testing.T) {
	for _, s := range Severities() {
		if got, err := ParseSeverity(string(s)); got != s || err != nil {
			t.Errorf("ParseSeverity(%q) = %q, %v", s, got, err)
		}
	}
	for _, s := range []string{"", "High", "severe", " high"} {
		if got, err := ParseSeverity(s); got != "" || err == nil {
			t.Errorf("ParseSeverity(%q) = %q, %v; want an error", s, got, err)
		}
	}
	_, err := ParseSeverity("severe")
	if want := `unknown severity "severe"; use none, low, medium, high or critical`; err == nil || err.Error() != want {
		t.Errorf("ParseSeverity error = %v, want %s", err, want)
	}
}

// TestSeverityJSON checks that the typed severity is written and read as
// the plain string the stored change sets and the API have always carried.
func TestSeverityJSON(t *testing.T) {
	b, err := json.Marshal(Change{Severity: SeverityHigh})
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil || m["severity"] != "high" {
		t.Errorf("severity encodes as %v (%v), want \"high\"", m["severity"], err)
	}
	var c Change
	if err := json.Unmarshal([]byte(`{"severity":"critical"}`), &c); err != nil || c.Severity != SeverityCritical {
		t.Errorf("decoded %q, %v", c.Severity, err)
	}
}
