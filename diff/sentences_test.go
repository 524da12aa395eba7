package diff

import (
	"slices"
	"strings"
	"testing"

	"github.com/clausewatch/clausewatch/internal/corpustest"
	"github.com/clausewatch/clausewatch/policy"
)

func TestSplitSentences(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"plain", "We collect data. We share it! Do we sell it? No.", []string{"We collect data.", "We share it!", "Do we sell it?", "No."}},
		{"e.g. and i.e.", "We use partners, e.g. Meta Platforms, to help. We keep logs, i.e. Records of use.", []string{"We use partners, e.g. Meta Platforms, to help.", "We keep logs, i.e. Records of use."}},
		{"Inc.", "Services are provided by Meta Platforms, Inc. Our address is below.", []string{"Services are provided by Meta Platforms, Inc. Our address is below."}},
		{"U.S.", "We transfer data to the U.S. Government requests are rare.", []string{"We transfer data to the U.S. Government requests are rare."}},
		{"initials", "Contact J. Smith for details. He answers.", []string{"Contact J. Smith for details.", "He answers."}},
		{"decimals and URLs", "Version 2.5 applies. See https://www.whatsapp.com/legal. Then write to us.", []string{"Version 2.5 applies.", "See https://www.whatsapp.com/legal.", "Then write to us."}},
		{"list numbers", "You may: 1. Access your data 2. Delete it.", []string{"You may: 1. Access your data 2. Delete it."}},
		{"etc. then a capital", "We collect photos, videos, etc. We also collect contacts.", []string{"We collect photos, videos, etc.", "We also collect contacts."}},
		{"etc. then lower case", "We collect photos, videos, etc. and contacts.", []string{"We collect photos, videos, etc. and contacts."}},
		{"closing quotes", `He said "we share it." Then he left.`, []string{`He said "we share it."`, "Then he left."}},
		{"ellipsis", "We may share it… Or not.", []string{"We may share it…", "Or not."}},
		{"Spanish p. ej.", "Compartimos datos con terceros, p. ej. Meta, para operar. Luego los borramos.", []string{"Compartimos datos con terceros, p. ej. Meta, para operar.", "Luego los borramos."}},
		{"Spanish Sr. and EE.UU.", "El Sr. García vive en EE.UU. Hoy escribe.", []string{"El Sr. García vive en EE.UU. Hoy escribe."}},
		{"Spanish questions", "Recopilamos datos. ¿Qué datos recopilamos? Los que nos das. ¡Así es!", []string{"Recopilamos datos.", "¿Qué datos recopilamos?", "Los que nos das.", "¡Así es!"}},
		{"Spanish núm.", "Consulte el art. 6 del Reglamento, núm. 2016/679. Gracias.", []string{"Consulte el art. 6 del Reglamento, núm. 2016/679.", "Gracias."}},
		{"no space, no split", "a.b.c", []string{"a.b.c"}},
		{"empty", "", []string{""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := SplitSentences(tt.in)
			if !slices.Equal(got, tt.want) {
				t.Errorf("SplitSentences(%q) =\n %q\nwant\n %q", tt.in, got, tt.want)
			}
			if j := strings.Join(got, " "); j != tt.in {
				t.Errorf("joined sentences %q differ from the text", j)
			}
		})
	}
}

