package diff

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/clausewatch/clausewatch/internal/corpustest"
	"github.com/clausewatch/clausewatch/policy"
	"github.com/clausewatch/clausewatch/scraper"
)

// corpusClauses extracts the clauses of a corpus file.
func corpusClauses(t testing.TB, rel string) []Clause {
	t.Helper()
	name := filepath.Join(corpustest.Dir(t), rel)
	body, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	d, err := scraper.ExtractFile(name, body, scraper.Rules{})
	if err != nil {
		t.Fatal(err)
	}
	return Clauses(d)
}

// blk builds a paragraph under path; a text starting with "# " is a heading.
func blk(path []string, text string) policy.Block {
	if h, ok := strings.CutPrefix(text, "# "); ok {
		return policy.Block{Kind: policy.Heading, Level: len(path) + 1, Path: path, Text: h}
	}
	return policy.Block{Kind: policy.Paragraph, Path: path, Text: text}
}

// sections builds a document from sections: each is a heading followed by
// its paragraphs.
func sections(secs ...[]string) policy.Document {
	var d policy.Document
	for _, s := range secs {
		d.Blocks = append(d.Blocks, blk(nil, "# "+s[0]))
		for _, p := range s[1:] {
			d.Blocks = append(d.Blocks, blk([]string{s[0]}, p))
		}
	}
	return d
}

func sec(heading string, paras ...string) []string { return append([]string{heading}, paras...) }

const (
	collect  = "We collect the phone number and profile name you give us when you create an account."
	device   = "We collect information about your device, like its operating system and mobile network."
	keep     = "We keep undelivered messages on our servers for up to thirty days while we try to deliver them."
	sharing  = "We share information with the Facebook Companies to help us operate and improve our Services."
	vendors  = "We work with service providers who help us run our Services and must protect your information."
	noSale   = "We do not sell your personal information to anyone."
	contacts = "We also collect your address book contacts if you allow it, to help you find friends."
)

