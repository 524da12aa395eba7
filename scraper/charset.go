package scraper

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	unicode16 "golang.org/x/text/encoding/unicode"
)

// Decoding says how a body was read into text: extraction and the pipeline's
// gates call the same decision, so that a gate can refuse a reading that
// extraction could only guess.
type Decoding struct {
	// Charset is the encoding the text was read as, e.g. "utf-8" or
	// "windows-1252".
	Charset string
	// Label is the charset a byte order mark, the Content-Type or a meta
	// tag named, "" when nothing named one.
	Label string
	// Valid and Invalid count, for a UTF-8 reading of a body that is not
	// wholly UTF-8, the multi-byte UTF-8 sequences and the bytes that are
	// not UTF-8 (read as U+FFFD); both are 0 for a valid UTF-8 body.
	Valid, Invalid int
	// Doubt says why the reading cannot be trusted; it is "" when it can.
	Doubt string
}

// fewInvalid is how many bytes that are not UTF-8 a UTF-8 reading tolerates
// without doubt whatever else the body holds: a stray byte or two from a
// bad copy and paste, not a different encoding.
const fewInvalid = 3

// DecodeHTML reads an HTML body as text, and says how, with the rules
// ExtractHTML uses (see decodeHTMLAs), so that the pipeline can refuse a
// body whose reading is in doubt.
func DecodeHTML(body []byte, contentType string) (string, Decoding, error) {
	return decodeHTMLAs(body, contentType)
}

// DecodeFile says how ExtractFile reads a local file: as HTML when it is
// one (by its extension or its bytes), else as Markdown or plain text.
func DecodeFile(name string, body []byte) Decoding {
	if isHTMLFile(name, body) {
		_, d, _ := decodeHTMLAs(body, "")
		return d
	}
	_, d := decodeTextAs(body)
	return d
}

// isHTMLFile is ExtractFile's choice between HTML and text. A UTF-16 file
// is sniffed once decoded, since its bytes interleave NULs with the markup.
func isHTMLFile(name string, body []byte) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".html", ".htm", ".xhtml":
		return true
	case ".md", ".markdown":
		return false
	}
	if b, _, ok := fromUTF16(body); ok {
		body = b
	}
	return strings.HasPrefix(http.DetectContentType(body), "text/html")
}

// decodeTextAs reads a Markdown or text file, which names no charset: as
// UTF-16 when it starts with a UTF-16 byte order mark (Windows tools save
// "Unicode" text so), as UTF-8 when it is UTF-8 but for a few bytes, as
// windows-1252 (what old text captures most often are) only when that
// reading gives real words. One stray byte must never turn every accented
// letter of a UTF-8 file into mojibake.
func decodeTextAs(body []byte) (string, Decoding) {
	if b, name, ok := fromUTF16(body); ok {
		return strings.ReplaceAll(string(b), "\r\n", "\n"), Decoding{Charset: name, Label: name}
	}
	body = bytes.TrimPrefix(body, []byte("\xef\xbb\xbf"))
	text, d := readUnlabelled(body, "")
	return strings.ReplaceAll(text, "\r\n", "\n"), d
}

// fromUTF16 decodes body to UTF-8 when it starts with a UTF-16 byte order
// mark, and names the encoding ("utf-16le" or "utf-16be"); ok is false for
// any other body. Without a mark UTF-16 is not guessed: its NULs make the
// pipeline refuse the body as binary or UTF-16 (tracker's checkBody).
func fromUTF16(body []byte) (b []byte, name string, ok bool) {
	var enc encoding.Encoding
	switch {
	case bytes.HasPrefix(body, []byte("\xff\xfe")):
		enc, name = unicode16.UTF16(unicode16.LittleEndian, unicode16.ExpectBOM), "utf-16le"
	case bytes.HasPrefix(body, []byte("\xfe\xff")):
		enc, name = unicode16.UTF16(unicode16.BigEndian, unicode16.ExpectBOM), "utf-16be"
	default:
		return nil, "", false
	}
	b, err := enc.NewDecoder().Bytes(body)
	if err != nil {
		return nil, "", false
	}
	return b, name, true
}