func TestEffectiveDate(t *testing.T) {
	tests := []struct {
		line, want string
	}{
		{"Last modified: January 04, 2021 (archived versions)", "2021-01-04"},
		{"Last Modified: April 24, 2018", "2018-04-24"},
		{"Effective March 20, 2025", "2025-03-20"},
		{"Effective date: 1st February 2023", "2023-02-01"},
		{"Date of Last Revision: August 21, 2020", "2020-08-21"},
		{"Last updated 2022-07-26", "2022-07-26"},
		{"Fecha de entrada en vigor: 4 de enero de 2021", "2021-01-04"},
		{"Última modificación: 24 de abril de 2018", "2018-04-24"},
		{"Fecha de la última actualización: 20 de marzo de 2025", "2025-03-20"},
		{"Vigente desde el 1 de septiembre de 2022", "2022-09-01"},
		{"Dernière modification : 4 janvier 2021 (versions archivées)", "2021-01-04"},
		{"Date d’entrée en vigueur : 1er août 2023", "2023-08-01"},
		{"En vigueur à compter du 20 mars 2025", "2025-03-20"},
		{"Last modified: February 30, 2021", ""},
		{"Effective immediately, we share your data with our partners since January 4, 2021 and for all time after that date, everywhere.", ""},
		{"We updated this policy on January 4, 2021.", ""},
		{"Updated Terms", ""},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			if got := EffectiveDate([]Clause{{Text: "Privacy Policy"}, {Text: tt.line}}); got != tt.want {
				t.Errorf("EffectiveDate = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestMaterialText(t *testing.T) {
	tests := []struct {
		name     string
		old, new string
		want     bool
	}{
		{"word changed", "We share with Facebook.", "We share with Meta.", true},
		{"case", "We Share Data.", "we share data.", false},
		{"punctuation", "We share data, sometimes.", "We share data sometimes", false},
		{"curly quotes", `We call it "Meta".`, "We call it “Meta”.", false},
		{"apostrophe style", "We don't sell it.", "We don’t sell it.", false},
		{"list number", "(a) We collect data.", "(b) We collect data.", false},
		{"roman list number", "iv. We collect data.", "v. We collect data.", false},
		{"footnote renumbered", "Use our Products[4] as you like.", "Use our Products[6] as you like.", false},
		{"number in the text", "We keep it 30 days.", "We keep it 90 days.", true},
		{"URL query", "See https://meta.com/privacy?utm_source=x.", "See http://www.meta.com/privacy/?ref=y.", false},
		{"URL path", "See https://meta.com/privacy.", "See https://meta.com/ads.", true},
		{"date lines", "Last modified: April 24, 2018", "Effective January 4, 2021", false},
		{"date line becomes a clause", "Last modified: April 24, 2018", "Effective immediately, we share everything with everyone we work with.", true},
		{"added clause", "", "We sell data.", true},
		{"added date line", "", "Last updated: May 1, 2020", false},
		{"added punctuation", "", " | ", false},
		{"removed clause", "We never sell data.", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := materialText(tt.old, tt.new); got != tt.want {
				t.Errorf("materialText(%q, %q) = %v, want %v", tt.old, tt.new, got, tt.want)
			}
		})
	}
}

// FuzzSplitSentences holds SplitSentences to giving back any normalized
// text when its sentences are joined with one space, each sentence
// non-empty unless the text is.
//
//	go test -run '^$' -fuzz '^FuzzSplitSentences$' -fuzztime 1m ./diff
func FuzzSplitSentences(f *testing.F) {
	for _, s := range []string{
		"We collect data. We share it! Do we sell it? No.",
		"Services are provided by Meta Platforms, Inc. Our address is below.",
		"Recopilamos datos. ¿Qué datos recopilamos? Los que nos das. ¡Así es!",
		`He said "we share it." Then he left.`, "We may share it… Or not.", "a.b.c", ". . .", "", "e.g. E.G. U.S. A. 1. Hi.",
	} {
		f.Add(s)
	}
	for _, doc := range corpustest.Seeds(f, "whatsapp-privacy-policy-eea/*.md", 2, 256<<10) {
		for line := range strings.SplitSeq(string(doc), "\n") {
			if len(line) > 200 {
				f.Add(line)
			}
		}
	}
	f.Fuzz(func(t *testing.T, s string) {
		text := policy.Normalize(s)
		got := SplitSentences(text)
		if joined := strings.Join(got, " "); joined != text {
			t.Fatalf("sentences %q join to %q, want %q", got, joined, text)
		}
		for _, sent := range got {
			if sent == "" && text != "" {
				t.Fatalf("an empty sentence in %q", got)
			}
		}
	})
}
