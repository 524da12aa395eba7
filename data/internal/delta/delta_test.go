package delta

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"
)

// randomEdit changes body the way pages change between fetches: a few
// inserted, deleted or replaced runs of arbitrary (not UTF-8) bytes, and
// sometimes a moved chunk.
func randomEdit(rng *rand.Rand, body []byte) []byte {
	out := bytes.Clone(body)
	for range 1 + rng.IntN(4) {
		pos := rng.IntN(len(out) + 1)
		junk := make([]byte, rng.IntN(40))
		for i := range junk {
			junk[i] = byte(rng.UintN(256))
		}
		switch rng.IntN(4) {
		case 0: // insert
			out = append(out[:pos:pos], append(junk, out[pos:]...)...)
		case 1: // delete
			end := min(len(out), pos+rng.IntN(200))
			out = append(out[:pos:pos], out[end:]...)
		case 2: // replace
			end := min(len(out), pos+len(junk))
			out = append(out[:pos:pos], append(junk, out[end:]...)...)
		case 3: // move a chunk to the front
			end := min(len(out), pos+rng.IntN(2000))
			chunk := bytes.Clone(out[pos:end])
			out = append(chunk, append(out[:pos:pos], out[end:]...)...)
		}
	}
	return out
}

// deflate compresses ops as storage does.
func deflate(t testing.TB, ops []byte) []byte {
	t.Helper()
	var z Deflater
	var stored bytes.Buffer
	if err := z.Deflate(&stored, ops); err != nil {
		t.Fatal(err)
	}
	return stored.Bytes()
}

func TestMake(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	random := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(rng.UintN(256))
		}
		return b
	}
	page := random(5000)
	tests := []struct {
		name         string
		base, target []byte
		delta        bool // a delta is expected rather than a keyframe
	}{
		{"both empty", nil, nil, true},
		{"identical", page, page, true},
		{"empty base", nil, page, false},
		{"emptied", page, nil, true},
		{"prefix changed", page, append([]byte("<!-- 42 -->"), page[3:]...), true},
		{"suffix appended", page, append(bytes.Clone(page), "tail"...), true},
		{"middle edited", page, append(append(bytes.Clone(page[:2500]), 0xff, 0xfe), page[2600:]...), true},
		{"halves swapped", page, append(bytes.Clone(page[2500:]), page[:2500]...), true},
		{"edited at both ends and the middle", page, randomEdit(rng, randomEdit(rng, page)), true},
		{"unrelated", page, random(5000), false},
		{"shorter than a block", []byte("abc"), []byte("abd"), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ops, ok := Make(tt.base, tt.target)
			if ok != tt.delta {
				t.Fatalf("Make ok = %v, want %v", ok, tt.delta)
			}
			if !ok {
				return
			}
			got, err := Apply(tt.base, deflate(t, ops))
			if err != nil || !bytes.Equal(got, tt.target) {
				t.Fatalf("Apply = %d bytes, %v; want the %d-byte target", len(got), err, len(tt.target))
			}
			if len(tt.target) > 1000 && len(ops) > len(tt.target)/4 {
				t.Errorf("delta of %d bytes for a %d-byte target", len(ops), len(tt.target))
			}
		})
	}
	// A delta applied to the wrong base is refused, never silently wrong in
	// length.
	ops, _ := Make(page, page[:4000])
	if _, err := Apply(page[:100], deflate(t, ops)); !errors.Is(err, ErrMalformed) {
		t.Errorf("Apply on a short base: %v, want ErrMalformed", err)
	}
}

func TestApplyRefusesDamage(t *testing.T) {
	base := []byte("We share information with the Meta Companies.")
	tests := []struct {
		name string
		ops  []byte
	}{
		{"no length", nil},
		{"copy outside the base", []byte{10, opCopy, 40, 10}},
		{"truncated literal", []byte{10, opLiteral, 10, 'a'}},
		{"unknown op", []byte{10, 7}},
		{"longer than its length", []byte{1, opLiteral, 2, 'a', 'b'}},
		{"shorter than its length", []byte{3, opLiteral, 2, 'a', 'b'}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, err := Apply(base, deflate(t, tt.ops)); !errors.Is(err, ErrMalformed) {
				t.Errorf("Apply = %q, %v; want ErrMalformed", got, err)
			}
		})
	}
	if _, err := Apply(base, []byte{0xff}); !errors.Is(err, ErrMalformed) {
		t.Errorf("Apply on bytes that are not DEFLATE: %v, want ErrMalformed", err)
	}
}

