package main

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clausewatch/clausewatch/diff"
	"github.com/clausewatch/clausewatch/scraper"
	"github.com/clausewatch/clausewatch/topics"
)

// TestChangesHeadlineAndSharing stores WhatsApp's January 2021 change (two
// trimmed versions imported as files), gives it the classification the
// issue's model asks for (the removed promise that Facebook does not use
// WhatsApp account information, a critical sharing delta), and reads it
// back with `changes`: the JSON carries alert, the headline in the
// language of --lang and the sharing deltas, the text shows the headline,
// and a language headlines are not written in is a usage error.
func TestChangesHeadlineAndSharing(t *testing.T) {
	dir := t.TempDir()
	cfg := writeFile(t, dir, "clausewatch.yaml", "documents:\n  - id: wa\n    url: https://www.whatsapp.com/legal/privacy-policy-eea\n    select: main\n    service: WhatsApp\n    language: en\n")
	dbPath := filepath.Join(dir, "cw.db")
	const promise = "Today, Facebook does not use your WhatsApp account information to improve your Facebook product experiences or provide you more relevant Facebook ad experiences on Facebook."
	const work = "As part of the Facebook Companies, WhatsApp receives information from, and shares information with, the Facebook Companies to help operate, provide, improve, understand, customize, support, and market our Services."
	v1 := writeFile(t, dir, "2020-07-20.md", "# Privacy Policy\n\n## How We Work With Other Facebook Companies\n\n"+work+"\n\n"+promise+"\n")
	v2 := writeFile(t, dir, "2021-01-04.md", "# Privacy Policy\n\n## How We Work With Other Facebook Companies\n\n"+work+"\n")
	// The archive read the new text again a month later: the change settled.
	v3 := writeFile(t, dir, "2021-02-04.md", "# Privacy Policy\n\n## How We Work With Other Facebook Companies\n\n"+work+"\n")
	ctx := context.Background()
	if code, _, stderr := cli(t, ctx, nil, "import", "wa", v1, v2, v3, "--config", cfg, "--db", dbPath); code != exitOK {
		t.Fatalf("import: exit %d: %s", code, stderr)
	}
	db := openDB(t, dbPath)
	stored, err := db.Change(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	var cs diff.ChangeSet
	if err := json.Unmarshal(stored.ChangeSet, &cs); err != nil {
		t.Fatal(err)
	}
	removed := -1
	for i, c := range cs.Changes {
		if c.Kind == diff.Removed && c.Old.Text == promise {
			removed = i
		}
	}
	if removed < 0 {
		t.Fatalf("the removed promise is not in the change set: %+v", cs.Changes)
	}
	at := strings.Index(promise, "Facebook does not use")
	cs.Sharing = []diff.SharingDelta{{
		Op: diff.DeltaRemoved, Change: removed, Severity: diff.SeverityCritical,
		Statement: diff.Statement{Action: diff.ActionShares, Data: []string{"account"}, Recipients: []string{"meta"}, Purpose: "advertising", Negated: true,
			Evidence: []diff.Quote{{Part: "negation", Start: at, End: at + len("Facebook does not use"), Text: "Facebook does not use"}}},
	}}
	cs.Matters = []diff.Matter{{Changes: []int{removed}, Severity: diff.SeverityCritical, Topics: []string{"data-sharing"}}}
	cs.Severity, cs.Alert, cs.Topics = diff.SeverityCritical, true, []string{"data-sharing", "advertising"}
	if err := db.UpdateClassification(ctx, stored.ID, cs, topics.Version); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name     string
		args     []string
		headline string
	}{
		{"spanish", []string{"--lang", "es"}, "WhatsApp retiró su promesa de no compartir la información de tu cuenta con Meta"},
		{"english by default", nil, "WhatsApp dropped its promise not to share your account information with Meta"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"changes", "--format", "json", "--config", cfg, "--db", dbPath}, tc.args...)
			code, stdout, stderr := cli(t, ctx, nil, args...)
			if code != exitOK {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			var raw []map[string]json.RawMessage
			if err := json.Unmarshal([]byte(stdout), &raw); err != nil || len(raw) != 1 {
				t.Fatalf("output %q: %v", stdout, err)
			}
			for _, k := range []string{"id", "document", "from_version", "to_version", "detected_at", "material", "topics", "severity", "alert", "headline", "sharing"} {
				if _, ok := raw[0][k]; !ok {
					t.Errorf("change lacks %q", k)
				}
			}
			var got []changeJSON
			if err := json.Unmarshal([]byte(stdout), &got); err != nil {
				t.Fatal(err)
			}
			c := got[0]
			if !c.Alert || c.Severity != diff.SeverityCritical || c.Headline != tc.headline {
				t.Errorf("alert %v, severity %q, headline %q; want true, critical, %q", c.Alert, c.Severity, c.Headline, tc.headline)
			}
			if len(c.Sharing) != 1 || c.Sharing[0].Op != diff.DeltaRemoved || !c.Sharing[0].Negated || c.Sharing[0].Recipients[0] != "meta" ||
				c.Sharing[0].Evidence[0].Text != "Facebook does not use" {
				t.Errorf("sharing = %+v", c.Sharing)
			}
		})
	}
	t.Run("text shows the headline", func(t *testing.T) {
		code, stdout, _ := cli(t, ctx, nil, "changes", "--lang", "es", "--config", cfg, "--db", dbPath)
		if code != exitOK || !strings.Contains(stdout, "HEADLINE") || !strings.Contains(stdout, "critical  data-sharing,advertising  WhatsApp retiró su promesa") {
			t.Errorf("exit %d:\n%s", code, stdout)
		}
	})
	t.Run("unknown language", func(t *testing.T) {
		code, stdout, stderr := cli(t, ctx, nil, "changes", "--lang", "xx", "--config", cfg, "--db", dbPath)
		if code != exitUsage || stdout != "" || !strings.Contains(stderr, `--lang "xx": headlines are written in en or es`) {
			t.Errorf("exit %d, stdout %q, stderr %q; want exit 2 and a usage message", code, stdout, stderr)
		}
	})
}