// decodeHTMLAs reads an HTML body: in the charset its byte order mark or
// Content-Type names, else in the one a meta tag names, else by its bytes
// (readUnlabelled). A body labelled UTF-8 whose bytes are not UTF-8 is read
// in another charset only on evidence (a meta tag naming one, or a
// windows-1252 reading with real words); without it, it is read as UTF-8
// and the Decoding says it is in doubt.
func decodeHTMLAs(body []byte, contentType string) (string, Decoding, error) {
	head := body
	if len(head) > 1024 {
		head = head[:1024]
	}
	enc, name, certain := charset.DetermineEncoding(head, contentType)
	label := ""
	if certain {
		label = name
	}
	metaEnc, metaName := metaEncoding(body)
	if !certain && metaEnc != nil {
		enc, name, certain, label = metaEnc, metaName, true, metaName
	}
	if !certain || name == "utf-8" {
		body = bytes.TrimPrefix(body, []byte("\xef\xbb\xbf"))
		text, d := readUnlabelled(body, label)
		if d.Invalid == 0 || label == "" {
			return text, d, nil
		}
		// Labelled UTF-8 and not UTF-8: a windows-1252 reading with real
		// words was evidence enough for readUnlabelled; a meta tag naming
		// another charset is evidence too, when most of the non-ASCII
		// bytes are not UTF-8 (a stale meta tag must not turn a UTF-8
		// page with one stray byte into mojibake).
		if metaEnc != nil && metaName != "utf-8" && d.Invalid > d.Valid {
			enc, name = metaEnc, metaName
		} else {
			return text, d, nil
		}
	}
	b, err := io.ReadAll(enc.NewDecoder().Reader(bytes.NewReader(body)))
	if err != nil {
		return "", Decoding{Charset: name, Label: label}, fmt.Errorf("decode as %s: %w", name, err)
	}
	return string(b), Decoding{Charset: name, Label: label}, nil
}

// metaEncoding returns the encoding a meta tag in the first 64 KB of body
// names, or nil. charset.DetermineEncoding only looks at the first 1024
// bytes, and real pages put kilobytes of inline script before their meta
// tags.
func metaEncoding(body []byte) (encoding.Encoding, string) {
	scan := body
	if len(scan) > 64<<10 {
		scan = scan[:64<<10]
	}
	if m := metaCharset().FindSubmatch(scan); m != nil {
		if e, n := charset.Lookup(string(m[1])); e != nil {
			return e, n
		}
	}
	return nil, ""
}

// readUnlabelled reads body, which no charset label can be trusted for, by
// its bytes: as UTF-8 when it is UTF-8 but for a few bytes, which become
// U+FFFD; as windows-1252 when most of its non-ASCII bytes are not UTF-8
// and reading them as windows-1252 gives letters inside words; else as
// UTF-8 with a doubt, which the pipeline's gates refuse. label is only
// recorded.
func readUnlabelled(body []byte, label string) (string, Decoding) {
	d := Decoding{Charset: "utf-8", Label: label}
	if utf8.Valid(body) {
		return string(body), d
	}
	d.Valid, d.Invalid = utf8Counts(body)
	if (d.Valid == 0 || (d.Invalid > fewInvalid && d.Invalid >= 3*d.Valid)) && cp1252Words(body) {
		b, err := charmap.Windows1252.NewDecoder().Bytes(body)
		if err == nil {
			return string(b), Decoding{Charset: "windows-1252", Label: label}
		}
	}
	if d.Invalid > fewInvalid && d.Invalid*20 > d.Valid {
		named := "names no charset"
		if label != "" {
			named = "is labelled " + label
		}
		d.Doubt = fmt.Sprintf("body %s but %d of its bytes are not UTF-8 (against %d UTF-8 sequences) and a windows-1252 reading gives no words", named, d.Invalid, d.Valid)
	}
	return strings.ToValidUTF8(string(body), "\uFFFD"), d
}

// utf8Counts counts the multi-byte UTF-8 sequences in b and the bytes that
// belong to none.
func utf8Counts(b []byte) (valid, invalid int) {
	for i := 0; i < len(b); {
		if b[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n == 1 {
			invalid++
		} else {
			valid++
		}
		i += n
	}
	return valid, invalid
}

// cp1252Words reports whether reading body as windows-1252 gives text: no
// control bytes, and nine in ten non-ASCII bytes read as a letter next to
// an ASCII letter (the "é" of "política") or between spaces or punctuation
// (the French "à"), or as punctuation or a symbol
// next to a word or a space (curly quotes, dashes, "©"). Compressed or
// binary bytes fail at once on their control bytes, and their high bytes
// sit among other high bytes.
func cp1252Words(body []byte) bool {
	high, good := 0, 0
	for i, c := range body {
		if c < utf8.RuneSelf {
			if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f') || c == 0x7f {
				return false
			}
			continue
		}
		high++
		r := charmap.Windows1252.DecodeByte(c)
		if r == utf8.RuneError || (r >= 0x80 && r < 0xa0) {
			continue // undefined in windows-1252
		}
		var prev, next byte
		if i > 0 {
			prev = body[i-1]
		}
		if i+1 < len(body) {
			next = body[i+1]
		}
		switch {
		case unicode.IsLetter(r):
			// Inside a word, or a word on its own ("à", "é").
			if isASCIILetter(prev) || isASCIILetter(next) || (isWordEdge(prev) && isWordEdge(next)) {
				good++
			}
		case unicode.IsPunct(r) || unicode.IsSymbol(r) || unicode.IsNumber(r) || unicode.IsSpace(r):
			if isWordEdge(prev) || isWordEdge(next) {
				good++
			}
		}
	}
	return high > 0 && good*10 >= high*9
}

func isASCIILetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }

// isWordEdge reports whether c is ASCII that text puts next to
// punctuation: a letter, a digit, a space or punctuation.
func isWordEdge(c byte) bool {
	return c >= ' ' && c < 0x7f || c == '\n' || c == '\t'
}
