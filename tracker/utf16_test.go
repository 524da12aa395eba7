package tracker

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/encoding/unicode"

	"github.com/clausewatch/clausewatch/config"
	"github.com/clausewatch/clausewatch/data"
	"github.com/clausewatch/clausewatch/scraper"
)

// TestImportUTF16 imports text files saved as UTF-16: with a byte order
// mark they are read (one used to be refused as "reads as pt"), without
// one they are suspect as binary or UTF-16.
func TestImportUTF16(t *testing.T) {
	policy := strings.Repeat("We share information with the Meta Companies to operate and improve our Services, and we keep it safe.\r\n\r\n", 30)
	encode := func(order unicode.Endianness, bom unicode.BOMPolicy) []byte {
		b, err := unicode.UTF16(order, bom).NewEncoder().Bytes([]byte(policy))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	tests := []struct {
		name    string
		body    []byte
		outcome data.Outcome
		class   string
		reason  string
	}{
		{"little-endian with a byte order mark", encode(unicode.LittleEndian, unicode.UseBOM), data.NewVersion, "", ""},
		{"big-endian with a byte order mark", encode(unicode.BigEndian, unicode.UseBOM), data.NewVersion, "", ""},
		{"without a byte order mark", encode(unicode.LittleEndian, unicode.IgnoreBOM), data.Suspect, reasonGarbage, "UTF-16"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "2021-01-04.txt")
			if err := os.WriteFile(p, tt.body, 0o644); err != nil {
				t.Fatal(err)
			}
			files, err := ParseImportFiles([]string{p})
			if err != nil {
				t.Fatal(err)
			}
			tr, db, _ := newTracker(t, nil)
			doc := config.Document{ID: "policy", URL: "https://example.org/policy", Language: "en"}
			syncDoc(t, db, doc)
			var got data.Result
			if err := tr.Import(context.Background(), doc, files, scraper.Rules{}, func(f ImportFile, r data.Result) { got = r }); err != nil {
				t.Fatal(err)
			}
			if f := got.Fetch; f.Outcome != tt.outcome || f.ErrorClass != tt.class || !strings.Contains(f.Reason, tt.reason) {
				t.Errorf("%s (%s: %s), want %s (%s: …%s…)", f.Outcome, f.ErrorClass, f.Reason, tt.outcome, tt.class, tt.reason)
			}
			if tt.outcome == data.NewVersion && (got.Version == nil || !strings.Contains(got.Version.Text, "We share information with the Meta Companies")) {
				t.Errorf("version %+v does not hold the policy", got.Version)
			}
		})
	}
}
