package data

import (
	"bytes"
	"compress/flate"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/clausewatch/clausewatch/policy"
)

// A version's clauses are stored by reference: every distinct string (a
// block's normalized text or a heading in a block's path) lives once in the
// texts table, and the version row keeps only a compact list of blocks that
// names them by texts.id. A policy edited one word at a time then costs one
// new clause per version instead of a full copy of its 300 KB, and recording
// a version whose clauses are already stored is a few map lookups.
//
// Texts are never deleted, so a texts.id learned from a committed transaction
// stays valid for the life of the file; the per-handle cache relies on it.

// The first byte of versions.blocks names the encoding, so that rows
// written by earlier releases stay readable. After it comes a uvarint block
// count, then for each block:
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
const (
	blocksDeflated = 1
	blocksPlain    = 2
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

// textRefs are the texts.ids of a version's strings.
type textRefs struct {
	blocks []int64          // the id of each block's text, by block index
	paths  map[string]int64 // the id of each path entry
}

// encodeBlocks encodes blocks as references to texts, in format 2.
func encodeBlocks(blocks []policy.Block, refs textRefs) ([]byte, error) {
	textIDs, ids := refs.blocks, refs.paths
	if len(textIDs) != len(blocks) {
		return nil, fmt.Errorf("encode blocks: %d text ids for %d blocks", len(textIDs), len(blocks))
	}
	out := make([]byte, 0, 16+5*len(blocks))
	out = append(out, blocksPlain)
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
				id, ok := ids[p]
				if !ok {
					return nil, fmt.Errorf("encode blocks: no text id for path entry %q of block %d", p, i+1)
				}
				out = binary.AppendUvarint(out, uint64(id))
			}
		}
		prevPath = b.Path
		id := textIDs[i]
		if id <= 0 {
			return nil, fmt.Errorf("encode blocks: no text id for block %d", i+1)
		}
		out = binary.AppendVarint(out, id-prevText)
		prevText = id
	}
	return out, nil
}

// blockRef is one stored block before its texts are read.
type blockRef struct {
	kind  policy.Kind
	level int
	path  int // index into refList.paths
	text  int64
}

// refList is a decoded versions.blocks value.
type refList struct {
	blocks []blockRef
	paths  [][]int64 // distinct runs of paths; paths[0] is the empty path
}

var errBadBlocks = errors.New("malformed stored block list")

// decodeBlocks parses a versions.blocks value.
func decodeBlocks(stored []byte) (*refList, error) {
	if len(stored) == 0 {
		return nil, fmt.Errorf("%w: empty", errBadBlocks)
	}
	raw := stored[1:]
	switch stored[0] {
	case blocksPlain:
	case blocksDeflated:
		var err error
		if raw, err = io.ReadAll(flate.NewReader(bytes.NewReader(raw))); err != nil {
			return nil, fmt.Errorf("%w: %v", errBadBlocks, err)
		}
	default:
		return nil, fmt.Errorf("%w: unknown format %d", errBadBlocks, stored[0])
	}
	r := byteReader{b: raw}
	n := r.uvarint()
	if r.err != nil || n > maxBlocks || n > uint64(len(raw)) {
		return nil, fmt.Errorf("%w: block count", errBadBlocks)
	}
	out := &refList{blocks: make([]blockRef, n), paths: [][]int64{nil}}
	path := 0
	var text int64
	for i := range out.blocks {
		b := &out.blocks[i]
		code := r.uvarint()
		if code == 0 {
			b.kind = policy.Kind(r.bytes(r.uvarint()))
		} else if k, ok := codeKind(code); ok {
			b.kind = k
		} else {
			return nil, fmt.Errorf("%w: kind code %d", errBadBlocks, code)
		}
		b.level = int(r.varint())
		if np := r.uvarint(); np > 0 {
			if np-1 > uint64(len(raw)) {
				return nil, fmt.Errorf("%w: path length", errBadBlocks)
			}
			p := make([]int64, np-1)
			for j := range p {
				p[j] = int64(r.uvarint())
			}
			if len(p) == 0 {
				path = 0
			} else {
				out.paths = append(out.paths, p)
				path = len(out.paths) - 1
			}
		}
		b.path = path
		text += r.varint()
		b.text = text
		if r.err != nil {
			return nil, fmt.Errorf("%w: block %d", errBadBlocks, i+1)
		}
	}
	if r.err != nil || len(r.b) != 0 {
		return nil, fmt.Errorf("%w: trailing bytes", errBadBlocks)
	}
	return out, nil
}