func TestCompare(t *testing.T) {
	tests := []struct {
		name     string
		old, new policy.Document
		material bool
		want     Summary // Unchanged is not compared
		kinds    []string
	}{
		{"identical", sections(sec("Collect", collect, device)), sections(sec("Collect", collect, device)), false, Summary{}, nil},
		{"whitespace only", sections(sec("Share", sharing)), sections(sec("Share", strings.ReplaceAll(sharing, " ", " \u00a0 ")+" ")), false, Summary{}, nil},
		{"reworded", sections(sec("Share", collect, sharing, noSale)),
			sections(sec("Share", collect, strings.Replace(sharing, "Facebook Companies", "Meta Companies and partners", 1), noSale)),
			true, Summary{Modified: 1}, []string{Modified}},
		{"punctuation, case and quotes", sections(sec("Share", `We share "aggregated" data, sometimes.`)),
			sections(sec("Share", `we share “aggregated” data sometimes`)), false, Summary{Modified: 1}, []string{Modified}},
		{"effective date", policy.Document{Blocks: []policy.Block{blk(nil, "Last modified: April 24, 2018"), blk(nil, collect)}},
			policy.Document{Blocks: []policy.Block{blk(nil, "Last modified: January 04, 2021"), blk(nil, collect)}},
			false, Summary{Modified: 1}, []string{Modified}},
		{"added clause", sections(sec("Share", sharing)), sections(sec("Share", sharing, "We sell your data to advertisers.")),
			true, Summary{Added: 1}, []string{Added}},
		{"removed clause", sections(sec("Share", sharing, noSale)), sections(sec("Share", sharing)), true, Summary{Removed: 1}, []string{Removed}},
		{"list renumbered", sections(sec("Rights", "1. You can access your data.", "2. You can delete your data.")),
			sections(sec("Rights", "2. You can access your data.", "3. You can delete your data.")),
			false, Summary{Modified: 2}, []string{Modified, Modified}},
		{"tracking parameters in a written URL", sections(sec("More", "Read more at https://www.example.com/privacy?utm_source=a.")),
			sections(sec("More", "Read more at https://example.com/privacy/?utm_source=b&ref=c.")), false, Summary{Modified: 1}, []string{Modified}},
		{"moved to another section", sections(sec("Collect", collect, device, keep), sec("Share", sharing, vendors)),
			sections(sec("Collect", collect, device), sec("Share", sharing, keep, vendors)), true, Summary{Moved: 1}, []string{Moved}},
		{"reordered within a section", sections(sec("Share", sharing, vendors, noSale)), sections(sec("Share", vendors, sharing, noSale)),
			false, Summary{Moved: 1}, []string{Moved}},
		{"split", sections(sec("Collect", collect+" "+contacts, device)), sections(sec("Collect", collect, contacts, device)),
			false, Summary{Split: 1}, []string{Split}},
		{"split with an edit", sections(sec("Collect", collect+" "+contacts, device)),
			sections(sec("Collect", collect, strings.Replace(contacts, "if you allow it", "always", 1), device)),
			true, Summary{Split: 1}, []string{Split}},
		{"merge", sections(sec("Collect", collect, contacts, device)), sections(sec("Collect", collect+" "+contacts, device)),
			false, Summary{Merged: 1}, []string{Merged}},
		{"heading renamed", sections(sec("Information We Collect", collect)), sections(sec("What We Collect", collect)),
			true, Summary{Modified: 1}, []string{Modified}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cs := Compare(tt.old, tt.new)
			if cs.Material != tt.material {
				t.Errorf("Material = %v, want %v", cs.Material, tt.material)
			}
			got := cs.Summary
			got.Unchanged = 0
			if got != tt.want {
				t.Errorf("Summary = %+v, want %+v", got, tt.want)
			}
			var kinds []string
			for _, c := range cs.Changes {
				kinds = append(kinds, c.Kind)
			}
			if !slices.Equal(kinds, tt.kinds) {
				t.Errorf("kinds = %v, want %v", kinds, tt.kinds)
			}
			wantSev := SeverityNone
			if tt.material {
				wantSev = SeverityLow
			}
			if cs.Severity != wantSev {
				t.Errorf("Severity = %q, want %q", cs.Severity, wantSev)
			}
			checkChangeSet(t, Clauses(tt.old), Clauses(tt.new))
			if t.Failed() {
				b, _ := json.MarshalIndent(cs, "", " ")
				t.Logf("change set: %s", b)
			}
		})
	}
}

func TestCompareDetails(t *testing.T) {
	t.Run("moved clause keeps both sections", func(t *testing.T) {
		cs := Compare(sections(sec("Collect", collect, device, keep), sec("Share", sharing, vendors)),
			sections(sec("Collect", collect, device), sec("Share", sharing, keep, vendors)))
		c := cs.Changes[0]
		if !slices.Equal(c.Old.Section, []string{"Collect"}) || !slices.Equal(c.New.Section, []string{"Share"}) || c.Old.ID != c.New.ID {
			t.Errorf("moved change = %+v / %+v", c.Old, c.New)
		}
	})
	t.Run("split lists its parts", func(t *testing.T) {
		cs := Compare(sections(sec("Collect", collect+" "+contacts)), sections(sec("Collect", collect, contacts)))
		c := cs.Changes[0]
		if len(c.NewParts) != 2 || c.NewParts[0].Text != collect || c.NewParts[1].Text != contacts || c.New.Text != collect+" "+contacts {
			t.Errorf("split = %+v, parts %+v", c.New, c.NewParts)
		}
		if c.NewParts[0].ID != c.Old.ID || c.NewParts[1].ID == c.Old.ID {
			t.Errorf("split ids: old %s, parts %s %s; want the first part to keep the old id", c.Old.ID, c.NewParts[0].ID, c.NewParts[1].ID)
		}
	})
	t.Run("effective dates", func(t *testing.T) {
		cs := Compare(policy.Document{Blocks: []policy.Block{blk(nil, "Last modified: April 24, 2018 (archived versions)"), blk(nil, collect)}},
			policy.Document{Blocks: []policy.Block{blk(nil, "Effective March 20, 2025"), blk(nil, collect)}})
		if cs.EffectiveDate != (Dates{"2018-04-24", "2025-03-20"}) || cs.Material {
			t.Errorf("EffectiveDate = %+v, Material = %v; want 2018-04-24 -> 2025-03-20, not material", cs.EffectiveDate, cs.Material)
		}
	})
	t.Run("words of a modification", func(t *testing.T) {
		cs := Compare(sections(sec("Share", sharing)), sections(sec("Share", strings.Replace(sharing, "Facebook", "Meta", 1))))
		want := []Span{{OpEqual, "We share information with the "}, {OpDelete, "Facebook"}, {OpInsert, "Meta"}, {OpEqual, " Companies to help us operate and improve our Services."}}
		if got := cs.Changes[0].Words; !reflect.DeepEqual(got, want) {
			t.Errorf("Words = %+v, want %+v", got, want)
		}
	})
	t.Run("long paragraph removed whole is one change", func(t *testing.T) {
		long := strings.Join([]string{collect, device, keep, sharing, vendors, noSale}, " ")
		cs := Compare(sections(sec("All", long, contacts)), sections(sec("All", contacts)))
		if len(cs.Changes) != 1 || cs.Changes[0].Kind != Removed || len(cs.Changes[0].OldParts) != 6 || cs.Changes[0].Old.Text != long {
			t.Errorf("changes = %+v; want one removal of the six-sentence paragraph", cs.Changes)
		}
	})
}

