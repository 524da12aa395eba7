package policy

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"
)

func TestNormalize(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain", "We share data.", "We share data."},
		{"runs of space", "  We \t share\n\ndata.  ", "We share data."},
		{"non-breaking", "We\u00a0share\u202fdata.", "We share data."},
		{"zero-width", "We sh\u200bare\ufeff da\u200dta.", "We share data."},
		{"soft hyphen", "Compa\u00adnies", "Companies"},
		{"empty", " \u00a0\u200b ", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Normalize(tt.in); got != tt.want {
				t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestCanonicalIgnoresNoise(t *testing.T) {
	a := Document{Blocks: []Block{
		{Kind: Heading, Level: 2, Text: "How We Share Information"},
		{Kind: Paragraph, Path: []string{"How We Share Information"}, Text: "We share with the Facebook Companies."},
	}}
	b := Document{Blocks: []Block{
		{Kind: Heading, Level: 2, Text: " How\u00a0We Share Information "},
		{Kind: Paragraph, Text: ""},
		{Kind: Paragraph, Path: []string{"How We Share Information"}, Text: "We share with the\nFacebook\u200b Companies."},
	}}
	if a.Hash() != b.Hash() {
		t.Errorf("hashes differ:\n%q\n%q", a.Canonical(), b.Canonical())
	}
	c := Document{Blocks: []Block{a.Blocks[0], {Kind: Paragraph, Text: "We share with the Meta Companies."}}}
	if a.Hash() == c.Hash() {
		t.Error("a real edit kept the same hash")
	}
	if got, want := a.Canonical(), "How We Share Information\nWe share with the Facebook Companies.\n"; got != want {
		t.Errorf("Canonical() = %q, want %q", got, want)
	}
}

func TestNormalizeInvalidUTF8(t *testing.T) {
	// An invalid byte becomes U+FFFD, so the text survives a JSON round trip.
	if got := Normalize("a\xff  b"); got != "a\ufffd b" {
		t.Errorf("Normalize = %q", got)
	}
}

func BenchmarkNormalize(b *testing.B) {
	s := strings.Repeat("We share information with the Meta Companies,\u00a0and our partners.\n  ", 2000)
	b.SetBytes(int64(len(s)))
	for b.Loop() {
		Normalize(s)
	}
}

// FuzzNormalize holds Normalize's fast path (text returned as it is when
// IsNormalized says so) to the full normalization, and checks that
// normalizing is idempotent.
//
//	go test -run '^$' -fuzz FuzzNormalize -fuzztime 30s ./policy
func FuzzNormalize(f *testing.F) {
	for _, s := range []string{
		"We share data.", "  We \t share\n\ndata.  ", "We\u00a0share\u202fdata.", "Compa\u00adnies",
		"a\xff  b", "eight by  tes", "12345678 12345678  x", "1234567\x01", "tab\there and there",
		"Información compartida con las Empresas de Meta.", "\x7fdel", "x\u2007y",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, want := Normalize(s), normalize(s)
		if got != want {
			t.Fatalf("Normalize(%q) = %q, want %q", s, got, want)
		}
		if again := Normalize(got); again != got {
			t.Fatalf("Normalize is not idempotent on %q: %q then %q", s, got, again)
		}
	})
}

// TestHashText checks HashText against sha256 of the whole text at once,
// for texts around the size of its internal buffer.
func TestHashText(t *testing.T) {
	for _, n := range []int{0, 1, 8<<10 - 1, 8 << 10, 8<<10 + 1, 300 << 10} {
		s := strings.Repeat("We share data with Meta. ", n/25+1)[:n]
		sum := sha256.Sum256([]byte(s))
		if got, want := HashText(s), hex.EncodeToString(sum[:]); got != want {
			t.Errorf("HashText of %d bytes = %s, want %s", n, got, want)
		}
	}
}