// byteReader reads varints from a byte slice, remembering the first error so
// that callers check once.
type byteReader struct {
	b   []byte
	err error
}

func (r *byteReader) uvarint() uint64 {
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.fail()
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *byteReader) varint() int64 {
	v, n := binary.Varint(r.b)
	if n <= 0 {
		r.fail()
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *byteReader) bytes(n uint64) []byte {
	if n > uint64(len(r.b)) {
		r.fail()
		return nil
	}
	v := r.b[:n]
	r.b = r.b[n:]
	return v
}

func (r *byteReader) fail() {
	if r.err == nil {
		r.err = io.ErrUnexpectedEOF
	}
	r.b = nil
}

// resolve reads the texts a refList names and rebuilds the blocks, the
// canonical text (the normalized texts, one per line, as
// policy.Document.Canonical builds it) and the version's text ids.
func (l *refList) resolve(ctx context.Context, q queryer) ([]policy.Block, string, textRefs, error) {
	want := make([]int64, 0, len(l.blocks)+len(l.paths))
	for _, b := range l.blocks {
		want = append(want, b.text)
	}
	for _, p := range l.paths {
		want = append(want, p...)
	}
	texts, err := textsByID(ctx, q, want)
	if err != nil {
		return nil, "", textRefs{}, err
	}
	refs := textRefs{blocks: make([]int64, len(l.blocks)), paths: map[string]int64{}}
	paths := make([][]string, len(l.paths))
	for i, p := range l.paths {
		if len(p) == 0 {
			continue
		}
		ps := make([]string, len(p))
		for j, id := range p {
			ps[j] = texts[id]
			refs.paths[ps[j]] = id
		}
		paths[i] = ps
	}
	var blocks []policy.Block
	if len(l.blocks) > 0 {
		blocks = make([]policy.Block, len(l.blocks))
	}
	size := 0
	for i, r := range l.blocks {
		t := texts[r.text]
		blocks[i] = policy.Block{Kind: r.kind, Level: r.level, Path: paths[r.path], Text: t}
		refs.blocks[i] = r.text
		if t != "" {
			size += len(t) + 1
		}
	}
	var canon strings.Builder
	canon.Grow(size)
	for _, b := range blocks {
		if b.Text != "" {
			canon.WriteString(b.Text)
			canon.WriteByte('\n')
		}
	}
	return blocks, canon.String(), refs, nil
}

// textsByID reads the texts with the given ids (duplicates allowed) in one
// query, and fails if any is missing.
func textsByID(ctx context.Context, q queryer, ids []int64) (map[int64]string, error) {
	sorted := slices.Clone(ids)
	slices.Sort(sorted)
	sorted = slices.Compact(sorted)
	arg, err := json.Marshal(sorted)
	if err != nil {
		return nil, err
	}
	const query = `SELECT t.id, t.text FROM json_each(?) AS j JOIN texts AS t ON t.id = j.value`
	rows, err := q.QueryContext(ctx, query, string(arg))
	if err != nil {
		return nil, fmt.Errorf("read texts: %w", err)
	}
	defer rows.Close()
	out := make(map[int64]string, len(sorted))
	for rows.Next() {
		var id int64
		var s string
		if err := rows.Scan(&id, &s); err != nil {
			return nil, fmt.Errorf("read texts: %w", err)
		}
		out[id] = s
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read texts: %w", err)
	}
	if len(out) != len(sorted) {
		return nil, fmt.Errorf("read texts: %d of %d referenced texts are missing", len(sorted)-len(out), len(sorted))
	}
	return out, nil
}

// internTexts returns the texts.ids of the strings of blocks (texts and path
// entries), inserting the strings not stored yet. known, when set, is a
// version learned from committed data, usually the previous one: a block
// whose text known holds at about the same position, or a path entry known
// has, takes its id from there, so that only a version's new clauses reach
// SQLite, and those in one query. The next version of a document mostly
// holds the same strings in the same order, so matching by position costs a
// comparison a block, where a map would hash every 300 KB version again.
func internTexts(ctx context.Context, tx stmtQueryer, blocks []policy.Block, known *cachedVersion) (textRefs, error) {
	refs := textRefs{blocks: make([]int64, len(blocks)), paths: map[string]int64{}}
	var prior []policy.Block
	var priorRefs textRefs
	if known != nil {
		prior, priorRefs = known.v.Blocks, known.refs
	}
	var misses []string
	seen := map[string]bool{}
	miss := func(s string) {
		if !seen[s] {
			seen[s] = true
			misses = append(misses, s)
		}
	}
	off := 0 // where prior is expected to hold block i: i+off
	var prevPath []string
	for i, b := range blocks {
		if k, ok := findText(prior, i+off, b.Text); ok {
			refs.blocks[i], off = priorRefs.blocks[k], k-i
		} else {
			miss(b.Text)
		}
		if slices.Equal(b.Path, prevPath) {
			continue
		}
		prevPath = b.Path
		for _, p := range b.Path {
			if _, ok := refs.paths[p]; ok {
				continue
			}
			if id, ok := priorRefs.paths[p]; ok {
				refs.paths[p] = id
			} else {
				refs.paths[p] = 0
				miss(p)
			}
		}
	}
	if len(misses) == 0 {
		return refs, nil
	}
	ids := make(map[string]int64, len(misses))
	if err := lookUpTexts(ctx, tx, misses, ids); err != nil {
		return textRefs{}, err
	}
	for i, id := range refs.blocks {
		if id == 0 {
			refs.blocks[i] = ids[blocks[i].Text]
		}
	}
	for p, id := range refs.paths {
		if id == 0 {
			refs.paths[p] = ids[p]
		}
	}
	return refs, nil
}

// lookUpTexts sets ids[s] for each of misses, reading the stored ones in one
// query and inserting the others.
func lookUpTexts(ctx context.Context, tx stmtQueryer, misses []string, ids map[string]int64) error {
	sums := make([][]byte, len(misses))
	hexes := make([]string, len(misses))
	for i, s := range misses {
		sum := sha256.Sum256([]byte(s))
		sums[i] = sum[:]
		hexes[i] = hex.EncodeToString(sum[:])
	}
	arg, err := json.Marshal(hexes)
	if err != nil {
		return err
	}
	const lookup = `SELECT j.key, t.id FROM json_each(?) AS j JOIN texts AS t ON t.sha256 = unhex(j.value)`
	rows, err := tx.QueryContext(ctx, lookup, string(arg))
	if err != nil {
		return fmt.Errorf("look up texts: %w", err)
	}
	for rows.Next() {
		var i int
		var id int64
		if err := rows.Scan(&i, &id); err != nil {
			rows.Close()
			return fmt.Errorf("look up texts: %w", err)
		}
		if i >= 0 && i < len(misses) {
			ids[misses[i]] = id
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("look up texts: %w", err)
	}
	for i, s := range misses {
		if ids[s] != 0 {
			continue
		}
		r, err := tx.ExecContext(ctx, `INSERT INTO texts (sha256, text) VALUES (?, ?)`, sums[i], s)
		if err != nil {
			return fmt.Errorf("insert text: %w", err)
		}
		if ids[s], err = r.LastInsertId(); err != nil {
			return fmt.Errorf("insert text: %w", err)
		}
	}
	return nil
}