// TestNoise checks invariant 3 end to end: the same version with other link
// targets and tracking parameters, other whitespace and other attribute
// order is not a material change.
func TestNoise(t *testing.T) {
	tests := []struct {
		name     string
		file     string
		old, new string
	}{
		{"markdown", "p.md",
			"# Privacy Policy\n\nLast modified: January 04, 2021\n\n## How We Share\n\nWe share information with the [Facebook Companies](https://www.facebook.com/help/111814505650678?ref=wa&utm_source=email).\n\n*   We work with [service providers](https://faq.whatsapp.com/1?lang=en).\n",
			"# Privacy Policy\n\nLast modified: January 04, 2021\n\n## How We Share\n\nWe  share information\nwith the [Facebook Companies](https://www.facebook.com/help/111814505650678?ref=site&utm_source=feed&fbclid=x1).\n\n* We work with [service\u00a0providers](https://faq.whatsapp.com/2?lang=es#top).\n"},
		{"html", "p.html",
			`<main><h1>Privacy Policy</h1><p>We share information with the <a href="https://www.facebook.com/help/1?utm_source=a" class="x" target="_blank">Facebook Companies</a>.</p><ul><li>We work with <a href="/p?a=1">service providers</a>.</li></ul></main>`,
			"<main>\n  <h1>Privacy\u200b Policy</h1>\n  <p>We share information with the\n    <a target=\"_blank\" class=\"x\" href=\"https://www.facebook.com/help/1?utm_source=b&amp;fbclid=2\">Facebook Companies</a>.\n  </p>\n  <ul><li>We work with <a href=\"/p?a=2\">service providers</a>.</li></ul></main>"},
		{"plain text with written URLs", "p.txt",
			"We share information with the Facebook Companies.\n\nSee https://www.facebook.com/help/1?utm_source=a for more.\n",
			"We share information with the Facebook Companies.\n\nSee https://facebook.com/help/1/?utm_source=b&fbclid=z for more.\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			old, err := scraper.ExtractFile(tt.file, []byte(tt.old), scraper.Rules{})
			if err != nil {
				t.Fatal(err)
			}
			new, err := scraper.ExtractFile(tt.file, []byte(tt.new), scraper.Rules{})
			if err != nil {
				t.Fatal(err)
			}
			if len(old.Blocks) < 2 {
				t.Fatalf("extraction gave %d blocks: %+v", len(old.Blocks), old.Blocks)
			}
			cs := Compare(old, new)
			if cs.Material || cs.Severity != SeverityNone {
				t.Errorf("Material = %v, Severity %q, want false and none: %+v", cs.Material, cs.Severity, cs.Changes)
			}
		})
	}
}

