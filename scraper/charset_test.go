package scraper

import (
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

// TestDecodeCharset reads bodies whose charset label, meta tag and bytes
// agree or not, and checks which charset each is read as, that accented
// letters survive, and which readings are in doubt.
func TestDecodeCharset(t *testing.T) {
	fr := strings.Repeat("Nous partageons vos données avec les sociétés de Meta, à des fins de sécurité et d’amélioration des Services. ", 30)
	cp1252, err := charmap.Windows1252.NewEncoder().String(fr)
	if err != nil {
		t.Fatal(err)
	}
	page := func(head, body string) string {
		return "<!DOCTYPE html><html><head>" + head + "<title>Politique</title></head><body><main><p>" + body + "</p></main></body></html>"
	}
	stray := page("", "Nous \xff"+fr)
	tests := []struct {
		name, body, contentType string
		charset                 string
		doubt                   bool
		want                    string // a substring of the decoded text
	}{
		{"utf-8 labelled", page("", fr), "text/html; charset=utf-8", "utf-8", false, "données"},
		{"utf-8 unlabelled", page("", fr), "text/html", "utf-8", false, "données"},
		{"one stray byte near the top, unlabelled", stray, "text/html", "utf-8", false, "sociétés"},
		{"one stray byte, labelled utf-8", stray, "text/html; charset=utf-8", "utf-8", false, "sociétés"},
		{"windows-1252 unlabelled", page("", cp1252), "text/html", "windows-1252", false, "sociétés"},
		{"windows-1252 labelled utf-8: its words are the evidence", page("", cp1252), "text/html; charset=utf-8", "windows-1252", false, "sociétés"},
		{"windows-1252 labelled utf-8 with a meta charset", page(`<meta charset="windows-1252">`, cp1252), "text/html; charset=utf-8", "windows-1252", false, "sociétés"},
		{"stray byte, labelled utf-8, stale meta charset", page(`<meta charset="windows-1252">`, "Nous \xff"+fr), "text/html; charset=utf-8", "utf-8", false, "sociétés"},
		{"labelled iso-8859-1", page("", cp1252), "text/html; charset=iso-8859-1", "windows-1252", false, "sociétés"},
		{"meta charset only", page(`<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">`, cp1252), "", "windows-1252", false, "sociétés"},
		{"binary labelled utf-8, no words", page("", strings.Repeat("\x8f\xc3\x28\xa0\xa1\xe2\x28\xa1\xf0\x28\x8c\xbc", 40)), "text/html; charset=utf-8", "utf-8", true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text, d, err := DecodeHTML([]byte(tt.body), tt.contentType)
			if err != nil {
				t.Fatal(err)
			}
			if d.Charset != tt.charset || (d.Doubt != "") != tt.doubt {
				t.Errorf("decoding = %+v, want charset %s, doubt %v", d, tt.charset, tt.doubt)
			}
			if !strings.Contains(text, tt.want) {
				t.Errorf("decoded text lacks %q", tt.want)
			}
			if strings.Contains(text, "Ã") {
				t.Error("decoded text holds mojibake")
			}
		})
	}
}

// TestDecodeTextFile reads Markdown files as import and diff do: one stray
// byte keeps a UTF-8 file UTF-8, a windows-1252 file is read as such.
func TestDecodeTextFile(t *testing.T) {
	es := strings.Repeat("# Política de privacidad\n\nCompartimos tu información con las demás empresas de Meta y con nuestros socios.\n\n", 20)
	cp1252, err := charmap.Windows1252.NewEncoder().String(es)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, body, charset string
		fffd                int
	}{
		{"utf-8", es, "utf-8", 0},
		{"one stray byte", "\xe9" + es, "utf-8", 1},
		{"a stray byte in a word", strings.Replace(es, "socios", "soc\x92ios", 1), "utf-8", 1},
		{"windows-1252", cp1252, "windows-1252", 0},
		{"byte order mark and CRLF", "\xef\xbb\xbf" + strings.ReplaceAll(es, "\n", "\r\n"), "utf-8", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text, d := decodeTextAs([]byte(tt.body))
			if d.Charset != tt.charset || d.Doubt != "" {
				t.Errorf("decoding = %+v, want %s without doubt", d, tt.charset)
			}
			if got := strings.Count(text, "\uFFFD"); got != tt.fffd {
				t.Errorf("%d U+FFFD, want %d", got, tt.fffd)
			}
			if !strings.Contains(text, "información") || strings.Contains(text, "Ã") || strings.Contains(text, "\r") {
				t.Errorf("text misread: %.80q", text)
			}
			if DecodeFile("2021-01-01.md", []byte(tt.body)) != d {
				t.Error("DecodeFile disagrees with decodeTextAs")
			}
		})
	}
}

// TestDecodeUTF16 reads files and pages saved as UTF-16 with a byte order
// mark, little- and big-endian: each is decoded, and extraction reads its
// words. A UTF-16 import file used to be read as UTF-8 and refused.
func TestDecodeUTF16(t *testing.T) {
	es := "Política de privacidad\n\nCompartimos tu información con las demás empresas de Meta.\n"
	page := "<!DOCTYPE html><html><head><title>Política</title></head><body><main><p>Compartimos tu información con las demás empresas de Meta.</p></main></body></html>"
	le := func(s string) []byte {
		b, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes([]byte(s))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	be := func(s string) []byte {
		b, err := unicode.UTF16(unicode.BigEndian, unicode.UseBOM).NewEncoder().Bytes([]byte(s))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	tests := []struct {
		name, file string
		body       []byte
		charset    string
	}{
		{"text, little-endian", "2021-01-04.txt", le(strings.ReplaceAll(es, "\n", "\r\n")), "utf-16le"},
		{"Markdown, big-endian", "2021-01-04.md", be(es), "utf-16be"},
		{"HTML file, little-endian", "2021-01-04.html", le(page), "utf-16le"},
		{"HTML without an extension, big-endian", "2021-01-04", be(page), "utf-16be"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := DecodeFile(tt.file, tt.body)
			if d.Charset != tt.charset || d.Doubt != "" {
				t.Errorf("DecodeFile = %+v, want %s without doubt", d, tt.charset)
			}
			doc, err := ExtractFile(tt.file, tt.body, Rules{Select: []string{"main"}})
			if err != nil {
				t.Fatal(err)
			}
			text := doc.Canonical()
			if !strings.Contains(text, "Compartimos tu información con las demás empresas de Meta.") || strings.ContainsAny(text, "\x00\r<") {
				t.Errorf("extracted %q", text)
			}
		})
	}
	for _, ct := range []string{"text/html", "text/html; charset=utf-8"} {
		t.Run("page served as "+ct, func(t *testing.T) {
			text, d, err := DecodeHTML(le(page), ct)
			if err != nil || d.Charset != "utf-16le" || !strings.Contains(text, "información") {
				t.Errorf("DecodeHTML = %.60q, %+v, %v", text, d, err)
			}
		})
	}
}
