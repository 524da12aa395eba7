package topics

import (
	"slices"
	"strings"
	"testing"

	"github.com/clausewatch/clausewatch/diff"
	"github.com/clausewatch/clausewatch/labels"
)

// wantStatement is what a test expects of a statement: its action,
// recipients and data in any order, purpose, condition and negation.
type wantStatement struct {
	action     string
	recipients []string
	data       []string
	purpose    string
	condition  string
	negated    bool
}

func (w wantStatement) matches(s diff.Statement) bool {
	same := func(a, b []string) bool {
		return slices.Equal(slices.Sorted(slices.Values(a)), slices.Sorted(slices.Values(b)))
	}
	return s.Action == w.action && same(s.Recipients, w.recipients) && same(s.Data, w.data) &&
		s.Purpose == w.purpose && s.Condition == w.condition && s.Negated == w.negated
}

// TestStatements reads who gets what from single clauses, in English and,
// for every case, in Spanish as WhatsApp's Spanish policy words it.
func TestStatements(t *testing.T) {
	tests := []struct {
		name    string
		lang    string
		text    string
		shares  []wantStatement // every sharing statement, in any order
		sources []string        // who the service receives data from, if anyone
	}{
		{
			name: "en phone number to advertising partners", lang: "en",
			text:   "We share your phone number, contacts and usage information with our advertising partners.",
			shares: []wantStatement{{action: diff.ActionShares, recipients: []string{"advertisers"}, data: []string{"phone-number", "contacts", "usage"}}},
		},
		{
			name: "es número de teléfono a socios publicitarios", lang: "es",
			text:   "Compartimos tu número de teléfono, tus contactos y tu información de uso con nuestros socios publicitarios.",
			shares: []wantStatement{{action: diff.ActionShares, recipients: []string{"advertisers"}, data: []string{"phone-number", "contacts", "usage"}}},
		},
		{
			name: "en we do not sell", lang: "en",
			text:   "We do not sell your personal information.",
			shares: []wantStatement{{action: diff.ActionSells, recipients: []string{}, data: []string{"personal-information"}, negated: true}},
		},
		{
			name: "es no vendemos", lang: "es",
			text:   "No vendemos tu información personal.",
			shares: []wantStatement{{action: diff.ActionSells, recipients: []string{}, data: []string{"personal-information"}, negated: true}},
		},
		{
			name: "en we may sell to data brokers", lang: "en",
			text:   "We may sell your personal information to data brokers.",
			shares: []wantStatement{{action: diff.ActionSells, recipients: []string{"data-brokers"}, data: []string{"personal-information"}}},
		},
		{
			name: "es podemos vender a intermediarios de datos", lang: "es",
			text:   "Podemos vender tu información personal a intermediarios de datos.",
			shares: []wantStatement{{action: diff.ActionSells, recipients: []string{"data-brokers"}, data: []string{"personal-information"}}},
		},
		{
			name: "en Meta receives", lang: "en",
			text:   "Meta receives device information.",
			shares: []wantStatement{{action: diff.ActionReceives, recipients: []string{"meta"}, data: []string{"device-connection"}}},
		},
		{
			name: "es Meta recibe", lang: "es",
			text:   "Meta recibe información del dispositivo.",
			shares: []wantStatement{{action: diff.ActionReceives, recipients: []string{"meta"}, data: []string{"device-connection"}}},
		},
		{
			name: "en Meta One", lang: "en",
			text: "If you choose to sign up for subscription features, for example, Meta One, Meta receives Device And Connection Information (e.g. an identifier used for your subscription) and User Choices (e.g. whether you have added your WhatsApp account to an Accounts Centre and your subscription status) to provide the subscription.",
			shares: []wantStatement{{action: diff.ActionReceives, recipients: []string{"meta"}, data: []string{"device-connection", "user-choices"},
				purpose: "service", condition: "choice"}},
		},
		{
			name: "es Meta One", lang: "es",
			text: "Si decides suscribirte a funciones de suscripción, por ejemplo, Meta One, Meta recibe información sobre el dispositivo y la conexión (p. ej., un identificador usado para tu suscripción) y elecciones del usuario para prestar la suscripción.",
			shares: []wantStatement{{action: diff.ActionReceives, recipients: []string{"meta"}, data: []string{"device-connection", "user-choices"},
				purpose: "service", condition: "choice"}},
		},
		{
			name: "en partners share with us", lang: "en",
			text:    "Partners share information about you with us.",
			sources: []string{"partners"},
		},
		{
			name: "es los socios comparten con nosotros", lang: "es",
			text:    "Los socios comparten información sobre ti con nosotros.",
			sources: []string{"partners"},
		},
		{
			name: "en WhatsApp receives from the Meta Companies", lang: "en",
			text:    "WhatsApp receives information about you from the Meta Companies.",
			sources: []string{"meta-companies"},
		},
		{
			name: "es recibimos de las empresas de Meta", lang: "es",
			text:    "Recibimos información sobre ti de las empresas de Meta.",
			sources: []string{"meta-companies"},
		},
		{
			name: "en Meta receives from partners is not WhatsApp sharing", lang: "en",
			text:    "Meta receives information from partners.",
			sources: []string{"partners"},
		},
		{
			name: "es Meta recibe de socios no es ceder", lang: "es",
			text:    "Meta recibe información de socios.",
			sources: []string{"partners"},
		},
		{
			name: "en Facebook does not use, a promise", lang: "en",
			text: "Today, Facebook does not use your WhatsApp account information to improve your Facebook product experiences or provide you more relevant Facebook ad experiences on Facebook.",
			shares: []wantStatement{{action: diff.ActionGivesAccess, recipients: []string{"meta"}, data: []string{"account"},
				purpose: "improvement", negated: true}},
		},
		{
			name: "es Facebook no usa, una promesa", lang: "es",
			text: "Facebook no usa la información de tu cuenta de WhatsApp para mejorar tus experiencias con los productos de Facebook.",
			shares: []wantStatement{{action: diff.ActionGivesAccess, recipients: []string{"meta"}, data: []string{"account"},
				purpose: "improvement", negated: true}},
		},
		{
			name: "en nothing you share will be shared", lang: "en",
			text:   "Nothing you share on WhatsApp, including your messages, photos, and account information, will be shared onto Facebook.",
			shares: []wantStatement{{action: diff.ActionShares, recipients: []string{"meta"}, data: []string{"messages-content", "account"}, negated: true}},
		},
		{
			name: "es nada de lo que compartes se compartirá", lang: "es",
			text:   "Nada de lo que compartes en WhatsApp, incluidos tus mensajes, fotos e información de la cuenta, se compartirá en Facebook.",
			shares: []wantStatement{{action: diff.ActionShares, recipients: []string{"meta"}, data: []string{"messages-content", "account"}, negated: true}},
		},
		{
			name: "en a renamed recipient is the same", lang: "en",
			text:   "We share information with the Meta Companies to help us operate our Services.",
			shares: []wantStatement{{action: diff.ActionShares, recipients: []string{"meta-companies"}, data: []string{"personal-information"}, purpose: "service"}},
		},
		{
			name: "es las empresas de Meta", lang: "es",
			text:   "Compartimos información con las demás empresas de Meta para ayudarnos a operar nuestros Servicios.",
			shares: []wantStatement{{action: diff.ActionShares, recipients: []string{"meta-companies"}, data: []string{"personal-information"}, purpose: "service"}},
		},
		{
			name: "en a list of recipients, when the law requires", lang: "en",
			text:   "We may share your information with regulators, law enforcement and other authorities when required by law.",
			shares: []wantStatement{{action: diff.ActionShares, recipients: []string{"law-enforcement"}, data: []string{"personal-information"}, condition: "law"}},
		},
		{
			name: "es una lista de destinatarios, cuando lo exija la ley", lang: "es",
			text:   "Podemos compartir tu información con los socios y las fuerzas del orden cuando lo exija la ley.",
			shares: []wantStatement{{action: diff.ActionShares, recipients: []string{"partners", "law-enforcement"}, data: []string{"personal-information"}, condition: "law"}},
		},
		{
			name: "en with your consent, for ads", lang: "en",
			text:   "With your consent, we share your location with advertisers to show you ads.",
			shares: []wantStatement{{action: diff.ActionShares, recipients: []string{"advertisers"}, data: []string{"location"}, purpose: "advertising", condition: "consent"}},
		},
		{
			name: "es con tu consentimiento, para publicidad", lang: "es",
			text:   "Con tu consentimiento, compartimos tu ubicación con anunciantes para mostrarte publicidad.",
			shares: []wantStatement{{action: diff.ActionShares, recipients: []string{"advertisers"}, data: []string{"location"}, purpose: "advertising", condition: "consent"}},
		},
		{
			name: "en a named company", lang: "en",
			text:   "We share your payment information with Meta Platforms Ireland Limited.",
			shares: []wantStatement{{action: diff.ActionShares, recipients: []string{"meta"}, data: []string{"payments"}}},
		},
		{
			name: "es una empresa con nombre", lang: "es",
			text:   "Compartimos tu información de pago con Google.",
			shares: []wantStatement{{action: diff.ActionShares, recipients: []string{"org:Google"}, data: []string{"payments"}}},
		},
		{
			name: "en the user shares, not the service", lang: "en",
			text: "You may choose to share your location with your contacts.",
		},
		{
			name: "es el usuario comparte, no el servicio", lang: "es",
			text: "Si compartes tu ubicación con tus contactos, estos podrán verla.",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := readerFor(tt.text, tt.lang)
			rd := r.read(tt.text, tokenize(tt.text))
			if len(rd.shares) != len(tt.shares) {
				t.Fatalf("%d sharing statements, want %d: %+v", len(rd.shares), len(tt.shares), statementsOf(rd.shares))
			}
			for _, w := range tt.shares {
				if !slices.ContainsFunc(rd.shares, func(s said) bool { return w.matches(s.Statement) }) {
					t.Errorf("no statement %+v among %+v", w, statementsOf(rd.shares))
				}
			}
			var from []string
			for _, s := range rd.sources {
				from = append(from, s.Recipients...)
			}
			if !slices.Equal(from, tt.sources) {
				t.Errorf("sources %v, want %v", from, tt.sources)
			}
			_, sharing := Has(rd.matches, DataSharing)
			_, collected := Has(rd.matches, ThirdPartyCollection)
			if sharing != (len(tt.shares) > 0) || collected != (len(tt.sources) > 0) {
				t.Errorf("topics %v, want data-sharing %v and third-party-collection %v", Topics(rd.matches), len(tt.shares) > 0, len(tt.sources) > 0)
			}
			for _, s := range append(rd.shares, rd.sources...) {
				for _, q := range s.Evidence {
					if tt.text[q.Start:q.End] != q.Text {
						t.Errorf("quote %+v does not quote the clause", q)
					}
				}
			}
		})
	}
}