// The golden values were produced by this codec before it moved out of
// package data: databases hold rows written that way, which must read back
// the same, and Make must keep writing them.
func goldenBase() []byte {
	var b bytes.Buffer
	for i := range 12 {
		fmt.Fprintf(&b, "<p id=\"c%d\">Clause %d: we share information with the Meta Companies.</p>\n", i, i)
	}
	return b.Bytes()
}

func goldenTarget() []byte {
	base := goldenBase()
	t := bytes.Clone(base[:200])
	t = append(t, "<p>A new clause about your contacts.</p>\n"...)
	t = append(t, base[260:]...)
	return append(t, "<footer>2024</footer>"...)
}

const (
	goldenOps    = "da060000c80101293c703e41206e657720636c617573652061626f757420796f757220636f6e74616374732e3c2f703e0a00a00420010b34223e436c61757365203400bd033c010b35223e436c61757365203500bd033c00b203a60301153c666f6f7465723e323032343c2f666f6f7465723e"
	goldenStored = "bac5c6c070829151d3a6c0ce51212fb55c213927b1b43855213129bfb444a132bfb44821393faf2431b9a458cf46bfc08e8b61018b0223b789929d3344a109c35e661b466e53b8802948806113f3326646519bb4fcfc92d4223b230323131b7d2807100000ffff"
	goldenGzip   = "1f8b08000000000004ff002e00d1ff576520736861726520696e666f726d6174696f6e207769746820746865204d65746120436f6d70616e6965732e0a010000ffff13ee368d2e000000"
)

func TestFormatIsStable(t *testing.T) {
	unhex := func(s string) []byte {
		b, err := hex.DecodeString(s)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	base, target := goldenBase(), goldenTarget()
	// Make's ops are compared byte for byte; DEFLATE output may change with
	// the Go release, so the stored form is checked by reading it.
	if ops, ok := Make(base, target); !ok || hex.EncodeToString(ops) != goldenOps {
		t.Errorf("Make = %x, %v; want %s", ops, ok, goldenOps)
	}
	if got, err := Apply(base, unhex(goldenStored)); err != nil || !bytes.Equal(got, target) {
		t.Errorf("Apply on a stored delta = %q, %v; want %q", got, err, target)
	}
	want := "We share information with the Meta Companies.\n"
	if got, err := Gunzip(unhex(goldenGzip)); err != nil || string(got) != want {
		t.Errorf("Gunzip on a stored keyframe = %q, %v; want %q", got, err, want)
	}
}

func TestGzipRoundTrip(t *testing.T) {
	for _, body := range []string{"", "a", string(goldenBase())} {
		var d Deflater
		gz, err := d.Gzip([]byte(body))
		if err != nil {
			t.Fatal(err)
		}
		got, err := Gunzip(gz)
		if err != nil || got == nil || string(got) != body {
			t.Errorf("Gunzip(Gzip(%d bytes)) = %q, %v", len(body), got, err)
		}
	}
	if _, err := Gunzip([]byte("not gzip")); err == nil {
		t.Error("Gunzip on bytes that are not gzip succeeded")
	}
}

// FuzzDelta checks that a delta Make accepts rebuilds its target, and that
// Apply never panics on damaged ops.
func FuzzDelta(f *testing.F) {
	f.Add(goldenBase(), goldenTarget())
	f.Add([]byte("abc"), []byte("abd"))
	f.Add([]byte{}, []byte{opCopy, 0, 1})
	f.Fuzz(func(t *testing.T, base, target []byte) {
		if ops, ok := Make(base, target); ok {
			got, err := Apply(base, deflate(t, ops))
			if err != nil || !bytes.Equal(got, target) {
				t.Fatalf("Apply = %q, %v; want %q", got, err, target)
			}
		}
		// target read as ops against base: any outcome but a panic.
		if got, err := Apply(base, deflate(t, target)); err == nil && got == nil {
			t.Fatal("Apply returned neither a body nor an error")
		}
	})
}
