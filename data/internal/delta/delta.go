// Package delta is the byte-level codec of stored snapshot bodies. Raw
// snapshots of one document differ little from one fetch to the next, so
// storage keeps most of them as a delta against an earlier body of the same
// document: a list of copies from that body and literal bytes,
// DEFLATE-compressed. The others are keyframes, the whole body
// gzip-compressed. This package turns bodies into those bytes and back; which
// body serves as a base, and when a chain of deltas ends, is storage's
// choice, kept in package data with the SQL that reads the chain.
//
// A delta's ops, before compression, are the target length (uvarint), so
// that a damaged delta is caught, then any number of:
//
//	0 offset length   copy length bytes of the base from offset (uvarints)
//	1 length bytes    the length bytes that follow (uvarint length)
package delta

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/clausewatch/clausewatch/data/internal/bytesreader"
)

// blockLen is the length of the base slices indexed for matching; copies
// shorter than this are not found, except at the common prefix and suffix.
const blockLen = 32

// Op codes.
const (
	opCopy    = 0 // uvarint offset, uvarint length: bytes of the base
	opLiteral = 1 // uvarint length, then the bytes
)

// ErrMalformed marks a stored delta that does not rebuild a body from the
// base it is applied to: damaged bytes, or the wrong base.
var ErrMalformed = errors.New("malformed delta")

// Make returns the ops that rebuild target from base, uncompressed, or ok
// false when they would be mostly literal bytes and a keyframe is the better
// choice. Deflater.Deflate compresses them into what Apply reads.
func Make(base, target []byte) (ops []byte, ok bool) {
	ops = binary.AppendUvarint(make([]byte, 0, 64), uint64(len(target)))
	n := min(len(base), len(target))
	pre := commonPrefix(base[:n], target[:n])
	suf := commonSuffix(base[pre:], target[pre:])
	if pre > 0 {
		ops = appendCopy(ops, 0, pre)
	}
	end := len(target) - suf
	budget := len(target) / 2 // literal bytes beyond which a keyframe wins
	literal := 0
	lit := pre // start of the pending literal run
	if end-pre >= 2*blockLen && len(base) >= blockLen && len(base) < 1<<30 {
		table, shift := indexBlocks(base)
		for j := pre; j+blockLen <= end; {
			cand := table[blockHash(target[j:])>>shift]
			if cand == 0 {
				j++
				continue
			}
			i := int(cand - 1)
			if !bytes.Equal(base[i:i+blockLen], target[j:j+blockLen]) {
				j++
				continue
			}
			for j > lit && i > 0 && base[i-1] == target[j-1] {
				i--
				j--
			}
			k := blockLen + commonPrefix(base[i+blockLen:], target[j+blockLen:end])
			if j > lit {
				literal += j - lit
				ops = appendLiteral(ops, target[lit:j])
			}
			ops = appendCopy(ops, i, k)
			j += k
			lit = j
			if literal > budget {
				return nil, false
			}
		}
	}
	if end > lit {
		literal += end - lit
		ops = appendLiteral(ops, target[lit:end])
	}
	if literal > budget {
		return nil, false
	}
	if suf > 0 {
		ops = appendCopy(ops, len(base)-suf, suf)
	}
	return ops, true
}

func appendCopy(ops []byte, off, n int) []byte {
	ops = append(ops, opCopy)
	ops = binary.AppendUvarint(ops, uint64(off))
	return binary.AppendUvarint(ops, uint64(n))
}

func appendLiteral(ops, b []byte) []byte {
	ops = append(ops, opLiteral)
	ops = binary.AppendUvarint(ops, uint64(len(b)))
	return append(ops, b...)
}

// indexBlocks hashes base at every multiple of blockLen into an open table
// of positions+1 (0 is empty; a later block overwrites an earlier one with
// the same slot, which only costs a missed match). A slot is hash >> shift.
func indexBlocks(base []byte) ([]int32, uint) {
	bits := uint(8)
	for (1<<bits) < 2*len(base)/blockLen && bits < 24 {
		bits++
	}
	table := make([]int32, 1<<bits)
	shift := 64 - bits
	for i := 0; i+blockLen <= len(base); i += blockLen {
		table[blockHash(base[i:])>>shift] = int32(i + 1)
	}
	return table, shift
}

// blockHash mixes the first blockLen bytes of b; the top bits are used.
func blockHash(b []byte) uint64 {
	_ = b[blockLen-1]
	h := binary.LittleEndian.Uint64(b) * 0x9E3779B185EBCA87
	h = (h ^ binary.LittleEndian.Uint64(b[8:])) * 0xC2B2AE3D27D4EB4F
	h = (h ^ binary.LittleEndian.Uint64(b[16:])) * 0x165667B19E3779F9
	h = (h ^ binary.LittleEndian.Uint64(b[24:])) * 0x9E3779B185EBCA87
	return h ^ h>>29
}

// commonPrefix returns the length of the common prefix of a and b.
func commonPrefix(a, b []byte) int {
	n := min(len(a), len(b))
	i := 0
	for i+64 <= n && bytes.Equal(a[i:i+64], b[i:i+64]) {
		i += 64
	}
	for i < n && a[i] == b[i] {
		i++
	}
	return i
}

