package diff

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clausewatch/clausewatch/internal/corpustest"
	"github.com/clausewatch/clausewatch/scraper"
)

// TestWhatsAppJanuary2021 diffs WhatsApp's EEA policy before and after the
// January 2021 update (first archived 2021-04-29).
func TestWhatsAppJanuary2021(t *testing.T) {
	a := corpusClauses(t, "whatsapp-privacy-policy-eea/2021-01-01.md")
	b := corpusClauses(t, "whatsapp-privacy-policy-eea/2021-04-29.md")
	cs, _ := CompareClauses(a, b)

	if cs.EffectiveDate != (Dates{"2018-04-24", "2021-01-04"}) {
		t.Errorf("EffectiveDate = %+v, want 2018-04-24 -> 2021-01-04", cs.EffectiveDate)
	}
	// The clauses about the Facebook Companies read as modifications, with
	// the edit marked inside them: "the Facebook Companies" became "other
	// Facebook Companies", safety and integrity purposes were added.
	localized := 0
	for _, c := range cs.Changes {
		if c.Kind != Modified || !strings.Contains(c.Old.Text+c.New.Text, "Facebook Compan") {
			continue
		}
		changed := 0
		for _, w := range c.Words {
			if w.Op != OpEqual {
				changed += len(w.Text)
			}
		}
		if changed*2 < len(c.Old.Text)+len(c.New.Text) {
			localized++
		}
	}
	if localized < 3 {
		t.Errorf("%d modified clauses about the Facebook Companies with a localized edit, want at least 3", localized)
	}
	// The update rewrote most of the policy: only 34 of 226 old clauses
	// survive verbatim, so at least max(192 old, 227 new) clauses changed and
	// a list that pairs every rewrite still needs that many entries, while
	// listing each as a removal plus an addition would need 419. Measured:
	// 278 entries (1.22 times the floor), over 100 of them pairs. The bound
	// fails if pairing degrades towards removal plus addition.
	s := cs.Summary
	touchedOld, touchedNew := len(a)-s.Unchanged, len(b)-s.Unchanged
	floor := max(touchedOld, touchedNew)
	if s.Total() > floor*13/10 {
		t.Errorf("%d changes for %d/%d changed clauses; want at most %d (1.3 times the floor)", s.Total(), touchedOld, touchedNew, floor*13/10)
	}
	if paired := s.Modified + s.Moved + s.Split + s.Merged; paired*5 < touchedOld*2 {
		t.Errorf("%d clauses paired as modified, moved, split or merged; want at least 40%% of the %d old clauses that changed", paired, touchedOld)
	}
	checkChangeSet(t, a, b)
}

// TestFacebookRewrite2022 diffs the Data Policy against the Privacy Policy
// that replaced it: nearly everything is new, and the change set must still
// read section by section.
func TestFacebookRewrite2022(t *testing.T) {
	a := corpusClauses(t, "facebook-privacy-policy/2022-07-11.md")
	b := corpusClauses(t, "facebook-privacy-policy/2022-09-07.md")
	cs, _ := CompareClauses(a, b)
	if cs.EffectiveDate != (Dates{"2022-01-04", "2022-07-26"}) || !cs.Material {
		t.Errorf("EffectiveDate = %+v, Material = %v", cs.EffectiveDate, cs.Material)
	}
	noSection := 0
	for _, c := range cs.Changes {
		if len(c.Section()) == 0 {
			noSection++
		}
	}
	if noSection > 2 {
		t.Errorf("%d changes without a section", noSection)
	}
	groups := Groups(cs)
	// Measured: 593 changes in 160 runs of one section each.
	if len(groups)*3 > len(cs.Changes) {
		t.Errorf("%d groups for %d changes: the changes are not grouped by section", len(groups), len(cs.Changes))
	}
	var txt, html bytes.Buffer
	if err := WriteText(&txt, cs, false); err != nil {
		t.Fatal(err)
	}
	if err := htmlRenderer(t).WriteHTML(&html, cs); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(txt.String(), "\n## "); n != len(groups) {
		t.Errorf("text output has %d section headings, want %d", n, len(groups))
	}
	if n := strings.Count(html.String(), `<h3 class="cw-section-title">`); n != len(groups) {
		t.Errorf("HTML output has %d section headings, want %d", n, len(groups))
	}
	for _, h := range []string{"## What information do we collect? › Your activity and information you provide", "## How do the Meta Companies work together?"} {
		if !strings.Contains(txt.String(), h) {
			t.Errorf("text output lacks the section %q", h)
		}
	}
	checkChangeSet(t, a, b)
}

// TestCorpusSmallChanges checks pairs of real versions that differ little.
func TestCorpusSmallChanges(t *testing.T) {
	t.Run("identical", func(t *testing.T) {
		a := corpusClauses(t, "facebook-privacy-policy/2023-09-07.md")
		if cs, _ := CompareClauses(a, a); len(cs.Changes) != 0 || cs.Material || cs.Summary.Unchanged != len(a) {
			t.Errorf("comparing a version with itself: %+v", cs.Summary)
		}
	})
	t.Run("one word", func(t *testing.T) {
		name := filepath.Join(corpustest.Dir(t), "facebook-privacy-policy", "2023-09-07.md")
		body, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		edited := bytes.Replace(body, []byte("Meta Companies"), []byte("Meta Affiliates"), 1)
		old, _ := scraper.ExtractFile(name, body, scraper.Rules{})
		new, _ := scraper.ExtractFile(name, edited, scraper.Rules{})
		cs := Compare(old, new)
		if len(cs.Changes) != 1 || cs.Changes[0].Kind != Modified || !cs.Material {
			t.Fatalf("changes = %+v; want one material modification", cs.Changes)
		}
		if w := cs.Changes[0].Words; len(w) < 3 || len(w) > 4 || w[1] != (Span{OpDelete, "Companies"}) || w[2] != (Span{OpInsert, "Affiliates"}) {
			t.Errorf("words = %+v; want the one word replaced", w)
		}
	})
	t.Run("one section added", func(t *testing.T) {
		a := corpusClauses(t, "whatsapp-privacy-policy-eea/2021-04-29.md")
		b := corpusClauses(t, "whatsapp-privacy-policy-eea/2022-01-17.md")
		cs, _ := CompareClauses(a, b)
		if cs.Summary.Total() != cs.Summary.Added || len(Groups(cs)) != 1 || cs.Summary.Unchanged != len(a) {
			t.Errorf("summary %+v in %d groups; want additions only, in one section", cs.Summary, len(Groups(cs)))
		}
		checkChangeSet(t, a, b)
	})
	t.Run("footnotes renumbered", func(t *testing.T) {
		a := corpusClauses(t, "facebook-privacy-policy/2023-06-15.md")
		b := corpusClauses(t, "facebook-privacy-policy/2023-09-07.md")
		cs, _ := CompareClauses(a, b)
		material := 0
		for _, c := range cs.Changes {
			if c.Material {
				material++
			}
		}
		// Measured: 154 changes, 59 material; most modifications only
		// renumber the glossary references ("Products[4]" -> "[6]").
		if material > len(cs.Changes)/2 {
			t.Errorf("%d of %d changes material; footnote renumbering should be cosmetic", material, len(cs.Changes))
		}
		checkChangeSet(t, a, b)
	})
}
