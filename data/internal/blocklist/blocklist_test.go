package blocklist

import (
	"bytes"
	"compress/flate"
	"encoding/hex"
	"errors"
	"reflect"
	"slices"
	"strconv"
	"testing"

	"github.com/clausewatch/clausewatch/policy"
)

// golden is a list with every kind of block and of path change, its text
// ids and its stored forms. The stored forms were produced by this codec
// before it moved out of package data: databases hold rows written that way,
// which must read back the same, and Encode must keep writing format 2.
var golden = struct {
	blocks  []policy.Block
	textIDs []int64
	pathIDs map[string]int64
	plain   string // format 2
	flated  string // format 1
	want    *List
}{
	blocks: []policy.Block{
		{Kind: policy.Heading, Level: 1, Text: "T"},
		{Kind: policy.Paragraph, Path: []string{"T"}, Text: "P"},
		{Kind: policy.Heading, Level: 2, Path: []string{"T"}, Text: "H"},
		{Kind: policy.ListItem, Path: []string{"T", "H"}, Text: "L"},
		{Kind: policy.TableRow, Path: []string{"T", "H"}, Text: "R"},
		{Kind: "quote", Level: -1, Path: []string{"T", "H"}, Text: "P"},
		{Kind: policy.Paragraph, Text: "F"},
		{Kind: policy.Paragraph, Path: []string{"T"}, Text: "B"},
	},
	textIDs: []int64{1, 2, 3, 4, 500, 2, 7, 6},
	pathIDs: map[string]int64{"T": 1, "H": 3},
	plain:   "020801020002020002010201040002030003010302040000e007000571756f74650100e3070200010a0200020101",
	flated:  "0104c0d10980500cc5d0dcb452714fbf45d07d051779678f28c6341695b2e11bb6fbbd9e33fc2339c464050000ffff",
	want: &List{
		Blocks: []Ref{
			{Kind: policy.Heading, Level: 1, Path: 0, Text: 1},
			{Kind: policy.Paragraph, Path: 1, Text: 2},
			{Kind: policy.Heading, Level: 2, Path: 1, Text: 3},
			{Kind: policy.ListItem, Path: 2, Text: 4},
			{Kind: policy.TableRow, Path: 2, Text: 500},
			{Kind: "quote", Level: -1, Path: 2, Text: 2},
			{Kind: policy.Paragraph, Path: 0, Text: 7},
			{Kind: policy.Paragraph, Path: 3, Text: 6},
		},
		Paths: [][]int64{nil, {1}, {1, 3}, {1}},
	},
}

func unhex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestFormatIsStable(t *testing.T) {
	got, err := Encode(golden.blocks, golden.textIDs, golden.pathIDs)
	if err != nil || hex.EncodeToString(got) != golden.plain {
		t.Errorf("Encode = %x, %v; want %s", got, err, golden.plain)
	}
	for _, stored := range []string{golden.plain, golden.flated} {
		l, err := Decode(unhex(t, stored))
		if err != nil || !reflect.DeepEqual(l, golden.want) {
			t.Errorf("Decode(%s) = %+v, %v; want %+v", stored[:2], l, err, golden.want)
		}
	}
}

func TestDeflatedReadsAsPlain(t *testing.T) {
	blocks := []policy.Block{{Kind: policy.Paragraph, Text: "a"}, {Kind: "", Level: 1 << 40, Path: []string{"", "x"}, Text: "b"}}
	plain, err := Encode(blocks, []int64{9, 3}, map[string]int64{"": 4, "x": 5})
	if err != nil {
		t.Fatal(err)
	}
	var old bytes.Buffer
	old.WriteByte(formatDeflated)
	zw, _ := flate.NewWriter(&old, flate.BestSpeed)
	zw.Write(plain[1:])
	zw.Close()
	want, err := Decode(plain)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := Decode(old.Bytes()); err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("Decode in format 1 = %+v, %v; want %+v", got, err, want)
	}
}