// TestIDsFollowClauses checks that a clause keeps its id through a chain of
// versions when each comparison starts from the previous one's clauses.
func TestIDsFollowClauses(t *testing.T) {
	v1 := Clauses(sections(sec("Collect", collect, device), sec("Share", sharing, vendors)))
	v2 := Clauses(sections(sec("Collect", collect, device, keep), sec("Share", strings.Replace(sharing, "Facebook", "Meta", 1), vendors)))
	v3 := Clauses(sections(sec("Collect", collect, device), sec("Share", strings.Replace(sharing, "Facebook", "Meta", 1)+" We also share it with partners.", keep, vendors)))

	idOf := func(cs []Clause, prefix string) string {
		for _, c := range cs {
			if strings.HasPrefix(c.Text, prefix) {
				return c.ID
			}
		}
		t.Fatalf("no clause starting %q", prefix)
		return ""
	}
	_, c2 := CompareClauses(v1, v2)
	_, c3 := CompareClauses(c2, v3)
	if id := idOf(v1, "We share"); idOf(c2, "We share") != id || idOf(c3, "We share") != id {
		t.Errorf("sharing clause ids %s, %s, %s; want one id throughout", id, idOf(c2, "We share"), idOf(c3, "We share"))
	}
	if idOf(c3, "We keep") != idOf(c2, "We keep") {
		t.Errorf("moved clause changed id: %s -> %s", idOf(c2, "We keep"), idOf(c3, "We keep"))
	}
	seen := map[string]bool{}
	for _, c := range v1 {
		seen[c.ID] = true
	}
	if id := idOf(c2, "We keep"); seen[id] || id == "" {
		t.Errorf("added clause got id %q, which is empty or an old clause's", id)
	}
	if !reflect.DeepEqual(Clauses(sections(sec("Collect", collect, device))), Clauses(sections(sec("Collect", collect, device)))) {
		t.Error("ids of a first version are not deterministic")
	}
	dup := Clauses(sections(sec("More", "Learn more.", "Learn more.")))
	if dup[1].ID == dup[2].ID {
		t.Errorf("repeated clauses share id %s", dup[1].ID)
	}
}

func TestClauses(t *testing.T) {
	long := strings.Join([]string{collect, device, keep, sharing, vendors, noSale}, " ")
	d := policy.Document{Blocks: []policy.Block{
		{Kind: policy.Heading, Level: 1, Text: "Privacy Policy"},
		{Kind: policy.Heading, Level: 2, Path: []string{"Privacy Policy"}, Text: "What We Collect"},
		{Kind: policy.Paragraph, Path: []string{"Privacy Policy", "What We Collect"}, Text: long},
		{Kind: policy.Paragraph, Path: []string{"Privacy Policy", "What We Collect"}, Text: " \u200b "},
		{Kind: policy.TableRow, Path: []string{"Privacy Policy", "What We Collect"}, Text: long},
	}}
	cs := Clauses(d)
	if len(cs) != 2+6+1 {
		t.Fatalf("got %d clauses, want 2 headings, 6 sentences and 1 table row: %+v", len(cs), cs)
	}
	if !slices.Equal(cs[1].Section, []string{"Privacy Policy", "What We Collect"}) || cs[2].Text != collect || cs[7].Text != noSale {
		t.Errorf("clauses = %+v", cs)
	}
	if cs[2].Block == 0 || cs[2].Block != cs[7].Block || cs[8].Block != 0 {
		t.Errorf("blocks = %d, %d, %d; want the sentences of one paragraph to share a block number", cs[2].Block, cs[7].Block, cs[8].Block)
	}
}

// TestJSONRoundTrip checks that a stored change set decodes to what Compare
// returned, which data's tests and pages rely on.
func TestJSONRoundTrip(t *testing.T) {
	cs := Compare(sections(sec("Collect", collect+" "+contacts, device, keep), sec("Share", sharing, noSale)),
		sections(sec("Collect", collect, contacts, device), sec("Share", strings.Replace(sharing, "Facebook", "Meta", 1), keep, "New clause here.")))
	b, err := json.Marshal(cs)
	if err != nil {
		t.Fatal(err)
	}
	var back ChangeSet
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, cs) {
		t.Errorf("round trip changed the change set:\n%+v\n%+v", back, cs)
	}
	for _, key := range []string{`"material":`, `"summary":{"added":1,`, `"effective_date":{"old":"","new":""}`, `"topics":[]`, `"severity":""`, `"words":[{"op":"equal"`, `"old":null`, `"new_parts":[{"id":`} {
		if !strings.Contains(string(b), key) {
			t.Errorf("JSON lacks %s: %s", key, b)
		}
	}
}

