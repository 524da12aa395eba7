package topics

import (
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

func readDoc(t *testing.T, rel string) policy.Document {
	t.Helper()
	body, err := os.ReadFile(filepath.Join(corpustest.Dir(t), rel))
	if err != nil {
		t.Fatal(err)
	}
	return scraper.ExtractMarkdown(body)
}

// TestAnnotateWhatsAppJanuary2021 runs the January 2021 update of
// WhatsApp's EEA policy (first archived 2021-04-29), which rewrote how
// WhatsApp works with the Facebook Companies: its sharing clauses must come
// out high or critical, quoting the Facebook Companies.
func TestAnnotateWhatsAppJanuary2021(t *testing.T) {
	old := readDoc(t, "whatsapp-privacy-policy-eea/2021-01-01.md")
	new := readDoc(t, "whatsapp-privacy-policy-eea/2021-04-29.md")
	cs := diff.Compare(old, new)
	Annotate(&cs, "en")

	if !slices.Contains(cs.Topics, DataSharing) {
		t.Fatalf("change set topics = %v, want data-sharing among them", cs.Topics)
	}
	if cs.Severity.Rank() < diff.SeverityHigh.Rank() {
		t.Errorf("change set severity = %q, want high or critical", cs.Severity)
	}
	var sharing, quoted, critical int
	for _, c := range cs.Changes {
		if !slices.Contains(c.Topics, DataSharing) || !c.Material {
			continue
		}
		sharing++
		if c.Severity.Rank() < diff.SeverityHigh.Rank() {
			t.Errorf("material data-sharing change %s has severity %q, want high or critical", clauseID(c), c.Severity)
		}
		if c.Severity == diff.SeverityCritical {
			critical++
		}
		for _, e := range c.Evidence {
			if e.Topic == DataSharing && strings.Contains(e.Text, "Facebook Compan") {
				quoted++
				break
			}
		}
		checkEvidence(t, c)
	}
	t.Logf("%d changes, %d material data-sharing ones (%d critical), %d quoting the Facebook Companies; topics %v",
		len(cs.Changes), sharing, critical, quoted, cs.Topics)
	if sharing < 5 || quoted < 3 {
		t.Errorf("want several data-sharing changes quoting the Facebook Companies, got %d changes, %d quoting", sharing, quoted)
	}

	// The new section on how WhatsApp works with the Facebook Companies.
	found := false
	for _, c := range cs.Changes {
		if c.New != nil && strings.HasPrefix(c.New.Text, "As part of the Facebook Companies, WhatsApp receives information from, and shares information with") {
			found = true
			if !slices.Contains(c.Topics, DataSharing) || c.Severity.Rank() < diff.SeverityHigh.Rank() {
				t.Errorf("clause %q: topics %v severity %q, want data-sharing, high or critical", c.New.Text[:60], c.Topics, c.Severity)
			}
		}
	}
	if !found {
		t.Error("the clause on sharing with the other Facebook Companies was not among the changes")
	}
}

// TestAnnotateNoise: versions that differ only by noise have severity
// none and no topics, whatever their clauses are about: a real pair of
// archived captures of the EEA policy (2022-01-17 and 2022-10-13 differ in
// bytes, not in text), and the 2021 policy retouched with curly quotes,
// non-breaking spaces, zero-width characters and a new date line, which
// the diff reports as cosmetic changes.
func TestAnnotateNoise(t *testing.T) {
	real := diff.Compare(readDoc(t, "whatsapp-privacy-policy-eea/2022-01-17.md"), readDoc(t, "whatsapp-privacy-policy-eea/2022-10-13.md"))
	Annotate(&real, "")
	if real.Severity != diff.SeverityNone || len(real.Topics) != 0 {
		t.Errorf("archived noise-only pair: severity %q topics %v, want none and []", real.Severity, real.Topics)
	}

	old := readDoc(t, "whatsapp-privacy-policy-eea/2021-04-29.md")
	noisy := policy.Document{Blocks: slices.Clone(old.Blocks)}
	for k := range noisy.Blocks {
		b := noisy.Blocks[k]
		b.Text = strings.NewReplacer("'", "’", "’", "'", " ", " ").Replace(b.Text) + "\u200b"
		if strings.HasPrefix(b.Text, "Last modified") {
			b.Text = "Last modified: January 05, 2021"
		}
		noisy.Blocks[k] = b
	}
	cs := diff.Compare(old, noisy)
	Annotate(&cs, "")
	if len(cs.Changes) < 10 {
		t.Fatalf("the retouched policy gave %d changes, want cosmetic ones to classify", len(cs.Changes))
	}
	if cs.Severity != diff.SeverityNone || len(cs.Topics) != 0 {
		t.Errorf("noise-only change: severity %q topics %v, want none and []", cs.Severity, cs.Topics)
	}
	sharing := 0
	for _, c := range cs.Changes {
		if c.Severity != diff.SeverityNone {
			t.Errorf("cosmetic change %s has severity %q", clauseID(c), c.Severity)
		}
		if slices.Contains(c.Topics, DataSharing) {
			sharing++ // a cosmetic change still says what its clause is about
		}
	}
	if sharing == 0 {
		t.Error("no cosmetic change to a sharing clause carries the data-sharing topic")
	}
}

// TestAnnotateSeverity covers each severity rule on small clause pairs
// written the way WhatsApp's policies speak, in English and Spanish.
func TestAnnotateSeverity(t *testing.T) {
	tests := []struct {
		name     string
		lang     string
		old, new string
		want     diff.Severity
		quote    string // a phrase the evidence must hold, if any
	}{
		{
			name: "gains a recipient",
			old:  "We share information with the Facebook Companies to help us operate our Services.",
			new:  "We share information with the Facebook Companies and our advertising partners to help us operate our Services.",
			want: diff.SeverityCritical, quote: "advertising partners",
		},
		{
			name: "renamed recipient gains nothing",
			old:  "We share information with the Facebook Companies to help us operate our Services.",
			new:  "We share information with the Meta Companies to help us operate our Services.",
			want: diff.SeverityHigh, quote: "Meta Companies",
		},
		{
			name: "gains a purpose",
			old:  "We share information with the other Meta Companies to keep our Services safe.",
			new:  "We share information with the other Meta Companies to keep our Services safe and to show you ads.",
			want: diff.SeverityCritical, quote: "ads",
		},
		{
			name: "loses its negation",
			old:  "We do not share your phone number with advertisers.",
			new:  "We share your phone number with advertisers.",
			want: diff.SeverityCritical,
		},
		{
			name: "other edit to a sharing clause",
			old:  "We may share your information with law enforcement when required by law.",
			new:  "We may share your information with law enforcement when we believe it is required by law.",
			want: diff.SeverityHigh,
		},
		{
			name: "sharing clause added",
			new:  "We may sell your personal information.",
			want: diff.SeverityHigh,
		},
		{
			name: "sharing clause removed",
			old:  "We never sell your personal information.",
			want: diff.SeverityHigh,
		},
		{
			name: "edit to another topic",
			old:  "We retain your information for 90 days.",
			new:  "We retain your information for 180 days.",
			want: diff.SeverityMedium, quote: "retain",
		},
		{
			name: "edit with no topic",
			old:  "WhatsApp is a messaging app.",
			new:  "WhatsApp is a free messaging app.",
			want: diff.SeverityLow,
		},
		{
			name: "cosmetic edit to a sharing clause",
			old:  "We share information with the Meta Companies.",
			new:  "We share information with the Meta  Companies .",
			want: diff.SeverityNone,
		},
		{
			name: "es gana un destinatario",
			lang: "es",
			old:  "Compartimos información con las demás empresas de Meta.",
			new:  "Compartimos información con las demás empresas de Meta y con nuestros socios publicitarios.",
			want: diff.SeverityCritical, quote: "socios",
		},
		{
			name: "es pierde la negación",
			lang: "es",
			old:  "No vendemos tu información personal.",
			new:  "Vendemos tu información personal.",
			want: diff.SeverityCritical,
		},
		{
			name: "es otro tema",
			lang: "es",
			old:  "Conservamos tus datos durante 90 días.",
			new:  "Conservamos tus datos durante 180 días.",
			want: diff.SeverityMedium,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var old, new []diff.Clause
			if tt.old != "" {
				old = []diff.Clause{{Text: tt.old}}
			}
			if tt.new != "" {
				new = []diff.Clause{{Text: tt.new}}
			}
			cs, _ := diff.CompareClauses(old, new)
			if len(cs.Changes) != 1 {
				t.Fatalf("want one change, got %d", len(cs.Changes))
			}
			Annotate(&cs, tt.lang)
			c := cs.Changes[0]
			if c.Severity != tt.want {
				t.Errorf("severity %q, want %q (topics %v, evidence %v)", c.Severity, tt.want, c.Topics, c.Evidence)
			}
			if cs.Severity != c.Severity {
				t.Errorf("change set severity %q, want the change's %q", cs.Severity, c.Severity)
			}
			if tt.quote != "" && !slices.ContainsFunc(c.Evidence, func(e diff.Evidence) bool { return strings.Contains(e.Text, tt.quote) }) {
				t.Errorf("no evidence quotes %q: %v", tt.quote, c.Evidence)
			}
			checkEvidence(t, c)
		})
	}
}