func TestEncodeRefusesMissingIDs(t *testing.T) {
	blocks := []policy.Block{{Kind: policy.Paragraph, Path: []string{"T"}, Text: "a"}}
	tests := []struct {
		name    string
		textIDs []int64
		pathIDs map[string]int64
	}{
		{"fewer text ids than blocks", nil, map[string]int64{"T": 1}},
		{"no id for a path entry", []int64{2}, map[string]int64{}},
		{"no id for a text", []int64{0}, map[string]int64{"T": 1}},
	}
	for _, tt := range tests {
		if got, err := Encode(blocks, tt.textIDs, tt.pathIDs); err == nil {
			t.Errorf("%s: Encode = %x, want an error", tt.name, got)
		}
	}
}

func TestDecodeRefusesDamage(t *testing.T) {
	tests := []struct {
		name   string
		stored []byte
	}{
		{"empty", nil},
		{"damaged deflated blocks", []byte{0x01, 0xff}},
		{"unknown format", []byte{0x09}},
		{"damaged plain blocks", []byte{0x02, 0xff}},
		{"missing block", []byte{0x02, 0x01}},
		{"unknown kind code", []byte{0x02, 0x01, 0x07, 0x00, 0x00, 0x02}},
		{"trailing bytes", []byte{0x02, 0x00, 0x00}},
		{"block count beyond the bytes", []byte{0x02, 0x7f}},
	}
	for _, tt := range tests {
		if l, err := Decode(tt.stored); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: Decode = %+v, %v; want ErrMalformed", tt.name, l, err)
		}
	}
}

// FuzzDecode checks that Decode never panics, and that a list it accepts
// names only paths it holds and, given texts for its ids, encodes to a list
// of the same blocks.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{golden.plain, golden.flated} {
		b, err := hex.DecodeString(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte{0x02, 0x01, 0x00, 0x01, 0x05, 'q', 'u', 'o', 't', 'e', 0x00, 0x01, 0x02})
	f.Fuzz(func(t *testing.T, stored []byte) {
		l, err := Decode(stored)
		if err != nil {
			return
		}
		for i, r := range l.Blocks {
			if r.Path < 0 || r.Path >= len(l.Paths) {
				t.Fatalf("block %d names path %d of %d", i+1, r.Path, len(l.Paths))
			}
		}
		// Encoding compares each block's path with the previous one, which
		// is quadratic in what a small deflated input can claim.
		longest := 0
		for _, p := range l.Paths {
			longest = max(longest, len(p))
		}
		if len(l.Blocks)*longest > 1<<16 {
			return
		}
		paths := make([][]string, len(l.Paths))
		pathIDs := map[string]int64{}
		for i, p := range l.Paths {
			for _, id := range p {
				s := strconv.FormatInt(id, 10)
				paths[i] = append(paths[i], s)
				pathIDs[s] = id
			}
		}
		blocks := make([]policy.Block, len(l.Blocks))
		textIDs := make([]int64, len(l.Blocks))
		for i, r := range l.Blocks {
			if r.Text <= 0 {
				return // not a list Encode writes: texts.ids are positive
			}
			blocks[i] = policy.Block{Kind: r.Kind, Level: r.Level, Path: paths[r.Path]}
			textIDs[i] = r.Text
		}
		again, err := Encode(blocks, textIDs, pathIDs)
		if err != nil {
			t.Fatal(err)
		}
		l2, err := Decode(again)
		if err != nil || len(l2.Blocks) != len(l.Blocks) {
			t.Fatalf("Decode(Encode) = %+v, %v; want %d blocks", l2, err, len(l.Blocks))
		}
		for i, r := range l2.Blocks {
			want := l.Blocks[i]
			if r.Kind != want.Kind || r.Level != want.Level || r.Text != want.Text || !slices.Equal(l2.Paths[r.Path], l.Paths[want.Path]) {
				t.Fatalf("block %d: %+v (path %v) after encoding again, want %+v (path %v)", i+1, r, l2.Paths[r.Path], want, l.Paths[want.Path])
			}
		}
	})
}
