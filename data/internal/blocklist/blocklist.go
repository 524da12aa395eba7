// Package blocklist is the byte-level codec of versions.blocks, the stored
// form of a version's blocks. Storage keeps every distinct string (a block's
// normalized text or a heading in a block's path) once, in its texts table,
// and a version row keeps only this compact list, which names the strings
// by their texts.id. The package encodes and decodes the list without
// touching SQL: package data looks the ids up.
//
// The first byte names the encoding, so that rows written by earlier
// releases stay readable. After it comes a uvarint block count, then for
// each block:
//
//	uvarint kind      1 heading, 2 paragraph, 3 item, 4 row; 0 other,
//	                  followed by uvarint length and the kind's bytes
//	varint  level
//	uvarint path      0: the previous block's path; n+1: n texts.ids follow
//	                  (uvarint each), outermost heading first
//	varint  text      texts.id minus the previous block's texts.id
//
// Format 2, written now, stores these bytes as they are: about four a
// block, 7 KB for a 300 KB policy. Format 1, written until then, compressed
// them as a raw DEFLATE stream to about a third of that, but compressing
// was a tenth of the time of recording a version, for a saving small next
// to the version's snapshot.
package blocklist

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/clausewatch/clausewatch/data/internal/bytesreader"
	"github.com/clausewatch/clausewatch/policy"
)

// Formats, the first byte of a stored list.
const (
	formatDeflated = 1
	formatPlain    = 2
)

// maxBlocks bounds the block count read from a stored row, so that a damaged
// row cannot make the decoder allocate without limit.
const maxBlocks = 1 << 22

func kindCode(k policy.Kind) uint64 {
	switch k {
	case policy.Heading:
		return 1
	case policy.Paragraph:
		return 2
	case policy.ListItem:
		return 3
	case policy.TableRow:
		return 4
	}
	return 0
}

func codeKind(c uint64) (policy.Kind, bool) {
	switch c {
	case 1:
		return policy.Heading, true
	case 2:
		return policy.Paragraph, true
	case 3:
		return policy.ListItem, true
	case 4:
		return policy.TableRow, true
	}
	return "", false
}

// Encode encodes blocks as references to texts, in format 2. textIDs holds
// the texts.id of each block's text, by block index, and pathIDs the
// texts.id of each string in the blocks' paths; every id is positive.
func Encode(blocks []policy.Block, textIDs []int64, pathIDs map[string]int64) ([]byte, error) {
	out, err := encode(blocks, textIDs, pathIDs)
	if err != nil {
		return nil, fmt.Errorf("blocklist: encode: %w", err)
	}
	return out, nil
}

func encode(blocks []policy.Block, textIDs []int64, pathIDs map[string]int64) ([]byte, error) {
	if len(textIDs) != len(blocks) {
		return nil, fmt.Errorf("%d text ids for %d blocks", len(textIDs), len(blocks))
	}
	out := make([]byte, 0, 16+5*len(blocks))
	out = append(out, formatPlain)
	out = binary.AppendUvarint(out, uint64(len(blocks)))
	var prevPath []string
	var prevText int64
	for i, b := range blocks {
		code := kindCode(b.Kind)
		out = binary.AppendUvarint(out, code)
		if code == 0 {
			out = binary.AppendUvarint(out, uint64(len(b.Kind)))
			out = append(out, b.Kind...)
		}
		out = binary.AppendVarint(out, int64(b.Level))
		if slices.Equal(b.Path, prevPath) {
			out = binary.AppendUvarint(out, 0)
		} else {
			out = binary.AppendUvarint(out, uint64(len(b.Path))+1)
			for _, p := range b.Path {
				id, ok := pathIDs[p]
				if !ok {
					return nil, fmt.Errorf("no text id for path entry %q of block %d", p, i+1)
				}
				out = binary.AppendUvarint(out, uint64(id))
			}
		}
		prevPath = b.Path
		id := textIDs[i]
		if id <= 0 {
			return nil, fmt.Errorf("no text id for block %d", i+1)
		}
		out = binary.AppendVarint(out, id-prevText)
		prevText = id
	}
	return out, nil
}

// Ref is one stored block before its texts are read.
type Ref struct {
	Kind  policy.Kind
	Level int
	Path  int   // index into List.Paths
	Text  int64 // texts.id of the block's text
}

// List is a decoded versions.blocks value.
type List struct {
	Blocks []Ref
	// Paths are the distinct runs of paths, as texts.ids, outermost heading
	// first; Paths[0] is the empty path.
	Paths [][]int64
}

// ErrMalformed marks a stored value that is not a block list.
var ErrMalformed = errors.New("malformed block list")

// Decode parses a versions.blocks value of either format. Errors from
// damaged bytes wrap ErrMalformed.
func Decode(stored []byte) (*List, error) {
	l, err := decode(stored)
	if err != nil {
		return nil, fmt.Errorf("blocklist: decode: %w", err)
	}
	return l, nil
}

func decode(stored []byte) (*List, error) {
	if len(stored) == 0 {
		return nil, fmt.Errorf("%w: empty", ErrMalformed)
	}
	raw := stored[1:]
	switch stored[0] {
	case formatPlain:
	case formatDeflated:
		var err error
		if raw, err = io.ReadAll(flate.NewReader(bytes.NewReader(raw))); err != nil {
			return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
		}
	default:
		return nil, fmt.Errorf("%w: unknown format %d", ErrMalformed, stored[0])
	}
	r := bytesreader.New(raw)
	n := r.Uvarint()
	if r.Err() != nil || n > maxBlocks || n > uint64(len(raw)) {
		return nil, fmt.Errorf("%w: block count", ErrMalformed)
	}
	out := &List{Blocks: make([]Ref, n), Paths: [][]int64{nil}}
	path := 0
	var text int64
	for i := range out.Blocks {
		b := &out.Blocks[i]
		code := r.Uvarint()
		if code == 0 {
			b.Kind = policy.Kind(r.Bytes(r.Uvarint()))
		} else if k, ok := codeKind(code); ok {
			b.Kind = k
		} else {
			return nil, fmt.Errorf("%w: kind code %d", ErrMalformed, code)
		}
		b.Level = int(r.Varint())
		if np := r.Uvarint(); np > 0 {
			if np-1 > uint64(len(raw)) {
				return nil, fmt.Errorf("%w: path length", ErrMalformed)
			}
			p := make([]int64, np-1)
			for j := range p {
				p[j] = int64(r.Uvarint())
			}
			if len(p) == 0 {
				path = 0
			} else {
				out.Paths = append(out.Paths, p)
				path = len(out.Paths) - 1
			}
		}
		b.Path = path
		text += r.Varint()
		b.Text = text
		if r.Err() != nil {
			return nil, fmt.Errorf("%w: block %d", ErrMalformed, i+1)
		}
	}
	if r.Err() != nil || r.Len() != 0 {
		return nil, fmt.Errorf("%w: trailing bytes", ErrMalformed)
	}
	return out, nil
}
