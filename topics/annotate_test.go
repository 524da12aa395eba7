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

// TestAnnotateNoise: versions that differ only by noise have severity
// none, no topics and no alert, whatever their clauses are about (their
// evidence stays, as context): a real pair of
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
	if cs.Alert || len(cs.Sharing) != 0 || len(cs.Matters) != 0 {
		t.Errorf("noise-only change: alert %v, %d sharing deltas, %d matters; want none", cs.Alert, len(cs.Sharing), len(cs.Matters))
	}
	context := 0
	for _, c := range cs.Changes {
		if c.Severity != diff.SeverityNone || len(c.Topics) != 0 {
			t.Errorf("cosmetic change %s has severity %q topics %v, want none and []", clauseID(c), c.Severity, c.Topics)
		}
		for _, e := range c.Evidence {
			if !e.Context {
				t.Errorf("cosmetic change %s: evidence %+v is not context", clauseID(c), e)
			}
			if e.Topic == DataSharing {
				context++ // a cosmetic change still says what its clause is about
			}
		}
	}
	if context == 0 {
		t.Error("no cosmetic change to a sharing clause keeps its data-sharing evidence as context")
	}
}

// TestAnnotateSeverity covers each severity rule on small clause pairs
// written the way WhatsApp's policies speak, in English and, case for
// case, in Spanish. old or new is empty for a clause added or removed.
// topics is the exact list of topics the edit touches; delta, when set,
// the op of the most severe statement delta. A pair the diff does not align
// (two changes: one removed, one added) is checked as a whole.
func TestAnnotateSeverity(t *testing.T) {
	tests := []struct {
		name     string
		lang     string
		old, new string
		want     diff.Severity
		topics   []string
		delta    string
		quote    string // a phrase the touched evidence must hold, if any
	}{
		{
			name: "en new clause shares the phone number with advertising partners", lang: "en",
			new:  "We share your phone number, contacts and usage information with our advertising partners.",
			want: diff.SeverityCritical, topics: []string{DataSharing, Advertising}, delta: diff.DeltaAdded, quote: "advertising partners",
		},
		{
			name: "es cláusula nueva cede el número de teléfono a socios publicitarios", lang: "es",
			new:  "Compartimos tu número de teléfono, tus contactos y tu información de uso con nuestros socios publicitarios.",
			want: diff.SeverityCritical, topics: []string{DataSharing, Advertising}, delta: diff.DeltaAdded, quote: "socios publicitarios",
		},
		{
			name: "en we do not sell becomes we may sell to data brokers", lang: "en",
			old:  "We do not sell your personal information.",
			new:  "We may sell your personal information to data brokers.",
			want: diff.SeverityCritical, topics: []string{DataSharing}, delta: diff.DeltaChanged, quote: "data brokers",
		},
		{
			name: "es no vendemos pasa a podemos vender a intermediarios de datos", lang: "es",
			old:  "No vendemos tu información personal.",
			new:  "Podemos vender tu información personal a intermediarios de datos.",
			want: diff.SeverityCritical, topics: []string{DataSharing}, quote: "intermediarios de datos",
		},
		{
			name: "en Meta receives device information", lang: "en",
			new:  "Meta receives device information.",
			want: diff.SeverityCritical, topics: []string{DataSharing}, delta: diff.DeltaAdded, quote: "Meta receives",
		},
		{
			name: "es Meta recibe información del dispositivo", lang: "es",
			new:  "Meta recibe información del dispositivo.",
			want: diff.SeverityCritical, topics: []string{DataSharing}, delta: diff.DeltaAdded, quote: "Meta recibe",
		},
		{
			name: "en partners share with us is collection from third parties", lang: "en",
			new:  "Partners share information about you with us.",
			want: diff.SeverityMedium, topics: []string{ThirdPartyCollection}, quote: "Partners share",
		},
		{
			name: "es los socios comparten con nosotros es obtener datos de terceros", lang: "es",
			new:  "Los socios comparten información sobre ti con nosotros.",
			want: diff.SeverityMedium, topics: []string{ThirdPartyCollection}, quote: "socios comparten",
		},
		{
			name: "en an ads edit in a long clause that mentions third parties elsewhere", lang: "en",
			old:  "We work with third-party service providers to operate our Services. We do not show ads in your chats.",
			new:  "We work with third-party service providers to operate our Services. We do not show ads in your chats, but you may see other types of ads in Status and Channels.",
			want: diff.SeverityMedium, topics: []string{Advertising}, quote: "ads",
		},
		{
			name: "es un cambio sobre anuncios en una cláusula larga que nombra terceros en otra frase", lang: "es",
			old:  "Trabajamos con proveedores de servicios externos para operar nuestros Servicios. No mostramos anuncios en tus chats.",
			new:  "Trabajamos con proveedores de servicios externos para operar nuestros Servicios. No mostramos anuncios en tus chats, pero es posible que veas otros tipos de anuncios en Estados y Canales.",
			want: diff.SeverityMedium, topics: []string{Advertising}, quote: "anuncios",
		},
		{
			name: "en gains a recipient", lang: "en",
			old:  "We share information with the Facebook Companies to help us operate our Services.",
			new:  "We share information with the Facebook Companies and our advertising partners to help us operate our Services.",
			want: diff.SeverityCritical, topics: []string{DataSharing, Advertising}, delta: diff.DeltaChanged, quote: "advertising partners",
		},
		{
			name: "es gana un destinatario", lang: "es",
			old:  "Compartimos información con las demás empresas de Meta.",
			new:  "Compartimos información con las demás empresas de Meta y con nuestros socios publicitarios.",
			want: diff.SeverityCritical, topics: []string{DataSharing, Advertising}, delta: diff.DeltaChanged, quote: "socios",
		},
		{
			name: "en a renamed recipient is no new recipient", lang: "en",
			old:  "We share information with the Facebook Companies to help us operate our Services.",
			new:  "We share information with the Meta Companies to help us operate our Services.",
			want: diff.SeverityLow, topics: []string{},
		},
		{
			name: "es un destinatario renombrado no es nuevo", lang: "es",
			old:  "Compartimos información con las empresas de Facebook para ayudarnos a operar nuestros Servicios.",
			new:  "Compartimos información con las empresas de Meta para ayudarnos a operar nuestros Servicios.",
			want: diff.SeverityLow, topics: []string{},
		},
		{
			name: "en Facebook Company Products renamed", lang: "en",
			old:  "Our Services may allow you to interact with third-party websites and Facebook Company Products, which we share information with.",
			new:  "Our Services may allow you to interact with third-party websites and Meta Company Products, which we share information with.",
			want: diff.SeverityLow, topics: []string{},
		},
		{
			name: "es productos de las empresas de Facebook renombrados", lang: "es",
			old:  "Compartimos información con los productos de las empresas de Facebook.",
			new:  "Compartimos información con los productos de las empresas de Meta.",
			want: diff.SeverityLow, topics: []string{},
		},
		{
			name: "en gains a purpose", lang: "en",
			old:  "We share information with the other Meta Companies to keep our Services safe.",
			new:  "We share information with the other Meta Companies to keep our Services safe and to show you ads.",
			want: diff.SeverityHigh, topics: []string{DataSharing, Advertising}, delta: diff.DeltaChanged, quote: "ads",
		},
		{
			name: "es gana una finalidad", lang: "es",
			old:  "Compartimos información con las empresas de Meta para ayudarnos a operar nuestros Servicios.",
			new:  "Compartimos información con las empresas de Meta para ayudarnos a operar nuestros Servicios y para mostrarte anuncios.",
			want: diff.SeverityHigh, topics: []string{DataSharing, Advertising}, delta: diff.DeltaChanged, quote: "anuncios",
		},
		{
			name: "en a condition changes", lang: "en",
			old:  "If you choose to use this feature, we share your location with partners.",
			new:  "With your consent, we share your location with partners.",
			want: diff.SeverityHigh, topics: []string{DataSharing}, delta: diff.DeltaChanged,
		},
		{
			name: "es cambia la condición", lang: "es",
			old:  "Si decides usar esta función, compartimos tu ubicación con socios.",
			new:  "Con tu consentimiento, compartimos tu ubicación con socios.",
			want: diff.SeverityHigh, topics: []string{DataSharing}, delta: diff.DeltaChanged,
		},
		{
			name: "en loses its negation", lang: "en",
			old:  "We do not share your phone number with advertisers.",
			new:  "We share your phone number with advertisers.",
			want: diff.SeverityCritical, topics: []string{DataSharing, Advertising}, delta: diff.DeltaChanged,
		},
		{
			name: "es pierde la negación", lang: "es",
			old:  "No vendemos tu información personal.",
			new:  "Vendemos tu información personal.",
			want: diff.SeverityCritical, topics: []string{DataSharing}, delta: diff.DeltaChanged,
		},
		{
			name: "en a promise removed", lang: "en",
			old:  "We never sell your personal information.",
			want: diff.SeverityCritical, topics: []string{DataSharing}, delta: diff.DeltaRemoved,
		},
		{
			name: "es una promesa suprimida", lang: "es",
			old:  "Nunca vendemos tu información personal.",
			want: diff.SeverityCritical, topics: []string{DataSharing}, delta: diff.DeltaRemoved,
		},
		{
			name: "en a sharing clause removed", lang: "en",
			old:  "We share your contacts with service providers.",
			want: diff.SeverityHigh, topics: []string{DataSharing}, delta: diff.DeltaRemoved,
		},
		{
			name: "es una cláusula de cesión suprimida", lang: "es",
			old:  "Compartimos tus contactos con proveedores de servicios.",
			want: diff.SeverityHigh, topics: []string{DataSharing}, delta: diff.DeltaRemoved,
		},
		{
			name: "en other wording of a sharing clause", lang: "en",
			old:  "We may share your information with law enforcement when required by law.",
			new:  "We may share your information with law enforcement when we believe it is required by law.",
			want: diff.SeverityLow, topics: []string{},
		},
		{
			name: "es otra redacción de una cláusula de cesión", lang: "es",
			old:  "Podemos compartir tu información con las fuerzas del orden cuando lo exija la ley.",
			new:  "Podemos compartir tu información con las fuerzas del orden cuando creamos que lo exija la ley.",
			want: diff.SeverityLow, topics: []string{},
		},
		{
			name: "en edit to another topic", lang: "en",
			old:  "We retain your information for 90 days.",
			new:  "We retain your information for 180 days.",
			want: diff.SeverityMedium, topics: []string{Retention}, quote: "retain",
		},
		{
			name: "es otro tema", lang: "es",
			old:  "Conservamos tus datos durante 90 días.",
			new:  "Conservamos tus datos durante 180 días.",
			want: diff.SeverityMedium, topics: []string{Retention}, quote: "Conservamos",
		},
		{
			name: "en edit with no topic", lang: "en",
			old:  "WhatsApp is a messaging app.",
			new:  "WhatsApp is a free messaging app.",
			want: diff.SeverityLow, topics: []string{},
		},
		{
			name: "es cambio sin tema", lang: "es",
			old:  "WhatsApp es una aplicación de mensajería.",
			new:  "WhatsApp es una aplicación de mensajería gratuita.",
			want: diff.SeverityLow, topics: []string{},
		},
		{
			name: "en cosmetic edit to a sharing clause", lang: "en",
			old:  "We share information with the Meta Companies.",
			new:  "We share information with the Meta  Companies .",
			want: diff.SeverityNone, topics: []string{},
		},
		{
			name: "es cambio cosmético en una cláusula de cesión", lang: "es",
			old:  "Compartimos información con las empresas de Meta.",
			new:  "Compartimos información con las empresas de  Meta .",
			want: diff.SeverityNone, topics: []string{},
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
			if len(cs.Changes) == 0 {
				t.Fatal("no change")
			}
			Annotate(&cs, tt.lang)
			if cs.Severity != tt.want || !slices.Equal(cs.Topics, tt.topics) {
				t.Errorf("severity %q topics %v, want %q %v (changes %+v, deltas %+v)", cs.Severity, cs.Topics, tt.want, tt.topics, cs.Changes, cs.Sharing)
			}
			if alert := tt.want != diff.SeverityNone && len(tt.topics) > 0; cs.Alert != alert {
				t.Errorf("alert %v, want %v", cs.Alert, alert)
			}
			switch {
			case tt.delta != "":
				best := slices.MaxFunc(cs.Sharing, func(a, b diff.SharingDelta) int { return a.Severity.Rank() - b.Severity.Rank() })
				if best.Op != tt.delta || best.Severity != tt.want {
					t.Errorf("most severe delta %+v, want op %s severity %s", best, tt.delta, tt.want)
				}
			case slices.Contains(tt.topics, DataSharing) != (len(cs.Sharing) > 0):
				t.Errorf("deltas %+v, want some exactly when the edit touches data-sharing", cs.Sharing)
			}
			var ev []diff.Evidence
			for _, c := range cs.Changes {
				ev = append(ev, c.Evidence...)
				checkEvidence(t, c)
			}
			if tt.quote != "" && !slices.ContainsFunc(ev, func(e diff.Evidence) bool { return !e.Context && strings.Contains(e.Text, tt.quote) }) {
				t.Errorf("no touched evidence quotes %q: %v", tt.quote, ev)
			}
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
