package labels

import (
	"testing"

	"github.com/clausewatch/clausewatch/diff"
)

func TestHeadline(t *testing.T) {
	st := func(action string, data, recipients []string, negated bool) diff.Statement {
		return diff.Statement{Action: action, Data: data, Recipients: recipients, Negated: negated}
	}
	metaOne := diff.SharingDelta{Op: diff.DeltaAdded, Severity: diff.SeverityCritical,
		Statement: diff.Statement{Action: diff.ActionReceives, Data: []string{"device-connection", "user-choices"}, Recipients: []string{"meta"}, Condition: "choice"}}
	promise := diff.SharingDelta{Op: diff.DeltaRemoved, Severity: diff.SeverityCritical,
		Statement: st(diff.ActionShares, []string{"account"}, []string{"meta"}, true)}
	sell := diff.SharingDelta{Op: diff.DeltaChanged, Severity: diff.SeverityCritical,
		Statement: st(diff.ActionSells, []string{"personal-information"}, []string{"data-brokers"}, false)}
	wasNot := st(diff.ActionSells, []string{"personal-information"}, nil, true)
	sell.Was = &wasNot
	partners := diff.SharingDelta{Op: diff.DeltaChanged, Severity: diff.SeverityCritical,
		Statement: st(diff.ActionShares, nil, []string{"meta-companies", "partners"}, false)}
	wasMeta := st(diff.ActionShares, nil, []string{"meta-companies"}, false)
	partners.Was = &wasMeta
	ads := diff.SharingDelta{Op: diff.DeltaAdded, Severity: diff.SeverityCritical,
		Statement: diff.Statement{Action: diff.ActionShares, Data: []string{"phone-number", "contacts", "usage"}, Recipients: []string{"advertisers"}, Purpose: "advertising"}}
	public := diff.SharingDelta{Op: diff.DeltaAdded, Severity: diff.SeverityCritical,
		Statement: st(diff.ActionDiscloses, []string{"profile"}, []string{"public"}, false)}
	low := diff.SharingDelta{Op: diff.DeltaRemoved, Severity: diff.SeverityHigh, Statement: st(diff.ActionShares, nil, []string{"org:Acme Ltd"}, false)}
	tests := []struct {
		name   string
		cs     diff.ChangeSet
		en, es string
	}{
		{"new recipient under a condition", diff.ChangeSet{Material: true, Sharing: []diff.SharingDelta{metaOne}},
			"WhatsApp now gives device and connection information and your choices and settings to Meta, if you opt in",
			"WhatsApp ahora da información del dispositivo y de la conexión y tus elecciones y ajustes a Meta, si tú lo eliges"},
		{"a promise removed", diff.ChangeSet{Material: true, Sharing: []diff.SharingDelta{promise}},
			"WhatsApp dropped its promise not to share your account information with Meta",
			"WhatsApp retiró su promesa de no compartir la información de tu cuenta con Meta"},
		{"a denial becomes a sale", diff.ChangeSet{Material: true, Sharing: []diff.SharingDelta{sell}},
			"WhatsApp may now sell your information to data brokers, which it promised not to do",
			"WhatsApp ahora puede vender tu información a intermediarios de datos, algo que prometía no hacer"},
		{"a recipient gained", diff.ChangeSet{Material: true, Sharing: []diff.SharingDelta{partners}},
			"WhatsApp now also shares your information with partners",
			"WhatsApp ahora también comparte tu información con socios"},
		{"three data categories and a purpose", diff.ChangeSet{Material: true, Sharing: []diff.SharingDelta{ads}},
			"WhatsApp now shares your phone number, your contacts and 1 more with advertisers to show you ads",
			"WhatsApp ahora comparte tu número de teléfono, tus contactos y 1 más con anunciantes para mostrarte anuncios"},
		{"Spanish contraction", diff.ChangeSet{Material: true, Sharing: []diff.SharingDelta{public}},
			"WhatsApp now discloses your profile information to the public",
			"WhatsApp ahora revela la información de tu perfil al público"},
		{"the most severe delta leads", diff.ChangeSet{Material: true, Sharing: []diff.SharingDelta{low, promise}},
			"WhatsApp dropped its promise not to share your account information with Meta",
			"WhatsApp retiró su promesa de no compartir la información de tu cuenta con Meta"},
		{"a named company", diff.ChangeSet{Material: true, Sharing: []diff.SharingDelta{low}},
			"WhatsApp no longer says it shares your information with Acme Ltd",
			"WhatsApp ya no dice que comparte tu información con Acme Ltd"},
		{"topics without sharing", diff.ChangeSet{Material: true, Topics: []string{"advertising", "retention", "security"}},
			"WhatsApp changed what it says about advertising, data retention and 1 more",
			"WhatsApp cambió lo que dice sobre publicidad, conservación de datos y 1 más"},
		{"wording", diff.ChangeSet{Material: true, Summary: diff.Summary{Modified: 2, Added: 1}},
			"WhatsApp changed 3 clauses", "WhatsApp cambió 3 cláusulas"},
		{"cosmetic", diff.ChangeSet{},
			"WhatsApp: wording changed, nothing material", "WhatsApp: cambios de redacción, nada sustancial"},
		{"a capture variation, though its clauses touch sharing", diff.ChangeSet{Material: true, Capture: diff.Variation, Topics: []string{"data-sharing"}, Sharing: []diff.SharingDelta{promise}},
			"WhatsApp's page showed or hid text it had shown before", "La página de WhatsApp mostró u ocultó texto que ya había mostrado"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Headline("WhatsApp", tc.cs, "en"); got != tc.en {
				t.Errorf("en:\n got %q\nwant %q", got, tc.en)
			}
			if got := Headline("WhatsApp", tc.cs, "es"); got != tc.es {
				t.Errorf("es:\n got %q\nwant %q", got, tc.es)
			}
		})
	}
	if got := Headline("ébano", diff.ChangeSet{Material: true, Sharing: []diff.SharingDelta{promise}}, "en"); got != "Ébano dropped its promise not to share your account information with Meta" {
		t.Errorf("a service starting with a letter outside ASCII: %q", got)
	}
	self := diff.SharingDelta{Op: diff.DeltaAdded, Severity: diff.SeverityCritical, Statement: st(diff.ActionGivesAccess, nil, []string{"meta"}, false)}
	own := diff.ChangeSet{Material: true, Topics: []string{"data-sharing"}, Sharing: []diff.SharingDelta{self}}
	if got := Headline("Meta", own, "en"); got != "Meta changed what it says about data sharing" {
		t.Errorf("the service as its own recipient: %q", got)
	}
	if got := Headline("WhatsApp", own, "en"); got != "WhatsApp now lets Meta access your information" {
		t.Errorf("Meta as another service's recipient: %q", got)
	}
	if got := Headline("", diff.ChangeSet{}, "fr"); got != "The policy: wording changed, nothing material" {
		t.Errorf("no service, French reader: %q", got)
	}
	if got := Headline("élan", diff.ChangeSet{Material: true, Sharing: []diff.SharingDelta{public}}, "es"); got != "Élan ahora revela la información de tu perfil al público" {
		t.Errorf("a service named with a letter outside ASCII: %q", got)
	}
}

func TestStatement(t *testing.T) {
	tests := []struct {
		name   string
		st     diff.Statement
		en, es string
	}{
		{"sharing for a purpose, under a condition",
			diff.Statement{Action: diff.ActionShares, Data: []string{"account"}, Recipients: []string{"meta-companies"}, Purpose: "advertising", Condition: "choice"},
			"WhatsApp shares your account information with the Meta Companies to show you ads, if you opt in",
			"WhatsApp comparte la información de tu cuenta con las empresas de Meta para mostrarte anuncios, si tú lo eliges"},
		{"a denial", diff.Statement{Action: diff.ActionSells, Data: []string{"personal-information"}, Recipients: []string{"data-brokers"}, Negated: true},
			"WhatsApp does not sell your information to data brokers",
			"WhatsApp no vende tu información a intermediarios de datos"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Statement("WhatsApp", tt.st, "en"); got != tt.en {
				t.Errorf("en: %q, want %q", got, tt.en)
			}
			if got := Statement("WhatsApp", tt.st, "es"); got != tt.es {
				t.Errorf("es: %q, want %q", got, tt.es)
			}
		})
	}
}