func statementsOf(ss []said) []diff.Statement {
	out := make([]diff.Statement, len(ss))
	for k, s := range ss {
		out[k] = s.Statement
		out[k].Evidence = nil
	}
	return out
}

// TestStatementKeysKnown holds the extractor to the vocabulary of package
// labels: every key it can give an action, a data category, a recipient,
// a purpose or a condition, in every language, has a name for readers.
func TestStatementKeysKnown(t *testing.T) {
	for _, a := range diff.Actions() {
		if strings.TrimSpace(a) == "" {
			t.Error("an empty action")
		}
	}
	for _, lang := range Languages() {
		lx, st := compiledLexicons()[lang], compiledStatements()[lang]
		check := func(part, key string, known bool) {
			t.Helper()
			if !known {
				t.Errorf("%s: %s key %q is not in the labels vocabulary", lang, part, key)
			}
		}
		for _, p := range st.action.phrases {
			check("action", p.key, slices.Contains(diff.Actions(), p.key))
		}
		for _, p := range st.data.phrases {
			check("data", p.key, labels.Known("data", p.key))
		}
		for _, p := range st.condition.phrases {
			check("condition", p.key, labels.Known("condition", p.key))
		}
		for _, p := range st.keys.phrases {
			check("recipient", p.key, labels.Known("recipient", p.key))
		}
		for _, p := range lx.recipient.phrases {
			if p.key == "named" {
				continue // "org:" and the name, which Known accepts
			}
			check("recipient", recipientVocabulary(p.key), labels.Known("recipient", recipientVocabulary(p.key)))
		}
		for _, p := range lx.purpose.phrases {
			check("purpose", purposeKey(p.key), labels.Known("purpose", purposeKey(p.key)))
		}
	}
	for _, key := range []string{"buyer", "third-parties", "law-enforcement", "public", "other-users", "org:Google"} {
		if !labels.Known("recipient", key) {
			t.Errorf("recipient key %q, which the rules give by themselves, is not in the labels vocabulary", key)
		}
	}
	for _, key := range append(purposeRank(), generic) {
		part := "purpose"
		if key == generic {
			part = "data"
		}
		if !labels.Known(part, key) {
			t.Errorf("%s key %q is not in the labels vocabulary", part, key)
		}
	}
	for _, key := range conditionRank() {
		if !labels.Known("condition", key) {
			t.Errorf("condition key %q is not in the labels vocabulary", key)
		}
	}
}