// commonSuffix returns the length of the common suffix of a and b.
func commonSuffix(a, b []byte) int {
	n := min(len(a), len(b))
	i := 0
	for i+64 <= n && bytes.Equal(a[len(a)-i-64:len(a)-i], b[len(b)-i-64:len(b)-i]) {
		i += 64
	}
	for i < n && a[len(a)-i-1] == b[len(b)-i-1] {
		i++
	}
	return i
}

// Apply rebuilds a body from its base and stored ops, as Deflater.Deflate
// compressed them. Errors from damaged ops wrap ErrMalformed.
func Apply(base, stored []byte) ([]byte, error) {
	out, err := apply(base, stored)
	if err != nil {
		return nil, fmt.Errorf("delta: apply: %w", err)
	}
	return out, nil
}

func apply(base, stored []byte) ([]byte, error) {
	ops, err := io.ReadAll(flate.NewReader(bytes.NewReader(stored)))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	r := bytesreader.New(ops)
	size := r.Uvarint()
	if r.Err() != nil {
		return nil, fmt.Errorf("%w: no length", ErrMalformed)
	}
	// The length is checked at the end; it only sizes the buffer here, within
	// what the ops could possibly produce.
	out := make([]byte, 0, min(size, uint64(len(base))+uint64(len(ops))))
	for r.Len() > 0 {
		switch op := r.Bytes(1)[0]; op {
		case opCopy:
			off, n := r.Uvarint(), r.Uvarint()
			if r.Err() != nil || off > uint64(len(base)) || n > uint64(len(base))-off {
				return nil, fmt.Errorf("%w: copy outside the base", ErrMalformed)
			}
			out = append(out, base[off:off+n]...)
		case opLiteral:
			b := r.Bytes(r.Uvarint())
			if r.Err() != nil {
				return nil, fmt.Errorf("%w: truncated literal", ErrMalformed)
			}
			out = append(out, b...)
		default:
			return nil, fmt.Errorf("%w: op %d", ErrMalformed, op)
		}
		if uint64(len(out)) > size {
			return nil, fmt.Errorf("%w: longer than %d bytes", ErrMalformed, size)
		}
	}
	if uint64(len(out)) != size {
		return nil, fmt.Errorf("%w: %d bytes, want %d", ErrMalformed, len(out), size)
	}
	return out, nil
}

// Deflater compresses delta ops as raw DEFLATE and keyframes as gzip,
// reusing writers: setting one up allocates about a megabyte, far more than
// compressing a few kilobytes costs. It keeps short free lists rather than
// a sync.Pool, which every garbage collection empties, and recording a 300
// KB document collects often. The zero value is ready to use; a Deflater
// must not be copied after first use.
type Deflater struct {
	mu    sync.Mutex
	free  []*flate.Writer
	gzips []*gzip.Writer
}

// maxFreeWriters bounds the writers of each kind a Deflater keeps, enough
// for the Records a check runs at once.
const maxFreeWriters = 8

// Deflate appends the compressed form of ops to dst.
func (d *Deflater) Deflate(dst *bytes.Buffer, ops []byte) error {
	if err := d.deflate(dst, ops); err != nil {
		return fmt.Errorf("delta: deflate: %w", err)
	}
	return nil
}

func (d *Deflater) deflate(dst *bytes.Buffer, b []byte) error {
	zw := take(d, &d.free)
	if zw == nil {
		var err error
		if zw, err = flate.NewWriter(dst, flate.DefaultCompression); err != nil {
			return err
		}
	} else {
		zw.Reset(dst)
	}
	if _, err := zw.Write(b); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	give(d, &d.free, zw)
	return nil
}

// Gzip compresses a keyframe. BestSpeed: a keyframe starts every chain of
// deltas and is written whenever a page changed too much for a delta, and
// the default level costs about three times as long for a quarter less.
func (d *Deflater) Gzip(body []byte) ([]byte, error) {
	var buf bytes.Buffer
	buf.Grow(len(body)/3 + 64)
	zw := take(d, &d.gzips)
	if zw == nil {
		var err error
		if zw, err = gzip.NewWriterLevel(&buf, gzip.BestSpeed); err != nil {
			return nil, fmt.Errorf("delta: gzip: %w", err)
		}
	} else {
		zw.Reset(&buf)
	}
	if _, err := zw.Write(body); err != nil {
		return nil, fmt.Errorf("delta: gzip: %w", err)
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("delta: gzip: %w", err)
	}
	give(d, &d.gzips, zw)
	return buf.Bytes(), nil
}

// take returns a writer from free, or nil when it is empty.
func take[W any](d *Deflater, free *[]*W) *W {
	d.mu.Lock()
	defer d.mu.Unlock()
	n := len(*free)
	if n == 0 {
		return nil
	}
	w := (*free)[n-1]
	*free = (*free)[:n-1]
	return w
}

// give puts w back on free unless it holds enough already.
func give[W any](d *Deflater, free *[]*W, w *W) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if len(*free) < maxFreeWriters {
		*free = append(*free, w)
	}
}

// Gunzip decompresses a keyframe. An empty body comes back empty, not nil.
func Gunzip(stored []byte) ([]byte, error) {
	body, err := gunzip(stored)
	if err != nil {
		return nil, fmt.Errorf("delta: gunzip: %w", err)
	}
	return body, nil
}

func gunzip(b []byte) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(zr)
	if err != nil {
		return nil, err
	}
	if body == nil {
		body = []byte{}
	}
	return body, nil
}