// TestAnnotateIdempotent: annotating twice gives the same result, so that
// reclassifying a stored change set does not pile evidence up.
func TestAnnotateIdempotent(t *testing.T) {
	cs, _ := diff.CompareClauses(
		[]diff.Clause{{Text: "We share information with the Facebook Companies."}},
		[]diff.Clause{{Text: "We share information with the Meta Companies and advertisers."}})
	Annotate(&cs, "en")
	first := slices.Clone(cs.Changes[0].Evidence)
	Annotate(&cs, "en")
	if !slices.Equal(first, cs.Changes[0].Evidence) {
		t.Errorf("second annotation changed the evidence:\n%v\n%v", first, cs.Changes[0].Evidence)
	}
}

// checkEvidence verifies that every quote is where it says it is.
func checkEvidence(t *testing.T, c diff.Change) {
	t.Helper()
	for _, e := range c.Evidence {
		cl := c.New
		if e.Side == "old" {
			cl = c.Old
		}
		if cl == nil || e.Start < 0 || e.End > len(cl.Text) || cl.Text[e.Start:e.End] != e.Text {
			t.Errorf("evidence %+v does not quote the %s clause", e, e.Side)
		}
	}
}

func clauseID(c diff.Change) string {
	if c.New != nil {
		return c.New.ID
	}
	return c.Old.ID
}