// checkChangeSet checks the invariants every change set holds: each clause
// of either version is unchanged or in exactly one change, the word spans
// spell both texts, and the comparison the other way round is the mirror.
func checkChangeSet(t *testing.T, a, b []Clause) {
	t.Helper()
	cs, newIDs := CompareClauses(a, b)
	oldIDs := slices.Clone(a)
	assignIDs(oldIDs, nil)
	count := func(ids []Clause, side func(Change) (*Clause, []Clause)) {
		t.Helper()
		seen := map[string]int{}
		for _, c := range cs.Changes {
			one, parts := side(c)
			if len(parts) == 0 && one != nil {
				parts = []Clause{*one}
			}
			for _, p := range parts {
				seen[p.ID]++
			}
		}
		changed := 0
		for _, c := range ids {
			if seen[c.ID] > 1 {
				t.Errorf("clause %s %q is in %d changes", c.ID, c.Text, seen[c.ID])
			}
			if seen[c.ID] > 0 {
				changed++
			}
		}
		if changed+cs.Summary.Unchanged != len(ids) {
			t.Errorf("%d clauses in changes + %d unchanged != %d clauses", changed, cs.Summary.Unchanged, len(ids))
		}
	}
	count(oldIDs, func(c Change) (*Clause, []Clause) { return c.Old, c.OldParts })
	count(newIDs, func(c Change) (*Clause, []Clause) { return c.New, c.NewParts })
	for _, c := range cs.Changes {
		if c.Old == nil || c.New == nil {
			if len(c.Words) != 0 {
				t.Errorf("%s change has words %+v", c.Kind, c.Words)
			}
			continue
		}
		if o, n := rebuild(c.Words); o != c.Old.Text || n != c.New.Text {
			t.Errorf("words spell %q -> %q, want %q -> %q", o, n, c.Old.Text, c.New.Text)
		}
	}
	back, _ := CompareClauses(b, a)
	if got, want := mirrorKeys(back), changeKeys(cs); !slices.Equal(got, want) {
		t.Errorf("diff(b, a) is not the mirror of diff(a, b):\n got %q\nwant %q", got, want)
	}
	if back.Material != cs.Material || back.EffectiveDate != (Dates{cs.EffectiveDate.New, cs.EffectiveDate.Old}) || back.Summary.Unchanged != cs.Summary.Unchanged {
		t.Errorf("mirror: material %v/%v, dates %+v/%+v", back.Material, cs.Material, back.EffectiveDate, cs.EffectiveDate)
	}
}

// changeKeys describes each change without ids, sorted.
func changeKeys(cs ChangeSet) []string {
	var out []string
	for _, c := range cs.Changes {
		out = append(out, changeKey(c.Kind, c.Material, c.Old, c.New, c.OldParts, c.NewParts, c.Words))
	}
	slices.Sort(out)
	return out
}

// mirrorKeys describes each change of cs as its mirror would be.
func mirrorKeys(cs ChangeSet) []string {
	var out []string
	for _, c := range cs.Changes {
		out = append(out, changeKey(mirrorKind(c.Kind), c.Material, c.New, c.Old, c.NewParts, c.OldParts, deleteFirst(mirrorSpans(slices.Clone(c.Words)))))
	}
	slices.Sort(out)
	return out
}

func changeKey(kind string, material bool, old, new *Clause, oldParts, newParts []Clause, words []Span) string {
	strip := func(c *Clause) any {
		if c == nil {
			return nil
		}
		return []any{c.Section, c.Text}
	}
	parts := func(ps []Clause) []any {
		var out []any
		for _, p := range ps {
			out = append(out, strip(&p))
		}
		return out
	}
	b, _ := json.Marshal([]any{kind, material, strip(old), strip(new), parts(oldParts), parts(newParts), words})
	return string(b)
}