// TestDiffClassifiesAsStored checks that `clausewatch diff` classifies two
// files exactly as topics.Compare classifies a stored change, and carries
// the classification and a headline in its JSON and text output.
func TestDiffClassifiesAsStored(t *testing.T) {
	dir := t.TempDir()
	oldEN := writeFile(t, dir, "old.md", "# Privacy Policy\n\n## How We Share\n\nWe share information with the Facebook Companies.\n\nWe do not sell your personal information.\n\n## Retention\n\nWe keep your messages for 30 days.\n")
	newEN := writeFile(t, dir, "new.md", "# Privacy Policy\n\n## How We Share\n\nWe share information with the Meta Companies and our advertising partners.\n\nWe may sell your phone number to data brokers.\n\n## Retention\n\nWe keep your messages for 90 days.\n")
	oldES := writeFile(t, dir, "antigua.md", "# Política de privacidad\n\n## Cómo compartimos la información\n\nCompartimos información con las empresas de Facebook para prestar nuestros servicios.\n")
	newES := writeFile(t, dir, "nueva.md", "# Política de privacidad\n\n## Cómo compartimos la información\n\nCompartimos tu número de teléfono con las empresas de Meta y con nuestros socios publicitarios para mostrarte anuncios.\n")
	ctx := context.Background()
	tests := []struct {
		name     string
		old, new string
		lang     string // --lang, "" to guess
		want     string // topics.Compare's language
		headline string // prefix
	}{
		{"english, guessed", oldEN, newEN, "", "", "The policy "},
		{"spanish, guessed", oldES, newES, "", "", "La política "},
		{"spanish, given", oldES, newES, "es", "es", "La política "},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			args := []string{"diff", "--format", "json", tc.old, tc.new}
			if tc.lang != "" {
				args = append(args, "--lang", tc.lang)
			}
			code, stdout, stderr := cli(t, ctx, nil, args...)
			if code != exitOK {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			var raw map[string]json.RawMessage
			if err := json.Unmarshal([]byte(stdout), &raw); err != nil {
				t.Fatal(err)
			}
			for _, k := range []string{"headline", "material", "topics", "severity", "alert", "sharing", "matters", "changes"} {
				if v, ok := raw[k]; !ok || string(v) == "null" {
					t.Errorf("output lacks %q (or it is null)", k)
				}
			}
			var got struct {
				Headline string `json:"headline"`
				diff.ChangeSet
			}
			if err := json.Unmarshal([]byte(stdout), &got); err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(got.Headline, tc.headline) {
				t.Errorf("headline %q, want it to start with %q", got.Headline, tc.headline)
			}
			o, err := readPolicy(tc.old, scraper.Rules{}, 0)
			if err != nil {
				t.Fatal(err)
			}
			n, err := readPolicy(tc.new, scraper.Rules{}, 0)
			if err != nil {
				t.Fatal(err)
			}
			want := topics.Compare(o, n, tc.want)
			if got.Severity != want.Severity || got.Alert != want.Alert || strings.Join(got.Topics, ",") != strings.Join(want.Topics, ",") ||
				len(got.Sharing) != len(want.Sharing) || len(got.Matters) != len(want.Matters) {
				t.Errorf("diff: severity %q, alert %v, topics %v, %d sharing, %d matters\ntopics.Compare: severity %q, alert %v, topics %v, %d sharing, %d matters",
					got.Severity, got.Alert, got.Topics, len(got.Sharing), len(got.Matters), want.Severity, want.Alert, want.Topics, len(want.Sharing), len(want.Matters))
			}
			// Every clause change, with its topics, severity and
			// evidence, is the one a stored change would hold.
			gj, _ := json.Marshal(got.Changes)
			wj, _ := json.Marshal(want.Changes)
			if string(gj) != string(wj) {
				t.Errorf("clause changes differ from topics.Compare's:\n got %s\nwant %s", gj, wj)
			}
			if got.Severity.Rank() < diff.SeverityMedium.Rank() || len(got.Topics) == 0 {
				t.Errorf("severity %q, topics %v: the diff was not classified", got.Severity, got.Topics)
			}
		})
	}
	t.Run("text opens with the headline", func(t *testing.T) {
		code, stdout, _ := cli(t, ctx, nil, "diff", oldEN, newEN)
		lines := strings.SplitN(stdout, "\n", 3)
		if code != exitOK || len(lines) < 3 || !strings.HasPrefix(lines[0], "The policy ") || !strings.HasPrefix(lines[1], "severity: ") ||
			!strings.Contains(lines[2], "## Privacy Policy › How We Share") {
			t.Errorf("exit %d:\n%s", code, stdout)
		}
	})
	t.Run("unknown language", func(t *testing.T) {
		code, stdout, stderr := cli(t, ctx, nil, "diff", "--lang", "xx", oldEN, newEN)
		if code != exitUsage || stdout != "" || !strings.Contains(stderr, `--lang "xx": want one of en, es`) {
			t.Errorf("exit %d, stdout %q, stderr %q; want exit 2 and a usage message", code, stdout, stderr)
		}
	})
}
